// The window top-N rewrite. A filter `rn <= k` (also `rn < k`, `rn = k`, `k >= rn`) on a FROM
// subquery's column that is a row_number(), rank() or dense_rank() keeps, per partition, only
// the first rows by the window's ORDER BY:
//
//   SELECT * FROM (SELECT s, x, row_number() OVER (PARTITION BY s ORDER BY x DESC) AS rn
//                  FROM logs) t WHERE rn <= 3
//
//   Filter(rn <= 3) → Window → Window Top-N (row_number <= 3) → Scan (window-top-n=…)
//
// Each scan fragment keeps at most about k rows per partition (a boundary row per partition
// rejects the rest before their other columns are read), the coordinator's Window Top-N
// merges them, and the Window ranks the few rows left; the filter stays above and still
// decides. Rewritten only when every window call of the subquery is a ranking function over
// the same PARTITION BY and ORDER BY (the kept rows then hold every row ranked before a kept
// one, so the ranks are exact), and the subquery has no DISTINCT, ORDER BY or LIMIT of its
// own. The filter's other conjuncts stay above the Window, as PostgreSQL keeps them.
import type { Expr, PartitionTopK, PhysicalPlan, WindowCall } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'

const rankingFunctions: ReadonlySet<string> = new Set(['row_number', 'rank', 'dense_rank'])

type Comparison = 'le' | 'lt' | 'eq' | 'ge' | 'gt'

const flipped: Readonly<Record<Comparison, Comparison>> = {
  le: 'ge',
  lt: 'gt',
  eq: 'eq',
  ge: 'le',
  gt: 'lt',
}

/** `column <= k` and its spellings as (input column, largest rank kept), else undefined. */
function rankLimitOf(conjunct: Expr): { column: number; limit: number } | undefined {
  if (conjunct.kind !== 'call' || !(conjunct.fn in flipped)) return undefined
  const [left, right] = conjunct.args
  if (left === undefined || right === undefined) return undefined
  let op = conjunct.fn as Comparison
  let column: Expr = left
  let constant: Expr = right
  if (right.kind === 'column') {
    ;[column, constant] = [right, left]
    op = flipped[op]
  }
  if (column.kind !== 'column' || constant.kind !== 'literal') return undefined
  const value = constant.value
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  switch (op) {
    case 'le':
      return { column: column.index, limit: Math.max(0, Math.floor(value)) }
    case 'lt':
      return { column: column.index, limit: Math.max(0, Math.ceil(value) - 1) }
    case 'eq':
      return { column: column.index, limit: Number.isInteger(value) ? Math.max(0, value) : 0 }
    default:
      return undefined
  }
}

const sameWindow = (a: WindowCall, b: WindowCall): boolean =>
  JSON.stringify([a.partitionBy, a.orderBy]) === JSON.stringify([b.partitionBy, b.orderBy])

/**
 * `select` (a FROM subquery whose columns start at input column `offset`) with its window's
 * top-N set when one of `filters` (input-space conjuncts applied to its rows) allows it.
 */
export function withWindowTopN(
  select: BoundSelect,
  filters: readonly Expr[],
  offset: number,
): BoundSelect {
  const window = select.window
  if (window === undefined || window.topN !== undefined) return select
  if (select.distinct || select.orderBy.length > 0 || select.limit !== null || select.offset > 0)
    return select
  const first = window.calls[0]
  const ranking = (call: WindowCall): boolean =>
    rankingFunctions.has(call.fn) && first !== undefined && sameWindow(call, first)
  if (first === undefined || !window.calls.every(ranking)) return select
  const preWindow = select.outputs.length
  let topN: PartitionTopK | undefined
  for (const filter of filters) {
    const bound = rankLimitOf(filter)
    if (bound === undefined) continue
    const output = window.outputs[bound.column - offset]
    if (bound.column < offset || output?.kind !== 'column' || output.index < preWindow) continue
    const call = window.calls[output.index - preWindow]
    if (call === undefined || (topN !== undefined && topN.limit <= bound.limit)) continue
    const fn = call.fn as PartitionTopK['fn']
    topN = { partitionBy: call.partitionBy, orderBy: call.orderBy, limit: bound.limit, fn }
  }
  return topN === undefined ? select : { ...select, window: { ...window, topN } }
}

/** `below` (the Window's input) reduced by `topN`: in the scan's fragments too when it is one. */
export function planWindowTopN(below: PhysicalPlan, topN: PartitionTopK): PhysicalPlan {
  const pushable =
    below.kind === 'scan' &&
    below.pipeline.partialAggregate === null &&
    below.pipeline.unnest === undefined &&
    below.pipeline.topK === undefined &&
    below.pipeline.limit === null
  const input: PhysicalPlan = pushable
    ? { ...below, pipeline: { ...below.pipeline, partitionTopK: topN } }
    : below
  return { kind: 'partition-top-k', input, topK: topN }
}
