// What jsonb's operators do to parsed values: field and element access (-> ->> #> #>>),
// key existence (? ?| ?&), containment (@> <@) with PostgreSQL's rules, and the path
// arguments written as text array literals ('{a,b,0}').
import { PgError, SqlState } from '../../common/index.js'
import {
  JsonNumber,
  JsonObject,
  makeJsonObject,
  serializeJson,
  type JsonValue,
} from './json-value.js'

/**
 * `j -> key` / `j -> index` (negative indexes count from the end); undefined for no value.
 * At the top level a scalar is a one-element array, as jsonb stores a raw scalar.
 */
export function jsonGet(
  value: JsonValue,
  step: string | number,
  topLevel = false,
): JsonValue | undefined {
  if (typeof step === 'string') return value instanceof JsonObject ? value.get(step) : undefined
  if (topLevel && !Array.isArray(value) && !(value instanceof JsonObject))
    return jsonGet([value], step)
  if (!Array.isArray(value)) return undefined
  const index = step < 0 ? value.length + step : step
  return index >= 0 && index < value.length ? value[index] : undefined
}

/** `j #> path`: each step a key, or an integer index where the value is an array. */
export function jsonGetPath(value: JsonValue, path: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = value
  for (const step of path) {
    if (current === undefined) return undefined
    if (Array.isArray(current)) {
      if (!/^\s*[+-]?\d+\s*$/.test(step)) return undefined
      current = jsonGet(current, Number(step))
    } else {
      current = jsonGet(current, step)
    }
  }
  return current
}

/** `->>`'s text: strings unquoted, JSON null as SQL NULL, containers as jsonb text. */
export function jsonAsText(value: JsonValue): string | null {
  if (value === null) return null
  if (typeof value === 'string') return value
  return serializeJson(value)
}

/** `j ? key`: a top-level key of an object, or a string element of an array (or the string). */
export function jsonHasKey(value: JsonValue, key: string): boolean {
  if (value instanceof JsonObject) return value.get(key) !== undefined
  if (Array.isArray(value)) return value.some((v) => v === key)
  return value === key
}

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  if (a instanceof JsonNumber && b instanceof JsonNumber) return Number(a.text) === Number(b.text)
  return a === b
}

/** `a @> b` as jsonb_contains: objects by key, arrays by element (any order), scalars equal. */
export function jsonContains(a: JsonValue, b: JsonValue, topLevel = true): boolean {
  if (a instanceof JsonObject) {
    if (!(b instanceof JsonObject)) return false
    return b.keys.every((key, i) => {
      const mine = a.get(key)
      return mine !== undefined && jsonContains(mine, b.values[i] ?? null, false)
    })
  }
  if (Array.isArray(a)) {
    // A raw scalar is contained in a top-level array holding it.
    const wanted = Array.isArray(b) ? b : topLevel && !(b instanceof JsonObject) ? [b] : null
    if (wanted === null) return false
    return wanted.every((item) =>
      item instanceof JsonObject || Array.isArray(item)
        ? a.some(
            (mine) =>
              (mine instanceof JsonObject || Array.isArray(mine)) &&
              Array.isArray(mine) === Array.isArray(item) &&
              jsonContains(mine, item, false),
          )
        : a.some((mine) => scalarEquals(mine, item)),
    )
  }
  if (b instanceof JsonObject || Array.isArray(b)) return false
  return scalarEquals(a, b)
}

/** Reads a text array literal ('{a,"b c",1}') as path steps or keys; 22P02 when malformed. */
export function parseTextArray(text: string): string[] {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new PgError({
      code: SqlState.invalidTextRepresentation,
      message: `malformed array literal: "${text}"`,
      detail: 'Array value must start with "{" or dimension information.',
    })
  }
  const body = trimmed.slice(1, -1)
  const items: string[] = []
  let i = 0
  while (i < body.length) {
    while (body[i] === ' ') i++
    let item = ''
    if (body[i] === '"') {
      i++
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++
        item += body[i] ?? ''
        i++
      }
      i++
    } else {
      while (i < body.length && body[i] !== ',') item += body[i++]
      item = item.trim()
    }
    items.push(item)
    while (body[i] === ' ') i++
    if (body[i] === ',') i++
  }
  return body.trim() === '' ? [] : items
}

/** `a || b` (jsonb_concat): objects merge (right wins), anything else concatenates as arrays. */
export function jsonConcat(a: JsonValue, b: JsonValue): JsonValue {
  if (a instanceof JsonObject && b instanceof JsonObject) {
    const pairs: [string, JsonValue][] = a.keys.map((k, i) => [k, a.values[i] ?? null])
    b.keys.forEach((k, i) => pairs.push([k, b.values[i] ?? null]))
    return makeJsonObject(pairs)
  }
  const items = (v: JsonValue): JsonValue[] => (Array.isArray(v) ? v : [v])
  return [...items(a), ...items(b)]
}

function cannotDelete(what: string): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `cannot delete from ${what}`,
  })
}

/** `j - key` (a key of an object, or string elements of an array) and `j - index`. */
export function jsonDelete(value: JsonValue, step: string | number): JsonValue {
  if (value instanceof JsonObject) {
    if (typeof step === 'number') throw cannotDelete('object using integer index')
    const keep = value.keys.map((k, i) => [k, i] as const).filter(([k]) => k !== step)
    return new JsonObject(
      keep.map(([k]) => k),
      keep.map(([, i]) => value.values[i] ?? null),
    )
  }
  if (!Array.isArray(value)) throw cannotDelete('scalar')
  if (typeof step === 'string') return value.filter((v) => v !== step)
  const index = step < 0 ? value.length + step : step
  return value.filter((_, i) => i !== index)
}
