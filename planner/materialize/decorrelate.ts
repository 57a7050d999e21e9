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
// the aggregate over no rows (count's 0) where no key matches. Without an aggregate it joins to
// `SELECT b.k, x FROM b WHERE rest` (21000 when a key has two rows; `LIMIT 1` keeps the first).
//
// Any number of `inner = outer` equalities link the two (the join is on all of them). A conjunct
// that reads only the outer row (`a.flag`) stays on the outer side, `CASE WHEN a.flag THEN value
// ELSE <value over no rows> END`; in one that reads both, an outer column equal to an inner one
// (`a.x` of `b.x = a.x`) is read as that inner column. A correlated EXISTS with several keys is
// a left join to the distinct keys.
import { PgError, SqlState } from '../../common/index.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import { takeRows } from '../../executor/expr/batch-ops.js'
import { aggregateSignatures } from '../bind/functions.js'
import type { ColumnRefNode, ExistsNode, FromItem, SelectNode, SyntaxExpr } from '../sql/ast.js'
import { constant, correlatedNotSupported, type QueryMaterializer } from './query-materializer.js'
import type { Rows } from './set-operations.js'

/** Returns the semi-join form of a correlated EXISTS; 0A000 for any other correlation. */
export async function decorrelateExists(
  node: ExistsNode,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<SyntaxExpr> {
  const query = node.query
  const position = node.position
  const { links, rest, outerConditions } = findLinks(query, position)
  const where = andAll([...rest, ...links.map((l) => isNotNull(l.inner))])
  const found: SyntaxExpr = constant(true, 'bool', null, position)
  const keys: SelectNode = {
    ...query,
    distinct: true,
    targets: [
      ...links.map((l, i) => ({ expr: l.inner, alias: keyName(i) })),
      ...(links.length > 1 ? [{ expr: found, alias: '*found*' }] : []),
    ],
    where,
    orderBy: [],
    limit: null,
    offset: null,
  }
  const rows = await materializer.executeOrDecorrelate(keys, tables)
  if (rows === null) throw correlatedNotSupported(position)
  const no = constant(false, 'bool', null, position)
  let probe: SyntaxExpr
  const single = links[0]
  if (links.length === 1 && single !== undefined) {
    probe = materializer.inList(single.outer, rows, false, position)
    if (probe.kind === 'constant') return constant(false, 'bool', 'exists', position)
  } else {
    const alias = materializer.joinToCurrentSelect(
      rows,
      links.map((l) => l.outer),
      position,
    )
    probe = { kind: 'column-ref', table: alias, name: '*found*', position }
  }
  const exists = call('coalesce', [probe, no], position)
  return whenOuter(outerConditions, exists, no)
}

function call(name: string, args: SyntaxExpr[], position: number): SyntaxExpr {
  return { kind: 'func', name, args, star: false, distinct: false, filter: null, position }
}

/** `value` where the outer-only conditions hold, else `otherwise`. */
function whenOuter(conditions: readonly SyntaxExpr[], value: SyntaxExpr, otherwise: SyntaxExpr) {
  if (conditions.length === 0) return value
  const when = andAll(conditions)
  return {
    kind: 'case',
    operand: null,
    whens: [{ when, then: value }],
    otherwise,
    position: when.position,
  } as const
}

export function keyName(index: number): string {
  return `*key ${index + 1}*`
}

/** A decorrelated scalar subquery to left-join to the outer FROM. */
export interface PendingJoin {
  /** The materialized relation: key, then the value column. */
  readonly relation: string
  readonly alias: string
  /** The outer query's side of each key, in the relation's key order. */
  readonly outer: readonly SyntaxExpr[]
  /** Keys that may be NULL on both sides and must match then (IS NOT DISTINCT FROM). */
  readonly nullSafe?: readonly boolean[]
}

/** The value of a correlated scalar subquery, via a left join (see the top). */
export async function decorrelateScalar(
  query: SelectNode,
  position: number,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<SyntaxExpr> {
  const { links, rest, outerConditions } = findLinks(query, position)
  const target = query.targets[0]
  if (query.targets.length !== 1 || target === undefined || target.expr.kind === 'star')
    throw correlatedNotSupported(position)
  const aggregate = hasAggregate(target.expr)
  const firstOnly = !aggregate && isOne(query.limit) && query.offset === null
  if ((aggregate && query.distinct) || (query.limit !== null && !firstOnly))
    throw correlatedNotSupported(position)
  const keys = links.map((l) => l.inner)
  const relation: SelectNode = {
    ...query,
    targets: [
      ...keys.map((expr, i) => ({ expr, alias: keyName(i) })),
      { expr: target.expr, alias: target.alias },
    ],
    where: andAll([...rest, ...keys.map(isNotNull)]),
    groupBy: aggregate ? keys : [],
    orderBy: aggregate ? [] : query.orderBy,
    limit: null,
    offset: null,
  }
  const empty: SelectNode = { ...query, where: constant(false, 'bool', null, position) }
  let rows
  let emptyRows
  try {
    rows = await materializer.executeOrDecorrelate(relation, tables)
    emptyRows = aggregate ? await materializer.executeOrDecorrelate(empty, tables) : null
  } catch (error) {
    if (error instanceof PgError && error.code === SqlState.groupingError)
      throw correlatedNotSupported(position)
    throw error
  }
  const field = rows?.fields[keys.length]
  if (rows === null || (aggregate && emptyRows === null) || field === undefined)
    throw correlatedNotSupported(position)
  if (!aggregate) rows = oneRowPerKey(rows, keys.length, firstOnly)
  const alias = materializer.joinToCurrentSelect(
    rows,
    links.map((l) => l.outer),
    position,
  )
  const value: SyntaxExpr = { kind: 'column-ref', table: alias, name: field.name, position }
  const first = emptyRows?.batches.find((b) => b.length > 0)?.columns[0]
  const otherwise = first === undefined ? null : scalarAt(first, 0)
  const none = constant(otherwise, field.type, null, position)
  const joined = otherwise === null ? value : call('coalesce', [value, none], position)
  return whenOuter(outerConditions, joined, none)
}

/** Keeps the first row of each key (`LIMIT 1`), or raises 21000 when a key has two rows. */
function oneRowPerKey(rows: Rows, keyCount: number, firstOnly: boolean): Rows {
  const seen = new Set<string>()
  const batches = rows.batches.map((batch) => {
    const keep: number[] = []
    for (let row = 0; row < batch.length; row += 1) {
      const key = JSON.stringify(
        batch.columns.slice(0, keyCount).map((c) => String(scalarAt(c, row))),
      )
      if (!seen.has(key)) {
        seen.add(key)
        keep.push(row)
      } else if (!firstOnly) {
        throw new PgError({
          code: SqlState.cardinalityViolation,
          message: 'more than one row returned by a subquery used as an expression',
        })
      }
    }
    return keep.length === batch.length ? batch : takeRows(batch, Int32Array.from(keep))
  })
  return { fields: rows.fields, batches }
}

function isOne(limit: SyntaxExpr | null): boolean {
  return (
    limit !== null && limit.kind === 'literal' && limit.literal === 'integer' && limit.text === '1'
  )
}

/** True when `expr` calls an aggregate outside a nested query (and not as a window). */
function hasAggregate(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasAggregate)
  if (typeof value !== 'object' || value === null) return false
  const node = value as {
    readonly kind?: unknown
    readonly name?: unknown
    readonly star?: unknown
  }
  if (node.kind === 'select') return false
  if (
    node.kind === 'func' &&
    typeof node.name === 'string' &&
    !('over' in node && node.over != null)
  ) {
    if (node.star === true || aggregateSignatures(node.name).length > 0) return true
  }
  return Object.values(node).some(hasAggregate)
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
      on: andAll(
        join.outer.map((outer, i) => ({
          kind: 'binary',
          op: join.nullSafe?.[i] === true ? 'is not distinct from' : '=',
          left: { kind: 'column-ref', table: join.alias, name: keyName(i), position: 0 },
          right: outer,
          position: outer.position,
        })),
      ),
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
    case 'function-ref':
      return [item.alias ?? item.name.name]
  }
}

interface Links {
  /** The `inner = outer` equalities, at least one. */
  readonly links: readonly { readonly outer: SyntaxExpr; readonly inner: SyntaxExpr }[]
  /** The other conjuncts, reading only the inner relations. */
  readonly rest: readonly SyntaxExpr[]
  /** Conjuncts reading only the outer row. */
  readonly outerConditions: readonly SyntaxExpr[]
}

/** Splits the WHERE linking `query` to its outer query (see the top); 0A000 otherwise. */
function findLinks(query: SelectNode, position: number): Links {
  const simple =
    query.from !== null &&
    query.from.kind !== 'set-op' &&
    query.from.kind !== 'values' &&
    query.where !== null &&
    query.groupBy.length === 0 &&
    query.having === null
  if (!simple || query.from === null || query.where === null) throw correlatedNotSupported(position)
  const innerNames = relationNames(query.from)
  const isOuter = (ref: ColumnRefNode): boolean => ref.table !== null && !innerNames.has(ref.table)
  const links: { outer: ColumnRefNode; inner: ColumnRefNode }[] = []
  const others: SyntaxExpr[] = []
  for (const part of conjuncts(query.where)) {
    const { left, right } =
      part.kind === 'binary' && part.op === '=' ? part : { left: null, right: null }
    if (left?.kind === 'column-ref' && right?.kind === 'column-ref') {
      if (isOuter(left) && !isOuter(right)) {
        links.push({ outer: left, inner: right })
        continue
      }
      if (isOuter(right) && !isOuter(left)) {
        links.push({ outer: right, inner: left })
        continue
      }
    }
    others.push(part)
  }
  if (links.length === 0) throw correlatedNotSupported(position)
  const sameRef = (a: ColumnRefNode, b: ColumnRefNode): boolean =>
    a.table === b.table && a.name === b.name
  const rest: SyntaxExpr[] = []
  const outerConditions: SyntaxExpr[] = []
  for (const part of others) {
    const refs = columnRefs(part)
    const outer = refs.filter(isOuter)
    if (outer.length === 0) rest.push(part)
    else if (outer.length === refs.length && !hasQuery(part)) outerConditions.push(part)
    else if (outer.every((ref) => links.some((l) => sameRef(l.outer, ref)))) {
      const inner = (ref: ColumnRefNode): SyntaxExpr =>
        links.find((l) => sameRef(l.outer, ref))?.inner ?? ref
      rest.push(substitute(part, isOuter, inner) as SyntaxExpr)
    } else throw correlatedNotSupported(position)
  }
  return { links, rest, outerConditions }
}

/** The column references in `value`, nested queries included. */
function columnRefs(value: unknown): ColumnRefNode[] {
  if (Array.isArray(value)) return value.flatMap(columnRefs)
  if (typeof value !== 'object' || value === null) return []
  const node = value as { readonly kind?: unknown }
  if (node.kind === 'column-ref') return [node as ColumnRefNode]
  return Object.values(node).flatMap(columnRefs)
}

function hasQuery(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasQuery)
  if (typeof value !== 'object' || value === null) return false
  if ((value as { readonly kind?: unknown }).kind === 'select') return true
  return Object.values(value).some(hasQuery)
}

/** `value` with each matching column reference replaced. */
function substitute(
  value: unknown,
  matches: (ref: ColumnRefNode) => boolean,
  replace: (ref: ColumnRefNode) => SyntaxExpr,
): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, matches, replace))
  if (typeof value !== 'object' || value === null) return value
  const node = value as { readonly kind?: unknown }
  if (node.kind === 'column-ref' && matches(node as ColumnRefNode))
    return replace(node as ColumnRefNode)
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, substitute(v, matches, replace)]),
  )
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
    case 'function-ref':
      return new Set([item.alias ?? item.name.name])
  }
}
