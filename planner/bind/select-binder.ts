// Binds a SELECT into a BoundSelect: the logical query the physical planner cuts into a
// scan fragment and a coordinator plan. Two expression spaces meet here:
//
//   input space      columns of the FROM table (index = position in TableInfo.columns):
//                    WHERE, GROUP BY keys and aggregate arguments live here
//   aggregate space  the aggregate's output: group keys, then aggregate results:
//                    select list, HAVING and ORDER BY of a grouped query are lifted here
//
// Lifting is PostgreSQL's check_ungrouped_columns: a subtree equal to a group key becomes
// that key's column; a column left over is 42803.
import { PgError, SqlState, assert, type Batch } from '../../common/index.js'
import { collectColumns } from '../../executor/expr/columns-of.js'
import { evaluate } from '../../executor/expr/evaluate.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import type {
  AggregateCall,
  Expr,
  GroupingSets,
  OutputField,
  PartitionTopK,
  SortKey,
  WindowCall,
} from '../../executor/plan.js'
import type { TableInfo } from '../../storage/api.js'
import type { SelectNode, SyntaxExpr } from '../sql/ast.js'
import type { BindContext } from './context.js'
import { ExpressionBinder, aggregateRefIndex, type AggregatePolicy } from './expression-binder.js'
import { bindFrom, type BoundFrom, type TableResolver } from './from-binder.js'
import { expandGroupingSets, liftGrouping } from './grouping-sets.js'
import { outputName } from './output-name.js'
import { emptyScope, findRelation, hasVisibleColumn, resolveColumn } from './scope.js'
import { hasWindowRef, splitWindows } from './window-split.js'

export interface BoundSelect {
  /** The table when FROM is exactly one base table: the scan-only plan. */
  readonly table: TableInfo | null
  /** FROM when it is anything else (joins, subqueries); null without FROM or for one table. */
  readonly relation: BoundFrom | null
  /** Input space. */
  readonly where: Expr | null
  /** Input space; null when the query does not aggregate. */
  readonly aggregation: {
    readonly groupBy: readonly Expr[]
    readonly aggregates: readonly AggregateCall[]
    /** GROUPING SETS / ROLLUP / CUBE: groupBy's last key is then the set index. */
    readonly groupingSets?: GroupingSets
  } | null
  /** Aggregate space. */
  readonly having: Expr | null
  /** The select list, then ORDER BY expressions not in it (dropped after the sort). */
  readonly outputs: readonly Expr[]
  readonly fields: readonly OutputField[]
  /** DISTINCT, or DISTINCT ON (then distinctOn is set too). */
  readonly distinct: boolean
  /** DISTINCT ON: the output columns whose first row (in orderBy's order) each group keeps. */
  readonly distinctOn?: readonly number[]
  /** Over `outputs`: each key is a column of the projected row. */
  readonly orderBy: readonly SortKey[]
  readonly limit: number | null
  readonly offset: number
  /**
   * Window functions, when the query calls any: `outputs` above are then the pre-window
   * columns, the Window node appends one column per call, and these `outputs` (select list,
   * then hidden ORDER BY expressions) are computed over both; `orderBy` refers to them.
   */
  readonly window?: {
    readonly calls: readonly WindowCall[]
    readonly outputs: readonly Expr[]
    /** Set by the window top-N rewrite (planner/physical/window-top-n.ts), never by binding. */
    readonly topN?: PartitionTopK
  }
}

const allowAggregates: AggregatePolicy = { allowed: true }

interface Target {
  readonly expr: Expr
  readonly field: OutputField
  readonly node: SyntaxExpr | null
}

/** Binds `node`, its FROM tables resolved by `tables`. */
export function bindSelect(
  node: SelectNode,
  tables: TableResolver,
  context: BindContext,
): BoundSelect {
  const bindSubquery = (inner: SelectNode): BoundSelect => bindSelect(inner, tables, context)
  const bound = node.from === null ? null : bindFrom(node.from, tables, context, bindSubquery)
  const table = bound?.scope.table ?? null
  const relation = bound === null || table !== null ? null : bound.from
  const binder = new ExpressionBinder(context, bound?.scope ?? emptyScope)
  defineWindows(node, binder)
  const where =
    node.where === null
      ? null
      : binder.bindCondition(node.where, { allowed: false, clause: 'WHERE' }, 'WHERE')
  const targets = bindTargets(node, binder)
  const bindGroupKey = (item: SyntaxExpr): Expr => bindGroupItem(item, targets, binder)
  const expanded =
    node.groupingSets === undefined
      ? null
      : expandGroupingSets(node.groupingSets, bindGroupKey, node.distinctGroupingSets === true)
  const groupBy = expanded?.keys ?? node.groupBy.map(bindGroupKey)
  const groupingSets = expanded?.sets
  const having =
    node.having === null ? null : binder.bindCondition(node.having, allowAggregates, 'HAVING')
  if (having !== null && hasWindowRef(having)) {
    const message = 'window functions are not allowed in HAVING'
    throw new PgError({ code: SqlState.windowingError, message })
  }
  const outputs = targets.map((t) => t.expr)
  const orderBy = node.orderBy.map((item) => {
    const index = bindOrderItem(item.expr, targets, outputs, node.distinct, binder)
    const expr = outputs[index]
    assert(expr !== undefined, 'order item resolves to an output')
    const nullsFirst = item.nullsFirst ?? item.descending
    return {
      expr: { kind: 'column', index, type: expr.type } as const,
      descending: item.descending,
      nullsFirst,
    }
  })
  const distinctOn =
    node.distinctOn === undefined
      ? undefined
      : bindDistinctOn(node.distinctOn, orderBy, targets, outputs, binder)
  const aggregated =
    groupBy.length > 0 ||
    binder.aggregates.length > 0 ||
    having !== null ||
    binder.groupingCalls > 0
  const lift = (e: Expr): Expr => liftToAggregateSpace(e, groupBy, groupingSets, binder, context)
  const split = binder.windows.length === 0 ? null : splitWindows(outputs, binder.windows)
  const preWindow = split === null ? outputs : split.preWindow
  return {
    ...(split === null ? {} : { window: { calls: split.calls, outputs: split.outputs } }),
    table,
    relation,
    where,
    aggregation: aggregated
      ? {
          groupBy,
          aggregates: binder.aggregates,
          ...(groupingSets === undefined ? {} : { groupingSets }),
        }
      : null,
    having: having === null || !aggregated ? having : lift(having),
    outputs: aggregated ? preWindow.map(lift) : preWindow,
    fields: targets.map((t) => t.field),
    distinct: node.distinct || distinctOn !== undefined,
    ...(distinctOn === undefined ? { orderBy } : distinctOn),
    limit: bindLimit(node.limit, 'LIMIT', binder),
    offset: bindLimit(node.offset, 'OFFSET', binder) ?? 0,
  }
}

function bindTargets(node: SelectNode, binder: ExpressionBinder): Target[] {
  const targets: Target[] = []
  for (const target of node.targets) {
    if (target.expr.kind === 'star') {
      targets.push(...expandStar(target.expr.table, target.expr.position, binder))
      continue
    }
    let expr = binder.bind(target.expr, allowAggregates)
    if (expr.type === 'unknown') expr = binder.context.coerce(expr, 'text')
    const name = target.alias ?? outputName(target.expr)
    targets.push({ expr, field: fieldOf(name, expr, target.expr, binder), node: target.expr })
  }
  return targets
}

function expandStar(
  qualifier: string | null,
  position: number,
  binder: ExpressionBinder,
): Target[] {
  const scope = binder.scope
  if (scope.relations.length === 0) {
    throw new PgError({
      code: SqlState.syntaxError,
      message: 'SELECT * with no tables specified is not valid',
      position: position + 1,
    })
  }
  const columns =
    qualifier === null ? scope.visible : findRelation(scope, qualifier, position).columns
  return columns.map((column) => ({
    expr: binder.context.at({ ...column.expr }, position),
    field: {
      name: column.name,
      type: column.expr.type,
      tableOid: column.tableOid,
      columnNumber: column.attnum,
    },
    node: null,
  }))
}

function fieldOf(
  name: string,
  expr: Expr,
  node: SyntaxExpr,
  binder: ExpressionBinder,
): OutputField {
  const column =
    node.kind === 'column-ref'
      ? resolveColumn(binder.scope, node.table, node.name, node.position)
      : undefined
  if (column === undefined || column.tableOid === 0 || expr.kind !== 'column')
    return { name, type: expr.type, tableOid: 0, columnNumber: 0 }
  return { name, type: expr.type, tableOid: column.tableOid, columnNumber: column.attnum }
}

/** GROUP BY item: an ordinal, an input column, an output column name, or an expression. */
function bindGroupItem(
  item: SyntaxExpr,
  targets: readonly Target[],
  binder: ExpressionBinder,
): Expr {
  const noAggregates: AggregatePolicy = { allowed: false, clause: 'GROUP BY' }
  const ordinal = ordinalOf(item)
  if (ordinal !== undefined) {
    const target = targets[ordinal - 1]
    if (target === undefined) throw positionNotInList('GROUP BY', ordinal, item.position)
    if (target.node !== null) return binder.bind(target.node, noAggregates)
    return target.expr
  }
  if (item.kind === 'column-ref' && item.table === null) {
    const isInputColumn = hasVisibleColumn(binder.scope, item.name)
    const target = targets.find((t) => t.field.name === item.name)
    if (!isInputColumn && target?.node !== undefined && target.node !== null)
      return binder.bind(target.node, noAggregates)
  }
  return binder.bind(item, noAggregates)
}

/** ORDER BY item: an ordinal, an output column name, or an expression (added as a hidden output). */
function bindOrderItem(
  item: SyntaxExpr,
  targets: readonly Target[],
  outputs: Expr[],
  distinct: boolean,
  binder: ExpressionBinder,
): number {
  const ordinal = ordinalOf(item)
  if (ordinal !== undefined) {
    if (targets[ordinal - 1] === undefined)
      throw positionNotInList('ORDER BY', ordinal, item.position)
    return ordinal - 1
  }
  if (item.kind === 'column-ref' && item.table === null) {
    const matches = targets.flatMap((t, i) => (t.field.name === item.name ? [i] : []))
    if (matches.length > 1) {
      throw new PgError({
        code: SqlState.ambiguousColumn,
        message: `ORDER BY "${item.name}" is ambiguous`,
        position: item.position + 1,
      })
    }
    if (matches[0] !== undefined) return matches[0]
  }
  const expr = binder.bind(item, allowAggregates)
  const key = JSON.stringify(expr)
  const existing = outputs.findIndex((o) => JSON.stringify(o) === key)
  if (existing !== -1) return existing
  if (distinct) {
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: 'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
      position: item.position + 1,
    })
  }
  outputs.push(expr)
  return outputs.length - 1
}

/**
 * DISTINCT ON items, bound as ORDER BY items are; as PostgreSQL's transformDistinctOnClause,
 * they must be the leftmost ORDER BY items (in any order), and those ORDER BY lacks are sorted
 * on after it, ascending.
 */
function bindDistinctOn(
  items: readonly SyntaxExpr[],
  orderBy: readonly SortKey[],
  targets: readonly Target[],
  outputs: Expr[],
  binder: ExpressionBinder,
): { distinctOn: number[]; orderBy: SortKey[] } {
  const distinctOn = items.map((item) => bindOrderItem(item, targets, outputs, false, binder))
  const mismatch = (key: number): PgError =>
    new PgError({
      code: SqlState.invalidColumnReference,
      message: 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions',
      position: (items[distinctOn.indexOf(key)]?.position ?? 0) + 1,
    })
  let skipped = false
  const sorted = new Set<number>()
  for (const key of orderBy) {
    const index = key.expr.kind === 'column' ? key.expr.index : -1
    if (!distinctOn.includes(index)) skipped = true
    else if (skipped) throw mismatch(index)
    else sorted.add(index)
  }
  const keys = [...orderBy]
  for (const index of distinctOn) {
    if (sorted.has(index)) continue
    if (skipped) throw mismatch(index)
    sorted.add(index)
    const type = outputs[index]!.type
    keys.push({ expr: { kind: 'column', index, type }, descending: false, nullsFirst: false })
  }
  return { distinctOn, orderBy: keys }
}

function ordinalOf(item: SyntaxExpr): number | undefined {
  return item.kind === 'literal' && item.literal === 'integer' ? Number(item.text) : undefined
}

function positionNotInList(clause: string, ordinal: number, position: number): PgError {
  return new PgError({
    code: SqlState.invalidColumnReference,
    message: `${clause} position ${ordinal} is not in select list`,
    position: position + 1,
  })
}

/** Rewrites an input-space expression into aggregate space; 42803 for an ungrouped column. */
function liftToAggregateSpace(
  expr: Expr,
  groupBy: readonly Expr[],
  groupingSets: GroupingSets | undefined,
  binder: ExpressionBinder,
  context: BindContext,
): Expr {
  const key = JSON.stringify(expr)
  const group = groupBy.findIndex((g) => JSON.stringify(g) === key)
  if (group !== -1) return { kind: 'column', index: group, type: expr.type }
  if (expr.kind === 'call' && expr.fn === 'grouping')
    return liftGrouping(expr.args, groupBy, groupingSets, context.positionOf(expr))
  const lift = (e: Expr): Expr => liftToAggregateSpace(e, groupBy, groupingSets, binder, context)
  switch (expr.kind) {
    case 'column': {
      if (expr.index < 0)
        return {
          kind: 'column',
          index: groupBy.length + aggregateRefIndex(expr.index),
          type: expr.type,
        }
      throw ungroupedColumn(expr.index, binder, context.positionOf(expr))
    }
    case 'literal':
      return expr
    case 'call':
      return { ...expr, args: expr.args.map(lift) }
    case 'case':
      return {
        ...expr,
        whens: expr.whens.map((w) => ({ when: lift(w.when), then: lift(w.then) })),
        otherwise: expr.otherwise === null ? null : lift(expr.otherwise),
      }
    case 'cast':
      return { ...expr, arg: lift(expr.arg) }
    case 'in-list':
      return { ...expr, arg: lift(expr.arg) }
  }
}

function ungroupedColumn(
  index: number,
  binder: ExpressionBinder,
  position: number | undefined,
): PgError {
  const input = binder.scope.inputNames[index]
  return new PgError({
    code: SqlState.groupingError,
    message: `column "${input?.relation ?? ''}.${input?.name ?? '?'}" must appear in the GROUP BY clause or be used in an aggregate function`,
    ...(position === undefined ? {} : { position: position + 1 }),
  })
}

/** Makes the WINDOW clause's names known to `OVER name`. */
function defineWindows(node: SelectNode, binder: ExpressionBinder): void {
  for (const { name, spec } of node.windows ?? []) {
    if (binder.namedWindows.has(name)) {
      const message = `window "${name}" is already defined`
      throw new PgError({ code: SqlState.windowingError, message, position: spec.position + 1 })
    }
    binder.namedWindows.set(name, spec)
  }
}

/** LIMIT/OFFSET: a constant or parameter, read as int8 now; null for LIMIT ALL or NULL. */
/** An expression that reads no column (`LIMIT 1 + 1`) as the literal it evaluates to. */
function foldConstant(expr: Expr, context: BindContext): Expr {
  if (expr.kind === 'literal') return expr
  const columns = new Set<number>()
  collectColumns(expr, columns)
  if (columns.size > 0) return expr
  const row: Batch = { columns: [], length: 1 }
  const eval_ = { timeZone: context.timeZone, nowMicros: Date.now() * 1000 }
  const value = scalarAt(evaluate(expr, row, eval_), 0)
  return { kind: 'literal', value, type: expr.type }
}

function bindLimit(
  node: SyntaxExpr | null,
  clause: 'LIMIT' | 'OFFSET',
  binder: ExpressionBinder,
): number | null {
  if (node === null) return null
  const expr = foldConstant(
    binder.context.coerce(binder.bind(node, { allowed: false, clause }), 'int8'),
    binder.context,
  )
  if (expr.kind !== 'literal') {
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: `argument of ${clause} must not contain variables`,
      position: node.position + 1,
    })
  }
  if (expr.value === null) return null
  const value = Number(expr.value)
  if (value < 0) {
    throw new PgError({
      code:
        clause === 'LIMIT'
          ? SqlState.invalidRowCountInLimitClause
          : SqlState.invalidRowCountInResultOffsetClause,
      message: `${clause} must not be negative`,
    })
  }
  return value
}
