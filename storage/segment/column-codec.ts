// Turns a row range of an in-memory Vector (common/vector.ts) into one column chunk's Arrow
// buffers and back. Stored layouts: validity as an Arrow bitmap (LSB first); bool values as a
// bitmap; int2/int4/date/oid as int16/int32; int8/timestamp(tz) as int64 written as lo/hi
// int32 pairs (no BigInt per row); float4/float8 as f32/f64; text-like and bytea as Arrow Utf8
// (int32 offsets + bytes); numeric as its decimal text in the Utf8 layout; arrays as Arrow List
// (int32 offsets, then the element chunk's buffers).
import {
  PgError,
  SqlState,
  assert,
  elementTypeOf,
  isArrayType,
  type ArrayVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import {
  hasMinMax,
  storedLayoutOf,
  valueWidthOf,
  type BufferRange,
  type ChunkEncoding,
} from './footer.js'
import { packNumbers, type NumberPacking } from './number-packing.js'

export interface EncodedChunk {
  readonly raw: Uint8Array
  readonly buffers: readonly BufferRange[]
  readonly nullCount: number
  readonly min: number | string | boolean | null
  readonly max: number | string | boolean | null
  /** Absent for the plain Arrow layout; else as ChunkFooter.encoding, with its parameters. */
  readonly encoding?: ChunkEncoding
  readonly packing?: NumberPacking
  readonly hexBytes?: number
  readonly codeBits?: number
  /** A dictionary chunk's distinct values (Arrow Utf8 layout), which its token filter covers. */
  readonly entries?: { readonly offsets: Int32Array; readonly data: Uint8Array }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const TwoTo32 = 4294967296

function align8(offset: number): number {
  return Math.ceil(offset / 8) * 8
}

/** Lays buffers end to end, each at a multiple of 8 bytes. */
export function layOut(parts: readonly Uint8Array[]): { raw: Uint8Array; buffers: BufferRange[] } {
  const buffers: BufferRange[] = []
  let offset = 0
  for (const part of parts) {
    buffers.push({ offset, length: part.length })
    offset = align8(offset + part.length)
  }
  const raw = new Uint8Array(offset)
  parts.forEach((part, index) => raw.set(part, buffers[index]?.offset ?? 0))
  return { raw, buffers }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

export function encodeValidity(
  validity: Uint8Array | null,
  start: number,
  end: number,
): { bitmap: Uint8Array; nullCount: number } {
  if (validity === null) return { bitmap: new Uint8Array(0), nullCount: 0 }
  const rows = end - start
  const bitmap = new Uint8Array(Math.ceil(rows / 8))
  let nullCount = 0
  for (let row = 0; row < rows; row++) {
    if (validity[start + row] === 0) nullCount++
    else bitmap[row >> 3] = (bitmap[row >> 3] ?? 0) | (1 << (row & 7))
  }
  return nullCount === 0 ? { bitmap: new Uint8Array(0), nullCount } : { bitmap, nullCount }
}

function outOfRange(type: SqlType, value: number): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: `${type === 'int2' ? 'smallint' : type === 'int8' ? 'bigint' : 'integer'} out of range`,
    detail: `Value ${value} does not fit the column type ${type}.`,
  })
}

function encodeNumbers(vector: Vector, start: number, end: number): Uint8Array {
  assert(vector.kind === 'number', 'number-like columns hold a NumberVector')
  const { values, validity, type } = vector
  const layout = storedLayoutOf(type)
  const rows = end - start
  const present = (row: number): boolean => validity === null || validity[start + row] !== 0
  if (layout === 'float64') return bytesOf(values.slice(start, end))
  if (layout === 'float32') return bytesOf(Float32Array.from(values.subarray(start, end)))
  if (layout === 'int64') {
    const pairs = new Uint32Array(rows * 2)
    for (let row = 0; row < rows; row++) {
      if (!present(row)) continue
      const value = values[start + row] ?? 0
      if (!Number.isSafeInteger(value)) throw outOfRange(type, value)
      const high = Math.floor(value / TwoTo32)
      pairs[row * 2] = value - high * TwoTo32
      pairs[row * 2 + 1] = high >>> 0
    }
    return bytesOf(pairs)
  }
  const target = layout === 'int16' ? new Int16Array(rows) : new Int32Array(rows)
  const [low, high] =
    layout === 'int16'
      ? [-32768, 32767]
      : type === 'oid'
        ? [0, 4294967295]
        : [-2147483648, 2147483647]
  for (let row = 0; row < rows; row++) {
    if (!present(row)) continue
    const value = values[start + row] ?? 0
    if (!Number.isInteger(value) || value < low || value > high) throw outOfRange(type, value)
    target[row] = value | 0
  }
  return bytesOf(target)
}

function encodeBooleans(vector: Vector, start: number, end: number): Uint8Array {
  assert(vector.kind === 'bool', 'bool columns hold a BoolVector')
  const bitmap = new Uint8Array(Math.ceil((end - start) / 8))
  for (let row = 0; row < end - start; row++) {
    if (vector.values[start + row] !== 0)
      bitmap[row >> 3] = (bitmap[row >> 3] ?? 0) | (1 << (row & 7))
  }
  return bitmap
}

/** Renders unscaled / 10^scale as decimal text (-12.50 for -1250n, 2). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text =
    scale === 0
      ? digits
      : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  return negative ? `-${text}` : text
}

/** Parses decimal text written by formatDecimal. */
export function parseDecimal(text: string): { unscaled: bigint; scale: number } {
  const point = text.indexOf('.')
  if (point < 0) return { unscaled: BigInt(text), scale: 0 }
  return {
    unscaled: BigInt(text.slice(0, point) + text.slice(point + 1)),
    scale: text.length - point - 1,
  }
}

function encodeUtf8(
  vector: Vector,
  start: number,
  end: number,
): { offsets: Uint8Array; data: Uint8Array } {
  const rows = end - start
  if (vector.kind === 'text') {
    const base = vector.offsets[start] ?? 0
    const offsets = new Int32Array(rows + 1)
    for (let row = 0; row <= rows; row++) offsets[row] = (vector.offsets[start + row] ?? 0) - base
    const data = vector.data.slice(base, vector.offsets[end] ?? base)
    return { offsets: bytesOf(offsets), data }
  }
  assert(vector.kind === 'numeric', 'utf8 columns hold text or numeric vectors')
  const texts: Uint8Array[] = []
  const offsets = new Int32Array(rows + 1)
  let length = 0
  for (let row = 0; row < rows; row++) {
    const present = vector.validity === null || vector.validity[start + row] !== 0
    const bytes = present
      ? encoder.encode(
          formatDecimal(vector.unscaled[start + row] ?? 0n, vector.scales[start + row] ?? 0),
        )
      : new Uint8Array(0)
    texts.push(bytes)
    length += bytes.length
    offsets[row + 1] = length
  }
  const data = new Uint8Array(length)
  texts.forEach((bytes, row) => data.set(bytes, offsets[row] ?? 0))
  return { offsets: bytesOf(offsets), data }
}

/** Encodes rows [start, end) of `vector` as one plain column chunk, with its statistics. */
export function encodeChunk(vector: Vector, start: number, end: number): EncodedChunk {
  assert(start >= 0 && start < end && end <= vector.length, 'chunk range lies inside the vector')
  return encodeRange(vector, start, end)
}

/**
 * Rows [start, end) of a number column as a packed chunk (number-packing.ts), or null when
 * its values do not pack; statistics are those encodeChunk would give.
 */
export function encodePackedChunk(vector: Vector, start: number, end: number): EncodedChunk | null {
  if (vector.kind !== 'number') return null
  const packed = packNumbers(vector, start, end)
  if (packed === null) return null
  const { bitmap, nullCount } = encodeValidity(vector.validity, start, end)
  return {
    ...layOut([bitmap, packed.bytes]),
    nullCount,
    ...chunkMinMax(vector, start, end),
    encoding: 'packed',
    packing: packed.packing,
  }
}

/** Min and max of rows [start, end) of a text column, as encodeChunk gives them. */
export function textMinMax(vector: Vector, start: number, end: number): MinMax {
  assert(vector.kind === 'text', 'text statistics are of a text column')
  return chunkMinMax(vector, start, end)
}

/**
 * A list (array) chunk: validity, the arrays' offsets rebased to 0, then the buffers of the
 * element chunk holding every element of the range (which may be empty).
 */
function encodeList(vector: ArrayVector, start: number, end: number): EncodedChunk {
  const { bitmap, nullCount } = encodeValidity(vector.validity, start, end)
  const base = vector.offsets[start]!
  const offsets = new Int32Array(end - start + 1)
  for (let row = 0; row <= end - start; row++) offsets[row] = vector.offsets[start + row]! - base
  const child = encodeRange(vector.child, base, vector.offsets[end]!)
  const childParts = child.buffers.map((range) =>
    child.raw.subarray(range.offset, range.offset + range.length),
  )
  return { ...layOut([bitmap, bytesOf(offsets), ...childParts]), nullCount, min: null, max: null }
}

function encodeRange(vector: Vector, start: number, end: number): EncodedChunk {
  if (vector.kind === 'array') return encodeList(vector, start, end)
  const { bitmap, nullCount } = encodeValidity(vector.validity, start, end)
  const layout = storedLayoutOf(vector.type)
  const { min, max } = chunkMinMax(vector, start, end)
  if (layout === 'utf8') {
    const { offsets, data } = encodeUtf8(vector, start, end)
    return { ...layOut([bitmap, offsets, data]), nullCount, min, max }
  }
  const values =
    layout === 'bitmap' ? encodeBooleans(vector, start, end) : encodeNumbers(vector, start, end)
  return { ...layOut([bitmap, values]), nullCount, min, max }
}

function compareBytes(
  data: Uint8Array,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart)
  for (let index = 0; index < length; index++) {
    const difference = (data[aStart + index] ?? 0) - (data[bStart + index] ?? 0)
    if (difference !== 0) return difference
  }
  return aEnd - aStart - (bEnd - bStart)
}

type MinMax = { min: number | string | boolean | null; max: number | string | boolean | null }

/**
 * Min and max over the non-NULL rows, null when all are NULL. Numbers order as PostgreSQL
 * orders float8 (NaN above everything); text orders bytewise (the C collation); false < true.
 * Numeric bounds are float8 widened by one part in 10^15 so they never exclude a row.
 */
function chunkMinMax(vector: Vector, start: number, end: number): MinMax {
  if (!hasMinMax(vector.type) || vector.kind === 'array') return { min: null, max: null }
  const present = (row: number): boolean => vector.validity === null || vector.validity[row] !== 0
  let minRow = -1
  let maxRow = -1
  let min = Infinity
  let max = -Infinity
  let any = false
  for (let row = start; row < end; row++) {
    if (!present(row)) continue
    if (vector.kind === 'text') {
      const [from, to] = [vector.offsets[row] ?? 0, vector.offsets[row + 1] ?? 0]
      if (
        minRow < 0 ||
        compareBytes(
          vector.data,
          from,
          to,
          vector.offsets[minRow] ?? 0,
          vector.offsets[minRow + 1] ?? 0,
        ) < 0
      )
        minRow = row
      if (
        maxRow < 0 ||
        compareBytes(
          vector.data,
          from,
          to,
          vector.offsets[maxRow] ?? 0,
          vector.offsets[maxRow + 1] ?? 0,
        ) > 0
      )
        maxRow = row
      continue
    }
    const value =
      vector.kind === 'numeric'
        ? Number(formatDecimal(vector.unscaled[row] ?? 0n, vector.scales[row] ?? 0))
        : (vector.values[row] ?? 0)
    any = true
    if (Number.isNaN(value)) max = NaN
    else {
      if (value < min) min = value
      if (value > max) max = value
    }
  }
  if (vector.kind === 'text') {
    if (minRow < 0) return { min: null, max: null }
    const text = (row: number): string =>
      decoder.decode(vector.data.subarray(vector.offsets[row] ?? 0, vector.offsets[row + 1] ?? 0))
    return { min: text(minRow), max: text(maxRow) }
  }
  if (!any) return { min: null, max: null }
  if (min === Infinity && Number.isNaN(max)) min = NaN
  if (vector.kind === 'bool') return { min: min !== 0, max: max !== 0 }
  if (vector.kind === 'numeric')
    return { min: min - Math.abs(min) * 1e-15, max: max + Math.abs(max) * 1e-15 }
  // float4 stores rounded values; fround is monotonic, so rounded bounds still bound them.
  if (vector.type === 'float4') return { min: Math.fround(min), max: Math.fround(max) }
  return { min, max }
}

function copyOut(raw: Uint8Array, range: BufferRange): ArrayBuffer {
  return raw.buffer.slice(
    raw.byteOffset + range.offset,
    raw.byteOffset + range.offset + range.length,
  ) as ArrayBuffer
}

export function decodeValidity(
  raw: Uint8Array,
  range: BufferRange,
  rows: number,
): Uint8Array | null {
  if (range.length === 0) return null
  const validity = new Uint8Array(rows)
  for (let row = 0; row < rows; row++)
    validity[row] = ((raw[range.offset + (row >> 3)] ?? 0) >> (row & 7)) & 1
  return validity
}

/**
 * A view of `range` of `raw` as `width`-byte elements: no copy when the range is aligned (it
 * is whenever the chunk starts aligned, as a decompressed chunk does), else a copy.
 */
function alignedBuffer(raw: Uint8Array, range: BufferRange, width: number): [ArrayBuffer, number] {
  const start = raw.byteOffset + range.offset
  return start % width === 0 && raw.buffer instanceof ArrayBuffer
    ? [raw.buffer, start]
    : [copyOut(raw, range), 0]
}

function decodeNumbers(
  raw: Uint8Array,
  range: BufferRange,
  type: SqlType,
  rows: number,
): Float64Array {
  const layout = storedLayoutOf(type)
  assert(range.length === rows * valueWidthOf(layout), 'values buffer has one slot per row')
  // A view of the chunk's own buffer when aligned: no copy (a reply that must move it to the
  // coordinator copies it then; executor/pool/transfer.ts moves only whole buffers).
  if (layout === 'float64') {
    const [buffer, start] = alignedBuffer(raw, range, 8)
    return new Float64Array(buffer, start, rows)
  }
  const values = new Float64Array(rows)
  if (layout === 'int64') {
    const [buffer, start] = alignedBuffer(raw, range, 4)
    const pairs = new Uint32Array(buffer, start, rows * 2)
    for (let row = 0; row < rows; row++)
      values[row] = (pairs[row * 2 + 1]! | 0) * TwoTo32 + pairs[row * 2]!
    return values
  }
  const width = valueWidthOf(layout)
  const [buffer, start] = alignedBuffer(raw, range, width)
  const source =
    layout === 'int16'
      ? new Int16Array(buffer, start, rows)
      : layout === 'float32'
        ? new Float32Array(buffer, start, rows)
        : type === 'oid'
          ? new Uint32Array(buffer, start, rows)
          : new Int32Array(buffer, start, rows)
  values.set(source)
  return values
}

/** Decodes one uncompressed chunk of `rows` rows stored as `type` into a Vector. */
export function decodeChunk(
  raw: Uint8Array,
  buffers: readonly BufferRange[],
  type: SqlType,
  rows: number,
): Vector {
  const [validityRange, second, third] = buffers
  assert(
    validityRange !== undefined && second !== undefined,
    'chunk has validity and values buffers',
  )
  const validity = decodeValidity(raw, validityRange, rows)
  const layout = storedLayoutOf(type)
  if (isArrayType(type)) {
    const offsets = new Int32Array(copyOut(raw, second))
    const child = decodeChunk(raw, buffers.slice(2), elementTypeOf(type), offsets[rows]!)
    return { kind: 'array', type, length: rows, validity, offsets, child }
  }
  if (layout === 'bitmap') {
    const values = new Uint8Array(rows)
    for (let row = 0; row < rows; row++)
      values[row] = ((raw[second.offset + (row >> 3)] ?? 0) >> (row & 7)) & 1
    return { kind: 'bool', type, length: rows, validity, values }
  }
  if (layout !== 'utf8')
    return {
      kind: 'number',
      type,
      length: rows,
      validity,
      values: decodeNumbers(raw, second, type, rows),
    }
  assert(third !== undefined, 'utf8 chunk has a data buffer')
  const [offsetsBuffer, offsetsStart] = alignedBuffer(raw, second, 4)
  const offsets = new Int32Array(offsetsBuffer, offsetsStart, rows + 1)
  const data = raw.subarray(third.offset, third.offset + third.length)
  assert(offsets[rows] === data.length, 'utf8 offsets end at the data length')
  if (type !== 'numeric') return { kind: 'text', type, length: rows, validity, offsets, data }
  const unscaled: bigint[] = new Array<bigint>(rows)
  const scales = new Uint16Array(rows)
  for (let row = 0; row < rows; row++) {
    const from = offsets[row] ?? 0
    const to = offsets[row + 1] ?? 0
    if (from === to) {
      unscaled[row] = 0n
      continue
    }
    const parsed = parseDecimal(decoder.decode(data.subarray(from, to)))
    unscaled[row] = parsed.unscaled
    scales[row] = parsed.scale
  }
  return { kind: 'numeric', type, length: rows, validity, unscaled, scales }
}

/** Throws 22003 when a non-NULL value of an integer column does not fit its stored width. */
export function checkValuesFit(vector: Vector): void {
  if (vector.kind === 'array') return checkValuesFit(vector.child)
  if (vector.kind !== 'number') return
  const layout = storedLayoutOf(vector.type)
  if (layout !== 'int16' && layout !== 'int32' && layout !== 'int64') return
  const [low, high] =
    layout === 'int16'
      ? [-32768, 32767]
      : layout === 'int64'
        ? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
        : vector.type === 'oid'
          ? [0, 4294967295]
          : [-2147483648, 2147483647]
  const { values, validity } = vector
  for (let row = 0; row < vector.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const value = values[row]!
    if (!Number.isInteger(value) || value < low || value > high)
      throw outOfRange(vector.type, value)
  }
}

/** Renders a float8 as plain decimal text (no exponent), for reading it as numeric. */
export function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) return '0'
  if (Number.isInteger(value)) return BigInt(value).toString()
  const text = String(value)
  if (!text.includes('e')) return text
  return value.toFixed(100).replace(/0+$/, '')
}
