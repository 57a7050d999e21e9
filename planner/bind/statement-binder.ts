// Binds whole statements against the catalog: SELECT (see select-binder), INSERT with
// PostgreSQL's assignment casts, CREATE/DROP TABLE, and the utility statements that pass
// through. Binding never reads segments: describe (Parse/Describe) stops here.
import {
  PgError,
  SqlState,
  assert,
  elementTypeOf,
  isArrayType,
  isRegType,
  SqlTypes,
  type Field,
  type SqlType,
} from '../../common/index.js'
import type { ExecutableStatement, Expr } from '../../executor/plan.js'
import type { Catalog, ColumnInfo, TableInfo, TableSettingsChange } from '../../storage/api.js'
import {
  leftmostPosition,
  type AlterTableAddNode,
  type CreateTableNode,
  type InsertNode,
  type NameNode,
  type StatementNode,
  type SyntaxExpr,
} from '../sql/ast.js'
import type { CopyOptions } from '../../executor/index.js'
import { checkWritable, lookupVirtualTable, takeSnapshot } from '../catalog/virtual-catalog.js'
import { bindAlterTable, bindTableSettings } from './alter-table-binder.js'
import { namesRegType, regNamesOf } from './catalog-syntax.js'
import type { SessionActivity } from '../catalog/session-activity.js'
import { bindCopy } from './copy-binder.js'
import type { BindContext } from './context.js'
import { ExpressionBinder, resolveTypeName } from './expression-binder.js'
import { resolveTables } from './from-binder.js'
import { emptyScope } from './scope.js'
import { bindSelect, type BoundSelect } from './select-binder.js'
import { canCastByAssignment, displayType } from './types.js'

export type BoundStatement =
  | { readonly kind: 'query'; readonly select: BoundSelect }
  | {
      readonly kind: 'insert'
      readonly table: TableInfo
      readonly columns: readonly Field[]
      readonly source:
        | { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[] }
        | { readonly kind: 'select'; readonly select: BoundSelect; readonly casts: readonly Expr[] }
    }
  | { readonly kind: 'copy-to'; readonly select: BoundSelect; readonly options: CopyOptions }
  | {
      /** CREATE TABLE ... AS: the table takes the query's columns, then its rows. */
      readonly kind: 'create-table-as'
      readonly tenant: string
      readonly table: string
      readonly columns: readonly Field[]
      readonly ifNotExists: boolean
      readonly settings?: TableSettingsChange
      readonly select: BoundSelect
      readonly withData: boolean
    }
  | Exclude<
      ExecutableStatement,
      { kind: 'query' } | { kind: 'insert' } | { kind: 'copy-to' } | { kind: 'create-table-as' }
    >

export interface CatalogScope {
  readonly tenant: string
  readonly catalog: Catalog
  /** Session settings, for pg_settings and the user the virtual catalog shows. */
  readonly settings?: ReadonlyMap<string, string>
  /** Relations planner/materialize built for this statement (common tables, set operations). */
  readonly materialized?: ReadonlyMap<string, TableInfo>
  /** The server's sessions on this database, for pg_stat_activity. */
  readonly activity?: () => readonly SessionActivity[]
}

export async function bindStatement(
  node: StatementNode,
  context: BindContext,
  scope: CatalogScope,
): Promise<BoundStatement> {
  // The names regclass & co. read and print: the statement's database's, kept in its context.
  if (namesRegType(node)) context.regNames = regNamesOf(await takeSnapshot(scope))
  switch (node.kind) {
    case 'select': {
      const tables = await resolveTables(node, (name) => lookupTable(name, scope))
      return { kind: 'query', select: bindSelect(node, tables, context) }
    }
    case 'insert':
      return bindInsert(node, context, scope)
    case 'create-table':
      if (node.as !== undefined) return bindCreateTableAs(node, context, scope)
      return {
        kind: 'create-table',
        tenant: scope.tenant,
        table: node.table.name,
        columns: bindColumnDefinitions(node.columns),
        ifNotExists: node.ifNotExists,
        ...(node.options.length === 0
          ? {}
          : { settings: bindTableSettings({ action: 'set', options: node.options }) }),
      }
    case 'drop-table':
      if (!node.ifExists) {
        for (const table of node.tables) {
          if ((await scope.catalog.getTable(scope.tenant, table.name)) === undefined) {
            throw new PgError({
              code: SqlState.undefinedTable,
              message: `table "${table.name}" does not exist`,
            })
          }
        }
      }
      return {
        kind: 'drop-table',
        tenant: scope.tenant,
        tables: node.tables.map((t) => t.name),
        ifExists: node.ifExists,
      }
    case 'alter-table':
      return bindAlterTable(node, scope)
    case 'alter-table-add':
      return bindAddColumns(node, scope)
    case 'truncate':
      for (const table of node.tables) checkWritable(await lookupTable(table, scope))
      return { kind: 'truncate', tenant: scope.tenant, tables: node.tables.map((t) => t.name) }
    case 'transaction':
      return { kind: 'transaction', action: node.action }
    case 'set':
      return { kind: 'set', name: node.name, value: node.value, local: node.local }
    case 'show':
      return { kind: 'show', name: node.name }
    case 'empty':
      return { kind: 'empty' }
    case 'release':
      return { kind: 'release', tag: node.tag, statements: node.statements }
    case 'copy':
      return bindCopy(node, context, (name) => lookupTable(name, scope), scope.tenant)
  }
}

async function lookupTable(name: NameNode, scope: CatalogScope): Promise<TableInfo> {
  const materialized = scope.materialized?.get(name.name)
  if (materialized !== undefined) return materialized
  const virtual = await lookupVirtualTable(name.name, scope)
  if (virtual !== undefined) return virtual
  const table = await scope.catalog.getTable(scope.tenant, name.name)
  if (table === undefined) {
    throw new PgError({
      code: SqlState.undefinedTable,
      message: `relation "${name.name}" does not exist`,
      position: name.position + 1,
    })
  }
  return table
}

function bindColumnDefinitions(
  columns: readonly {
    readonly name: NameNode
    readonly typeName: { name: string; position: number }
  }[],
): Field[] {
  const seen = new Set<string>()
  return columns.map(({ name, typeName }) => {
    if (seen.has(name.name)) {
      throw new PgError({
        code: SqlState.duplicateColumn,
        message: `column "${name.name}" specified more than once`,
        position: name.position + 1,
      })
    }
    seen.add(name.name)
    return { name: name.name, type: storableType(typeName) }
  })
}

/** A column's type; the oid alias types are query-only (segments store no reg* column yet). */
function storableType(typeName: { name: string; position: number }): SqlType {
  const type = resolveTypeName(typeName)
  const element = isArrayType(type) ? elementTypeOf(type) : type
  if (!isRegType(element)) return type
  throw new PgError({
    code: SqlState.featureNotSupported,
    message: `columns of type ${displayType(type)} are not supported yet`,
    position: typeName.position + 1,
  })
}

async function bindCreateTableAs(
  node: CreateTableNode,
  context: BindContext,
  scope: CatalogScope,
): Promise<BoundStatement> {
  const as = node.as!
  const tables = await resolveTables(as.query, (name) => lookupTable(name, scope))
  const select = bindSelect(as.query, tables, context)
  const names = as.columnNames
  if (names !== null && names.length > select.fields.length) {
    throw new PgError({
      code: SqlState.syntaxError,
      message: 'too many column names were specified',
    })
  }
  const columns = bindColumnDefinitions(
    select.fields.map((field, index) => {
      const given = names?.[index]
      // An unknown-typed literal column is stored as text, as PostgreSQL does.
      const type = field.type === 'unknown' ? 'text' : field.type
      return {
        name: given ?? { name: field.name, position: 0 },
        typeName: { name: SqlTypes[type].displayName, position: 0 },
      }
    }),
  )
  return {
    kind: 'create-table-as',
    tenant: scope.tenant,
    table: node.table.name,
    columns,
    ifNotExists: node.ifNotExists,
    ...(node.options.length === 0
      ? {}
      : { settings: bindTableSettings({ action: 'set', options: node.options }) }),
    select,
    withData: as.withData,
  }
}

/** ALTER TABLE ADD COLUMN: 42701 here for a name the table has, unless IF NOT EXISTS. */
async function bindAddColumns(
  node: AlterTableAddNode,
  scope: CatalogScope,
): Promise<BoundStatement> {
  const statement = { kind: 'add-columns', tenant: scope.tenant, table: node.table.name } as const
  const existing = await scope.catalog.getTable(scope.tenant, node.table.name)
  if (existing === undefined) {
    if (node.ifExists) return { ...statement, ifExists: true, columns: [] }
    await lookupTable(node.table, scope)
  }
  checkWritable(existing ?? (await lookupTable(node.table, scope)))
  const columns = bindColumnDefinitions(node.columns).filter((field, index) => {
    if (!existing?.columns.some((column) => column.name === field.name)) return true
    if (node.columns[index]!.ifNotExists) return false
    throw new PgError({
      code: SqlState.duplicateColumn,
      message: `column "${field.name}" of relation "${node.table.name}" already exists`,
    })
  })
  return { ...statement, ifExists: node.ifExists, columns }
}

async function bindInsert(
  node: InsertNode,
  context: BindContext,
  scope: CatalogScope,
): Promise<BoundStatement> {
  const table = await lookupTable(node.table, scope)
  checkWritable(table)
  const targets =
    node.columns === null
      ? [...table.columns].sort((a, b) => a.attnum - b.attnum)
      : namedTargets(node.columns, table)
  if (node.source.kind === 'values') {
    const rows = node.source.rows
    const width = checkValuesWidth(rows)
    const used = checkTargetCount(width, targets, node, (i) => rows[0]?.[i]?.position ?? 0)
    const binder = new ExpressionBinder(context, emptyScope)
    const bound = rows.map((row) =>
      row.map((value, i) =>
        assign(binder.bind(value, { allowed: false, clause: 'VALUES' }), used[i], value, context),
      ),
    )
    return {
      kind: 'insert',
      table,
      columns: used.map(fieldOf),
      source: { kind: 'values', rows: bound },
    }
  }
  const sourceTables = await resolveTables(node.source, (name) => lookupTable(name, scope))
  const select = bindSelect(node.source, sourceTables, context)
  const sourceTargets = node.source.targets
  const used = checkTargetCount(
    select.fields.length,
    targets,
    node,
    (i) => sourceTargets[i]?.expr.position ?? 0,
  )
  const casts = select.fields.map((field, index) => {
    const column: Expr = { kind: 'column', index, type: field.type }
    return assign(column, used[index], sourceTargets[index]?.expr ?? null, context)
  })
  return {
    kind: 'insert',
    table,
    columns: used.map(fieldOf),
    source: { kind: 'select', select, casts },
  }
}

function fieldOf(column: ColumnInfo): Field {
  return { name: column.name, type: column.type }
}

function namedTargets(columns: readonly NameNode[], table: TableInfo): ColumnInfo[] {
  const seen = new Set<string>()
  return columns.map((name) => {
    const column = table.columns.find((c) => c.name === name.name)
    if (column === undefined) {
      throw new PgError({
        code: SqlState.undefinedColumn,
        message: `column "${name.name}" of relation "${table.name}" does not exist`,
        position: name.position + 1,
      })
    }
    if (seen.has(name.name)) {
      throw new PgError({
        code: SqlState.duplicateColumn,
        message: `column "${name.name}" specified more than once`,
        position: name.position + 1,
      })
    }
    seen.add(name.name)
    return column
  })
}

function checkValuesWidth(rows: readonly (readonly SyntaxExpr[])[]): number {
  const width = rows[0]?.length ?? 0
  for (const row of rows) {
    if (row.length !== width) {
      const position = (row[0]?.position ?? 0) + 1
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'VALUES lists must all be the same length',
        position,
      })
    }
  }
  return width
}

/** The target columns the `width` source columns go to; missing ones stay NULL. */
function checkTargetCount(
  width: number,
  targets: readonly ColumnInfo[],
  node: InsertNode,
  positionOf: (i: number) => number,
): ColumnInfo[] {
  if (width > targets.length) {
    const position = positionOf(targets.length) + 1
    throw new PgError({
      code: SqlState.syntaxError,
      message: 'INSERT has more expressions than target columns',
      position,
    })
  }
  if (width < targets.length && node.columns !== null) {
    const position = (node.columns[width]?.position ?? 0) + 1
    throw new PgError({
      code: SqlState.syntaxError,
      message: 'INSERT has more target columns than expressions',
      position,
    })
  }
  return targets.slice(0, width)
}

/** Converts a value for storing in `column` by PostgreSQL's assignment-cast rules; 42804 otherwise. */
function assign(
  expr: Expr,
  column: ColumnInfo | undefined,
  node: SyntaxExpr | null,
  context: BindContext,
): Expr {
  assert(column !== undefined, 'every source column has a target column')
  const type: SqlType = column.type
  if (canCastByAssignment(expr.type, type)) return context.coerce(expr, type)
  throw new PgError({
    code: SqlState.datatypeMismatch,
    message: `column "${column.name}" is of type ${displayType(type)} but expression is of type ${displayType(expr.type)}`,
    hint: 'You will need to rewrite or cast the expression.',
    ...(node === null ? {} : { position: leftmostPosition(node) + 1 }),
  })
}
