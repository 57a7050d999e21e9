// to_json, array_to_json, jsonb_pretty and jsonb_strip_nulls as PostgreSQL 15 writes them:
// json output of SQL values is compact (`[1,2]`), jsonb_pretty indents by four spaces as
// JsonbToCStringIndent does (an empty container keeps its newline: `{\n}`).
import { PgError, SqlState, type Vector } from '../../common/index.js'
import { formatValueText } from '../format/text-output.js'
import {
  JsonObject,
  makeJsonObject,
  parseJson,
  quoteJsonString,
  serializeJson,
  type JsonValue,
} from '../json/json-value.js'
import { argAt, boolArg, type Kernel } from './kernel.js'
import { sqlValueToJson } from './jsonb-kernels.js'
import { textRows } from './row-values.js'

/** to_json of row `row`: arrays compact, json as written, jsonb as its text. */
function toJsonText(vector: Vector, row: number, timeZone: string, pretty = false): string {
  if (vector.validity !== null && vector.validity[row] === 0) return 'null'
  if (vector.kind === 'array') {
    const items: string[] = []
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
      items.push(toJsonText(vector.child, k, timeZone))
    return `[${items.join(pretty ? ',\n ' : ',')}]`
  }
  if (vector.type === 'json' || vector.type === 'jsonb')
    return formatValueText(vector, row, { timeZone }) ?? 'null'
  return serializeJson(sqlValueToJson(vector, row, timeZone))
}

const spaces = (level: number): string => ' '.repeat(level * 4)

/** JsonbToCStringIndent of one value written at nesting `level`. */
export function prettyJson(value: JsonValue, level = 0): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => `\n${spaces(level + 1)}${prettyJson(item, level + 1)}`)
    return `[${items.join(',')}\n${spaces(level)}]`
  }
  if (value instanceof JsonObject) {
    const items = value.keys.map(
      (key, i) =>
        `\n${spaces(level + 1)}${quoteJsonString(key)}: ${prettyJson(value.values[i] ?? null, level + 1)}`,
    )
    return `{${items.join(',')}\n${spaces(level)}}`
  }
  return serializeJson(value)
}

/** jsonb_strip_nulls: object fields whose value is null go, at every depth. */
export function stripNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripNulls)
  if (value instanceof JsonObject) {
    const keys: string[] = []
    const values: JsonValue[] = []
    value.keys.forEach((key, i) => {
      const child = value.values[i] ?? null
      if (child === null) return
      keys.push(key)
      values.push(stripNulls(child))
    })
    return new JsonObject(keys, values)
  }
  return value
}

function jsonbRows(map: (value: JsonValue) => string): Kernel {
  return (call) => {
    const arg = argAt(call, 0)
    return textRows(call, (row) => map(parseJson(formatValueText(arg, row, call.ctx) ?? 'null')))
  }
}

/** Element `k` of an array vector's child as to_json text; the key of an object aggregate. */
function elementKey(child: Vector, k: number, timeZone: string): string {
  if (child.validity !== null && child.validity[k] === 0) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'field name must not be null',
    })
  }
  return formatValueText(child, k, { timeZone }) ?? ''
}

/** json_object_agg / jsonb_object_agg over the two array_aggs of planner/bind/json-agg.ts. */
function objectAggFinal(jsonb: boolean): Kernel {
  return (call) => {
    const keys = argAt(call, 0)
    const values = argAt(call, 1)
    const { timeZone } = call.ctx
    return textRows(call, (row) => {
      if (keys.kind !== 'array' || values.kind !== 'array') return null
      const pairs: [string, JsonValue][] = []
      const parts: string[] = []
      const offset = values.offsets[row]! - keys.offsets[row]!
      for (let k = keys.offsets[row]!; k < keys.offsets[row + 1]!; k++) {
        const key = elementKey(keys.child, k, timeZone)
        if (jsonb) pairs.push([key, sqlValueToJson(values.child, k + offset, timeZone)])
        else
          parts.push(`${quoteJsonString(key)} : ${toJsonText(values.child, k + offset, timeZone)}`)
      }
      return jsonb ? serializeJson(makeJsonObject(pairs)) : `{ ${parts.join(', ')} }`
    })
  }
}

export const jsonExtraKernels: Readonly<Record<string, Kernel>> = {
  to_json: (call) => {
    const arg = argAt(call, 0)
    return textRows(call, (row) => toJsonText(arg, row, call.ctx.timeZone))
  },
  array_to_json: (call) => {
    const arg = argAt(call, 0)
    const pretty = call.args.length > 1 ? boolArg(call, 1).values : null
    return textRows(call, (row) => toJsonText(arg, row, call.ctx.timeZone, pretty?.[row] === 1))
  },
  json_agg_final: (call) => {
    const arg = argAt(call, 0)
    return textRows(call, (row) => {
      if (arg.kind !== 'array') return null
      const items: string[] = []
      for (let k = arg.offsets[row]!; k < arg.offsets[row + 1]!; k++)
        items.push(toJsonText(arg.child, k, call.ctx.timeZone))
      return `[${items.join(', ')}]`
    })
  },
  json_object_agg_final: objectAggFinal(false),
  jsonb_object_agg_final: objectAggFinal(true),
  jsonb_pretty: jsonbRows((value) => prettyJson(value)),
  jsonb_strip_nulls: jsonbRows((value) => serializeJson(stripNulls(value))),
}
