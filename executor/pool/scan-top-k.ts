// ORDER BY <column> LIMIT k over a scan, read best-first (the live tail: ORDER BY ts DESC
// LIMIT 100). Every value gets a rank, larger meaning "comes earlier in the output"; a range
// of values (a segment's or a batch's min/max/null count) has a best rank. Once k rows are
// in hand, the k-th best rank is a bound: a range whose best rank is below it holds no row of
// the top k (ties at the bound are still read), and ranges visited best-first can stop there.
//
//   coordinator: segments by best rank ─► one task each ─► bound = best task bound ─► stop
//   worker:      batches by best rank  ─► read, filter  ─► bound = k-th best rank  ─► stop
import type { NumberVector, Vector } from '../../common/index.js'
import type { ColumnStats } from '../../storage/api.js'
import type { ScanTopK } from '../plan.js'

/** The rank of a key value (null for NULL): larger comes first in the output. */
export function rankOf(topK: ScanTopK, value: number | null): number {
  if (value === null) return topK.nullsFirst ? Infinity : -Infinity
  return topK.descending ? value : -value
}

/** The best rank a row described by `stats` can have (Infinity when stats cannot tell). */
export function bestRankOf(topK: ScanTopK, stats: ColumnStats | undefined, rows: number): number {
  if (stats === undefined) return Infinity
  const { min, max, nullCount } = stats
  let best = -Infinity
  if (nullCount > 0) best = rankOf(topK, null)
  if (nullCount < rows) {
    const edge = topK.descending ? max : min
    if (typeof edge !== 'number' || Number.isNaN(edge)) return Infinity
    best = Math.max(best, rankOf(topK, edge))
  }
  return best
}

/** The k-th best rank among the ranks added so far, -Infinity until k were added. */
export class RankBound {
  private ranks: number[] = []
  /** Whether `ranks` is sorted best-first and at most `limit` long. */
  private compacted = true

  constructor(private readonly limit: number) {}

  /** Adds ranks computed elsewhere (rankOf). */
  addRanks(ranks: readonly number[]): void {
    for (const rank of ranks) this.ranks.push(rank)
    this.compacted = false
    if (this.ranks.length > 2 * this.limit + 1024) this.compact()
  }

  /** Adds the ranks of `vector`'s rows (a number-like key column); those below the bound go. */
  addVector(vector: Vector, topK: ScanTopK): void {
    const { values, validity } = vector as NumberVector
    const floor = this.bound
    for (let row = 0; row < vector.length; row++) {
      const rank = rankOf(
        topK,
        validity !== null && validity[row] === 0 ? null : (values[row] ?? 0),
      )
      if (rank >= floor) this.ranks.push(rank)
    }
    this.compacted = false
    if (this.ranks.length > 2 * this.limit + 1024) this.compact()
  }

  /** Keeps the best `limit` ranks, best first (a typed-array sort: no comparator calls). */
  private compact(): void {
    if (this.compacted) return
    const ascending = Float64Array.from(this.ranks).sort()
    const kept = ascending.subarray(Math.max(0, ascending.length - this.limit))
    this.ranks = Array.from(kept).reverse()
    this.compacted = true
  }

  get bound(): number {
    if (this.ranks.length < this.limit || this.limit === 0) return -Infinity
    this.compact()
    return this.ranks[this.limit - 1] ?? -Infinity
  }
}

/** The ranks of `vector`'s rows `rows`. */
export function ranksOf(vector: Vector, topK: ScanTopK, rows: Int32Array): number[] {
  const { values, validity } = vector as NumberVector
  return Array.from(rows, (row) =>
    rankOf(topK, validity !== null && validity[row] === 0 ? null : (values[row] ?? 0)),
  )
}

/** Row indexes of `vector` whose rank is at least `bound`. */
export function rowsAtLeast(vector: Vector, topK: ScanTopK, bound: number): Int32Array {
  const { values, validity } = vector as NumberVector
  const kept: number[] = []
  for (let row = 0; row < vector.length; row++) {
    const rank = rankOf(topK, validity !== null && validity[row] === 0 ? null : (values[row] ?? 0))
    if (rank >= bound) kept.push(row)
  }
  return Int32Array.from(kept)
}
