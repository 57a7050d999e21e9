// The general fallback for a correlated subquery that decorrelate.ts cannot turn into a join:
// a correlation through a function or a non-equality, a correlated IN, a correlated subquery
// in a select list (client catalog queries are full of these: SQLAlchemy's column inspection,
// pgcli's metadata refresh). Like PostgreSQL's SubPlan it runs the subquery with the outer
// values as constants, but once per distinct combination of the outer values it reads rather
// than once per row:
//
//   1. outer references: the qualified column references whose qualifier no FROM item inside
//      the subquery defines (`a.attrelid` in `(SELECT ... FROM pg_sequence s WHERE ... a.attrelid)`),
//      plus the left operand of IN;
//   2. `SELECT DISTINCT refs FROM <outer FROM> [WHERE <outer WHERE>]` runs once;
//   3. per distinct row, `SELECT <subquery expression with the refs as constants>` runs;
//   4. the (refs, value) rows are left-joined to the outer FROM on the refs (IS NOT DISTINCT
//      FROM where a ref is NULL), and the expression becomes the joined value column.
//
// Every outer row finds its row, so the join never duplicates or drops one. Unqualified outer
// references stay 0A000, as do more than `ApplyRowsMax` distinct outer rows.
import { PgError, SqlState, type Batch } from '../../common/index.js'
import type { ScalarValue } from '../../executor/plan.js'
import { concatBatches } from '../../executor/expr/batch-ops.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import { selectNode, type FromItem, type SelectNode, type SyntaxExpr } from '../sql/ast.js'
import { keyName } from './decorrelate.js'
import {
  constant,
  correlatedNotSupported,
  isOuterReference,
  type QueryMaterializer,
} from './query-materializer.js'
import type { Rows } from './set-operations.js'

/** Distinct outer rows a correlated subquery is run for, at most. */
export const ApplyRowsMax = 10_000

/** The FROM and WHERE of the SELECT a subquery is nested in (FROM already materialized). */
export interface OuterFrame {
  readonly from: FromItem | null
  readonly where: SyntaxExpr | null
}

type CorrelatedExpr = Extract<SyntaxExpr, { kind: 'subquery' | 'exists' | 'in-subquery' }>

/** Unqualified names the subquery could not resolve: tried as the outer query's columns. */
const UnqualifiedNamesMax = 8

/** Thrown when a run of the subquery meets an unqualified column it does not define. */
class UnresolvedName {
  constructor(readonly name: string) {}
}

/**
 * Rewrites a correlated subquery expression into a column of a left-joined relation. An
 * unqualified outer reference (`unnest(confkey)` inside pgcli's subquery on pg_constraint) is
 * found when the subquery fails to bind it, and retried as a column of the outer FROM.
 */
export async function applyPerOuterRow(
  expr: CorrelatedExpr,
  frame: OuterFrame | undefined,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<SyntaxExpr> {
  const unqualified: string[] = []
  for (;;) {
    try {
      return await applyOnce(expr, frame, materializer, tables, unqualified)
    } catch (error) {
      if (!(error instanceof UnresolvedName)) throw error
      if (unqualified.includes(error.name) || unqualified.length >= UnqualifiedNamesMax)
        throw correlatedNotSupported(expr.position)
      unqualified.push(error.name)
    }
  }
}

async function applyOnce(
  expr: CorrelatedExpr,
  frame: OuterFrame | undefined,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
  unqualified: readonly string[],
): Promise<SyntaxExpr> {
  const position = expr.position
  // No outer FROM: the binding error itself, which a query further out may resolve.
  if (frame?.from == null) throw await bindingErrorOf(expr, materializer, tables)
  const outerNames = definedNames(frame.from)
  const refs = outerReferences(expr.query, outerNames)
  for (const name of unqualified)
    refs.set(name, { kind: 'column-ref', table: null, name, position })
  const keys: SyntaxExpr[] = [...refs.values()]
  if (expr.kind === 'in-subquery') keys.push(expr.arg)
  if (keys.length === 0)
    throw asUnresolvedName(await bindingErrorOf(expr, materializer, tables), position)

  // A guessed unqualified name that is no outer column fails here with its binding error.
  const outerRows = await materializer.execute(
    selectNode({
      distinct: true,
      targets: keys.map((key, i) => ({ expr: key, alias: keyName(i) })),
      from: frame.from,
      where: frame.where !== null && !hasSubquery(frame.where) ? frame.where : null,
    }),
    tables,
  )
  const outer = concatRows(outerRows)
  if (outer.length > ApplyRowsMax) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `correlated subquery would run for more than ${ApplyRowsMax} distinct outer rows`,
      position: position + 1,
    })
  }

  // Runs the expression with the outer values of `row` (all NULL for row -1: the result type
  // when there is no outer row, or when only describing the statement).
  const runFor = async (row: number): Promise<Rows> => {
    const value = (i: number): ScalarValue => {
      const column = outer.columns[i]
      return row < 0 || column === undefined ? null : scalarAt(column, row)
    }
    const substituted = new Map<string, SyntaxExpr>()
    ;[...refs.keys()].forEach((name, i) =>
      substituted.set(name, constant(value(i), outerRows.fields[i]!.type, null, position)),
    )
    const inner = substitute(expr.query, substituted) as SelectNode
    const body: SyntaxExpr =
      expr.kind === 'in-subquery'
        ? {
            ...expr,
            arg: constant(value(refs.size), outerRows.fields[refs.size]!.type, null, position),
            query: inner,
          }
        : { ...expr, query: inner }
    try {
      return await materializer.execute(selectOf(body), tables)
    } catch (error) {
      throw asUnresolvedName(error, position)
    }
  }

  const results: Rows[] = []
  for (let row = 0; row < outer.length; row += 1) results.push(await runFor(row))
  const typed = results[0] ?? (await runFor(-1))
  const valueField = typed.fields[0]
  if (valueField === undefined) throw correlatedNotSupported(position)
  const values = concatRows({ fields: typed.fields, batches: results.flatMap((r) => r.batches) })

  const relation: Rows = {
    fields: [...outerRows.fields, valueField],
    batches:
      outer.length === 0
        ? []
        : [{ length: outer.length, columns: [...outer.columns, ...values.columns] }],
  }
  const nullSafe = outer.columns.map((column) => column.validity?.includes(0) === true)
  const alias = materializer.joinToCurrentSelect(relation, keys, position, nullSafe)
  return { kind: 'column-ref', table: alias, name: valueField.name, position }
}

/** An unqualified outer reference (retried as one), or 0A000 for one to a query further out. */
function asUnresolvedName(error: unknown, position: number): unknown {
  if (!isOuterReference(error)) return error
  const name = /^column "([^"]*)" does not exist$/.exec((error as PgError).message)?.[1]
  return name === undefined ? correlatedNotSupported(position) : new UnresolvedName(name)
}

/** The outer-reference error running the subquery on its own raises (0A000 if none). */
async function bindingErrorOf(
  expr: CorrelatedExpr,
  materializer: QueryMaterializer,
  tables: ReadonlyMap<string, string>,
): Promise<unknown> {
  try {
    await materializer.execute(expr.query, tables)
  } catch (error) {
    if (isOuterReference(error)) return error
  }
  return correlatedNotSupported(expr.position)
}

function selectOf(expr: SyntaxExpr): SelectNode {
  return selectNode({ targets: [{ expr, alias: null }] })
}

export function concatRows(rows: Rows): Batch {
  const nonEmpty = rows.batches.filter((b) => b.length > 0)
  if (nonEmpty.length === 0) return { length: 0, columns: [] }
  return concatBatches(nonEmpty)
}

/** `qualifier.column` → the reference, for qualified references to `outerNames` not defined inside `query`. */
export function outerReferences(
  query: SelectNode,
  outerNames: ReadonlySet<string>,
): Map<string, SyntaxExpr> {
  const inner = new Set<string>()
  collectDefinedNames(query, inner)
  const refs = new Map<string, SyntaxExpr>()
  visit(query, (node) => {
    if (node.kind !== 'column-ref') return
    const ref = node as Extract<SyntaxExpr, { kind: 'column-ref' }>
    if (ref.table === null || inner.has(ref.table) || !outerNames.has(ref.table)) return
    const key = `${ref.table}.${ref.name}`
    if (!refs.has(key)) refs.set(key, ref)
  })
  return refs
}

/** The names FROM items inside `value` (at any depth) make visible: aliases and table names. */
function collectDefinedNames(value: unknown, names: Set<string>): void {
  visit(value, (node) => {
    const item = node as { kind: string; alias?: unknown; table?: unknown; name?: unknown }
    if (typeof item.alias === 'string' && item.kind !== 'column-ref') names.add(item.alias)
    if (item.kind === 'table-ref' && typeof item.table === 'object' && item.table !== null) {
      const table = (item.table as { name: string }).name
      names.add(table)
      const dot = table.lastIndexOf('.')
      if (dot >= 0) names.add(table.slice(dot + 1))
    }
    if (item.kind === 'function-ref' && typeof item.name === 'object' && item.name !== null)
      names.add((item.name as { name: string }).name)
  })
}

export function definedNames(from: FromItem): Set<string> {
  const names = new Set<string>()
  collectDefinedNames(from, names)
  return names
}

function hasSubquery(expr: SyntaxExpr): boolean {
  let found = false
  visit(expr, (node) => {
    if (node.kind === 'select') found = true
  })
  return found
}

/** Calls `fn` for every syntax node (an object with a `kind`) in `value`. */
function visit(value: unknown, fn: (node: { readonly kind: string }) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, fn)
    return
  }
  if (typeof value !== 'object' || value === null) return
  const node = value as { readonly kind?: unknown }
  if (typeof node.kind === 'string') fn(node as { readonly kind: string })
  for (const field of Object.values(node)) visit(field, fn)
}

/** `value` with each qualified column reference in `constants` replaced by its constant. */
export function substitute(value: unknown, constants: ReadonlyMap<string, SyntaxExpr>): unknown {
  if (Array.isArray(value)) return value.map((item) => substitute(item, constants))
  if (typeof value !== 'object' || value === null) return value
  const node = value as {
    readonly kind?: unknown
    readonly table?: unknown
    readonly name?: unknown
  }
  if (node.kind === 'column-ref' && typeof node.table === 'string') {
    const replacement = constants.get(`${node.table}.${String(node.name)}`)
    if (replacement !== undefined) return replacement
  }
  if (node.kind === 'column-ref' && node.table === null) {
    const replacement = constants.get(String(node.name))
    if (replacement !== undefined) return replacement
  }
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(node)) out[key] = substitute(field, constants)
  return out
}
