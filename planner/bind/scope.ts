// The names a SELECT's expressions may use, resolved as PostgreSQL's parse analysis does
// (parse_relation.c). The FROM clause's columns form one *input space*: the columns of every
// FROM item concatenated left to right (a table's in TableInfo.columns order, a subquery's in
// its select-list order). A name resolves to an expression over that space:
//
//   relations   FROM items visible by name (`l.service`, `l.*`): a table or subquery under
//               its alias, or an aliased join; the children of an aliased join are hidden
//   visible     the columns an unqualified name (and `*`) sees: a join with USING shows each
//               merged column once (COALESCE of both sides for FULL JOIN), then the rest
//
// Two visible columns with one name make the name ambiguous (42702); a qualifier naming no
// relation is 42P01. A name with no column whose dotted columns exist (`http` beside
// "http.method") is the jsonb object built from them (dotted-object.ts).
import { PgError, SqlState } from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import type { TableInfo } from '../../storage/api.js'
import { dottedObjectColumn } from './dotted-object.js'

export interface ScopeColumn {
  readonly name: string
  /** Over the input space. */
  readonly expr: Expr
  /** RowDescription's table OID and column number when the column is a table's. */
  readonly tableOid: number
  readonly attnum: number
}

export interface ScopeRelation {
  readonly name: string
  readonly columns: readonly ScopeColumn[]
}

export interface Scope {
  /** The table when FROM is exactly one base table (the scan-only fast path); else null. */
  readonly table: TableInfo | null
  /** That table's name as its columns are qualified; null otherwise. */
  readonly name: string | null
  readonly relations: readonly ScopeRelation[]
  readonly visible: readonly ScopeColumn[]
  /** Per input-space column: the relation and column name, for messages. */
  readonly inputNames: readonly { readonly relation: string; readonly name: string }[]
}

/** The scope of a SELECT without FROM. */
export const emptyScope: Scope = {
  table: null,
  name: null,
  relations: [],
  visible: [],
  inputNames: [],
}

/** The columns of `table`, attnum order, as a relation whose input space starts at `offset`. */
export function tableColumns(table: TableInfo, offset: number): ScopeColumn[] {
  const columns = table.columns.map((column, index) => ({
    name: column.name,
    expr: { kind: 'column', index: offset + index, type: column.type } as const,
    tableOid: table.oid,
    attnum: column.attnum,
  }))
  return columns.sort((a, b) => a.attnum - b.attnum)
}

/** Resolves `[qualifier.]name`; position is 0-based (the reference's first token). */
export function resolveColumn(
  scope: Scope,
  qualifier: string | null,
  name: string,
  position: number,
): ScopeColumn {
  if (qualifier !== null) {
    const relation = findRelation(scope, qualifier, position)
    const column =
      relation.columns.find((c) => c.name === name) ?? dottedObjectColumn(relation.columns, name)
    if (column === undefined) {
      throw new PgError({
        code: SqlState.undefinedColumn,
        message: `column ${qualifier}.${name} does not exist`,
        position: position + 1,
      })
    }
    return column
  }
  const matches = scope.visible.filter((c) => c.name === name)
  if (matches.length > 1) {
    throw new PgError({
      code: SqlState.ambiguousColumn,
      message: `column reference "${name}" is ambiguous`,
      position: position + 1,
    })
  }
  const column = matches[0] ?? dottedObjectColumn(scope.visible, name)
  if (column === undefined) {
    throw new PgError({
      code: SqlState.undefinedColumn,
      message: `column "${name}" does not exist`,
      position: position + 1,
    })
  }
  return column
}

/** The relation called `qualifier`, or 42P01 `missing FROM-clause entry`. */
export function findRelation(scope: Scope, qualifier: string, position: number): ScopeRelation {
  const relation = scope.relations.find((r) => r.name === qualifier)
  if (relation === undefined) {
    throw new PgError({
      code: SqlState.undefinedTable,
      message: `missing FROM-clause entry for table "${qualifier}"`,
      position: position + 1,
    })
  }
  return relation
}

/** True when an unqualified `name` would resolve to a FROM column. */
export function hasVisibleColumn(scope: Scope, name: string): boolean {
  return scope.visible.some((c) => c.name === name)
}
