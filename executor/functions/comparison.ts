// Comparison kernels (= <> < <= > >= and IS [NOT] DISTINCT FROM) for every layout. Text
// compares by UTF-8 bytes, which is code-point order: PostgreSQL's C collation. Floats
// follow PostgreSQL: NaN equals NaN and sorts above every other value.
import { makeBoolVector } from '../expr/vector-builders.js'
import { decimalCompare } from '../decimal.js'
import { assert, textDictionaryOf, type Vector } from '../../common/index.js'
import { arrayComparator } from './array-compare.js'
import { argAt, combineValidity, type Kernel } from './kernel.js'
import { compareIntervalBytes } from '../interval/interval-layout.js'
import { compareJsonbBytes } from '../json/json-compare.js'

/** Orders two doubles as PostgreSQL's float8 comparisons do. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) return 0
  const aNaN = Number.isNaN(a)
  const bNaN = Number.isNaN(b)
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1
}

/** Byte-wise order of data[aStart, aEnd) and data[bStart, bEnd): memcmp, then length. */
export function compareBytes(
  aData: Uint8Array,
  aStart: number,
  aEnd: number,
  bData: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  const common = aLength < bLength ? aLength : bLength
  for (let i = 0; i < common; i++) {
    const difference = aData[aStart + i]! - bData[bStart + i]!
    if (difference !== 0) return difference < 0 ? -1 : 1
  }
  return aLength === bLength ? 0 : aLength < bLength ? -1 : 1
}

/** Writes the sign of compare(left[row], right[row]) into `out` for rows where both are present. */
export function compareVectors(left: Vector, right: Vector, length: number, out: Int8Array): void {
  if (left.kind === 'number' && right.kind === 'number') {
    const a = left.values
    const b = right.values
    for (let row = 0; row < length; row++) {
      const x = a[row]!
      const y = b[row]!
      out[row] = x < y ? -1 : x > y ? 1 : x === y ? 0 : compareNumbers(x, y)
    }
  } else if (left.kind === 'text' && right.kind === 'text') {
    const ao = left.offsets
    const bo = right.offsets
    const compare =
      left.type === 'interval'
        ? compareIntervalBytes
        : left.type === 'jsonb'
          ? compareJsonbBytes
          : compareBytes
    for (let row = 0; row < length; row++) {
      out[row] = compare(left.data, ao[row]!, ao[row + 1]!, right.data, bo[row]!, bo[row + 1]!)
    }
  } else if (left.kind === 'bool' && right.kind === 'bool') {
    for (let row = 0; row < length; row++) out[row] = left.values[row]! - right.values[row]!
  } else if (left.kind === 'numeric' && right.kind === 'numeric') {
    for (let row = 0; row < length; row++) {
      if (left.validity !== null && left.validity[row] === 0) continue
      if (right.validity !== null && right.validity[row] === 0) continue
      out[row] = decimalCompare(
        { unscaled: left.unscaled[row]!, scale: left.scales[row]! },
        { unscaled: right.unscaled[row]!, scale: right.scales[row]! },
      )
    }
  } else if (left.kind === 'array' && right.kind === 'array') {
    const compare = arrayComparator(left, right)
    for (let row = 0; row < length; row++) {
      if (left.validity !== null && left.validity[row] === 0) continue
      if (right.validity !== null && right.validity[row] === 0) continue
      out[row] = compare(row, row)
    }
  } else {
    assert(false, 'compared vectors differ in layout')
  }
}

/** A text vector of `length` rows, each the first row of `vector` (a constant argument). */
function repeatFirst(vector: Vector, length: number): Vector {
  assert(vector.kind === 'text', 'a dictionary compares against text')
  const end = vector.offsets[1] ?? 0
  const start = vector.offsets[0] ?? 0
  const offsets = new Int32Array(length + 1)
  // Every row points at the same bytes: offsets are start, then start + width per row.
  const data = new Uint8Array((end - start) * length)
  for (let row = 0; row < length; row++) {
    data.set(vector.data.subarray(start, end), row * (end - start))
    offsets[row + 1] = (row + 1) * (end - start)
  }
  return { kind: 'text', type: vector.type, length, validity: null, offsets, data }
}

/** A comparison kernel accepting the orderings marked in `[less, equal, greater]`. */
function comparisonKernel(less: boolean, equal: boolean, greater: boolean): Kernel {
  const accept = new Uint8Array([less ? 1 : 0, equal ? 1 : 0, greater ? 1 : 0])
  return (call) => {
    const left = argAt(call, 0)
    const right = argAt(call, 1)
    const { length } = call
    const out = new Uint8Array(length)
    const dictionary = call.constantArgs[1] === true ? textDictionaryOf(left) : undefined
    if (dictionary !== undefined && length > 0) {
      // Compare each distinct value once against the constant, then map codes.
      const entries = dictionary.values.length
      const order = new Int8Array(entries)
      compareVectors(dictionary.values, repeatFirst(right, entries), entries, order)
      const entryAccept = new Uint8Array(entries)
      for (let entry = 0; entry < entries; entry++) entryAccept[entry] = accept[order[entry]! + 1]!
      const codes = dictionary.codes
      for (let row = 0; row < length; row++) out[row] = entryAccept[codes[row]!] ?? 0
      return makeBoolVector('bool', out, combineValidity(length, left, right))
    }
    const order = new Int8Array(length)
    compareVectors(left, right, length, order)
    for (let row = 0; row < length; row++) out[row] = accept[order[row]! + 1]!
    return makeBoolVector('bool', out, combineValidity(length, left, right))
  }
}

/** IS [NOT] DISTINCT FROM: NULL equals NULL, and the result is never NULL. */
function distinctKernel(distinct: boolean): Kernel {
  return (call) => {
    const left = argAt(call, 0)
    const right = argAt(call, 1)
    const { length } = call
    const order = new Int8Array(length)
    compareVectors(left, right, length, order)
    const out = new Uint8Array(length)
    for (let row = 0; row < length; row++) {
      const leftNull = left.validity !== null && left.validity[row] === 0
      const rightNull = right.validity !== null && right.validity[row] === 0
      const same = leftNull || rightNull ? leftNull === rightNull : order[row] === 0
      out[row] = same === distinct ? 0 : 1
    }
    return makeBoolVector('bool', out, null)
  }
}

export const comparisonKernels: Readonly<Record<string, Kernel>> = {
  eq: comparisonKernel(false, true, false),
  ne: comparisonKernel(true, false, true),
  lt: comparisonKernel(true, false, false),
  le: comparisonKernel(true, true, false),
  gt: comparisonKernel(false, false, true),
  ge: comparisonKernel(false, true, true),
  is_distinct_from: distinctKernel(true),
  is_not_distinct_from: distinctKernel(false),
}
