// Vector constructors: typed-array layouts from common/vector.ts, built without an object per
// row. TextVectorBuilder grows one byte buffer; the others wrap arrays the caller filled.
import {
  nullVector,
  assert,
  isArrayType,
  vectorKindOf,
  type BoolVector,
  type NumberVector,
  type NumericVector,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { decimalParse, decimalToString, type Decimal } from '../decimal.js'
import type { ScalarValue } from '../plan.js'
import { intervalAt, intervalBytes } from '../interval/interval-layout.js'
import { formatInterval, parseInterval } from '../interval/interval-text.js'
import { arrayScalarAt, arrayVectorFromTexts, constantArrayVector } from './array-values.js'

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()

export function makeBoolVector(
  type: SqlType,
  values: Uint8Array,
  validity: Uint8Array | null,
): BoolVector {
  return { kind: 'bool', type, length: values.length, validity, values }
}

export function makeNumberVector(
  type: SqlType,
  values: Float64Array,
  validity: Uint8Array | null,
): NumberVector {
  return { kind: 'number', type, length: values.length, validity, values }
}

export function makeNumericVector(
  type: SqlType,
  unscaled: readonly bigint[],
  scales: Uint16Array,
  validity: Uint8Array | null,
): NumericVector {
  assert(unscaled.length === scales.length, 'numeric vector unscaled and scales differ in length')
  return { kind: 'numeric', type, length: scales.length, validity, unscaled, scales }
}

/** Appends UTF-8 values row by row into one growing buffer (Arrow Utf8 layout). */
export class TextVectorBuilder {
  private data: Uint8Array
  private byteLength = 0
  private readonly offsets: Int32Array
  private validity: Uint8Array | null = null
  private row = 0

  constructor(
    private readonly type: SqlType,
    private readonly length: number,
    bytesHint = length * 16,
  ) {
    this.data = new Uint8Array(Math.max(bytesHint, 64))
    this.offsets = new Int32Array(length + 1)
  }

  private reserve(extraBytes: number): void {
    const needed = this.byteLength + extraBytes
    if (needed <= this.data.length) return
    const grown = new Uint8Array(Math.max(needed, this.data.length * 2))
    grown.set(this.data.subarray(0, this.byteLength))
    this.data = grown
  }

  private finishRow(): void {
    this.row += 1
    this.offsets[this.row] = this.byteLength
  }

  appendString(value: string): void {
    this.reserve(value.length * 3)
    const written = utf8Encoder.encodeInto(value, this.data.subarray(this.byteLength)).written
    this.byteLength += written
    this.finishRow()
  }

  appendBytes(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start)
    this.data.set(source.subarray(start, end), this.byteLength)
    this.byteLength += end - start
    this.finishRow()
  }

  /** Appends one row made of two byte ranges, end to end (the || operator). */
  appendConcatenation(
    first: Uint8Array,
    firstStart: number,
    firstEnd: number,
    second: Uint8Array,
    secondStart: number,
    secondEnd: number,
  ): void {
    this.reserve(firstEnd - firstStart + secondEnd - secondStart)
    this.data.set(first.subarray(firstStart, firstEnd), this.byteLength)
    this.byteLength += firstEnd - firstStart
    this.data.set(second.subarray(secondStart, secondEnd), this.byteLength)
    this.byteLength += secondEnd - secondStart
    this.finishRow()
  }

  appendNull(): void {
    if (this.validity === null) this.validity = new Uint8Array(this.length).fill(1)
    this.validity[this.row] = 0
    this.finishRow()
  }

  finish(): TextVector {
    assert(this.row === this.length, 'text vector builder finished before its last row')
    return {
      kind: 'text',
      type: this.type,
      length: this.length,
      validity: this.validity,
      offsets: this.offsets,
      data: this.data.subarray(0, this.byteLength),
    }
  }
}

/**
 * Builds a text-layout vector from strings (null for NULL). bytea vectors hold raw bytes;
 * their strings are hex without the \\x, as ScalarValue carries bytea. Interval vectors hold
 * packed values (interval/interval-layout.ts); their strings are interval text.
 */
export function makeTextVector(type: SqlType, values: readonly (string | null)[]): TextVector {
  const builder = new TextVectorBuilder(type, values.length)
  for (const value of values) {
    if (value === null) builder.appendNull()
    else if (type === 'bytea') {
      const bytes = Buffer.from(value, 'hex')
      builder.appendBytes(bytes, 0, bytes.length)
    } else if (type === 'interval') {
      const bytes = intervalBytes(parseInterval(value))
      builder.appendBytes(bytes, 0, bytes.length)
    } else builder.appendString(value)
  }
  return builder.finish()
}

/** Returns row `row` of a text vector as a string (bytea as hex, without the \\x; interval as text). */
export function textAt(vector: TextVector, row: number): string {
  if (vector.type === 'interval') return formatInterval(intervalAt(vector, row))
  const start = vector.offsets[row] ?? 0
  const end = vector.offsets[row + 1] ?? start
  const bytes = vector.data.subarray(start, end)
  if (vector.type === 'bytea')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
  return utf8Decoder.decode(bytes)
}

/** Returns row `row` of a numeric vector as a Decimal. */
export function decimalAt(vector: NumericVector, row: number): Decimal {
  return { unscaled: vector.unscaled[row] ?? 0n, scale: vector.scales[row] ?? 0 }
}

/** A vector of `length` NULLs. */
export function makeNullVector(type: SqlType, length: number): Vector {
  return nullVector(type, length)
}

/** A vector holding `value` in each of `length` rows (numeric values come as decimal text). */
export function makeConstantVector(value: ScalarValue, type: SqlType, length: number): Vector {
  if (value === null) return makeNullVector(type, length)
  switch (vectorKindOf(type)) {
    case 'bool':
      return makeBoolVector(type, new Uint8Array(length).fill(value === true ? 1 : 0), null)
    case 'number':
      return makeNumberVector(type, new Float64Array(length).fill(Number(value)), null)
    case 'numeric': {
      const decimal = decimalParse(String(value))
      return makeNumericVector(
        type,
        new Array<bigint>(length).fill(decimal.unscaled),
        new Uint16Array(length).fill(decimal.scale),
        null,
      )
    }
    case 'text': {
      const bytes =
        type === 'bytea'
          ? Buffer.from(String(value), 'hex')
          : type === 'interval'
            ? intervalBytes(parseInterval(String(value)))
            : utf8Encoder.encode(String(value))
      const data = new Uint8Array(bytes.length * length)
      const offsets = new Int32Array(length + 1)
      for (let row = 0; row < length; row++) offsets[row + 1] = (row + 1) * bytes.length
      if (length > 0) data.set(bytes, 0)
      for (let filled = bytes.length; filled < data.length; filled *= 2) {
        data.copyWithin(filled, 0, Math.min(filled, data.length - filled))
      }
      return { kind: 'text', type, length, validity: null, offsets, data }
    }
    case 'array':
      return constantArrayVector(type, String(value), length)
  }
}

/** Builds a vector from scalar values, as plans carry them; for VALUES rows and tests. */
export function vectorFromValues(type: SqlType, values: readonly ScalarValue[]): Vector {
  const length = values.length
  let validity: Uint8Array | null = null
  const markNull = (row: number): void => {
    if (validity === null) validity = new Uint8Array(length).fill(1)
    validity[row] = 0
  }
  switch (vectorKindOf(type)) {
    case 'bool': {
      const out = new Uint8Array(length)
      values.forEach((v, row) => (v === null ? markNull(row) : (out[row] = v === true ? 1 : 0)))
      return makeBoolVector(type, out, validity)
    }
    case 'number': {
      const out = new Float64Array(length)
      values.forEach((v, row) => (v === null ? markNull(row) : (out[row] = Number(v))))
      return makeNumberVector(type, out, validity)
    }
    case 'numeric': {
      const unscaled = new Array<bigint>(length).fill(0n)
      const scales = new Uint16Array(length)
      values.forEach((v, row) => {
        if (v === null) return markNull(row)
        const decimal = decimalParse(String(v))
        unscaled[row] = decimal.unscaled
        scales[row] = decimal.scale
      })
      return makeNumericVector(type, unscaled, scales, validity)
    }
    case 'text':
      return makeTextVector(
        type,
        values.map((v) => (v === null ? null : String(v))),
      )
    case 'array':
      assert(isArrayType(type), 'array layout for an array type')
      return arrayVectorFromTexts(
        type,
        values.map((v) => (v === null ? null : String(v))),
      )
  }
}

/** Returns row `row` as a ScalarValue (numeric as decimal text). Row-at-a-time paths only. */
export function scalarAt(vector: Vector, row: number): ScalarValue {
  if (vector.validity !== null && vector.validity[row] === 0) return null
  switch (vector.kind) {
    case 'bool':
      return vector.values[row] === 1
    case 'number':
      return vector.values[row] ?? 0
    case 'numeric':
      return decimalToString(decimalAt(vector, row))
    case 'text':
      return textAt(vector, row)
    case 'array':
      return arrayScalarAt(vector, row)
  }
}

/** Returns the same vector relabelled with another type of the same layout. */
export function withType(vector: Vector, type: SqlType): Vector {
  assert(vectorKindOf(type) === vector.kind, 'relabelled vector changes layout')
  return { ...vector, type }
}
