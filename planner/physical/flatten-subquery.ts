// Subquery flattening: `SELECT ... FROM (SELECT exprs FROM t [, unnest(t.x)] [WHERE p]) s`,
// where the subquery only filters and projects one stored table, is planned as one SELECT over
// the subquery's FROM, its output columns replaced by the expressions that compute them:
//
//   SELECT tag, count(*) FROM (SELECT unnest(tags) AS tag FROM logs) s GROUP BY tag
//     → SELECT u.tag, count(*) FROM logs, unnest(logs.tags) AS u(tag) GROUP BY u.tag
//
// so the outer GROUP BY runs as partial aggregates in the scan's fragments instead of over
// every row on the coordinator. PostgreSQL pulls such subqueries up too. Not flattened: an
// outer WHERE (its conjuncts could then be evaluated on rows the subquery's WHERE drops, and
// raise an error PostgreSQL would not), and subqueries whose select list calls random() (a
// column read twice would be two draws).
import { assert } from '../../common/index.js'
import type { AggregateCall, Expr } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { isVirtualTable } from '../catalog/virtual-catalog.js'
import { pushableUnnest } from './unnest-scan.js'
import { substituteColumns } from '../../executor/expr/substitute-columns.js'

/** `bound` over its FROM subquery's own FROM, or null when it cannot be flattened. */
export function flattenSubquery(bound: BoundSelect): BoundSelect | null {
  const relation = bound.relation
  if (relation?.kind !== 'subquery' || bound.where !== null) return null
  const inner = relation.select
  const scansOneTable =
    (inner.table !== null && !isVirtualTable(inner.table)) ||
    pushableUnnest(inner.relation) !== null
  const onlyFiltersAndProjects =
    inner.aggregation === null &&
    inner.window === undefined &&
    !inner.distinct &&
    inner.orderBy.length === 0 &&
    inner.limit === null &&
    inner.offset === 0 &&
    inner.outputs.length === inner.fields.length
  if (!scansOneTable || !onlyFiltersAndProjects || inner.outputs.some(callsRandom)) return null
  assert(relation.offset === 0, 'the subquery is the whole FROM clause')
  const substitute = (expr: Expr): Expr => substituteColumns(expr, inner.outputs)
  const aggregation =
    bound.aggregation === null
      ? null
      : {
          ...bound.aggregation,
          groupBy: bound.aggregation.groupBy.map(substitute),
          aggregates: bound.aggregation.aggregates.map((call): AggregateCall => ({
            ...call,
            args: call.args.map(substitute),
            filter: call.filter === null ? null : substitute(call.filter),
          })),
        }
  return {
    ...bound,
    table: inner.table,
    relation: inner.relation,
    where: inner.where,
    aggregation,
    // With aggregation the select list reads the aggregate's output, which does not change.
    outputs: bound.aggregation === null ? bound.outputs.map(substitute) : bound.outputs,
  }
}

function callsRandom(expr: Expr): boolean {
  switch (expr.kind) {
    case 'column':
    case 'literal':
      return false
    case 'call':
      return expr.fn === 'random' || expr.args.some(callsRandom)
    case 'case':
      return (
        expr.whens.some(({ when, then }) => callsRandom(when) || callsRandom(then)) ||
        (expr.otherwise !== null && callsRandom(expr.otherwise))
      )
    case 'cast':
    case 'in-list':
      return callsRandom(expr.arg)
  }
}
