// A grouped aggregate over one table's scan, split across the worker pool: the scan's
// fragments build partial states (when every aggregate can be split: a DISTINCT aggregate
// needs every value, so its scan ships rows and the coordinator aggregates in one step), the
// coordinator merges them, then HAVING and the select list's outputs.
import type { AggregateCall, Expr, PhysicalPlan, ScanPipeline } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'

export function aggregateOverScan(
  bound: BoundSelect,
  groupBy: readonly Expr[],
  aggregates: readonly AggregateCall[],
  scan: (partialAggregate: ScanPipeline['partialAggregate']) => PhysicalPlan,
): PhysicalPlan {
  const splittable = aggregates.every((a) => !a.distinct)
  const sets = bound.aggregation?.groupingSets
  const grouping = sets === undefined ? {} : { groupingSets: sets }
  let plan: PhysicalPlan = {
    kind: 'aggregate',
    mode: splittable ? 'final' : 'single',
    input: scan(splittable ? { groupBy, aggregates, ...grouping } : null),
    groupBy,
    aggregates,
    ...grouping,
  }
  if (bound.having !== null) plan = { kind: 'filter', input: plan, predicate: bound.having }
  return { kind: 'project', input: plan, exprs: bound.outputs }
}
