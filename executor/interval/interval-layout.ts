// How an interval vector holds its values: PostgreSQL's three fields packed into 16 bytes per
// row inside the variable-width binary layout that text and bytea use (offsets + data):
//
//   bytes 0..7    micros  float64 LE  (the time part; an integer, exact within ±2^53)
//   bytes 8..11   days    int32 LE
//   bytes 12..15  months  int32 LE
//
// The fields are PostgreSQL's own (struct Interval: time, day, month), kept apart because
// '1 mon', '30 days' and '720:00:00' compare equal yet print differently.
//
// Why a packing and not a fourth vector kind with three parallel typed arrays: every generic
// vector operation (filter, take, concat, scatter, worker transfer, the segment codec, spill
// of window input) already handles the binary layout, so intervals flow through all of them
// unchanged, and segments store them as ordinary binary chunks. A new kind would have to be
// taught to each of those and would leave intervals and arrays fighting over the same switch
// statements. What the packing costs: 4 bytes of offsets per row and a DataView read per
// field; kernels decode a batch into three typed arrays (IntervalColumns) and encode once, so
// the per-row work stays monomorphic. Ordering and grouping go through intervalSpanCompare,
// never through the bytes.
import { assert, type SqlType, type TextVector } from '../../common/index.js'
import { parseInterval } from './interval-text.js'

export const IntervalBytes = 16

export interface IntervalValue {
  readonly months: number
  readonly days: number
  readonly micros: number
}

/** A batch of intervals decoded into parallel arrays (values under NULL rows are zero). */
export interface IntervalColumns {
  readonly months: Int32Array
  readonly days: Int32Array
  readonly micros: Float64Array
  readonly validity: Uint8Array | null
  readonly length: number
}

const legacyDecoder = new TextDecoder()

/**
 * True for a value written before intervals were packed: segments from then hold the input
 * text. A packed value is 16 bytes whose days and months high bytes are 0x00 or 0xFF (for
 * |days|, |months| < 2^24); text of 16 characters has printable characters there.
 */
function isLegacyText(data: Uint8Array, start: number, end: number): boolean {
  const length = end - start
  if (length === 0) return false
  if (length !== IntervalBytes) return true
  const printable = (byte: number): boolean => byte >= 0x20 && byte <= 0x7e
  return printable(data[start + 11]!) && printable(data[start + 15]!)
}

function legacyValue(data: Uint8Array, start: number, end: number): IntervalValue {
  return parseInterval(legacyDecoder.decode(data.subarray(start, end)))
}

function viewOf(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength)
}

/** Reads row `row` of an interval vector. Row-at-a-time paths only. */
export function intervalAt(vector: TextVector, row: number): IntervalValue {
  const start = vector.offsets[row] ?? 0
  const end = vector.offsets[row + 1] ?? start
  if (isLegacyText(vector.data, start, end)) return legacyValue(vector.data, start, end)
  if (end - start < IntervalBytes) return { months: 0, days: 0, micros: 0 }
  const view = viewOf(vector.data)
  return {
    micros: view.getFloat64(start, true),
    days: view.getInt32(start + 8, true),
    months: view.getInt32(start + 12, true),
  }
}

/** Decodes every row of an interval vector into parallel arrays. */
export function decodeIntervals(vector: TextVector): IntervalColumns {
  const { length, offsets } = vector
  const months = new Int32Array(length)
  const days = new Int32Array(length)
  const micros = new Float64Array(length)
  const view = viewOf(vector.data)
  for (let row = 0; row < length; row++) {
    const start = offsets[row]!
    const end = offsets[row + 1]!
    if (isLegacyText(vector.data, start, end)) {
      const value = legacyValue(vector.data, start, end)
      micros[row] = value.micros
      days[row] = value.days
      months[row] = value.months
      continue
    }
    if (end - start < IntervalBytes) continue
    micros[row] = view.getFloat64(start, true)
    days[row] = view.getInt32(start + 8, true)
    months[row] = view.getInt32(start + 12, true)
  }
  return { months, days, micros, validity: vector.validity, length }
}

/** Packs parallel arrays into an interval vector (every row 16 bytes, NULL rows too). */
export function encodeIntervals(
  type: SqlType,
  months: Int32Array,
  days: Int32Array,
  micros: Float64Array,
  validity: Uint8Array | null,
): TextVector {
  const length = micros.length
  assert(months.length === length && days.length === length, 'interval fields differ in length')
  const data = new Uint8Array(length * IntervalBytes)
  const offsets = new Int32Array(length + 1)
  const view = viewOf(data)
  for (let row = 0; row < length; row++) {
    const start = row * IntervalBytes
    view.setFloat64(start, micros[row]! === 0 ? 0 : micros[row]!, true)
    view.setInt32(start + 8, days[row]!, true)
    view.setInt32(start + 12, months[row]!, true)
    offsets[row + 1] = start + IntervalBytes
  }
  return { kind: 'text', type, length, validity, offsets, data }
}

/** The 16 bytes of one interval, for builders that append row by row. */
export function intervalBytes(value: IntervalValue): Uint8Array {
  const bytes = new Uint8Array(IntervalBytes)
  const view = viewOf(bytes)
  view.setFloat64(0, value.micros === 0 ? 0 : value.micros, true)
  view.setInt32(8, value.days, true)
  view.setInt32(12, value.months, true)
  return bytes
}

/** Collects interval results row by row, then packs them once. */
export class IntervalColumnsBuilder {
  readonly months: Int32Array
  readonly days: Int32Array
  readonly micros: Float64Array
  private validity: Uint8Array | null

  constructor(
    readonly length: number,
    validity: Uint8Array | null = null,
  ) {
    this.months = new Int32Array(length)
    this.days = new Int32Array(length)
    this.micros = new Float64Array(length)
    this.validity = validity === null ? null : validity.slice()
  }

  set(row: number, value: IntervalValue): void {
    this.months[row] = value.months
    this.days[row] = value.days
    this.micros[row] = value.micros
  }

  setNull(row: number): void {
    if (this.validity === null) this.validity = new Uint8Array(this.length).fill(1)
    this.validity[row] = 0
  }

  finish(type: SqlType = 'interval'): TextVector {
    return encodeIntervals(type, this.months, this.days, this.micros, this.validity)
  }
}

const microsPerDay = 86_400_000_000

/**
 * Orders two intervals as PostgreSQL's interval_cmp: by their span with 30-day months and
 * 24-hour days. Exact: the day count and the time within the day compare separately.
 */
export function intervalSpanCompare(a: IntervalValue, b: IntervalValue): number {
  const aWhole = Math.floor(a.micros / microsPerDay)
  const bWhole = Math.floor(b.micros / microsPerDay)
  const aDays = a.months * 30 + a.days + aWhole
  const bDays = b.months * 30 + b.days + bWhole
  if (aDays !== bDays) return aDays < bDays ? -1 : 1
  const aRest = a.micros - aWhole * microsPerDay
  const bRest = b.micros - bWhole * microsPerDay
  return aRest < bRest ? -1 : aRest > bRest ? 1 : 0
}

/** The interval's span in microseconds (30-day months), for RANGE offsets and sums. */
export function intervalSpanMicros(value: IntervalValue): number {
  return (value.months * 30 + value.days) * microsPerDay + value.micros
}

// Little-endian reads without a DataView per call (the sort and min/max comparators' path).
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function readFloat64(data: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[littleEndianHost ? i : 7 - i] = data[at + i]!
  return scratch[0]!
}

function readInt32(data: Uint8Array, at: number): number {
  return data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)
}

/** An interval's span as whole days (30-day months) and microseconds within the day. */
export function spanParts(
  data: Uint8Array,
  start: number,
  end: number,
): [days: number, rest: number] {
  if (isLegacyText(data, start, end)) {
    const value = legacyValue(data, start, end)
    const whole = Math.floor(value.micros / microsPerDay)
    return [value.months * 30 + value.days + whole, value.micros - whole * microsPerDay]
  }
  if (end - start < IntervalBytes) return [0, 0]
  const micros = readFloat64(data, start)
  const whole = Math.floor(micros / microsPerDay)
  const days = readInt32(data, start + 12) * 30 + readInt32(data, start + 8) + whole
  return [days, micros - whole * microsPerDay]
}

/**
 * Orders two packed intervals given as byte ranges (the signature of compareBytes, so sort,
 * min/max and comparison kernels swap it in for interval vectors).
 */
export function compareIntervalBytes(
  aData: Uint8Array,
  aStart: number,
  aEnd: number,
  bData: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const [aDays, aRest] = spanParts(aData, aStart, aEnd)
  const [bDays, bRest] = spanParts(bData, bStart, bEnd)
  if (aDays !== bDays) return aDays < bDays ? -1 : 1
  return aRest < bRest ? -1 : aRest > bRest ? 1 : 0
}
