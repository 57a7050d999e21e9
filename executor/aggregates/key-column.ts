// Growable columnar storage for the distinct values a hash table has seen (group keys,
// DISTINCT sets), with the per-row hashing and equality the tables probe with. Values are
// compared by value as GROUP BY compares them: NULLs equal each other, text by bytes,
// 0 equals -0 and NaN equals NaN for floats, and numeric 1.0 equals 1.00.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import { isArrayType, vectorKindOf } from '../../common/index.js'
import { compareIntervalBytes, spanParts } from '../interval/interval-layout.js'
import { arrayScalarAt, arrayVectorFromTexts } from '../expr/array-values.js'

function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return mixHash(h ^ text.length)
}

const nullHash = 0x9e3779b9
const floatScratch = new Float64Array(1)
const floatWords = new Uint32Array(floatScratch.buffer)

/** Finalizes a 32-bit hash (murmur3's fmix32). */
export function mixHash(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function hashNumber(value: number): number {
  // -0 and every NaN hash as 0 and the canonical NaN, since they compare equal when grouping.
  floatScratch[0] = value === 0 ? 0 : value !== value ? NaN : value
  return mixHash(floatWords[0]! ^ mixHash(floatWords[1]! + 0x1b873593))
}

/** Strips trailing zeros so equal numeric values have one representation. */
export function normalizeDecimal(
  unscaled: bigint,
  scale: number,
): { unscaled: bigint; scale: number } {
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n
    scale--
  }
  return { unscaled, scale }
}

function hashDecimal(unscaled: bigint, scale: number): number {
  const normal = normalizeDecimal(unscaled, scale)
  const text = `${normal.unscaled}e${normal.scale}`
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return mixHash(h)
}

/**
 * Folds `vector`'s values into `hashes` (one per row); `first` starts fresh instead of
 * combining with the hashes of earlier key columns.
 */
export function hashVectorInto(vector: Vector, hashes: Uint32Array, first: boolean): void {
  const validity = vector.validity
  const length = vector.length
  // One loop per layout keeps each loop monomorphic; the hot ones are numbers and text.
  switch (vector.kind) {
    case 'number': {
      const values = vector.values
      for (let row = 0; row < length; row++) {
        const h = validity !== null && validity[row] === 0 ? nullHash : hashNumber(values[row]!)
        hashes[row] = first ? h : mixHash((Math.imul(hashes[row]!, 31) + h) | 0)
      }
      return
    }
    case 'text': {
      const { offsets, data } = vector
      const interval = vector.type === 'interval'
      for (let row = 0; row < length; row++) {
        let h: number
        if (validity !== null && validity[row] === 0) h = nullHash
        else if (interval) {
          // Intervals group by span, as interval_hash: '1 mon' and '30 days' are one group.
          const [days, rest] = spanParts(data, offsets[row]!, offsets[row + 1]!)
          h = mixHash(hashNumber(days) ^ hashNumber(rest + 0x9e37))
        } else {
          const start = offsets[row]!
          const end = offsets[row + 1]!
          h = 0x811c9dc5
          for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193)
          h = mixHash(h ^ (end - start))
        }
        hashes[row] = first ? h : mixHash((Math.imul(hashes[row]!, 31) + h) | 0)
      }
      return
    }
    case 'bool':
      for (let row = 0; row < length; row++) {
        const h =
          validity !== null && validity[row] === 0
            ? nullHash
            : vector.values[row] === 0
              ? 0x2545f491
              : 0x6b43a9b5
        hashes[row] = first ? h : mixHash((Math.imul(hashes[row]!, 31) + h) | 0)
      }
      return
    case 'numeric':
      for (let row = 0; row < length; row++) {
        const h =
          validity !== null && validity[row] === 0
            ? nullHash
            : hashDecimal(vector.unscaled[row]!, vector.scales[row]!)
        hashes[row] = first ? h : mixHash((Math.imul(hashes[row]!, 31) + h) | 0)
      }
      return
    case 'array':
      // Arrays as keys are rare: each row hashes its canonical text.
      for (let row = 0; row < length; row++) {
        const h =
          validity !== null && validity[row] === 0
            ? nullHash
            : hashString(arrayScalarAt(vector, row))
        hashes[row] = first ? h : mixHash((Math.imul(hashes[row]!, 31) + h) | 0)
      }
      return
  }
}

/** Compares two decimals by value: -1, 0 or 1. */
export function compareDecimalParts(a: bigint, aScale: number, b: bigint, bScale: number): number {
  if (aScale < bScale) a *= 10n ** BigInt(bScale - aScale)
  else if (bScale < aScale) b *= 10n ** BigInt(aScale - bScale)
  return a < b ? -1 : a > b ? 1 : 0
}

/** One column of distinct values, appended row by row from input vectors. */
export class KeyColumn {
  readonly type: SqlType
  readonly kind: Vector['kind']
  length = 0
  private capacity = 16
  private validity = new Uint8Array(16)
  private hasNull = false
  private numbers = new Float64Array(0)
  private bools = new Uint8Array(0)
  private offsets = new Int32Array(0)
  private data = new Uint8Array(0)
  private dataLength = 0
  private unscaled: bigint[] = []
  private scales = new Uint16Array(0)
  /** Array keys as their canonical text (see array-values.ts). */
  private arrayTexts: string[] = []

  constructor(type: SqlType) {
    this.type = type
    this.kind = vectorKindOf(type)
    if (this.kind === 'number') this.numbers = new Float64Array(16)
    if (this.kind === 'bool') this.bools = new Uint8Array(16)
    if (this.kind === 'text') {
      this.offsets = new Int32Array(17)
      this.data = new Uint8Array(256)
    }
    if (this.kind === 'numeric') this.scales = new Uint16Array(16)
  }

  private grow(): void {
    this.capacity *= 2
    this.validity = growTo(this.validity, this.capacity)
    if (this.kind === 'number') this.numbers = growTo(this.numbers, this.capacity)
    if (this.kind === 'bool') this.bools = growTo(this.bools, this.capacity)
    if (this.kind === 'text') this.offsets = growTo(this.offsets, this.capacity + 1)
    if (this.kind === 'numeric') this.scales = growTo(this.scales, this.capacity)
  }

  /** Appends row `row` of `vector` (which must have this column's layout). */
  append(vector: Vector, row: number): void {
    assert(vector.kind === this.kind, 'key vector layout matches its column')
    if (this.length === this.capacity) this.grow()
    const index = this.length++
    const valid = vector.validity === null || vector.validity[row] === 1
    this.validity[index] = valid ? 1 : 0
    if (!valid) this.hasNull = true
    switch (vector.kind) {
      case 'number':
        this.numbers[index] = valid ? vector.values[row]! : 0
        break
      case 'bool':
        this.bools[index] = valid ? vector.values[row]! : 0
        break
      case 'text': {
        const start = vector.offsets[row]!
        const end = valid ? vector.offsets[row + 1]! : start
        const needed = this.dataLength + (end - start)
        if (needed > this.data.length) {
          this.data = growTo(this.data, Math.max(needed, this.data.length * 2))
        }
        // Short keys copy byte by byte: a subarray per inserted key costs more than the copy.
        if (end - start <= 32) {
          const data = this.data
          const source = vector.data
          let at = this.dataLength
          for (let i = start; i < end; i++) data[at++] = source[i]!
        } else this.data.set(vector.data.subarray(start, end), this.dataLength)
        this.dataLength = needed
        this.offsets[index + 1] = needed
        break
      }
      case 'numeric':
        this.unscaled[index] = valid ? vector.unscaled[row]! : 0n
        this.scales[index] = valid ? vector.scales[row]! : 0
        break
      case 'array':
        this.arrayTexts[index] = valid ? arrayScalarAt(vector, row) : ''
        break
    }
  }

  /** True when stored value `index` equals row `row` of `vector` (NULL equals NULL). */
  equals(index: number, vector: Vector, row: number): boolean {
    const valid = vector.validity === null || vector.validity[row] === 1
    if (this.validity[index] === 0 || !valid) return this.validity[index] === 0 && !valid
    switch (vector.kind) {
      case 'number': {
        const a = this.numbers[index]!
        const b = vector.values[row]!
        return a === b || (a !== a && b !== b)
      }
      case 'bool':
        return this.bools[index] === vector.values[row]
      case 'text': {
        const start = this.offsets[index]!
        const length = this.offsets[index + 1]! - start
        const otherStart = vector.offsets[row]!
        if (vector.type === 'interval') {
          const otherEnd = vector.offsets[row + 1]!
          const end = start + length
          return (
            compareIntervalBytes(this.data, start, end, vector.data, otherStart, otherEnd) === 0
          )
        }
        if (vector.offsets[row + 1]! - otherStart !== length) return false
        const data = this.data
        const other = vector.data
        for (let i = 0; i < length; i++) if (data[start + i] !== other[otherStart + i]) return false
        return true
      }
      case 'numeric':
        return (
          compareDecimalParts(
            this.unscaled[index]!,
            this.scales[index]!,
            vector.unscaled[row]!,
            vector.scales[row]!,
          ) === 0
        )
      case 'array':
        return this.arrayTexts[index] === arrayScalarAt(vector, row)
    }
  }

  /**
   * True when stored value `index` is non-NULL and equals bytes [start, end) of `other`: the
   * single-text-key probe's comparison, without the layout switch of `equals`.
   */
  textEquals(index: number, other: Uint8Array, start: number, end: number): boolean {
    if (this.validity[index] === 0) return false
    const from = this.offsets[index]!
    const length = end - start
    if (this.offsets[index + 1]! - from !== length) return false
    const data = this.data
    for (let i = 0; i < length; i++) if (data[from + i] !== other[start + i]) return false
    return true
  }

  /** Copies the stored values out as a vector. */
  toVector(): Vector {
    const length = this.length
    const validity = this.hasNull ? this.validity.slice(0, length) : null
    const type = this.type
    switch (this.kind) {
      case 'number':
        return { kind: 'number', type, length, validity, values: this.numbers.slice(0, length) }
      case 'bool':
        return { kind: 'bool', type, length, validity, values: this.bools.slice(0, length) }
      case 'text':
        return {
          kind: 'text',
          type,
          length,
          validity,
          offsets: this.offsets.slice(0, length + 1),
          data: this.data.slice(0, this.dataLength),
        }
      case 'numeric':
        return {
          kind: 'numeric',
          type,
          length,
          validity,
          unscaled: this.unscaled.slice(0, length),
          scales: this.scales.slice(0, length),
        }
      case 'array': {
        assert(isArrayType(type), 'array keys have an array type')
        const texts = this.arrayTexts
          .slice(0, length)
          .map((t, i) => (validity?.[i] === 0 ? null : t))
        return arrayVectorFromTexts(type, texts)
      }
    }
  }
}

/** Returns a copy of `array` with room for `capacity` elements. */
type GrowableArray = Float64Array | Uint8Array | Int32Array | Uint16Array | Uint32Array

export function growTo<T extends GrowableArray>(array: T, capacity: number): T {
  const grown = new (array.constructor as new (length: number) => T)(capacity)
  grown.set(array)
  return grown
}
