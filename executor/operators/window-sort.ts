// The Window operator's sort by (PARTITION BY, ORDER BY) without a comparator call per pair:
// every key becomes unsigned integer digits that order as the key does, and a stable LSD
// radix sort (16-bit digits, passes whose digit never varies skipped) permutes the row
// indexes, ties keeping input order as the comparator sort did.
//
//   PARTITION BY keys → one dense id per distinct key tuple (GroupTable): rows leave in input
//                       order, so partitions need grouping, not PostgreSQL's order
//   number key        → its float64 bits made order-preserving (-0 = 0, one NaN above all)
//   other keys        → the rank of the row's value among the distinct values (GroupTable
//                       ids, the few distinct values sorted with the sort operator's order)
//   NULLs             → a digit of their own per key: first or last, all peers
import type { SqlType, Vector } from '../../common/index.js'
import { GroupTable } from '../aggregates/group-table.js'
import type { Expr, SortKey } from '../plan.js'
import { keyComparator } from './sort.js'

/** One ORDER BY key as digits: `hi`, `lo` (row → unsigned 32 bits each), NULL placement. */
interface KeyDigits {
  readonly hi: Uint32Array | null
  readonly lo: Uint32Array
  /** Row → 0 or 1, the NULL rows' place; null when the key has no NULL. */
  readonly nulls: Uint32Array | null
}

export interface WindowSort {
  /** Sorted position → input row. */
  readonly order: Int32Array
  /** Sorted position → 1 where a partition starts, else 0. */
  readonly partitionStarts: Uint8Array
  /** Sorted position → 1 where a peer group (rows equal on every ORDER BY key) starts. */
  readonly peerStarts: Uint8Array
}

const float = new Float64Array(1)
const words = new Uint32Array(float.buffer)

/** A number key's digits: IEEE bits flipped so unsigned order is numeric order. */
function numberDigits(
  values: Float64Array,
  valid: Uint8Array | null,
  descending: boolean,
): KeyDigits {
  const length = values.length
  const hi = new Uint32Array(length)
  const lo = new Uint32Array(length)
  const flip = descending ? 0xffffffff : 0
  for (let row = 0; row < length; row++) {
    if (valid !== null && valid[row] === 0) continue
    const value = values[row]!
    float[0] = value === 0 ? 0 : value !== value ? NaN : value
    let high = words[1]!
    let low = words[0]!
    if (high >>> 31 === 1) {
      high = ~high
      low = ~low
    } else high |= 0x80000000
    hi[row] = (high ^ flip) >>> 0
    lo[row] = (low ^ flip) >>> 0
  }
  return { hi, lo, nulls: null }
}

/** Any key's digits: the rank of each row's value among the key's distinct values. */
function rankDigits(vector: Vector, length: number, descending: boolean): KeyDigits {
  const table = new GroupTable([vector.type as SqlType])
  const ids = table.findOrInsert([vector], length)
  const count = table.groupCount
  const first = new Int32Array(count).fill(-1)
  for (let row = 0; row < length; row++) if (first[ids[row]!]! < 0) first[ids[row]!] = row
  const expr: Expr = { kind: 'literal', value: null, type: vector.type }
  const compare = keyComparator([{ expr, descending, nullsFirst: false }], [vector])
  const distinct = Int32Array.from(first).sort(compare)
  // Values the hash tells apart but the order does not (none, usually) share a rank.
  const rankOf = new Uint32Array(count)
  let rank = 0
  for (let i = 0; i < distinct.length; i++) {
    if (i > 0 && compare(distinct[i - 1]!, distinct[i]!) !== 0) rank++
    rankOf[ids[distinct[i]!]!] = rank
  }
  const lo = new Uint32Array(length)
  for (let row = 0; row < length; row++) lo[row] = rankOf[ids[row]!]!
  return { hi: null, lo, nulls: null }
}

function keyDigits(vector: Vector, key: SortKey): KeyDigits {
  const { validity } = vector
  const digits =
    vector.kind === 'number'
      ? numberDigits(vector.values, validity, key.descending)
      : rankDigits(vector, vector.length, key.descending)
  if (validity === null || validity.indexOf(0) < 0) return digits
  // NULL rows: one value (all peers), placed by their own digit.
  const nulls = new Uint32Array(vector.length)
  const nullDigit = key.nullsFirst ? 0 : 1
  for (let row = 0; row < vector.length; row++) {
    if (validity[row] === 0) {
      nulls[row] = nullDigit
      digits.lo[row] = 0
      if (digits.hi !== null) digits.hi[row] = 0
    } else nulls[row] = 1 - nullDigit
  }
  return { ...digits, nulls }
}

/**
 * One stable counting pass of `order` into `scratch` by the 16-bit digit `(source[row] >>>
 * shift) & 0xffff`, the digits gathered once into `digits` (sequential after one random
 * read per row); false (nothing moved) when every row has the same digit.
 */
function radixPass(
  order: Int32Array,
  scratch: Int32Array,
  counts: Uint32Array,
  digits: Uint32Array,
  source: Uint32Array,
  shift: number,
): boolean {
  counts.fill(0)
  const length = order.length
  for (let i = 0; i < length; i++) {
    const digit = (source[order[i]!]! >>> shift) & 0xffff
    digits[i] = digit
    counts[digit]!++
  }
  if (counts[digits[0]!] === length) return false
  let sum = 0
  for (let d = 0; d < counts.length; d++) {
    const count = counts[d]!
    counts[d] = sum
    sum += count
  }
  for (let i = 0; i < length; i++) scratch[counts[digits[i]!]!++] = order[i]!
  return true
}

/** Marks sorted positions where `source` changes from the previous position. */
function markChanges(order: Int32Array, source: Uint32Array, into: Uint8Array): void {
  let previous = source[order[0]!]!
  for (let i = 1; i < order.length; i++) {
    const value = source[order[i]!]!
    if (value !== previous) into[i] = 1
    previous = value
  }
}

/**
 * Sorts `length` rows by their partition key vectors (grouped) then `orderBy` (over
 * `orderVectors`), stable.
 */
export function sortForWindow(
  partitionVectors: readonly Vector[],
  orderBy: readonly SortKey[],
  orderVectors: readonly Vector[],
  length: number,
): WindowSort {
  let order = new Int32Array(length)
  for (let row = 0; row < length; row++) order[row] = row
  const ids =
    partitionVectors.length === 0
      ? null
      : new GroupTable(partitionVectors.map((vector) => vector.type)).findOrInsert(
          partitionVectors,
          length,
        )
  const partitions = ids === null ? null : new Uint32Array(ids.buffer, ids.byteOffset, ids.length)
  const keys = orderBy.map((key, index) => keyDigits(orderVectors[index]!, key))
  if (length > 1) {
    let scratch = new Int32Array(length)
    const counts = new Uint32Array(1 << 16)
    const digits = new Uint32Array(length)
    const pass = (source: Uint32Array, shift: number): void => {
      if (!radixPass(order, scratch, counts, digits, source, shift)) return
      ;[order, scratch] = [scratch, order]
    }
    // Least significant first: the last ORDER BY key's low bits, ..., the partition id.
    for (let k = keys.length - 1; k >= 0; k--) {
      const { hi, lo, nulls } = keys[k]!
      pass(lo, 0)
      pass(lo, 16)
      if (hi !== null) {
        pass(hi, 0)
        pass(hi, 16)
      }
      if (nulls !== null) pass(nulls, 0)
    }
    if (partitions !== null) {
      pass(partitions, 0)
      pass(partitions, 16)
    }
  }
  // Sorted position → 1 where a partition / a peer group starts (position 0 always does).
  const partitionStarts = new Uint8Array(length)
  if (length > 0) partitionStarts[0] = 1
  if (partitions !== null && length > 0) markChanges(order, partitions, partitionStarts)
  const peerStarts = partitionStarts.slice()
  if (length > 0) {
    for (const { hi, lo, nulls } of keys) {
      markChanges(order, lo, peerStarts)
      if (hi !== null) markChanges(order, hi, peerStarts)
      if (nulls !== null) markChanges(order, nulls, peerStarts)
    }
  }
  return { order, partitionStarts, peerStarts }
}
