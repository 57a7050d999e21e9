// Functions in FROM, run once into a relation before the query binds: generate_series (of
// integers, and of timestamps through table-functions.ts), the jsonb set-returning functions,
// unnest and generate_subscripts of constant arrays (of column arrays the binder unnests
// laterally instead), and any scalar function (one row: Grafana's `string_to_array(...) s`).
import {
  PgError,
  SqlState,
  assert,
  elementTypeOf,
  isArrayType,
  type ArraySqlType,
  type Field,
  type SqlType,
} from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import { unnestBatch } from '../../executor/operators/unnest.js'
import { makeNumberVector, scalarAt } from '../../executor/expr/vector-builders.js'
import type { BindContext } from '../bind/context.js'
import { ExpressionBinder } from '../bind/expression-binder.js'
import { arrayFunctionNames } from '../bind/array-binder.js'
import { scalarFunctionNames, undefinedFunction } from '../bind/functions.js'
import { emptyScope } from '../bind/scope.js'
import { displayType } from '../bind/types.js'
import {
  selectNode,
  type FromItem,
  type FunctionRefNode,
  type SelectNode,
  type SyntaxExpr,
} from '../sql/ast.js'
import { MaterializedRowsMax, renameColumns, tooManyRows } from './query-materializer.js'
import type { Rows, RunPlan } from './set-operations.js'
import { isTableFunction, runTableFunction } from './table-functions.js'
import { unnestedArrayFunctions } from './set-returning.js'

/** Common tables in scope: name as written → materialized relation name. */
type CommonTables = ReadonlyMap<string, string>

/** What a function in FROM needs from the materializer running the statement. */
export interface FromFunctionHost {
  readonly context: BindContext
  readonly run: RunPlan
  rewriteArgs(args: readonly SyntaxExpr[], tables: CommonTables): Promise<SyntaxExpr[]>
  execute(node: SelectNode, tables: CommonTables): Promise<Rows>
  register(rows: Rows): string
}

/** A function in FROM, run once into a relation; its one column is named after the alias. */
export async function fromFunction(
  host: FromFunctionHost,
  item: FunctionRefNode,
  tables: CommonTables,
): Promise<FromItem> {
  const name = item.name.name
  const arrayFunction = unnestedArrayFunctions[name]
  if (arrayFunction !== undefined) {
    const call: SyntaxExpr = {
      kind: 'func',
      name: arrayFunction,
      args: item.args,
      star: false,
      distinct: false,
      filter: null,
      position: item.position,
    }
    const alias = item.alias ?? name
    const unnest = { ...item, name: { ...item.name, name: 'unnest' }, args: [call], alias }
    return fromFunction(host, unnest, tables)
  }
  if (name === 'unnest') {
    const args = await host.rewriteArgs(item.args, tables)
    const rows = await constantUnnest(host, { ...item, args })
    // Arguments reading columns: the binder unnests them laterally over the items before it.
    if (rows === undefined) return { ...item, args }
    const internal = host.register(renameColumns(rows, item.columnAliases, item.alias ?? name))
    const alias = item.alias ?? name
    return { kind: 'table-ref', table: { name: internal, position: item.position }, alias }
  }
  const args = await host.rewriteArgs(item.args, tables)
  const binder = new ExpressionBinder(host.context, emptyScope)
  const bound = args.map((arg) => binder.bind(arg, { allowed: false, clause: 'FROM' }))
  if (name !== 'generate_series' && !isTableFunction(name, bound)) {
    // A scalar function in FROM is a relation of one row (Grafana's string_to_array(...) s).
    if (scalarFunctionNames[name] !== undefined || arrayFunctionNames.has(name))
      return scalarFunctionRef(host, item, args, tables)
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `function ${name} in FROM is not supported yet`,
      position: item.position + 1,
    })
  }
  const special = isTableFunction(name, bound)
    ? await runTableFunction(
        name,
        bound,
        host.context,
        host.run,
        item.position,
        MaterializedRowsMax,
      )
    : undefined
  const rows = special ?? (await generateSeries(host, args, item.position))
  const alias = item.alias ?? name
  const named =
    special?.namedColumns === true
      ? rows
      : { fields: rows.fields.map((f) => ({ ...f, name: alias })), batches: rows.batches }
  const numbered = item.withOrdinality === true ? withOrdinality(named) : named
  const internal = host.register(renameColumns(numbered, item.columnAliases, alias))
  return { kind: 'table-ref', table: { name: internal, position: item.position }, alias }
}

/**
 * The rows of a jsonb set-returning function over constant arguments, named as in FROM,
 * without registering a relation: a LATERAL call's per-value run (lateral-join.ts).
 */
export async function tableFunctionRows(
  context: BindContext,
  run: RunPlan,
  item: FunctionRefNode,
): Promise<Rows> {
  const name = item.name.name
  const binder = new ExpressionBinder(context, emptyScope)
  const bound = item.args.map((arg) => binder.bind(arg, { allowed: false, clause: 'FROM' }))
  const rows = await runTableFunction(name, bound, context, run, item.position, MaterializedRowsMax)
  const alias = item.alias ?? name
  const named = rows.namedColumns
    ? rows
    : { fields: rows.fields.map((f) => ({ ...f, name: alias })), batches: rows.batches }
  const numbered = item.withOrdinality === true ? withOrdinality(named) : named
  return renameColumns(numbered, item.columnAliases, alias)
}

/** `WITH ORDINALITY`: a last int8 column numbering the rows from 1. */
function withOrdinality(rows: Rows): Rows {
  let next = 1
  const batches = rows.batches.map((batch) => {
    const numbers = new Float64Array(batch.length)
    for (let i = 0; i < batch.length; i++) numbers[i] = next++
    return { ...batch, columns: [...batch.columns, makeNumberVector('int8', numbers, null)] }
  })
  return { fields: [...rows.fields, { name: 'ordinality', type: 'int8' }], batches }
}

/** `FROM fn(args) [AS] alias [(column)]` for a scalar fn: one row, its column named alias. */
async function scalarFunctionRef(
  host: FromFunctionHost,
  item: FunctionRefNode,
  args: SyntaxExpr[],
  tables: CommonTables,
): Promise<FromItem> {
  const name = item.name.name
  const alias = item.alias ?? name
  const call: SyntaxExpr = {
    kind: 'func',
    name,
    args,
    star: false,
    distinct: false,
    filter: null,
    position: item.position,
  }
  const select: SelectNode = selectNode({ targets: [{ expr: call, alias }] })
  const rows = await host.execute(select, tables)
  const internal = host.register(renameColumns(rows, item.columnAliases, alias))
  return { kind: 'table-ref', table: { name: internal, position: item.position }, alias }
}

/** `generate_series(start, stop [, step])` over int4 or int8, as PostgreSQL's. */
async function generateSeries(
  host: FromFunctionHost,
  args: readonly SyntaxExpr[],
  position: number,
): Promise<Rows> {
  const binder = new ExpressionBinder(host.context, emptyScope)
  const policy = { allowed: false, clause: 'FROM' } as const
  const bound = args.map((arg) => binder.bind(arg, policy))
  const types = bound.map((e) => (e.type === 'unknown' || e.type === 'int2' ? 'int4' : e.type))
  const type: SqlType = types.includes('int8') ? 'int8' : 'int4'
  if ((args.length !== 2 && args.length !== 3) || types.some((t) => t !== 'int4' && t !== 'int8')) {
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `function generate_series(${types.map(displayType).join(', ')}) does not exist`,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      position: position + 1,
    })
  }
  const fields: Field[] = [{ name: 'generate_series', type }]
  if (host.run === null) return { fields, batches: [] }
  const argFields: Field[] = bound.map((_, i) => ({ name: `arg${i + 1}`, type }))
  const coerced = bound.map((e) => host.context.coerce(e, type))
  const plan = { kind: 'values', fields: argFields, rows: [coerced] } as const
  const batch = (await host.run(plan, argFields)).find((b) => b.length > 0)
  const values = batch?.columns.map((c) => scalarAt(c, 0)) ?? []
  const [start, stop, step = 1] = values
  if (typeof start !== 'number' || typeof stop !== 'number' || typeof step !== 'number')
    return { fields, batches: [] }
  if (step === 0) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'step size cannot equal zero',
    })
  }
  const count = Math.max(0, Math.floor((stop - start) / step) + 1)
  if (count > MaterializedRowsMax) throw tooManyRows('generate_series')
  const out = new Float64Array(count)
  for (let i = 0; i < count; i += 1) out[i] = start + i * step
  return { fields, batches: [{ length: count, columns: [makeNumberVector(type, out, null)] }] }
}

/** unnest(constant arrays) [WITH ORDINALITY] run now; undefined when an argument reads a column. */
async function constantUnnest(
  host: FromFunctionHost,
  item: FunctionRefNode,
): Promise<Rows | undefined> {
  const binder = new ExpressionBinder(host.context, emptyScope)
  const policy = { allowed: false, clause: 'functions in FROM' } as const
  let arrays: Expr[]
  try {
    arrays = item.args.map((arg) => binder.bind(arg, policy))
  } catch (error) {
    const code = error instanceof PgError ? error.fields.code : undefined
    if (code === SqlState.undefinedColumn || code === SqlState.undefinedTable) return undefined
    throw error
  }
  if (arrays.length === 0 || arrays.some((a) => !isArrayType(a.type)))
    throw undefinedFunction('unnest', arrays, item.position)
  const name = item.alias ?? 'unnest'
  const fields: Field[] = arrays.map((a) => ({
    name: arrays.length === 1 ? name : 'unnest',
    type: elementTypeOf(a.type as ArraySqlType),
  }))
  if (item.withOrdinality === true) fields.push({ name: 'ordinality', type: 'int8' })
  if (host.run === null) return { fields, batches: [] }
  const argFields: Field[] = arrays.map((a, i) => ({ name: `arg${i + 1}`, type: a.type }))
  const plan = { kind: 'values', fields: argFields, rows: [arrays] } as const
  const batch = (await host.run(plan, argFields)).find((b) => b.length > 0)
  if (batch === undefined) return { fields, batches: [] }
  const vectors = batch.columns.map((c) => {
    assert(c.kind === 'array', 'unnest arguments are arrays')
    return c
  })
  const expanded = unnestBatch({ length: 1, columns: [] }, vectors, item.withOrdinality === true)
  if (expanded.length > MaterializedRowsMax) throw tooManyRows('unnest')
  return { fields, batches: [expanded] }
}
