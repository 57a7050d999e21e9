// jsonb kernels: the operators (-> ->> #> #>> ? ?| ?& @> <@), jsonb_typeof,
// jsonb_array_length, jsonb_extract_path[_text], jsonb_build_object / json_build_object,
// jsonb_build_array and to_jsonb. Each row's normalized text is parsed (json-value.ts); a
// constant argument (a key, a path) is read once per batch.
import { PgError, SqlState, type TextVector, type Vector } from '../../common/index.js'
import {
  makeBoolVector,
  makeNumberVector,
  TextVectorBuilder,
  textAt,
} from '../expr/vector-builders.js'
import {
  hasEscape,
  rangeKind,
  scanContains,
  scanElement,
  scanField,
  scanPattern,
} from '../json/json-scan.js'
import { formatValueText } from '../format/text-output.js'
import {
  jsonAsText,
  jsonConcat,
  jsonContains,
  jsonDelete,
  jsonGet,
  jsonGetPath,
  jsonHasKey,
  parseTextArray,
} from '../json/json-ops.js'
import {
  JsonNumber,
  JsonObject,
  jsonTypeOf,
  makeJsonObject,
  parseJson,
  serializeJson,
  type JsonValue,
} from '../json/json-value.js'
import { argAt, combineValidity, textArg, type Kernel, type KernelCall } from './kernel.js'
import { stringReader, textRows } from './row-values.js'

/** Reads argument `index` (jsonb text) as parsed values. */
function jsonReader(call: KernelCall, index: number): (row: number) => JsonValue {
  const texts = textArg(call, index)
  if (call.constantArgs[index] === true && call.length > 0 && texts.validity === null) {
    const value = parseJson(textAt(texts, 0))
    return () => value
  }
  return (row) => parseJson(textAt(texts, row))
}

/** Reads argument `index` as a text array literal, once when constant. */
function pathReader(call: KernelCall, index: number): (row: number) => string[] {
  const text = stringReader(call, index)
  if (call.constantArgs[index] === true && call.length > 0) {
    const path = parseTextArray(text(0))
    return () => path
  }
  return (row) => parseTextArray(text(row))
}

/** A jsonb result per row; undefined (no such field) and, when `sqlNullForJsonNull`, JSON null are SQL NULL. */
function jsonRows(call: KernelCall, compute: (row: number) => JsonValue | undefined): Vector {
  return textRows(call, (row) => {
    const value = compute(row)
    return value === undefined ? null : serializeJson(value)
  })
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()

/**
 * `->` / `->>` by key or index: the value's byte range is found by scanning the row's text
 * (json/json-scan.ts) and copied; a key written with escapes falls back to parsing the row.
 */
function fieldKernel(asText: boolean): Kernel {
  return (call) => {
    const json = textArg(call, 0)
    const steps = argAt(call, 1)
    const validity = combineValidity(call.length, ...call.args)
    const out = new TextVectorBuilder(call.type, call.length, call.length * 8)
    const range = new Int32Array(2)
    const constantKey =
      steps.kind === 'text' && call.constantArgs[1] === true && call.length > 0
        ? utf8Encoder.encode(textAt(steps, 0))
        : null
    const { data, offsets } = json
    for (let row = 0; row < call.length; row++) {
      if (validity !== null && validity[row] === 0) {
        out.appendNull()
        continue
      }
      const start = offsets[row]!
      const end = offsets[row + 1]!
      if (steps.kind === 'number') {
        scanElement(data, start, end, steps.values[row]!, range)
      } else {
        const key = constantKey ?? utf8Encoder.encode(textAt(steps as TextVector, row))
        if (!scanField(data, start, end, key, range)) {
          const value = jsonGet(parseJson(textAt(json, row)), utf8Decoder.decode(key), true)
          const text =
            value === undefined ? null : asText ? jsonAsText(value) : serializeJson(value)
          if (text === null) out.appendNull()
          else out.appendString(text)
          continue
        }
      }
      const [from, to] = [range[0]!, range[1]!]
      if (from < 0) out.appendNull()
      else if (!asText) out.appendBytes(data, from, to)
      else {
        const kind = rangeKind(data, from)
        if (kind === 'null') out.appendNull()
        else if (kind === 'other') out.appendBytes(data, from, to)
        else if (hasEscape(data, from, to))
          out.appendString(JSON.parse(utf8Decoder.decode(data.subarray(from, to))) as string)
        else out.appendBytes(data, from + 1, to - 1)
      }
    }
    return out.finish()
  }
}

function pathKernel(asText: boolean): Kernel {
  return (call) => {
    const json = jsonReader(call, 0)
    const path = pathReader(call, 1)
    if (asText)
      return textRows(call, (row) => {
        const value = jsonGetPath(json(row), path(row))
        return value === undefined ? null : jsonAsText(value)
      })
    return jsonRows(call, (row) => jsonGetPath(json(row), path(row)))
  }
}

/** jsonb_extract_path(j, VARIADIC keys): the path given as separate text arguments. */
function extractPathKernel(asText: boolean): Kernel {
  return (call) => {
    const json = jsonReader(call, 0)
    const steps = call.args.slice(1).map((_, i) => stringReader(call, i + 1))
    const path = (row: number): string[] => steps.map((step) => step(row))
    if (asText)
      return textRows(call, (row) => {
        const value = jsonGetPath(json(row), path(row))
        return value === undefined ? null : jsonAsText(value)
      })
    return jsonRows(call, (row) => jsonGetPath(json(row), path(row)))
  }
}

function boolKernel(test: (call: KernelCall) => (row: number) => boolean): Kernel {
  return (call) => {
    const validity = combineValidity(call.length, ...call.args)
    const compute = test(call)
    const out = new Uint8Array(call.length)
    for (let row = 0; row < call.length; row++) {
      if (validity !== null && validity[row] === 0) continue
      out[row] = compute(row) ? 1 : 0
    }
    return makeBoolVector('bool', out, validity)
  }
}

const exists = boolKernel((call) => {
  const json = jsonReader(call, 0)
  const key = stringReader(call, 1)
  return (row) => jsonHasKey(json(row), key(row))
})

function existsMany(all: boolean): Kernel {
  return boolKernel((call) => {
    const json = jsonReader(call, 0)
    const keys = pathReader(call, 1)
    return (row) => {
      const value = json(row)
      const wanted = keys(row)
      return all
        ? wanted.every((k) => jsonHasKey(value, k))
        : wanted.some((k) => jsonHasKey(value, k))
    }
  })
}

function containsKernel(reversed: boolean): Kernel {
  return (call) => {
    const [docIndex, wantedIndex] = reversed ? [1, 0] : [0, 1]
    const wantedVector = textArg(call, wantedIndex)
    const constant =
      call.constantArgs[wantedIndex] === true && call.length > 0 && wantedVector.validity === null
    const wanted = constant ? parseJson(textAt(wantedVector, 0)) : undefined
    if (!(wanted instanceof JsonObject)) {
      return boolKernel((c) => {
        const a = jsonReader(c, 0)
        const b = jsonReader(c, 1)
        return (row) => (reversed ? jsonContains(b(row), a(row)) : jsonContains(a(row), b(row)))
      })(call)
    }
    // A constant object: scan each document's bytes for the wanted keys (json-scan.ts).
    const pattern = scanPattern(
      wanted.keys,
      wanted.values,
      (v) => serializeJson(v as JsonValue),
      (v) =>
        v instanceof JsonObject
          ? 'object'
          : typeof v === 'string' || typeof v === 'boolean' || v === null
            ? 'simple'
            : 'other',
      (v) => [(v as JsonObject).keys, (v as JsonObject).values],
      wanted,
    )
    const slow = (text: string, part: unknown): boolean =>
      jsonContains(parseJson(text), part as JsonValue, false)
    const docs = textArg(call, docIndex)
    return boolKernel(() => (row) => {
      const [start, end] = [docs.offsets[row]!, docs.offsets[row + 1]!]
      if (docs.data[start] !== 0x7b) return jsonContains(parseJson(textAt(docs, row)), wanted)
      return scanContains(docs.data, start, end, pattern, slow)
    })(call)
  }
}

const typeOf: Kernel = (call) => {
  const json = jsonReader(call, 0)
  return textRows(call, (row) => jsonTypeOf(json(row)))
}

const arrayLength: Kernel = (call) => {
  const json = jsonReader(call, 0)
  const validity = combineValidity(call.length, ...call.args)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const value = json(row)
    if (!Array.isArray(value)) {
      const what = jsonTypeOf(value) === 'object' ? 'a non-array' : 'a scalar'
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `cannot get array length of ${what}`,
      })
    }
    out[row] = value.length
  }
  return makeNumberVector('int4', out, validity)
}

/** to_jsonb of one SQL value: numbers stay numbers, times become ISO 8601 strings. */
export function sqlValueToJson(vector: Vector, row: number, timeZone: string): JsonValue {
  if (vector.validity !== null && vector.validity[row] === 0) return null
  if (vector.kind === 'array') {
    // An SQL array is a JSON array of its elements, as PostgreSQL's to_jsonb makes it.
    const elements: JsonValue[] = []
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
      elements.push(sqlValueToJson(vector.child, k, timeZone))
    return elements
  }
  switch (vector.type) {
    case 'bool':
      return vector.kind === 'bool' && vector.values[row] === 1
    case 'jsonb':
    case 'json':
      return parseJson(formatValueText(vector, row, { timeZone }) ?? 'null')
    default:
      break
  }
  const text = formatValueText(vector, row, { timeZone }) ?? ''
  switch (vector.type) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
    case 'numeric':
    case 'float4':
    case 'float8':
      return /^-?\d/.test(text) ? new JsonNumber(text) : text
    case 'timestamptz':
      return /^\d/.test(text) ? text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') : text
    case 'timestamp':
      return /^\d/.test(text) ? text.replace(' ', 'T') : text
    default:
      return text
  }
}

function buildObject(separator: string): Kernel {
  return (call) => {
    if (call.args.length % 2 !== 0) {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: 'argument list must have even number of elements',
        hint: `The arguments of ${separator === ': ' ? 'jsonb' : 'json'}_build_object() must consist of alternating keys and values.`,
      })
    }
    return textRows(
      call,
      (row) => {
        const pairs: [string, JsonValue][] = []
        for (let i = 0; i < call.args.length; i += 2) {
          const key = call.args[i]!
          if (key.validity !== null && key.validity[row] === 0) {
            throw new PgError({
              code: SqlState.nullValueNotAllowed,
              message: `argument ${i + 1}: key must not be null`,
            })
          }
          const keyText = formatValueText(key, row, call.ctx) ?? ''
          pairs.push([keyText, sqlValueToJson(call.args[i + 1]!, row, call.ctx.timeZone)])
        }
        if (separator === ': ') return serializeJson(makeJsonObject(pairs))
        // json_build_object keeps the keys as written, duplicates included.
        const parts = pairs.map(([k, v]) => `${serializeJson(k)} : ${serializeJson(v)}`)
        return `{${parts.join(', ')}}`
      },
      null,
    )
  }
}

function buildArray(): Kernel {
  return (call) =>
    textRows(
      call,
      (row) => {
        const items = call.args.map((arg) => sqlValueToJson(arg, row, call.ctx.timeZone))
        return serializeJson(items)
      },
      null,
    )
}

const toJsonb: Kernel = (call) => {
  const arg = argAt(call, 0)
  return textRows(call, (row) => serializeJson(sqlValueToJson(arg, row, call.ctx.timeZone)))
}

/** `a || b` on jsonb. */
const concat: Kernel = (call) => {
  const a = jsonReader(call, 0)
  const b = jsonReader(call, 1)
  return jsonRows(call, (row) => jsonConcat(a(row), b(row)))
}

/** `j - key` / `j - index`. */
const remove: Kernel = (call) => {
  const json = jsonReader(call, 0)
  const steps = argAt(call, 1)
  const step = steps.kind === 'number' ? (row: number) => steps.values[row]! : stringReader(call, 1)
  return jsonRows(call, (row) => jsonDelete(json(row), step(row)))
}

export const jsonbKernels: Readonly<Record<string, Kernel>> = {
  jsonb_field: fieldKernel(false),
  jsonb_field_text: fieldKernel(true),
  jsonb_path: pathKernel(false),
  jsonb_path_text: pathKernel(true),
  jsonb_exists: exists,
  jsonb_exists_any: existsMany(false),
  jsonb_exists_all: existsMany(true),
  jsonb_contains: containsKernel(false),
  jsonb_contained: containsKernel(true),
  jsonb_typeof: typeOf,
  jsonb_array_length: arrayLength,
  jsonb_extract_path: extractPathKernel(false),
  jsonb_extract_path_text: extractPathKernel(true),
  jsonb_build_object: buildObject(': '),
  json_build_object: buildObject(' : '),
  jsonb_build_array: buildArray(),
  json_build_array: buildArray(),
  json_typeof: typeOf,
  json_array_length: arrayLength,
  to_jsonb: toJsonb,
  jsonb_concat: concat,
  jsonb_delete: remove,
}
