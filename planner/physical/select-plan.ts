// Cuts a bound SELECT into the physical plan: a scan fragment per segment (filter, partial
// aggregate or projection, limit) and the coordinator operators above it.
//
//   worker, per segment                     coordinator
//   read referenced columns → filter →      Aggregate(final) → Filter(HAVING) → Project
//     partial aggregate                       → Distinct → Sort(top-k) → Limit → Project(drop
//   | read → filter → project → limit           hidden ORDER BY columns)
//
// DISTINCT aggregates run in mode 'single' over the scanned rows: their partial states would
// have to carry the value sets. Segments are pruned by time, then by column statistics
// (stats-rules.ts); an ungrouped count/min/max that statistics answer exactly becomes a
// one-row Batches leaf, and the scan never runs. `FROM t, unnest(t.arrays)` is one scan too,
// the unnest inside its fragment (unnest-scan.ts); a FROM subquery that only filters and
// projects one table is flattened into its outer query first (flatten-subquery.ts).
import { assert, type Field } from '../../common/index.js'
import type { Expr, GroupTopK, PhysicalPlan, ScanPlan, SegmentRef } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { isVirtualTable, virtualTablePlan } from '../catalog/virtual-catalog.js'
import { planRelationSelect, type SegmentsOf } from './join-plan.js'
import { flattenSubquery } from './flatten-subquery.js'
import { columnsUsedBy, pruneByTime, remapAggregate, remapColumns } from './rules.js'
import { aggregateOverScan } from './split-aggregate.js'
import { answerFromMetadata, pruneByStats } from './stats-rules.js'
import { orderSegmentsForTopK, scanTopKOf } from './top-k-rule.js'
import { planUnnestScan, pushableUnnest } from './unnest-scan.js'
import { planWindowSelect } from './window-plan.js'

/** Builds the physical plan of `bound`; `segments` are the table's pinned segments. */
export function planSelect(
  bound: BoundSelect,
  tenant: string,
  segmentsOf: SegmentsOf,
): PhysicalPlan {
  const planSubquery = (select: BoundSelect): PhysicalPlan => planSelect(select, tenant, segmentsOf)
  const flattened = flattenSubquery(bound)
  if (flattened !== null) return planSubquery(flattened)
  if (bound.window !== undefined)
    return planWindowSelect(bound, bound.window, planSubquery, planTail)
  const segments = bound.table === null ? [] : segmentsOf(bound.table.name)
  const unnest = pushableUnnest(bound.relation)
  const source =
    unnest !== null
      ? planUnnestScan(bound, unnest, tenant, segmentsOf(unnest.input.table.name))
      : bound.relation !== null
        ? planRelationSelect(bound, bound.relation, tenant, segmentsOf, planSubquery)
        : bound.table === null
          ? planWithoutTable(bound)
          : isVirtualTable(bound.table)
            ? planOverRows(bound, virtualTablePlan(bound.table))
            : planTable(bound, tenant, segments)
  return planTail(bound, source)
}

/** SELECT without FROM: one row of constants, or an empty row for WHERE and aggregates to run over. */
function planWithoutTable(bound: BoundSelect): PhysicalPlan {
  const fields = outputFields(bound)
  if (bound.where === null && bound.aggregation === null)
    return { kind: 'values', fields, rows: [bound.outputs] }
  let plan: PhysicalPlan = { kind: 'values', fields: [], rows: [[]] }
  if (bound.where !== null) plan = { kind: 'filter', input: plan, predicate: bound.where }
  if (bound.aggregation !== null) {
    plan = { kind: 'aggregate', mode: 'single', input: plan, ...bound.aggregation }
    if (bound.having !== null) plan = { kind: 'filter', input: plan, predicate: bound.having }
  }
  return { kind: 'project', input: plan, exprs: bound.outputs }
}

/** A catalog relation's rows, already in memory: filter, aggregate and project on the coordinator. */
function planOverRows(bound: BoundSelect, rows: PhysicalPlan): PhysicalPlan {
  let plan = rows
  if (bound.where !== null) plan = { kind: 'filter', input: plan, predicate: bound.where }
  if (bound.aggregation !== null) {
    plan = { kind: 'aggregate', mode: 'single', input: plan, ...bound.aggregation }
    if (bound.having !== null) plan = { kind: 'filter', input: plan, predicate: bound.having }
  }
  return { kind: 'project', input: plan, exprs: bound.outputs }
}

function planTable(
  bound: BoundSelect,
  tenant: string,
  segments: readonly SegmentRef[],
): PhysicalPlan {
  const table = bound.table
  assert(table !== null, 'planTable runs for queries with FROM')
  const used = columnsUsedBy(bound)
  const read = [...used].sort((a, b) => a - b)
  const mapping = new Map(read.map((index, position) => [index, position]))
  const columns: Field[] = read.flatMap((index) => {
    const column = table.columns[index]
    return column === undefined ? [] : [{ name: column.name, type: column.type }]
  })
  const timeIndex =
    table.timeColumn === null ? -1 : table.columns.findIndex((c) => c.name === table.timeColumn)
  const inTime = pruneByTime(segments, bound.where, timeIndex === -1 ? null : timeIndex)
  const pinned = pruneByStats(inTime, bound.where, table.columns)
  const pruning = {
    segmentsTotal: segments.length,
    prunedByTime: segments.length - inTime.length,
    prunedByStats: inTime.length - pinned.length,
  }
  const filter = bound.where === null ? null : remapColumns(bound.where, mapping)
  const scan = (pipeline: ScanPlan['pipeline']): ScanPlan => {
    const topKName = pipeline.topK === undefined ? undefined : columns[pipeline.topK.column]?.name
    const plan: ScanPlan = {
      kind: 'scan',
      tenant,
      table: table.name,
      columns,
      segments:
        pipeline.topK === undefined || topKName === undefined
          ? pinned
          : orderSegmentsForTopK(pinned, pipeline.topK, topKName),
      pipeline,
      pruning,
    }
    return table.timeColumn === null ? plan : { ...plan, timeColumn: table.timeColumn }
  }
  if (bound.aggregation === null) {
    const project = bound.outputs.map((e) => remapColumns(e, mapping))
    const pushLimit = bound.orderBy.length === 0 && !bound.distinct && bound.limit !== null
    const limit = pushLimit && bound.limit !== null ? bound.limit + bound.offset : null
    const topK = scanTopKOf(bound, mapping)
    const pipeline = { filter, partialAggregate: null, project, limit }
    return scan(topK === undefined ? pipeline : { ...pipeline, topK })
  }
  const groupBy = bound.aggregation.groupBy.map((e) => remapColumns(e, mapping))
  const aggregates = bound.aggregation.aggregates.map((a) => remapAggregate(a, mapping))
  const answered =
    bound.aggregation.groupBy.length === 0
      ? answerFromMetadata(bound.aggregation.aggregates, bound.where, pinned, table.columns)
      : null
  if (answered !== null) {
    const plan: PhysicalPlan =
      bound.having === null
        ? answered
        : { kind: 'filter', input: answered, predicate: bound.having }
    return { kind: 'project', input: plan, exprs: bound.outputs }
  }
  const groupTopK = groupTopKOf(bound)
  return aggregateOverScan(bound, groupBy, aggregates, (partialAggregate) => {
    const pipeline = { filter, partialAggregate, project: null, limit: null }
    return scan(
      partialAggregate === null || groupTopK === undefined ? pipeline : { ...pipeline, groupTopK },
    )
  })
}

/**
 * ORDER BY ... LIMIT over GROUP BY groups, for the scan to rank per key partition when the
 * groups are many (executor/pool/partition-top-k.ts); not under DISTINCT or grouping sets.
 */
function groupTopKOf(bound: BoundSelect): GroupTopK | undefined {
  const aggregation = bound.aggregation
  if (aggregation === null || aggregation.groupBy.length === 0) return undefined
  if (aggregation.groupingSets !== undefined || bound.distinct) return undefined
  if (bound.orderBy.length === 0 || bound.limit === null) return undefined
  return {
    outputs: bound.outputs,
    having: bound.having,
    keys: bound.orderBy,
    limit: bound.limit + bound.offset,
  }
}

/**
 * DISTINCT, ORDER BY (top-k when limited), LIMIT/OFFSET, then dropping hidden sort columns.
 * DISTINCT ON sorts first and keeps each group's first row, before the limit.
 */
function planTail(bound: BoundSelect, source: PhysicalPlan): PhysicalPlan {
  let plan = source
  if (bound.distinct && bound.distinctOn === undefined) plan = { kind: 'distinct', input: plan }
  const rowsNeeded =
    bound.limit === null || bound.distinctOn !== undefined ? null : bound.limit + bound.offset
  if (bound.orderBy.length > 0)
    plan = { kind: 'sort', input: plan, keys: bound.orderBy, limit: rowsNeeded }
  if (bound.distinctOn !== undefined) plan = { kind: 'distinct', input: plan, keys: bound.distinctOn }
  if (bound.limit !== null || bound.offset > 0)
    plan = { kind: 'limit', input: plan, limit: bound.limit, offset: bound.offset }
  if (bound.outputs.length > bound.fields.length) {
    const exprs: Expr[] = bound.fields.map((field, index) => ({
      kind: 'column',
      index,
      type: field.type,
    }))
    plan = { kind: 'project', input: plan, exprs }
  }
  return plan
}

function outputFields(bound: BoundSelect): Field[] {
  return bound.outputs.map((expr, index) => ({
    name: bound.fields[index]?.name ?? '?column?',
    type: expr.type,
  }))
}
