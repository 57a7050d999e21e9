// Path edits of jsonb values, as PostgreSQL 15's setPath (jsonfuncs.c) makes them for
// jsonb_set (create or replace), jsonb_insert (insert before or after), `#-` (delete) and
// jsonb_set_lax: the path's steps are object keys, or integer indexes where the value is an
// array (negative from the end); a missing key or an index past the end adds the value at
// the last step when creating or inserting; a path that leads through a scalar or a missing
// key changes nothing.
import { PgError, SqlState } from '../../common/index.js'
import { JsonObject, makeJsonObject, type JsonValue } from './json-value.js'

export type PathEdit = 'create' | 'replace' | 'insert-before' | 'insert-after' | 'delete'

/** A path step that is SQL NULL is null. */
export type JsonPath = readonly (string | null)[]

const isInsert = (edit: PathEdit): boolean => edit === 'insert-before' || edit === 'insert-after'
const addsMissing = (edit: PathEdit): boolean => edit === 'create' || isInsert(edit)

/** `value` with the edit at `path` applied (`newValue` is ignored for 'delete'). */
export function editPath(
  value: JsonValue,
  path: JsonPath,
  newValue: JsonValue,
  edit: PathEdit,
  level = 0,
): JsonValue {
  const step = path[level]
  if (step === null || step === undefined) {
    throw new PgError({
      code: SqlState.nullValueNotAllowed,
      message: `path element at position ${level + 1} is null`,
    })
  }
  if (value instanceof JsonObject) return editObject(value, path, newValue, edit, level, step)
  if (Array.isArray(value)) return editArray(value, path, newValue, edit, level, step)
  return value
}

function editObject(
  object: JsonObject,
  path: JsonPath,
  newValue: JsonValue,
  edit: PathEdit,
  level: number,
  key: string,
): JsonValue {
  const last = level === path.length - 1
  const pairs: [string, JsonValue][] = []
  const count = object.keys.length
  if (count === 0 && addsMissing(edit) && last) pairs.push([key, newValue])
  let done = false
  for (let i = 0; i < count; i++) {
    const name = object.keys[i]!
    const current = object.values[i] ?? null
    if (!done && name === key) {
      done = true
      if (!last) {
        pairs.push([name, editPath(current, path, newValue, edit, level + 1)])
        continue
      }
      if (isInsert(edit)) {
        throw new PgError({
          code: SqlState.invalidParameterValue,
          message: 'cannot replace existing key',
          hint: 'Try using the function jsonb_set to replace key value.',
        })
      }
      if (edit !== 'delete') pairs.push([name, newValue])
      continue
    }
    if (addsMissing(edit) && !done && last && i === count - 1) pairs.push([key, newValue])
    pairs.push([name, current])
  }
  return makeJsonObject(pairs)
}

function editArray(
  array: readonly JsonValue[],
  path: JsonPath,
  newValue: JsonValue,
  edit: PathEdit,
  level: number,
  step: string,
): JsonValue {
  const count = array.length
  const last = level === path.length - 1
  let index = pathIndex(step, level)
  let before = false // a negative index past the start: the value goes first
  if (index < 0) {
    if (-index > count) before = true
    else index += count
  }
  if (index > count) index = count
  const out: JsonValue[] = []
  let done = false
  if ((before || count === 0) && last && addsMissing(edit)) {
    out.push(newValue)
    done = true
  }
  for (let i = 0; i < count; i++) {
    const current = array[i] ?? null
    if (before || i !== index) {
      out.push(current)
      continue
    }
    done = true
    if (!last) {
      out.push(editPath(current, path, newValue, edit, level + 1))
      continue
    }
    if (edit === 'insert-before' || edit === 'create') out.push(newValue)
    if (isInsert(edit)) out.push(current)
    if (edit === 'insert-after' || edit === 'replace') out.push(newValue)
  }
  if (addsMissing(edit) && !done && last) out.push(newValue)
  return out
}

/** An array step as strtoint reads it (leading blanks, a sign, digits, nothing after). */
function pathIndex(step: string, level: number): number {
  const index = /^[ \t\n\v\f\r]*[+-]?\d+$/.test(step) ? Number(step) : Number.NaN
  if (!Number.isInteger(index) || index < -2147483648 || index > 2147483647) {
    throw new PgError({
      code: SqlState.invalidTextRepresentation,
      message: `path element at position ${level + 1} is not an integer: "${step}"`,
    })
  }
  return index
}

/** `j - keys` (jsonb_delete_array): drops the top-level keys (or string elements) named. */
export function deleteKeys(value: JsonValue, keys: JsonPath): JsonValue {
  const named = new Set(keys.filter((k): k is string => k !== null))
  if (value instanceof JsonObject) {
    const pairs: [string, JsonValue][] = []
    for (let i = 0; i < value.keys.length; i++) {
      if (named.has(value.keys[i]!)) continue
      pairs.push([value.keys[i]!, value.values[i] ?? null])
    }
    return makeJsonObject(pairs)
  }
  if (Array.isArray(value)) return value.filter((v) => typeof v !== 'string' || !named.has(v))
  throw new PgError({ code: SqlState.invalidParameterValue, message: 'cannot delete from scalar' })
}
