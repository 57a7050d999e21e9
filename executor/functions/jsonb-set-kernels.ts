// jsonb_set, jsonb_set_lax, jsonb_insert, `j #- path` and `j - keys` (text[]): path edits
// (json/json-set.ts) of each row's parsed value, with PostgreSQL 15's argument checks. Paths
// and key lists are text[] arguments; jsonb_set_lax is the one that is not strict.
import { PgError, SqlState, type Vector } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { deleteKeys, editPath, type JsonPath, type PathEdit } from '../json/json-set.js'
import { JsonObject, parseJson, serializeJson, type JsonValue } from '../json/json-value.js'
import { argAt, combineValidity, type Kernel, type KernelCall } from './kernel.js'
import { textRows } from './row-values.js'

const present = (vector: Vector | undefined, row: number): boolean =>
  vector !== undefined && (vector.validity === null || vector.validity[row] === 1)

function jsonAt(call: KernelCall, index: number, row: number): JsonValue {
  const vector = argAt(call, index)
  if (vector.kind !== 'text') throw new Error('jsonb argument is not a text vector')
  return parseJson(textAt(vector, row))
}

/** Row `row` of a text[] argument; NULL elements are null. */
function pathAt(call: KernelCall, index: number, row: number): JsonPath {
  const vector = argAt(call, index)
  if (vector.kind !== 'array' || vector.child.kind !== 'text')
    throw new Error('path argument is not a text[] vector')
  const child = vector.child
  const path: (string | null)[] = []
  for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
    path.push(present(child, k) ? textAt(child, k) : null)
  return path
}

function boolAt(call: KernelCall, index: number, row: number, otherwise: boolean): boolean {
  const vector = call.args[index]
  if (vector === undefined) return otherwise
  if (vector.kind !== 'bool') throw new Error('bool argument is not a bool vector')
  return vector.values[row] === 1
}

const isScalar = (value: JsonValue): boolean =>
  !(value instanceof JsonObject || Array.isArray(value))
const isEmpty = (value: JsonValue): boolean =>
  value instanceof JsonObject ? value.keys.length === 0 : Array.isArray(value) && value.length === 0

function scalarError(what: 'set' | 'delete'): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `cannot ${what} path in scalar`,
  })
}

/** jsonb_set(target, path, new_value [, create_if_missing]). */
function setRow(call: KernelCall, row: number, newValue: JsonValue): JsonValue {
  const target = jsonAt(call, 0, row)
  const create = boolAt(call, 3, row, true)
  if (isScalar(target)) throw scalarError('set')
  if (isEmpty(target) && !create) return target
  const path = pathAt(call, 1, row)
  if (path.length === 0) return target
  return editPath(target, path, newValue, create ? 'create' : 'replace')
}

/** `target #- path` (jsonb_delete_path). */
function deletePathRow(call: KernelCall, row: number): JsonValue {
  const target = jsonAt(call, 0, row)
  if (isScalar(target)) throw scalarError('delete')
  const path = pathAt(call, 1, row)
  if (isEmpty(target) || path.length === 0) return target
  return editPath(target, path, null, 'delete')
}

const nullTreatments = ['raise_exception', 'use_json_null', 'delete_key', 'return_target']

function badTreatment(): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message:
      'null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"',
  })
}

/** jsonb_set_lax: an SQL NULL new value is handled as null_value_treatment says. */
function setLaxRow(call: KernelCall, row: number): JsonValue {
  const treatmentVector = call.args[4]
  if (treatmentVector !== undefined && !present(treatmentVector, row)) throw badTreatment()
  if (present(call.args[2], row)) return setRow(call, row, jsonAt(call, 2, row))
  const treatment =
    treatmentVector?.kind === 'text' ? textAt(treatmentVector, row) : 'use_json_null'
  if (!nullTreatments.includes(treatment)) throw badTreatment()
  switch (treatment) {
    case 'raise_exception':
      throw new PgError({
        code: SqlState.nullValueNotAllowed,
        message: 'JSON value must not be null',
        detail: 'Exception was raised because null_value_treatment is "raise_exception".',
        hint: 'To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.',
      })
    case 'delete_key':
      return deletePathRow(call, row)
    case 'return_target':
      return jsonAt(call, 0, row)
    default:
      return setRow(call, row, null)
  }
}

/** jsonb_insert(target, path, new_value [, insert_after]). */
function insertRow(call: KernelCall, row: number): JsonValue {
  const target = jsonAt(call, 0, row)
  if (isScalar(target)) throw scalarError('set')
  const path = pathAt(call, 1, row)
  if (path.length === 0) return target
  const edit: PathEdit = boolAt(call, 3, row, false) ? 'insert-after' : 'insert-before'
  return editPath(target, path, jsonAt(call, 2, row), edit)
}

/** `target - keys` (jsonb_delete_array). */
function deleteKeysRow(call: KernelCall, row: number): JsonValue {
  const target = jsonAt(call, 0, row)
  if (isScalar(target)) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'cannot delete from scalar',
    })
  }
  const keys = pathAt(call, 1, row)
  return isEmpty(target) || keys.length === 0 ? target : deleteKeys(target, keys)
}

function rows(compute: (call: KernelCall, row: number) => JsonValue): Kernel {
  return (call) => textRows(call, (row) => serializeJson(compute(call, row)))
}

export const jsonbSetKernels: Readonly<Record<string, Kernel>> = {
  jsonb_set: rows((call, row) => setRow(call, row, jsonAt(call, 2, row))),
  jsonb_set_lax: (call) => {
    // NULL for a NULL target, path or create_if_missing; the new value may be NULL.
    const [target, path, , create] = call.args
    const strict = [target, path, create].filter((v): v is Vector => v !== undefined)
    const validity = combineValidity(call.length, ...strict)
    return textRows(call, (row) => serializeJson(setLaxRow(call, row)), validity)
  },
  jsonb_insert: rows(insertRow),
  jsonb_delete_path: rows(deletePathRow),
  jsonb_delete_keys: rows(deleteKeysRow),
}
