// LATERAL subqueries in FROM (`FROM t, LATERAL (SELECT ... WHERE u.x = t.a LIMIT 3) s`,
// `LEFT JOIN LATERAL (...) s ON true`, `CROSS JOIN LATERAL`), run like correlated-apply.ts runs
// a correlated subquery, as PostgreSQL's nested loop with the outer values as parameters but
// once per distinct combination of the outer values the subquery reads:
//
//   1. outer references: the subquery's qualified references to the items before it
//      (`t.a`), and unqualified names it cannot bind itself (retried as outer columns);
//   2. `SELECT DISTINCT refs FROM <items before it>` runs once;
//   3. per distinct row, the subquery runs with the refs as constants; its rows, each behind
//      the row's refs, form one relation whose ref columns are hidden (VirtualTableInfo's
//      hiddenKeys), so `s.*` and `*` show only the subquery's columns;
//   4. the join becomes `left [INNER | LEFT] JOIN relation AS s ON refs = keys AND <ON>`, a hash
//      join on the refs (IS NOT DISTINCT FROM where a ref is NULL).
//
// A LATERAL subquery that reads nothing before it is run once. RIGHT and FULL joins cannot
// be lateral (42P10, as in PostgreSQL); USING with a lateral reference is 0A000.
import { PgError, SqlState, type Batch, type SqlType } from '../../common/index.js'
import { takeRows } from '../../executor/expr/batch-ops.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import type { ScalarValue } from '../../executor/plan.js'
import {
  selectNode,
  type FromItem,
  type FunctionRefNode,
  type JoinNode,
  type SelectNode,
  type SubqueryRefNode,
  type SyntaxExpr,
} from '../sql/ast.js'
import {
  ApplyRowsMax,
  concatRows,
  definedNames,
  outerReferences,
  substitute,
} from './correlated-apply.js'
import { keyName } from './decorrelate.js'
import type { Rows } from './set-operations.js'
import { jsonFunctions } from './table-functions.js'

type CommonTables = ReadonlyMap<string, string>

export type LateralJoinNode = JoinNode & { readonly right: SubqueryRefNode }

/** What lateral-join needs of the QueryMaterializer. */
export interface LateralHost {
  rewrite(value: unknown, tables: CommonTables): Promise<unknown>
  execute(node: SelectNode, tables: CommonTables): Promise<Rows>
  /** Registers rows as a relation whose first `hiddenKeys` columns are hidden. */
  register(rows: Rows, hiddenKeys: number): string
  /** A jsonb set-returning function's rows for constant arguments (no query planned). */
  tableFunction(item: FunctionRefNode): Promise<Rows>
}

/**
 * Distinct outer rows a lateral jsonb set-returning function is called for, at most: each
 * call is a direct evaluation, not a planned query, so it may run for many more.
 */
const FunctionRowsMax = 1_000_000

/** Types IS NOT DISTINCT FROM compares directly (executor/signatures.ts's comparable). */
const distinctComparable: ReadonlySet<SqlType> = new Set<SqlType>([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float4',
  'float8',
  'text',
  'varchar',
  'name',
  'bool',
  'timestamptz',
  'timestamp',
  'date',
  'oid',
  'interval',
])

/** Unqualified names tried as outer columns, at most. */
const UnqualifiedNamesMax = 8

export function isLateralJoin(node: unknown): node is LateralJoinNode {
  const join = node as Partial<JoinNode>
  return join.kind === 'join' && join.right?.kind === 'subquery-ref' && join.right.lateral === true
}

/** Rewrites `left JOIN LATERAL (query) s` into a join to the materialized per-row results. */
export async function lateralJoin(
  join: LateralJoinNode,
  host: LateralHost,
  tables: CommonTables,
  where: SyntaxExpr | null = null,
): Promise<FromItem> {
  const left = (await host.rewrite(join.left, tables)) as FromItem
  const on = (await host.rewrite(join.on, tables)) as SyntaxExpr | null
  const filter = leftFilter(where, join.right.alias)
  const unqualified = new Map<string, number>()
  for (;;) {
    try {
      return await joinOnce({ ...join, left, on }, host, tables, unqualified, filter)
    } catch (error) {
      const name = unresolvedName(error)
      if (name === null || unqualified.has(name) || unqualified.size >= UnqualifiedNamesMax)
        throw error
      unqualified.set(name, ((error as PgError).fields.position ?? right(join)) - 1)
    }
  }
}

async function joinOnce(
  join: LateralJoinNode,
  host: LateralHost,
  tables: CommonTables,
  unqualified: ReadonlyMap<string, number>,
  filter: SyntaxExpr | null,
): Promise<FromItem> {
  const right = join.right
  const refs = outerReferences(right.query, definedNames(join.left))
  for (const [name, position] of unqualified)
    refs.set(name, { kind: 'column-ref', table: null, name, position })
  const alias = right.alias ?? 'unnamed_subquery'
  if (refs.size === 0) {
    // Reads nothing before it: one run (an unresolved name here is retried as an outer one).
    const rows = renamed(await host.execute(right.query, tables), right, alias)
    return joinTo(join, host.register(rows, 0), alias, undefined)
  }
  const first = [...refs.values()][0]!
  if (join.joinType === 'right' || join.joinType === 'full') {
    const table = first.kind === 'column-ref' ? first.table : null
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: `invalid reference to FROM-clause entry for table "${table ?? alias}"`,
      detail: 'The combining JOIN type must be INNER or LEFT for a LATERAL reference.',
      position: first.position + 1,
    })
  }
  if (join.using !== null) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'USING with a LATERAL subquery that reads the items before it is not supported',
      position: right.position + 1,
    })
  }

  const keys = [...refs.values()]
  const distinctKeys = (where: SyntaxExpr | null): Promise<Rows> =>
    host.execute(
      selectNode({
        distinct: true,
        targets: keys.map((key, i) => ({ expr: key, alias: keyName(i) })),
        from: join.left,
        where,
      }),
      tables,
    )
  // Only the rows the query's WHERE keeps: PostgreSQL filters the left before the nested loop
  // (so `WHERE id = 2` spares the subquery the rows it would fail on).
  let outerRows: Rows
  try {
    outerRows = await distinctKeys(filter)
  } catch (error) {
    if (filter === null || !isBindingError(error)) throw error
    outerRows = await distinctKeys(null)
  }
  const outer = concatRows(outerRows)
  const call = jsonFunctionCall(right.query)
  const limit = call === undefined ? ApplyRowsMax : FunctionRowsMax
  if (outer.length > limit) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `LATERAL subquery would run for more than ${limit} distinct outer rows`,
      position: right.position + 1,
    })
  }

  // The subquery with row `row`'s outer values (all NULL for row -1: only its column types).
  const runFor = (row: number): Promise<Rows> => {
    const constants = new Map<string, SyntaxExpr>()
    ;[...refs.keys()].forEach((name, i) => {
      const column = outer.columns[i]
      const value: ScalarValue = row < 0 || column === undefined ? null : scalarAt(column, row)
      const type = outerRows.fields[i]!.type
      constants.set(name, { kind: 'constant', value, type, name: null, position: first.position })
    })
    if (call !== undefined)
      return host.tableFunction(substitute(call, constants) as FunctionRefNode)
    return host.execute(substitute(right.query, constants) as SelectNode, tables)
  }

  const batches: Batch[] = []
  let typed: Rows | undefined
  for (let row = 0; row < outer.length; row += 1) {
    const rows = await runFor(row)
    typed ??= rows
    for (const batch of rows.batches) {
      if (batch.length === 0) continue
      const repeated = takeRows(outer, new Int32Array(batch.length).fill(row))
      batches.push({ length: batch.length, columns: [...repeated.columns, ...batch.columns] })
    }
  }
  typed ??= await runFor(-1)
  const inner = renamed(typed, right, alias)
  const relation = host.register(
    { fields: [...outerRows.fields, ...inner.fields], batches },
    keys.length,
  )
  const nullSafe = outer.columns.map((column) => column.validity?.includes(0) === true)
  const links = keys.map((key, i): SyntaxExpr => {
    const position = key.position
    const inner: SyntaxExpr = { kind: 'column-ref', table: relation, name: keyName(i), position }
    if (nullSafe[i] !== true) return { kind: 'binary', op: '=', left: key, right: inner, position }
    // IS NOT DISTINCT FROM has no jsonb, array or bytea form: their text is as exact.
    const type = outerRows.fields[i]!.type
    const asText = (arg: SyntaxExpr): SyntaxExpr =>
      distinctComparable.has(type)
        ? arg
        : { kind: 'cast', arg, typeName: { name: 'text', position }, position }
    const op = 'is not distinct from'
    return { kind: 'binary', op, left: asText(key), right: asText(inner), position }
  })
  const linked = links.reduce((all, link): SyntaxExpr => ({
    kind: 'binary',
    op: 'and',
    left: all,
    right: link,
    position: link.position,
  }))
  return joinTo(join, relation, alias, linked)
}

/** The call when `query` is exactly `SELECT * FROM jsonb_fn(...)` (lateral-functions.ts). */
function jsonFunctionCall(query: SelectNode): FunctionRefNode | undefined {
  const from = query.from
  const [target] = query.targets
  if (from?.kind !== 'function-ref' || !jsonFunctions.has(from.name.name)) return undefined
  const plain =
    query.targets.length === 1 &&
    target?.expr.kind === 'star' &&
    target.expr.table === null &&
    query.where === null &&
    query.groupBy.length === 0 &&
    query.having === null &&
    query.orderBy.length === 0 &&
    query.limit === null &&
    query.offset === null &&
    !query.distinct &&
    !containsQuery(from.args)
  return plain ? from : undefined
}

function containsQuery(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsQuery)
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { kind?: unknown }).kind
  if (kind === 'select' || kind === 'subquery' || kind === 'exists' || kind === 'in-subquery')
    return true
  return Object.values(value).some(containsQuery)
}

function right(join: LateralJoinNode): number {
  return join.right.position + 1
}

function joinTo(
  join: LateralJoinNode,
  relation: string,
  alias: string,
  lateralKeys: SyntaxExpr | undefined,
): FromItem {
  const right: FromItem = { kind: 'table-ref', table: { name: relation, position: 0 }, alias }
  const joinType = join.joinType === 'cross' && lateralKeys !== undefined ? 'inner' : join.joinType
  const { lateralKeys: _keys, ...rest } = join
  if (lateralKeys === undefined) return { ...rest, right }
  return { ...rest, joinType, right, lateralKeys }
}

/** `rows` with the subquery's column aliases; PostgreSQL's 42P10 for too many. */
function renamed(rows: Rows, right: SubqueryRefNode, alias: string): Rows {
  const aliases = right.columnAliases
  if (aliases.length > rows.fields.length) {
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: `table "${alias}" has ${rows.fields.length} columns available but ${aliases.length} columns specified`,
    })
  }
  const fields = rows.fields.map((f, i) => ({ name: aliases[i]?.name ?? f.name, type: f.type }))
  return { fields, batches: rows.batches }
}

/**
 * The WHERE conjuncts that may read only the items before the lateral one: no subquery, no
 * reference qualified by its alias. A conjunct naming a column of the lateral item unqualified
 * fails to bind over the left, and the keys are then read without any filter.
 */
function leftFilter(where: SyntaxExpr | null, alias: string | null): SyntaxExpr | null {
  if (where === null) return null
  const parts = conjuncts(where).filter((part) => !mentions(part, alias))
  return parts.length === 0
    ? null
    : parts.reduce((all, part) => ({
        kind: 'binary',
        op: 'and',
        left: all,
        right: part,
        position: part.position,
      }))
}

function conjuncts(expr: SyntaxExpr): SyntaxExpr[] {
  if (expr.kind === 'binary' && expr.op === 'and')
    return [...conjuncts(expr.left), ...conjuncts(expr.right)]
  return [expr]
}

/** True when `value` holds a query or a column reference qualified by `alias`. */
function mentions(value: unknown, alias: string | null): boolean {
  if (Array.isArray(value)) return value.some((v) => mentions(v, alias))
  if (typeof value !== 'object' || value === null) return false
  const node = value as { kind?: unknown; table?: unknown }
  if (node.kind === 'select' || node.kind === 'subquery' || node.kind === 'exists') return true
  if (node.kind === 'in-subquery') return true
  if (node.kind === 'column-ref' && node.table === alias) return true
  return Object.values(node).some((v) => mentions(v, alias))
}

function isBindingError(error: unknown): boolean {
  return (
    error instanceof PgError &&
    (error.code === SqlState.undefinedColumn ||
      error.code === SqlState.undefinedTable ||
      error.code === SqlState.ambiguousColumn)
  )
}

/** The name in `column "x" does not exist` (an unqualified outer reference), else null. */
function unresolvedName(error: unknown): string | null {
  if (!(error instanceof PgError) || error.code !== SqlState.undefinedColumn) return null
  return /^column "([^"]*)" does not exist$/.exec(error.message)?.[1] ?? null
}
