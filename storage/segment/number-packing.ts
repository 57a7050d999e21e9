// Packed numbers: a chunk of integers (or of float8 values that are decimals with at most
// MaxDecimals digits after the point) stored as small unsigned integers, bit-packed:
//
//   frame of reference:  value = (base + packed × step) / 10^decimals
//   delta:               x₀ = first, xᵢ = xᵢ₋₁ + base + packedᵢ × step, value = x / 10^decimals
//
// `step` is the greatest common divisor of the offsets from `base` (times at millisecond
// precision in microseconds have step 1000). The writer picks whichever of the two needs fewer
// bits (delta wins for sorted times), and only when every value round-trips exactly (checked by
// decoding); otherwise the chunk stays plain. NULL rows are packed as their predecessor and
// decode as 0, as plain chunks store them. All arithmetic stays within safe integers.
import { assert, type NumberVector, type SqlType } from '../../common/index.js'
import { bitsFor, packBits, packedBytes } from './bit-packing.js'
import { storedLayoutOf } from './footer.js'

/** How a packed chunk's integers map back to values (kept in the chunk's footer entry). */
export interface NumberPacking {
  readonly delta: boolean
  /** Delta: the first value (scaled); frame of reference: 0. */
  readonly first: number
  /** Frame of reference: the least value; delta: the least difference (both scaled). */
  readonly base: number
  readonly step: number
  readonly bits: number
  readonly decimals: number
}

export const MaxDecimals = 6
const PackedMax = 0xffffffff
const powersOfTen = [1, 10, 100, 1000, 10000, 100000, 1000000]

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** Fewest decimals d in [from, MaxDecimals] with value × 10^d an exact integer, or -1. */
function decimalsOf(value: number, from: number): number {
  for (let d = from; d <= MaxDecimals; d++) {
    const scaled = Math.round(value * powersOfTen[d]!)
    if (Number.isSafeInteger(scaled) && Object.is(scaled / powersOfTen[d]!, value)) return d
  }
  return -1
}

interface Plan {
  readonly base: number
  readonly step: number
  readonly bits: number
}

/** The frame of reference of xs: base, step and bits, or null past 32 bits. */
function planFrame(xs: Float64Array): Plan | null {
  let min = Infinity
  let max = -Infinity
  for (const x of xs) {
    if (x < min) min = x
    if (x > max) max = x
  }
  let step = 0
  for (let i = 0; i < xs.length && step !== 1; i++) step = gcd(step, xs[i]! - min)
  if (step === 0) step = 1
  const span = (max - min) / step
  return Number.isSafeInteger(max - min) && span <= PackedMax
    ? { base: min, step, bits: bitsFor(span) }
    : null
}

function integerRangeOf(type: SqlType): readonly [number, number] {
  switch (storedLayoutOf(type)) {
    case 'int16':
      return [-32768, 32767]
    case 'int32':
      return type === 'oid' ? [0, 4294967295] : [-2147483648, 2147483647]
    default:
      return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  }
}

/** Rows [start, end) of scaled values with NULLs filled by their predecessor, or null. */
function scaledValues(vector: NumberVector, start: number, end: number) {
  const layout = storedLayoutOf(vector.type)
  if (layout !== 'int16' && layout !== 'int32' && layout !== 'int64' && layout !== 'float64')
    return null
  const { values, validity } = vector
  const present = (row: number): boolean => validity === null || validity[row] !== 0
  let decimals = 0
  if (layout !== 'float64') {
    // Values the plain encoder would reject (it raises 22003) are left to it.
    const [low, high] = integerRangeOf(vector.type)
    for (let row = start; row < end; row++) {
      const value = values[row]!
      if (present(row) && !(Number.isInteger(value) && value >= low && value <= high)) return null
    }
  } else {
    for (let row = start; row < end; row++) {
      if (!present(row)) continue
      // Most values need the decimals found so far: one check each.
      decimals = decimalsOf(values[row]!, decimals)
      if (decimals < 0) return null
    }
  }
  const scale = powersOfTen[decimals]!
  const xs = new Float64Array(end - start)
  let previous = NaN
  for (let row = start; row < end; row++) {
    if (!present(row)) continue
    previous = Math.round(values[row]! * scale)
    if (!Number.isSafeInteger(previous)) return null
    break
  }
  if (Number.isNaN(previous)) previous = 0
  for (let row = start; row < end; row++) {
    if (present(row)) previous = Math.round(values[row]! * scale)
    xs[row - start] = previous
  }
  return { xs, decimals }
}

/**
 * Rows [start, end) of a number column as packed bytes and their packing, or null when the
 * column is not integer or decimal there (or a value would not round-trip).
 */
export function packNumbers(
  vector: NumberVector,
  start: number,
  end: number,
): { bytes: Uint8Array; packing: NumberPacking } | null {
  const scaled = scaledValues(vector, start, end)
  if (scaled === null) return null
  const { xs, decimals } = scaled
  const rows = xs.length
  const frame = planFrame(xs)
  const deltas = new Float64Array(Math.max(0, rows - 1))
  let deltasSafe = true
  for (let i = 1; i < rows; i++) {
    const difference = xs[i]! - xs[i - 1]!
    deltas[i - 1] = difference
    if (difference > Number.MAX_SAFE_INTEGER || difference < -Number.MAX_SAFE_INTEGER)
      deltasSafe = false
  }
  const deltaFrame = deltasSafe ? planFrame(deltas) : null
  const delta = deltaFrame !== null && (frame === null || deltaFrame.bits < frame.bits)
  const plan = delta ? deltaFrame : frame
  if (plan === null) return null
  const packed = new Uint32Array(rows)
  if (delta) for (let i = 1; i < rows; i++) packed[i] = (deltas[i - 1]! - plan.base) / plan.step
  else for (let i = 0; i < rows; i++) packed[i] = (xs[i]! - plan.base) / plan.step
  const packing: NumberPacking = { delta, first: delta ? xs[0]! : 0, ...plan, decimals }
  const bytes = packBits(packed, rows, plan.bits)
  // The invariant the reader relies on: every present value decodes to itself.
  const decoded = unpackNumbers(bytes, packing, rows, vector.validity?.subarray(start, end) ?? null)
  for (let row = start; row < end; row++) {
    if (vector.validity !== null && vector.validity[row] === 0) continue
    if (!Object.is(decoded[row - start], vector.values[row])) return null
  }
  return { bytes, packing }
}

/** Decodes `rows` packed values; NULL rows (validity 0) decode as 0. */
export function unpackNumbers(
  bytes: Uint8Array,
  packing: NumberPacking,
  rows: number,
  validity: Uint8Array | null,
): Float64Array {
  const { delta, first, base, step, bits, decimals } = packing
  assert(bytes.length === packedBytes(rows, bits), 'packed values fill whole words')
  const words =
    bytes.byteOffset % 4 === 0
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
      : new Uint32Array(bytes.slice().buffer)
  const out = new Float64Array(rows)
  if (rows === 0) return out
  // Unpacks word by word (no position arithmetic per value), undoing the frame or the deltas
  // in the same pass; bits 32 mask with -1 and read back unsigned.
  const mask = bits === 32 ? -1 : (1 << bits) - 1
  let word = 0
  let shift = 0
  const next = (): number => {
    if (bits === 0) return 0
    let packed = words[word]! >>> shift
    const end = shift + bits
    if (end >= 32) {
      word++
      if (end > 32) packed |= words[word]! << (32 - shift)
      shift = end - 32
    } else shift = end
    return (packed & mask) >>> 0
  }
  if (delta) {
    let x = first
    out[0] = x
    next()
    for (let i = 1; i < rows; i++) {
      x += base + next() * step
      out[i] = x
    }
  } else for (let i = 0; i < rows; i++) out[i] = base + next() * step
  if (decimals > 0) {
    const scale = powersOfTen[decimals]!
    for (let i = 0; i < rows; i++) out[i] = out[i]! / scale
  }
  if (validity !== null) for (let i = 0; i < rows; i++) if (validity[i] === 0) out[i] = 0
  return out
}

/** Asserts a packing read from a footer is one the decoder can follow. */
export function assertPackingValid(packing: NumberPacking, valuesLength: number, rows: number) {
  assert(packing.bits >= 0 && packing.bits <= 32, 'packed bit width is 0..32')
  assert(Number.isSafeInteger(packing.base), 'packing base is a safe integer')
  assert(Number.isSafeInteger(packing.first), 'packing first value is a safe integer')
  assert(Number.isSafeInteger(packing.step) && packing.step >= 1, 'packing step is positive')
  assert(
    Number.isInteger(packing.decimals) && packing.decimals >= 0 && packing.decimals <= MaxDecimals,
    'packing decimals are 0..6',
  )
  assert(valuesLength === packedBytes(rows, packing.bits), 'packed values have one slot per row')
}
