// Binds a FROM clause: tables, subqueries and join trees, into a BoundFrom tree over one input
// space (see scope.ts) and the Scope its names resolve in. Join conditions are bound over the
// input space too: a join covering input columns [offset, offset + width) reads only those.
// Comma lists are cross joins, as PostgreSQL plans them.
import {
  PgError,
  SqlState,
  elementTypeOf,
  isArrayType,
  type ArraySqlType,
} from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import type { TableInfo } from '../../storage/api.js'
import type {
  FromItem,
  FunctionRefNode,
  JoinNode,
  JoinType,
  NameNode,
  SelectNode,
} from '../sql/ast.js'
import { isVirtualTable } from '../catalog/virtual-catalog.js'
import type { BindContext } from './context.js'
import { ExpressionBinder } from './expression-binder.js'
import { undefinedFunction } from './functions.js'
import type { ScopeColumn, ScopeRelation, Scope } from './scope.js'
import { emptyScope, tableColumns } from './scope.js'
import type { BoundSelect } from './select-binder.js'
import { commonType, displayType } from './types.js'

export type BoundFrom =
  | {
      readonly kind: 'table'
      readonly table: TableInfo
      readonly offset: number
      readonly width: number
    }
  | {
      readonly kind: 'join'
      readonly joinType: JoinType
      readonly left: BoundFrom
      readonly right: BoundFrom
      /** Over the input space; null for CROSS JOIN. */
      readonly condition: Expr | null
      readonly offset: number
      readonly width: number
    }
  | {
      readonly kind: 'subquery'
      readonly select: BoundSelect
      readonly offset: number
      readonly width: number
    }
  | {
      /** `input, unnest(arrays) [WITH ORDINALITY]`: see bindLateralUnnest. */
      readonly kind: 'unnest'
      readonly input: BoundFrom
      /** Over the input's columns. */
      readonly arrays: readonly Expr[]
      readonly ordinality: boolean
      readonly outer: boolean
      readonly offset: number
      readonly width: number
    }

/** Returns the table a FROM names (sync: the statement binder looked every name up first). */
export type TableResolver = (name: NameNode) => TableInfo

interface BoundItem {
  readonly from: BoundFrom
  readonly relations: readonly ScopeRelation[]
  readonly visible: readonly ScopeColumn[]
  readonly inputNames: readonly { readonly relation: string; readonly name: string }[]
}

/** Binds `item`; subqueries are bound by `bindSubquery` (the select binder). */
export function bindFrom(
  item: FromItem,
  tables: TableResolver,
  context: BindContext,
  bindSubquery: (node: SelectNode) => BoundSelect,
): { readonly from: BoundFrom; readonly scope: Scope } {
  const binder = new FromBinder(tables, context, bindSubquery)
  const bound = binder.bindItem(item, 0)
  const single = bound.from.kind === 'table' ? bound.from.table : null
  const scope: Scope = {
    table: single,
    name: single === null ? null : (bound.relations[0]?.name ?? null),
    relations: bound.relations,
    visible: bound.visible,
    inputNames: bound.inputNames,
  }
  return { from: bound.from, scope }
}

class FromBinder {
  constructor(
    private readonly tables: TableResolver,
    private readonly context: BindContext,
    private readonly bindSubquery: (node: SelectNode) => BoundSelect,
  ) {}

  bindItem(item: FromItem, offset: number): BoundItem {
    switch (item.kind) {
      case 'table-ref': {
        const table = this.tables(item.table)
        const name = item.alias ?? table.name
        const columns = tableColumns(table, offset)
        const width = table.columns.length
        const inputNames = table.columns.map((c) => ({ relation: name, name: c.name }))
        const from = { kind: 'table', table, offset, width } as const
        const hidden = isVirtualTable(table) ? (table.hiddenKeys ?? 0) : 0
        if (hidden > 0) {
          const shown = columns.slice(hidden)
          const keys = { name: table.name, columns: columns.slice(0, hidden) }
          return { from, relations: [{ name, columns: shown }, keys], visible: shown, inputNames }
        }
        return { from, relations: [{ name, columns }], visible: columns, inputNames }
      }
      case 'subquery-ref':
        return this.bindSubqueryItem(item, offset)
      case 'join':
        return this.bindJoin(item, offset)
      case 'set-op':
      case 'values':
      case 'function-ref':
        // planner/materialize turns these into materialized relations before binding.
        throw new PgError({
          code: SqlState.featureNotSupported,
          message: `${fromItemWhat(item.kind)} are not supported here`,
          position: item.position + 1,
        })
    }
  }

  private bindSubqueryItem(
    item: Extract<FromItem, { kind: 'subquery-ref' }>,
    offset: number,
  ): BoundItem {
    const select = this.bindSubquery(item.query)
    const name = item.alias ?? 'unnamed_subquery'
    if (item.columnAliases.length > select.fields.length) {
      throw new PgError({
        code: SqlState.invalidColumnReference,
        message: `table "${name}" has ${select.fields.length} columns available but ${item.columnAliases.length} columns specified`,
        position: item.position + 1,
      })
    }
    const columns = select.fields.map((field, index) => ({
      name: item.columnAliases[index]?.name ?? field.name,
      expr: { kind: 'column', index: offset + index, type: field.type } as const,
      tableOid: field.tableOid,
      attnum: field.columnNumber,
    }))
    const from = { kind: 'subquery', select, offset, width: columns.length } as const
    const inputNames = columns.map((c) => ({ relation: name, name: c.name }))
    return { from, relations: [{ name, columns }], visible: columns, inputNames }
  }

  private bindJoin(item: JoinNode, offset: number): BoundItem {
    const left = this.bindItem(item.left, offset)
    if (isLateralUnnest(item.right))
      return bindLateralUnnest(left, item, item.right, offset, this.context)
    const right = this.bindRight(item, left, offset + left.from.width)
    for (const relation of right.relations) {
      if (left.relations.some((r) => r.name === relation.name)) {
        throw new PgError({
          code: SqlState.duplicateAlias,
          message: `table name "${relation.name}" specified more than once`,
        })
      }
    }
    const relations = [...left.relations, ...right.relations]
    const inputNames = [...left.inputNames, ...right.inputNames]
    let condition: Expr | null = null
    let visible: ScopeColumn[] = [...left.visible, ...right.visible]
    if (item.on !== null) {
      const scope: Scope = { table: null, name: null, relations, visible, inputNames }
      const binder = new ExpressionBinder(this.context, scope)
      condition = binder.bindCondition(
        item.on,
        { allowed: false, clause: 'JOIN conditions' },
        'JOIN/ON',
      )
    } else if (item.using !== null || item.natural === true) {
      const using = this.bindUsing(
        item.natural === true ? { ...item, using: commonColumnNames(left, right, item) } : item,
        left,
        right,
      )
      condition = using.condition
      visible = using.visible
    }
    if (item.lateralKeys !== undefined) {
      const scope = { table: null, name: null, relations, visible: left.visible, inputNames }
      const keys = new ExpressionBinder(this.context, scope).bindCondition(
        item.lateralKeys,
        { allowed: false, clause: 'JOIN conditions' },
        'JOIN/ON',
      )
      condition =
        condition === null
          ? keys
          : { kind: 'call', fn: 'and', args: [keys, condition], type: 'bool' }
    }
    const width = left.from.width + right.from.width
    const from: BoundFrom = {
      kind: 'join',
      joinType: item.joinType,
      left: left.from,
      right: right.from,
      condition,
      offset,
      width,
    }
    if (item.alias === null) return { from, relations, visible, inputNames }
    return { from, relations: [{ name: item.alias, columns: visible }], visible, inputNames }
  }

  /**
   * The right item of a join. A subquery that is not LATERAL cannot read the items before it:
   * PostgreSQL's error and hint for such a reference rather than a bare `missing FROM-clause`.
   */
  private bindRight(item: JoinNode, left: BoundItem, offset: number): BoundItem {
    try {
      return this.bindItem(item.right, offset)
    } catch (error) {
      if (item.right.kind !== 'subquery-ref') throw error
      throw invisibleReference(error, left.relations)
    }
  }

  /** USING (a, b): `l.a = r.a AND ...`, and the merged columns shown once, first. */
  private bindUsing(
    item: JoinNode,
    left: BoundItem,
    right: BoundItem,
  ): { condition: Expr | null; visible: ScopeColumn[] } {
    const binder = new ExpressionBinder(this.context, emptyScope)
    const merged: ScopeColumn[] = []
    const tests: Expr[] = []
    const usedLeft = new Set<ScopeColumn>()
    const usedRight = new Set<ScopeColumn>()
    for (const name of item.using ?? []) {
      if (item.using?.some((other) => other !== name && other.name === name.name) === true) {
        throw new PgError({
          code: SqlState.duplicateColumn,
          message: `column name "${name.name}" appears more than once in USING clause`,
          position: name.position + 1,
        })
      }
      const l = usingColumn(left, name, 'left')
      const r = usingColumn(right, name, 'right')
      const type = commonType([l.expr.type, r.expr.type])
      if (type === undefined) {
        throw new PgError({
          code: SqlState.datatypeMismatch,
          message: `JOIN/USING types ${displayType(l.expr.type)} and ${displayType(r.expr.type)} cannot be matched`,
          position: name.position + 1,
        })
      }
      const le = this.context.coerce(l.expr, type)
      const re = this.context.coerce(r.expr, type)
      tests.push(binder.bindBinary('=', le, re, name.position))
      const expr: Expr =
        item.joinType === 'full'
          ? { kind: 'call', fn: 'coalesce', args: [le, re], type }
          : item.joinType === 'right'
            ? re
            : le
      merged.push({ name: name.name, expr, tableOid: 0, attnum: 0 })
      usedLeft.add(l)
      usedRight.add(r)
    }
    // NATURAL JOIN of sides with no name in common: a cross join.
    const condition: Expr | null =
      tests.length === 0
        ? null
        : tests.reduce((all, test) => ({
            kind: 'call',
            fn: 'and',
            args: [all, test],
            type: 'bool',
          }))
    const visible = [
      ...merged,
      ...left.visible.filter((c) => !usedLeft.has(c)),
      ...right.visible.filter((c) => !usedRight.has(c)),
    ]
    return { condition, visible }
  }
}

/** `error` with PostgreSQL's text when it names a FROM item (or its column) before a subquery. */
function invisibleReference(error: unknown, relations: readonly ScopeRelation[]): unknown {
  if (!(error instanceof PgError)) return error
  const missing = /^missing FROM-clause entry for table "(.*)"$/.exec(error.message)?.[1]
  if (error.code === SqlState.undefinedTable && missing !== undefined) {
    if (!relations.some((r) => r.name === missing)) return error
    return new PgError({
      ...error.fields,
      message: `invalid reference to FROM-clause entry for table "${missing}"`,
      hint: `There is an entry for table "${missing}", but it cannot be referenced from this part of the query.`,
    })
  }
  const column = /^column "(.*)" does not exist$/.exec(error.message)?.[1]
  if (error.code !== SqlState.undefinedColumn || column === undefined) return error
  const owner = relations.find((r) => r.columns.some((c) => c.name === column))
  if (owner === undefined || error.fields.hint !== undefined) return error
  return new PgError({
    ...error.fields,
    hint: `There is a column named "${column}" in table "${owner.name}", but it cannot be referenced from this part of the query.`,
  })
}

function usingColumn(item: BoundItem, name: NameNode, side: 'left' | 'right'): ScopeColumn {
  const matches = item.visible.filter((c) => c.name === name.name)
  if (matches.length > 1) {
    throw new PgError({
      code: SqlState.ambiguousColumn,
      message: `common column name "${name.name}" appears more than once in ${side} table`,
      position: name.position + 1,
    })
  }
  const column = matches[0]
  if (column === undefined) {
    throw new PgError({
      code: SqlState.undefinedColumn,
      message: `column "${name.name}" specified in USING clause does not exist in ${side} table`,
      position: name.position + 1,
    })
  }
  return column
}

/** Every table name a SELECT reads in FROM, subqueries included, for looking them up first. */
export function tableNamesOf(node: SelectNode): NameNode[] {
  const names: NameNode[] = []
  const visit = (item: FromItem): void => {
    switch (item.kind) {
      case 'table-ref':
        names.push(item.table)
        return
      case 'subquery-ref':
        names.push(...tableNamesOf(item.query))
        return
      case 'join':
        visit(item.left)
        visit(item.right)
        return
      case 'set-op':
        names.push(...tableNamesOf(item.left), ...tableNamesOf(item.right))
        return
      case 'values':
      case 'function-ref':
        return
    }
  }
  if (node.from !== null) visit(node.from)
  return names
}

/** Looks every table of `node` up once; the resolver rethrows a failed lookup when bound. */
export async function resolveTables(
  node: SelectNode,
  lookup: (name: NameNode) => Promise<TableInfo>,
): Promise<TableResolver> {
  const found = new Map<NameNode, TableInfo | unknown>()
  const failed = new Set<NameNode>()
  for (const name of tableNamesOf(node)) {
    try {
      found.set(name, await lookup(name))
    } catch (error) {
      found.set(name, error)
      failed.add(name)
    }
  }
  return (name) => {
    const value = found.get(name)
    if (failed.has(name)) throw value
    return value as TableInfo
  }
}

function isLateralUnnest(item: FromItem): item is FunctionRefNode {
  return item.kind === 'function-ref' && item.name.name === 'unnest'
}

/**
 * `left, unnest(left.x, ...) [WITH ORDINALITY] [AS] u(a, ...)` (also CROSS JOIN, JOIN ... ON
 * true, LEFT JOIN ... ON true, LATERAL or not): the arrays are bound over the left item's
 * columns and the unnest's columns follow the left's in the input space.
 */
/** NATURAL JOIN's USING list: the names visible on both sides, in the left side's order. */
function commonColumnNames(left: BoundItem, right: BoundItem, item: JoinNode): NameNode[] {
  const rightNames = new Set(right.visible.map((column) => column.name))
  const names = [...new Set(left.visible.map((column) => column.name))]
  return names
    .filter((name) => rightNames.has(name))
    .map((name) => ({ name, position: item.position }))
}

function bindLateralUnnest(
  left: BoundItem,
  join: JoinNode,
  item: FunctionRefNode,
  offset: number,
  context: BindContext,
): BoundItem {
  const onTrue = join.on === null || (join.on.kind === 'literal' && join.on.text === 'true')
  if (
    join.using !== null ||
    !onTrue ||
    !(join.joinType === 'cross' || join.joinType === 'inner' || join.joinType === 'left')
  ) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'unnest in FROM is supported in comma, CROSS JOIN and [LEFT] JOIN ... ON true',
      position: item.position + 1,
    })
  }
  const scope: Scope = {
    table: null,
    name: null,
    relations: left.relations,
    visible: left.visible,
    inputNames: left.inputNames,
  }
  const binder = new ExpressionBinder(context, scope)
  const policy = { allowed: false, clause: 'functions in FROM' } as const
  const arrays = item.args.map((arg) => binder.bind(arg, policy))
  if (arrays.length === 0 || arrays.some((a) => !isArrayType(a.type)))
    throw undefinedFunction('unnest', arrays, item.position)
  const name = item.alias ?? 'unnest'
  const base = offset + left.from.width
  const fallbackName = arrays.length === 1 ? name : 'unnest'
  const columns: ScopeColumn[] = arrays.map((array, i) => ({
    name: item.columnAliases[i]?.name ?? fallbackName,
    expr: { kind: 'column', index: base + i, type: elementTypeOf(array.type as ArraySqlType) },
    tableOid: 0,
    attnum: 0,
  }))
  if (item.withOrdinality === true) {
    columns.push({
      name: item.columnAliases[arrays.length]?.name ?? 'ordinality',
      expr: { kind: 'column', index: base + arrays.length, type: 'int8' },
      tableOid: 0,
      attnum: 0,
    })
  }
  const from: BoundFrom = {
    kind: 'unnest',
    input: left.from,
    arrays,
    ordinality: item.withOrdinality === true,
    outer: join.joinType === 'left',
    offset,
    width: left.from.width + columns.length,
  }
  // Select-list set-returning calls (planner/materialize/set-returning.ts) stay out of `*`.
  const shown = name === '*srf*' ? [] : columns
  return {
    from,
    relations: [...left.relations, { name, columns }],
    visible: [...left.visible, ...shown],
    inputNames: [...left.inputNames, ...columns.map((c) => ({ relation: name, name: c.name }))],
  }
}

function fromItemWhat(kind: 'set-op' | 'values' | 'function-ref'): string {
  if (kind === 'values') return 'VALUES'
  return kind === 'set-op' ? 'set operations' : 'functions in FROM'
}
