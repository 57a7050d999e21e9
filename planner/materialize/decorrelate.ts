// Decorrelates `[NOT] EXISTS (SELECT ... FROM b WHERE b.k = a.k AND rest)`, where `a.k` is the
// only reference to the outer query, into a semi join on b's keys:
//
//   EXISTS (...)  ≡  coalesce(a.k IN (SELECT DISTINCT b.k FROM b WHERE rest AND b.k IS NOT NULL), false)
//
// The keys run once and become a hash probe (QueryMaterializer.inList). With the NULL keys
// left out, IN is NULL only when a.k is NULL, where EXISTS is false: coalesce makes it so, and
// NOT EXISTS (a unary NOT above) is then the anti join, true for a NULL a.k as in PostgreSQL.
//
// A scalar aggregate `(SELECT agg(x) FROM b WHERE b.k = a.k AND rest)` becomes a left join of
// the outer FROM to `SELECT b.k, agg(x) FROM b WHERE rest GROUP BY b.k` on `b.k = a.k`, with
// the aggregate over no rows (count's 0) where no key matches.
import { PgError, SqlState } from '../../common/index.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import type { ColumnRefNode, ExistsNode, FromItem, SelectNode, SyntaxExpr } from '../sql/ast.js'
import { constant, correlatedNotSupported, type QueryMaterializer } from './query-materializer.js'

/** Returns the semi-join form of a correlated EXISTS; 0A000 for any other correlation. */
export async function decorrelateExists(
  node: ExistsNode,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<SyntaxExpr> {
  const query = node.query
  const link = findLink(query, node.position)
  const where = andAll([...link.rest, isNotNull(link.inner)])
  const keys: SelectNode = {
    ...query,
    distinct: true,
    targets: [{ expr: link.inner, alias: null }],
    where,
    orderBy: [],
    limit: null,
    offset: null,
  }
  const rows = await materializer.executeOrDecorrelate(keys, tables)
  if (rows === null) throw correlatedNotSupported(node.position)
  const probe = materializer.inList(link.outer, rows, false, node.position)
  if (probe.kind === 'constant') return constant(false, 'bool', 'exists', node.position)
  const otherwise = constant(false, 'bool', null, node.position)
  return {
    kind: 'func',
    name: 'coalesce',
    args: [probe, otherwise],
    star: false,
    distinct: false,
    filter: null,
    position: node.position,
  }
}

/** A decorrelated scalar subquery to left-join to the outer FROM. */
export interface PendingJoin {
  /** The materialized relation: key, then the value column. */
  readonly relation: string
  readonly alias: string
  /** The outer query's side of the correlation. */
  readonly outer: ColumnRefNode
}

/** The value of a correlated scalar aggregate subquery, via a left join (see the top). */
export async function decorrelateScalar(
  query: SelectNode,
  position: number,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<SyntaxExpr> {
  const link = findLink(query, position)
  const target = query.targets[0]
  if (query.targets.length !== 1 || target === undefined || query.distinct)
    throw correlatedNotSupported(position)
  const grouped: SelectNode = {
    ...query,
    targets: [
      { expr: link.inner, alias: '*key*' },
      { expr: target.expr, alias: target.alias },
    ],
    where: andAll([...link.rest, isNotNull(link.inner)]),
    groupBy: [link.inner],
    orderBy: [],
    limit: null,
    offset: null,
  }
  const empty: SelectNode = { ...query, where: constant(false, 'bool', null, position) }
  let rows
  let emptyRows
  try {
    rows = await materializer.executeOrDecorrelate(grouped, tables)
    emptyRows = await materializer.executeOrDecorrelate(empty, tables)
  } catch (error) {
    if (error instanceof PgError && error.code === SqlState.groupingError)
      throw correlatedNotSupported(position)
    throw error
  }
  const field = rows?.fields[1]
  if (rows === null || emptyRows === null || field === undefined)
    throw correlatedNotSupported(position)
  const alias = materializer.joinToCurrentSelect(rows, link.outer, position)
  const value: SyntaxExpr = { kind: 'column-ref', table: alias, name: field.name, position }
  const first = emptyRows.batches.find((b) => b.length > 0)?.columns[0]
  const otherwise = first === undefined ? null : scalarAt(first, 0)
  if (otherwise === null) return value
  const args = [value, constant(otherwise, field.type, null, position)]
  return {
    kind: 'func',
    name: 'coalesce',
    args,
    star: false,
    distinct: false,
    filter: null,
    position,
  }
}

/** `select`, its FROM left-joined to each pending relation on `key = outer`. */
export function attachLeftJoins(select: SelectNode, joins: readonly PendingJoin[]): SelectNode {
  const from = select.from
  if (from === null) throw correlatedNotSupported(0)
  const targets = select.targets.flatMap((target) => {
    if (target.expr.kind !== 'star' || target.expr.table !== null) return [target]
    const position = target.expr.position
    const names = starRelations(from)
    if (names === null) throw correlatedNotSupported(position)
    return names.map((table) => ({ expr: { kind: 'star', table, position } as const, alias: null }))
  })
  const joined = joins.reduce<FromItem>(
    (left, join) => ({
      kind: 'join',
      joinType: 'left',
      left,
      right: { kind: 'table-ref', table: { name: join.relation, position: 0 }, alias: join.alias },
      on: {
        kind: 'binary',
        op: '=',
        left: { kind: 'column-ref', table: join.alias, name: '*key*', position: 0 },
        right: join.outer,
        position: join.outer.position,
      },
      using: null,
      alias: null,
      position: 0,
    }),
    from,
  )
  return { ...select, targets, from: joined }
}

/** The qualifiers `*` expands to, in order; null when USING merges columns. */
function starRelations(item: FromItem): string[] | null {
  switch (item.kind) {
    case 'table-ref':
      return [item.alias ?? item.table.name]
    case 'join': {
      if (item.alias !== null) return [item.alias]
      if (item.using !== null) return null
      const left = starRelations(item.left)
      const right = starRelations(item.right)
      return left === null || right === null ? null : [...left, ...right]
    }
    case 'subquery-ref':
    case 'set-op':
    case 'values':
      return item.alias === null ? null : [item.alias]
  }
}

/** The one `inner = outer` conjunct linking `query` to its outer query; 0A000 otherwise. */
function findLink(
  query: SelectNode,
  position: number,
): { outer: ColumnRefNode; inner: ColumnRefNode; rest: SyntaxExpr[] } {
  const simple =
    query.from !== null &&
    query.from.kind !== 'set-op' &&
    query.from.kind !== 'values' &&
    query.where !== null &&
    query.groupBy.length === 0 &&
    query.having === null
  if (!simple || query.from === null || query.where === null) throw correlatedNotSupported(position)
  const inner = relationNames(query.from)
  const isOuter = (ref: ColumnRefNode): boolean => ref.table !== null && !inner.has(ref.table)
  const parts = conjuncts(query.where)
  const links = parts.flatMap((part) => {
    if (part.kind !== 'binary' || part.op !== '=') return []
    const { left, right } = part
    if (left.kind !== 'column-ref' || right.kind !== 'column-ref') return []
    if (isOuter(left) && !isOuter(right)) return [{ part, outer: left, inner: right }]
    if (isOuter(right) && !isOuter(left)) return [{ part, outer: right, inner: left }]
    return []
  })
  const link = links[0]
  if (link === undefined || links.length > 1) throw correlatedNotSupported(position)
  return { outer: link.outer, inner: link.inner, rest: parts.filter((p) => p !== link.part) }
}

function isNotNull(arg: SyntaxExpr): SyntaxExpr {
  return { kind: 'is', test: 'null', negated: true, arg, position: arg.position }
}

function andAll(parts: readonly SyntaxExpr[]): SyntaxExpr {
  return parts.reduce((all, p) => ({
    kind: 'binary',
    op: 'and',
    left: all,
    right: p,
    position: p.position,
  }))
}

function conjuncts(expr: SyntaxExpr): SyntaxExpr[] {
  if (expr.kind === 'binary' && expr.op === 'and')
    return [...conjuncts(expr.left), ...conjuncts(expr.right)]
  return [expr]
}

/** The names FROM makes visible as qualifiers: aliases, else table names. */
function relationNames(item: FromItem): Set<string> {
  switch (item.kind) {
    case 'table-ref':
      return new Set([item.alias ?? item.table.name])
    case 'join': {
      const names = new Set([...relationNames(item.left), ...relationNames(item.right)])
      if (item.alias !== null) names.add(item.alias)
      return names
    }
    case 'subquery-ref':
    case 'set-op':
    case 'values':
      return new Set(item.alias === null ? [] : [item.alias])
  }
}
