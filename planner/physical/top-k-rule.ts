// The top-k rule: `ORDER BY c [DESC] LIMIT k` over one table, where c is a plain column of a
// type without NaN (the time column, typically), becomes a scan that reads segments and
// batches best-first and stops once k rows beat everything unread (executor/pool/
// scan-top-k.ts). The Sort above stays and orders the few rows the scan returns.
import type { ScanTopK, SegmentRef } from '../../executor/plan.js'
import { bestRankOf } from '../../executor/pool/scan-top-k.js'
import type { SqlType } from '../../common/index.js'
import type { BoundSelect } from '../bind/select-binder.js'

const rankableTypes: ReadonlySet<SqlType> = new Set<SqlType>([
  'timestamptz',
  'timestamp',
  'date',
  'int2',
  'int4',
  'int8',
])

/**
 * The scan top-k of a non-aggregating `bound`, or undefined when its leading sort key is not
 * a rankable input column; `mapping` takes input column indexes to scan column indexes.
 */
export function scanTopKOf(
  bound: BoundSelect,
  mapping: ReadonlyMap<number, number>,
): ScanTopK | undefined {
  const key = bound.orderBy[0]
  if (bound.limit === null || bound.distinct || bound.aggregation !== null || key === undefined)
    return undefined
  const limit = bound.limit + bound.offset
  if (limit <= 0 || key.expr.kind !== 'column') return undefined
  const output = bound.outputs[key.expr.index]
  if (output?.kind !== 'column' || !rankableTypes.has(output.type)) return undefined
  const column = mapping.get(output.index)
  if (column === undefined) return undefined
  return { column, descending: key.descending, nullsFirst: key.nullsFirst, limit }
}

/** `segments` best-first for `topK` over the column named `name` (stable). */
export function orderSegmentsForTopK(
  segments: readonly SegmentRef[],
  topK: ScanTopK,
  name: string,
): SegmentRef[] {
  const best = (segment: SegmentRef): number =>
    bestRankOf(
      topK,
      segment.columns?.find((stats) => stats.name === name),
      segment.rows,
    )
  return segments
    .map((segment, index) => ({ segment, index, rank: best(segment) }))
    .sort((a, b) => b.rank - a.rank || a.index - b.index)
    .map(({ segment }) => segment)
}
