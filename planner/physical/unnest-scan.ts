// Unnest pushdown: a lateral unnest of one scanned table's arrays runs inside the scan
// fragment, so WHERE, GROUP BY with partial aggregation and projection run on the worker
// pool, and only partial states (or the projected rows) reach the coordinator.
//
//   SELECT u.tag, count(*) FROM t, unnest(t.tags) AS u(tag)
//   WHERE t.service = 'api' AND u.tag LIKE 'env:%' GROUP BY 1
//
//   worker, per segment                                   coordinator
//   read [service, tags] → filter(service = 'api')        Aggregate(final) → Project
//     → unnest(tags) → filter(tag LIKE 'env:%')
//     → partial aggregate | project → limit
//
// Conjuncts that read only the table's columns run before the expansion (and prune segments
// and batches as any scan filter does); the others read an element or the ordinality and run
// after it. Also the select-list form: planner/materialize/set-returning.ts rewrites
// `SELECT unnest(x) FROM t` into this lateral unnest first.
import { assert, type Field } from '../../common/index.js'
import type {
  AggregateCall,
  Expr,
  PhysicalPlan,
  ScanPlan,
  SegmentRef,
} from '../../executor/plan.js'
import type { BoundFrom } from '../bind/from-binder.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { isVirtualTable } from '../catalog/virtual-catalog.js'
import {
  collectColumns,
  columnsUsedBy,
  conjuncts,
  pruneByTime,
  remapAggregate,
  remapColumns,
} from './rules.js'
import { aggregateOverScan } from './split-aggregate.js'
import { pruneByStats } from './stats-rules.js'

type UnnestFrom = Extract<BoundFrom, { kind: 'unnest' }>
type TableFrom = Extract<BoundFrom, { kind: 'table' }>

/** `relation` when it is `table, unnest(table's arrays)` over a stored table, else null. */
export function pushableUnnest(
  relation: BoundFrom | null,
): (UnnestFrom & { readonly input: TableFrom }) | null {
  if (relation?.kind !== 'unnest') return null
  const input = relation.input
  if (input.kind !== 'table' || isVirtualTable(input.table)) return null
  return { ...relation, input }
}

function and(exprs: readonly Expr[]): Expr | null {
  if (exprs.length === 0) return null
  return exprs.reduce((all, e) => ({ kind: 'call', fn: 'and', args: [all, e], type: 'bool' }))
}

/** Sorted input indexes `exprs` read. */
function columnsRead(exprs: readonly (Expr | null)[]): number[] {
  const read = new Set<number>()
  for (const expr of exprs) collectColumns(expr, read)
  return [...read].sort((a, b) => a - b)
}

/**
 * Plans `bound` (whose relation is `pushableUnnest`) as one scan with an unnest stage, up to
 * its outputs (before DISTINCT, ORDER BY and LIMIT).
 */
export function planUnnestScan(
  bound: BoundSelect,
  relation: UnnestFrom & { readonly input: TableFrom },
  tenant: string,
  segments: readonly SegmentRef[],
): PhysicalPlan {
  const table = relation.input.table
  const width = relation.input.width
  assert(relation.offset === 0, 'the unnest is the whole FROM clause')
  const before: Expr[] = []
  const after: Expr[] = []
  for (const conjunct of conjuncts(bound.where))
    (columnsRead([conjunct]).every((i) => i < width) ? before : after).push(conjunct)
  const afterWhere = and(after)
  // Table columns the stages after the expansion read are repeated into its output.
  const consumed = columnsUsedBy({ ...bound, where: afterWhere })
  const passthrough = [...consumed].filter((i) => i < width).sort((a, b) => a - b)
  const readSet = new Set([...passthrough, ...columnsRead([...before, ...relation.arrays])])
  let read = [...readSet].sort((a, b) => a - b)
  // Constant arrays read nothing, yet each row still expands: read one column for the count.
  if (read.length === 0) read = [0]
  const scanMapping = new Map(read.map((index, position) => [index, position]))
  const columns: Field[] = read.map((index) => {
    const column = table.columns[index]
    assert(column !== undefined, 'a read column is a table column')
    return { name: column.name, type: column.type }
  })
  const outputMapping = new Map(passthrough.map((index, position) => [index, position]))
  const produced = relation.arrays.length + (relation.ordinality ? 1 : 0)
  for (let k = 0; k < produced; k++) outputMapping.set(width + k, passthrough.length + k)
  const beforeWhere = and(before)
  const timeIndex =
    table.timeColumn === null ? -1 : table.columns.findIndex((c) => c.name === table.timeColumn)
  const inTime = pruneByTime(segments, beforeWhere, timeIndex === -1 ? null : timeIndex)
  const pinned = pruneByStats(inTime, beforeWhere, table.columns)
  const scan = (stages: Pick<ScanPlan['pipeline'], 'partialAggregate' | 'project' | 'limit'>) => {
    const plan: ScanPlan = {
      kind: 'scan',
      tenant,
      table: table.name,
      columns,
      segments: pinned,
      pipeline: {
        filter: beforeWhere === null ? null : remapColumns(beforeWhere, scanMapping),
        unnest: {
          passthrough: passthrough.map((index) => scanMapping.get(index) ?? -1),
          arrays: relation.arrays.map((e) => remapColumns(e, scanMapping)),
          ordinality: relation.ordinality,
          outer: relation.outer,
          filter: afterWhere === null ? null : remapColumns(afterWhere, outputMapping),
        },
        ...stages,
      },
      pruning: {
        segmentsTotal: segments.length,
        prunedByTime: segments.length - inTime.length,
        prunedByStats: inTime.length - pinned.length,
      },
    }
    return table.timeColumn === null ? plan : { ...plan, timeColumn: table.timeColumn }
  }
  const remap = (e: Expr): Expr => remapColumns(e, outputMapping)
  if (bound.aggregation === null) {
    const pushLimit = bound.orderBy.length === 0 && !bound.distinct && bound.limit !== null
    const limit = pushLimit && bound.limit !== null ? bound.limit + bound.offset : null
    return scan({ partialAggregate: null, project: bound.outputs.map(remap), limit })
  }
  const groupBy = bound.aggregation.groupBy.map(remap)
  const aggregates = bound.aggregation.aggregates.map((a): AggregateCall =>
    remapAggregate(a, outputMapping),
  )
  return aggregateOverScan(bound, groupBy, aggregates, (partialAggregate) =>
    scan({ partialAggregate, project: null, limit: null }),
  )
}
