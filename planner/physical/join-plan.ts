// Plans a FROM clause that is not one table (joins, subqueries) into a tree whose output is
// the used columns of the input space, in input order; the select list, GROUP BY and
// aggregates then run on the coordinator over that output.
//
//               Project / Aggregate(single)      coordinator
//                        │
//                  Join (hash | nested loop)     keys: `l = r` conjuncts, residual: the rest
//                 ╱                    ╲
//   Scan a (filter: a-only conjuncts)   Scan b   workers, one fragment per segment
//
// WHERE conjuncts sink as far as they can: below a join to the side they read when that
// side is not NULL-extended by it (both sides of an inner join, the left of a LEFT JOIN), and
// into the scan's pipeline at a table, where they also prune segments. Conjuncts reading both
// sides of an inner join become its condition, so a comma join with `a.id = b.id` in WHERE is
// a hash join. A column no expression reads is never read from a segment.
import { assert, elementTypeOf, type ArraySqlType, type Field } from '../../common/index.js'
import type {
  AggregateCall,
  Expr,
  JoinPlan,
  PhysicalPlan,
  SegmentRef,
} from '../../executor/plan.js'
import type { BoundFrom } from '../bind/from-binder.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { isVirtualTable, virtualTablePlan } from '../catalog/virtual-catalog.js'
import { collectColumns, columnsUsedBy, conjuncts, pruneByTime, remapColumns } from './rules.js'
import { pruneByStats } from './stats-rules.js'
import { withWindowTopN } from './window-top-n.js'

export type SegmentsOf = (table: string) => readonly SegmentRef[]

interface Planned {
  readonly plan: PhysicalPlan
  readonly fields: readonly Field[]
}

/** Plans `bound` (whose `relation` is set) up to its outputs, before DISTINCT/ORDER BY/LIMIT. */
export function planRelationSelect(
  bound: BoundSelect,
  relation: BoundFrom,
  tenant: string,
  segmentsOf: SegmentsOf,
  planSubquery: (select: BoundSelect) => PhysicalPlan,
): PhysicalPlan {
  const used = columnsUsedBy(bound)
  const unnestOnly = new Map<number, BoundFrom>()
  collectJoinColumns(relation, used, unnestOnly)
  const fields: Field[] = []
  inputFields(relation, fields)
  const planner = new RelationPlanner(used, fields, tenant, segmentsOf, planSubquery, unnestOnly)
  const root = planner.plan(relation, conjuncts(bound.where))
  const mapping = planner.mappingFor(relation)
  const remap = (e: Expr): Expr => remapColumns(e, mapping)
  if (bound.aggregation === null)
    return { kind: 'project', input: root.plan, exprs: bound.outputs.map(remap) }
  const groupBy = bound.aggregation.groupBy.map(remap)
  const sets = bound.aggregation.groupingSets
  const aggregates = bound.aggregation.aggregates.map((a): AggregateCall => ({
    ...a,
    args: a.args.map(remap),
    filter: a.filter === null ? null : remap(a.filter),
  }))
  let plan: PhysicalPlan = {
    kind: 'aggregate',
    mode: 'single',
    input: root.plan,
    groupBy,
    aggregates,
    ...(sets === undefined ? {} : { groupingSets: sets }),
  }
  if (bound.having !== null) plan = { kind: 'filter', input: plan, predicate: bound.having }
  return { kind: 'project', input: plan, exprs: bound.outputs }
}

/** The tables `bound` reads, its FROM subqueries included. */
export function tablesOf(bound: BoundSelect): string[] {
  const names: string[] =
    bound.table === null || isVirtualTable(bound.table) ? [] : [bound.table.name]
  const visit = (node: BoundFrom): void => {
    if (node.kind === 'table') {
      if (!isVirtualTable(node.table)) names.push(node.table.name)
    } else if (node.kind === 'subquery') names.push(...tablesOf(node.select))
    else if (node.kind === 'unnest') visit(node.input)
    else {
      visit(node.left)
      visit(node.right)
    }
  }
  if (bound.relation !== null) visit(bound.relation)
  return names
}

/**
 * Adds the columns the FROM tree itself reads. Columns read only by an unnest's arrays go into
 * `unnestOnly` too: the Unnest reads them but does not repeat them into its output.
 */
function collectJoinColumns(
  node: BoundFrom,
  used: Set<number>,
  unnestOnly: Map<number, BoundFrom>,
): void {
  if (node.kind === 'unnest') {
    // Every unnest column is produced (the plan emits them all); the arrays read the input.
    const first = node.offset + node.input.width
    for (let i = first; i < node.offset + node.width; i++) used.add(i)
    const read = new Set<number>()
    for (const array of node.arrays) collectColumns(array, read)
    for (const index of read) {
      if (used.has(index)) continue
      used.add(index)
      unnestOnly.set(index, node)
    }
    collectJoinColumns(node.input, used, unnestOnly)
  } else if (node.kind === 'join') {
    collectColumns(node.condition, used)
    collectJoinColumns(node.left, used, unnestOnly)
    collectJoinColumns(node.right, used, unnestOnly)
  } else if (![...used].some((i) => i >= node.offset && i < node.offset + node.width)) {
    // A FROM item no expression reads still decides the row count: read one column.
    if (node.width > 0) used.add(node.offset)
  }
}

function inputFields(node: BoundFrom, into: Field[]): void {
  switch (node.kind) {
    case 'table':
      for (const c of node.table.columns) into.push({ name: c.name, type: c.type })
      return
    case 'subquery':
      for (const f of node.select.fields) into.push({ name: f.name, type: f.type })
      return
    case 'join':
      inputFields(node.left, into)
      inputFields(node.right, into)
      return
    case 'unnest':
      inputFields(node.input, into)
      for (const array of node.arrays)
        into.push({ name: 'unnest', type: elementTypeOf(array.type as ArraySqlType) })
      if (node.ordinality) into.push({ name: 'ordinality', type: 'int8' })
      return
  }
}

function columnsOf(expr: Expr): number[] {
  const set = new Set<number>()
  collectColumns(expr, set)
  return [...set]
}

function and(exprs: readonly Expr[]): Expr | null {
  if (exprs.length === 0) return null
  return exprs.reduce((all, e) => ({ kind: 'call', fn: 'and', args: [all, e], type: 'bool' }))
}

class RelationPlanner {
  /** The used input columns in order. */
  private readonly used: readonly number[]

  constructor(
    usedSet: ReadonlySet<number>,
    private readonly fields: readonly Field[],
    private readonly tenant: string,
    private readonly segmentsOf: SegmentsOf,
    private readonly planSubquery: (select: BoundSelect) => PhysicalPlan,
    private readonly unnestOnly: ReadonlyMap<number, BoundFrom> = new Map(),
  ) {
    this.used = [...usedSet].sort((a, b) => a - b)
  }

  /** Input index → column of `node`'s output. */
  mappingFor(node: BoundFrom): Map<number, number> {
    const mapping = new Map<number, number>()
    for (const index of this.used) {
      if (index < node.offset || index >= node.offset + node.width) continue
      // A column only an unnest reads is gone from the output of that unnest and above it.
      const unnest = this.unnestOnly.get(index)
      const covers =
        unnest !== undefined &&
        node.offset <= unnest.offset &&
        node.offset + node.width >= unnest.offset + unnest.width
      if (!covers) mapping.set(index, mapping.size)
    }
    return mapping
  }

  private outputFields(node: BoundFrom): Field[] {
    return [...this.mappingFor(node).keys()].map((i) => {
      const field = this.fields[i]
      assert(field !== undefined, 'every input column has a field')
      return field
    })
  }

  /** Plans `node` with `filters` (input-space conjuncts over its columns) applied. */
  plan(node: BoundFrom, filters: readonly Expr[]): Planned {
    switch (node.kind) {
      case 'table':
        return this.planTable(node, filters)
      case 'subquery': {
        const width = node.select.fields.length
        let plan = this.planSubquery(withWindowTopN(node.select, filters, node.offset))
        const mapping = this.mappingFor(node)
        if (mapping.size < width) {
          const exprs: Expr[] = [...mapping.keys()].map((i) => ({
            kind: 'column',
            index: i - node.offset,
            type: this.fields[i]?.type ?? 'unknown',
          }))
          plan = { kind: 'project', input: plan, exprs }
        }
        return { plan: this.filtered(plan, filters, mapping), fields: this.outputFields(node) }
      }
      case 'join':
        return this.planJoin(node, filters)
      case 'unnest':
        return this.planUnnest(node, filters)
    }
  }

  /** Conjuncts over the input alone run below the Unnest, the rest above it. */
  private planUnnest(node: Extract<BoundFrom, { kind: 'unnest' }>, filters: readonly Expr[]) {
    const input = node.input
    const below: Expr[] = []
    const above: Expr[] = []
    for (const filter of filters) {
      const columns = columnsOf(filter)
      const inInput = columns.every((i) => i >= input.offset && i < input.offset + input.width)
      ;(inInput ? below : above).push(filter)
    }
    const planned = this.plan(input, below)
    const inputMapping = this.mappingFor(input)
    const passthrough = [...inputMapping].filter(([i]) => this.unnestOnly.get(i) !== node)
    const plan: PhysicalPlan = {
      kind: 'unnest',
      input: planned.plan,
      passthrough: passthrough.map(([, position]) => position),
      arrays: node.arrays.map((e) => remapColumns(e, inputMapping)),
      ordinality: node.ordinality,
      outer: node.outer,
    }
    return {
      plan: this.filtered(plan, above, this.mappingFor(node)),
      fields: this.outputFields(node),
    }
  }

  private filtered(plan: PhysicalPlan, filters: readonly Expr[], mapping: Map<number, number>) {
    const predicate = and(filters)
    if (predicate === null) return plan
    return { kind: 'filter', input: plan, predicate: remapColumns(predicate, mapping) } as const
  }

  private planTable(
    node: Extract<BoundFrom, { kind: 'table' }>,
    filters: readonly Expr[],
  ): Planned {
    const table = node.table
    const mapping = this.mappingFor(node)
    if (isVirtualTable(table)) {
      const exprs: Expr[] = [...mapping.keys()].map((i) => ({
        kind: 'column',
        index: i - node.offset,
        type: this.fields[i]?.type ?? 'unknown',
      }))
      const rows: PhysicalPlan = { kind: 'project', input: virtualTablePlan(table), exprs }
      return { plan: this.filtered(rows, filters, mapping), fields: this.outputFields(node) }
    }
    const local = new Map([...mapping.keys()].map((i) => [i, i - node.offset]))
    const where = and(filters)
    const tableWhere = where === null ? null : remapColumns(where, local)
    const timeIndex =
      table.timeColumn === null ? -1 : table.columns.findIndex((c) => c.name === table.timeColumn)
    const segments = this.segmentsOf(table.name)
    const inTime = pruneByTime(segments, tableWhere, timeIndex === -1 ? null : timeIndex)
    const pinned = pruneByStats(inTime, tableWhere, table.columns)
    const fields = this.outputFields(node)
    const plan: PhysicalPlan = {
      kind: 'scan',
      tenant: this.tenant,
      table: table.name,
      columns: fields,
      segments: pinned,
      pipeline: {
        filter: where === null ? null : remapColumns(where, mapping),
        partialAggregate: null,
        project: null,
        limit: null,
      },
      pruning: {
        segmentsTotal: segments.length,
        prunedByTime: segments.length - inTime.length,
        prunedByStats: inTime.length - pinned.length,
      },
    }
    return { plan, fields }
  }

  private planJoin(node: Extract<BoundFrom, { kind: 'join' }>, filters: readonly Expr[]): Planned {
    const { joinType, left, right } = node
    const side = (e: Expr): 'left' | 'right' | 'both' | 'none' => {
      const columns = columnsOf(e)
      if (columns.length === 0) return 'none'
      const inLeft = columns.every((i) => i >= left.offset && i < left.offset + left.width)
      const inRight = columns.every((i) => i >= right.offset && i < right.offset + right.width)
      return inLeft ? 'left' : inRight ? 'right' : 'both'
    }
    const leftFilters: Expr[] = []
    const rightFilters: Expr[] = []
    const joinConjuncts: Expr[] = []
    const above: Expr[] = []
    const leftSinks = joinType === 'inner' || joinType === 'cross' || joinType === 'left'
    const rightSinks = joinType === 'inner' || joinType === 'cross' || joinType === 'right'
    for (const filter of filters) {
      const where = side(filter)
      if (where === 'left' && leftSinks) leftFilters.push(filter)
      else if (where === 'right' && rightSinks) rightFilters.push(filter)
      else if (joinType === 'inner' || joinType === 'cross') joinConjuncts.push(filter)
      else above.push(filter)
    }
    for (const condition of conjuncts(node.condition)) {
      const where = side(condition)
      // An ON conjunct may filter the side the join does not preserve before matching.
      const leftFiltersOk = joinType === 'inner' || joinType === 'right'
      const rightFiltersOk = joinType === 'inner' || joinType === 'left'
      if (where === 'left' && leftFiltersOk) leftFilters.push(condition)
      else if (where === 'right' && rightFiltersOk) rightFilters.push(condition)
      else joinConjuncts.push(condition)
    }
    const l = this.plan(left, leftFilters)
    const r = this.plan(right, rightFilters)
    const mapping = this.mappingFor(node)
    const leftMapping = this.mappingFor(left)
    const rightMapping = this.mappingFor(right)
    const leftKeys: Expr[] = []
    const rightKeys: Expr[] = []
    const residual: Expr[] = []
    for (const conjunct of joinConjuncts) {
      const [a, b] = conjunct.kind === 'call' && conjunct.fn === 'eq' ? conjunct.args : []
      if (a !== undefined && b !== undefined && side(a) === 'left' && side(b) === 'right') {
        leftKeys.push(remapColumns(a, leftMapping))
        rightKeys.push(remapColumns(b, rightMapping))
      } else if (a !== undefined && b !== undefined && side(a) === 'right' && side(b) === 'left') {
        leftKeys.push(remapColumns(b, leftMapping))
        rightKeys.push(remapColumns(a, rightMapping))
      } else {
        residual.push(conjunct)
      }
    }
    const residualExpr = and(residual)
    const plan: JoinPlan = {
      kind: 'join',
      joinType: joinType === 'cross' ? 'inner' : joinType,
      left: l.plan,
      right: r.plan,
      leftFields: l.fields,
      rightFields: r.fields,
      leftKeys,
      rightKeys,
      residual: residualExpr === null ? null : remapColumns(residualExpr, mapping),
    }
    return { plan: this.filtered(plan, above, mapping), fields: [...l.fields, ...r.fields] }
  }
}
