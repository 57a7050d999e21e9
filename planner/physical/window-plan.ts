// Plans a SELECT with window functions in PostgreSQL's order: the query below the windows
// (FROM, WHERE, GROUP BY, HAVING) produces the pre-window columns with no DISTINCT, ORDER BY
// or LIMIT (a window may read every row), then Window, then the select list, then the tail.
//
//   Scan/Join/Aggregate … → Project(pre-window) → Window → Project(select list)
//     → Distinct → Sort → Limit → Project(drop hidden ORDER BY columns)
//
// Under a ranking filter from the outer query, a Window Top-N sits below the Window
// (window-top-n.ts).
import type { PhysicalPlan } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { planWindowTopN } from './window-top-n.js'

/** Builds the plan of `bound`, whose `window` is set; `planBelow` plans a window-free select. */
export function planWindowSelect(
  bound: BoundSelect,
  window: NonNullable<BoundSelect['window']>,
  planBelow: (select: BoundSelect) => PhysicalPlan,
  planTail: (select: BoundSelect, source: PhysicalPlan) => PhysicalPlan,
): PhysicalPlan {
  const { window: _window, ...windowFree } = bound
  const below: BoundSelect = {
    ...windowFree,
    fields: bound.outputs.map((expr) => ({
      name: '?column?',
      type: expr.type,
      tableOid: 0,
      columnNumber: 0,
    })),
    distinct: false,
    orderBy: [],
    limit: null,
    offset: 0,
  }
  const input =
    window.topN === undefined ? planBelow(below) : planWindowTopN(planBelow(below), window.topN)
  const windowed: PhysicalPlan = { kind: 'window', input, calls: window.calls }
  const selected: PhysicalPlan = { kind: 'project', input: windowed, exprs: window.outputs }
  return planTail({ ...windowFree, outputs: window.outputs }, selected)
}
