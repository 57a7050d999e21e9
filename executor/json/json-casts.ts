// Casts into and out of json/jsonb: text is read by jsonb_in (normalized) or json_in
// (validated, kept as written); jsonb scalars cast to numbers and boolean as PostgreSQL 15's
// jsonb_int4 & co. do, with their 22023 errors for the wrong JSON type.
import {
  PgError,
  SqlState,
  SqlTypes,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import {
  TextVectorBuilder,
  makeBoolVector,
  makeTextVector,
  textAt,
} from '../expr/vector-builders.js'
import { JsonNumber, JsonObject, parseJson, serializeJson, type JsonValue } from './json-value.js'

/** text or json → jsonb (normalized) / json (checked, unchanged). */
export function castTextToJson(vector: TextVector, to: 'json' | 'jsonb'): TextVector {
  const builder = new TextVectorBuilder(to, vector.length, vector.data.length + vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (vector.validity !== null && vector.validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const text = textAt(vector, row)
    const value = parseJson(text)
    builder.appendString(to === 'jsonb' ? serializeJson(value) : text)
  }
  return builder.finish()
}

function jsonbTypeName(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'boolean'
  if (value instanceof JsonNumber) return 'numeric'
  return value instanceof JsonObject ? 'object' : 'array'
}

function wrongJsonType(value: JsonValue, to: SqlType): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `cannot cast jsonb ${jsonbTypeName(value)} to type ${SqlTypes[to].displayName}`,
  })
}

/**
 * jsonb → boolean or a number type. Numbers come back as a numeric-typed text vector for the
 * caller to cast on (numeric → int rounds as numeric_int4 does).
 */
export function castJsonbToScalar(vector: TextVector, to: SqlType): Vector {
  const values = Array.from({ length: vector.length }, (_, row) =>
    vector.validity !== null && vector.validity[row] === 0
      ? undefined
      : parseJson(textAt(vector, row)),
  )
  if (to === 'bool') {
    const out = new Uint8Array(vector.length)
    values.forEach((value, row) => {
      if (value === undefined) return
      if (typeof value !== 'boolean') throw wrongJsonType(value, to)
      out[row] = value ? 1 : 0
    })
    return makeBoolVector(to, out, vector.validity)
  }
  const texts = values.map((value) => {
    if (value === undefined) return null
    if (!(value instanceof JsonNumber)) throw wrongJsonType(value, to)
    return value.text
  })
  return makeTextVector('text', texts)
}
