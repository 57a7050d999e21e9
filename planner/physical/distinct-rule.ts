// DISTINCT aggregates in two phases. `SELECT k, count(DISTINCT x) ... GROUP BY k` cannot ship
// partial states (they would carry the value sets), so it used to move every scanned row to
// the coordinator. When every aggregate is DISTINCT over the same one argument, without
// FILTER, the workers dedupe (k, x) pairs instead, the coordinator merges the pairs, and the
// aggregates run plainly over distinct pairs, where count(DISTINCT x) = count(x):
//
//   worker: scan → group by (k, x)  ──►  Aggregate(final, group by k, x)
//                                          ──►  Aggregate(single, group by k: count(x) ...)
import type { AggregateCall, AggregatePlan, Expr, ScanPipeline } from '../../executor/plan.js'

const pairableFunctions: ReadonlySet<string> = new Set(['count', 'sum', 'avg', 'min', 'max'])

/**
 * The two-phase plan of `aggregates` grouped by `groupBy` over a scan made by `scan`, or
 * null when some aggregate is not DISTINCT over the one shared argument.
 */
export function distinctPairsPlan(
  groupBy: readonly Expr[],
  aggregates: readonly AggregateCall[],
  filter: Expr | null,
  scan: (pipeline: ScanPipeline) => AggregatePlan['input'],
): AggregatePlan | null {
  const arg = aggregates[0]?.args[0]
  if (arg === undefined) return null
  const shared = JSON.stringify(arg)
  const pairable = aggregates.every(
    (call) =>
      call.distinct &&
      call.filter === null &&
      call.args.length === 1 &&
      pairableFunctions.has(call.fn) &&
      JSON.stringify(call.args[0]) === shared,
  )
  if (!pairable) return null
  const pairKeys = [...groupBy, arg]
  const input = scan({
    filter,
    partialAggregate: { groupBy: pairKeys, aggregates: [] },
    project: null,
    limit: null,
  })
  const pairs: AggregatePlan = {
    kind: 'aggregate',
    mode: 'final',
    input,
    groupBy: pairKeys,
    aggregates: [],
  }
  const keyRefs: Expr[] = groupBy.map((key, index) => ({ kind: 'column', index, type: key.type }))
  const argRef: Expr = { kind: 'column', index: groupBy.length, type: arg.type }
  return {
    kind: 'aggregate',
    mode: 'single',
    input: pairs,
    groupBy: keyRefs,
    aggregates: aggregates.map((call) => ({ ...call, distinct: false, args: [argRef] })),
  }
}
