// Set-returning functions in FROM beyond integer generate_series, run once (their arguments
// are constants) into a relation: generate_series over timestamps with an interval step, and
// jsonb_array_elements[_text], jsonb_object_keys, jsonb_each[_text], and pg_get_keywords().
// Functions with named
// output columns (value; key, value) keep those names; the others take the FROM alias.
import { PgError, SqlState, type Field, type SqlType } from '../../common/index.js'
import {
  makeNullVector,
  makeNumberVector,
  makeTextVector,
  scalarAt,
} from '../../executor/expr/vector-builders.js'
import { addInterval } from '../../executor/functions/interval-kernels.js'
import { intervalSpanCompare } from '../../executor/interval/interval-layout.js'
import { parseInterval } from '../../executor/interval/interval-text.js'
import { jsonAsText } from '../../executor/json/json-ops.js'
import {
  parseJson,
  serializeJson,
  JsonObject,
  type JsonValue,
} from '../../executor/json/json-value.js'
import type { Expr, ScalarValue } from '../../executor/plan.js'
import type { BindContext } from '../bind/context.js'
import { keywordRows } from '../catalog/pg-keywords.js'
import { displayType } from '../bind/types.js'
import type { Rows, RunPlan } from './set-operations.js'

export interface TableFunctionRows extends Rows {
  /** True when the columns have their own names (value; key, value), not the alias's. */
  readonly namedColumns: boolean
}

/** The jsonb set-returning functions (each takes one jsonb). */
export const jsonFunctions: ReadonlySet<string> = new Set([
  'jsonb_array_elements',
  'jsonb_array_elements_text',
  'jsonb_object_keys',
  'jsonb_each',
  'jsonb_each_text',
])

const isTime = (t: SqlType): boolean => t === 'timestamptz' || t === 'timestamp' || t === 'date'

/** True when `name(args)` is one of the functions this module runs. */
export function isTableFunction(name: string, args: readonly Expr[]): boolean {
  if (jsonFunctions.has(name)) return true
  if (name === 'pg_get_keywords') return args.length === 0
  return name === 'generate_series' && args.length === 3 && args.some((a) => isTime(a.type))
}

function undefinedFunction(name: string, args: readonly Expr[], position: number): PgError {
  return new PgError({
    code: SqlState.undefinedFunction,
    message: `function ${name}(${args.map((a) => displayType(a.type)).join(', ')}) does not exist`,
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    position: position + 1,
  })
}

/** Evaluates constant arguments (already coerced) to scalars; null when only describing. */
async function evaluate(args: readonly Expr[], run: RunPlan): Promise<ScalarValue[] | null> {
  if (run === null) return null
  const fields: Field[] = args.map((a, i) => ({ name: `arg${i + 1}`, type: a.type }))
  const batch = (await run({ kind: 'values', fields, rows: [args] }, fields)).find(
    (b) => b.length > 0,
  )
  return batch?.columns.map((c) => scalarAt(c, 0)) ?? null
}

/** Runs `name(args)` (see isTableFunction). */
export async function runTableFunction(
  name: string,
  args: readonly Expr[],
  context: BindContext,
  run: RunPlan,
  position: number,
  rowsMax: number,
): Promise<TableFunctionRows> {
  if (name === 'generate_series') return timeSeries(args, context, run, position, rowsMax)
  if (name === 'pg_get_keywords') return { ...keywordRows(), namedColumns: true }
  if (args.length !== 1 || (args[0]!.type !== 'jsonb' && args[0]!.type !== 'unknown'))
    throw undefinedFunction(name, args, position)
  const [value] = (await evaluate([context.coerce(args[0]!, 'jsonb')], run)) ?? [null]
  const json = typeof value === 'string' ? parseJson(value) : undefined
  return jsonRows(name, json, position)
}

async function timeSeries(
  args: readonly Expr[],
  context: BindContext,
  run: RunPlan,
  position: number,
  rowsMax: number,
): Promise<TableFunctionRows> {
  const [start, stop, step] = args
  const known = [start!.type, stop!.type].filter((t) => t !== 'unknown')
  const type: SqlType =
    known.every((t) => t === 'timestamp') && known.length > 0 ? 'timestamp' : 'timestamptz'
  const valid =
    [start!, stop!].every((a) => isTime(a.type) || a.type === 'unknown') &&
    (step!.type === 'interval' || step!.type === 'unknown')
  if (!valid) throw undefinedFunction('generate_series', args, position)
  const fields: Field[] = [{ name: 'generate_series', type }]
  const coerced = [
    context.coerce(start!, type),
    context.coerce(stop!, type),
    context.coerce(step!, 'interval'),
  ]
  const values = await evaluate(coerced, run)
  const empty = { fields, batches: [], namedColumns: false }
  if (values === null) return empty
  const [from, to, stepText] = values
  if (typeof from !== 'number' || typeof to !== 'number' || typeof stepText !== 'string')
    return empty
  const interval = parseInterval(stepText)
  const zero = { months: 0, days: 0, micros: 0 }
  const direction = intervalSpanCompare(interval, zero)
  if (direction === 0) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'step size cannot equal zero',
    })
  }
  const out: number[] = []
  for (let at = from; direction > 0 ? at <= to : at >= to;) {
    out.push(at)
    if (out.length > rowsMax) {
      throw new PgError({
        code: SqlState.programLimitExceeded,
        message: `generate_series would return more than ${rowsMax} rows`,
      })
    }
    const next = addInterval(type, at, interval, context.timeZone)
    if (next === at) break
    at = next
  }
  const column = makeNumberVector(type, Float64Array.from(out), null)
  return { fields, batches: [{ length: out.length, columns: [column] }], namedColumns: false }
}

function jsonRows(name: string, json: JsonValue | undefined, position: number): TableFunctionRows {
  const text = name.endsWith('_text')
  const valueType: SqlType = text ? 'text' : 'jsonb'
  const render = (v: JsonValue): string | null => (text ? jsonAsText(v) : serializeJson(v))
  const relation = (fields: Field[], columns: (string | null)[][]): TableFunctionRows => {
    const length = columns[0]?.length ?? 0
    const vectors = fields.map((f, i) =>
      length === 0 ? makeNullVector(f.type, 0) : makeTextVector(f.type, columns[i]!),
    )
    return {
      fields,
      batches: length === 0 ? [] : [{ length, columns: vectors }],
      namedColumns: name !== 'jsonb_object_keys',
    }
  }
  const fail = (message: string): PgError =>
    new PgError({ code: SqlState.invalidParameterValue, message, position: position + 1 })
  const scalarKind = (v: JsonValue | undefined): string =>
    v instanceof JsonObject ? 'an object' : Array.isArray(v) ? 'an array' : 'a scalar'
  switch (name) {
    case 'jsonb_array_elements':
    case 'jsonb_array_elements_text': {
      const fields = [{ name: 'value', type: valueType }]
      if (json === undefined) return relation(fields, [[]])
      if (!Array.isArray(json)) throw fail(`cannot extract elements from ${scalarKind(json)}`)
      return relation(fields, [json.map(render)])
    }
    case 'jsonb_object_keys': {
      const fields = [{ name: 'jsonb_object_keys', type: 'text' as SqlType }]
      if (json === undefined) return relation(fields, [[]])
      if (!(json instanceof JsonObject))
        throw fail(`cannot call jsonb_object_keys on ${scalarKind(json)}`)
      return relation(fields, [[...json.keys]])
    }
    default: {
      const fields: Field[] = [
        { name: 'key', type: 'text' },
        { name: 'value', type: valueType },
      ]
      if (json === undefined) return relation(fields, [[], []])
      if (!(json instanceof JsonObject)) throw fail(`cannot call ${name} on ${scalarKind(json)}`)
      return relation(fields, [[...json.keys], json.values.map(render)])
    }
  }
}
