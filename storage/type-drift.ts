// Type drift: a field arriving with a type other than its column's. Peers reject the whole
// batch over one such field; Malamute never does, and never loses the value:
//
//   1. same type, or a new column            stored as is
//   2. int2/int4/int8 into int8 or float8    widened (both are Float64 in memory)
//   3. any bool, number or timestamp into a text column   stored as its text
//      (an array as its JSON text, as events stored arrays before array columns existed)
//   3a. int8[] into float8[] widened; any array into text[] as its elements' text
//   4. anything else                         stored in the sibling column `<field>__<type>`
//                                            (e.g. `status__text`, `latency__float8`), created
//                                            on first need, typed by the value
//
// Queries keep working: the original column keeps its type, and the drifted values are one
// column away (`coalesce(status::text, "status__text")` reads both).
import {
  PgError,
  SqlState,
  SqlTypes,
  type Batch,
  type Field,
  type SqlType,
  type Vector,
} from '../common/index.js'
import { textVector } from './json-events.js'

const integerTypes = new Set<SqlType>(['int2', 'int4', 'int8'])

/** Returns `fields` and `batch` with every drifted field widened, texted or renamed. */
export function reconcileTypes(
  typeOf: (name: string) => SqlType | undefined,
  fields: readonly Field[],
  batch: Batch,
): { fields: Field[]; batch: Batch } {
  const outFields: Field[] = []
  const outColumns: Vector[] = []
  const names = new Set<string>()
  fields.forEach((field, index) => {
    const vector = batch.columns[index]!
    let placed = place(field.name, vector, typeOf(field.name))
    if (placed === null) {
      const sibling = `${field.name}__${field.type}`
      placed = place(sibling, vector, typeOf(sibling))
      if (placed === null) {
        throw new PgError({
          code: SqlState.datatypeMismatch,
          message: `column "${sibling}" is of type ${SqlTypes[typeOf(sibling)!].displayName} but expression is of type ${SqlTypes[field.type].displayName}`,
        })
      }
    }
    if (names.has(placed.name)) {
      throw new PgError({
        code: SqlState.duplicateColumn,
        message: `column "${placed.name}" specified more than once`,
      })
    }
    names.add(placed.name)
    outFields.push({ name: placed.name, type: placed.vector.type })
    outColumns.push(placed.vector)
  })
  return { fields: outFields, batch: { length: batch.length, columns: outColumns } }
}

function place(
  name: string,
  vector: Vector,
  known: SqlType | undefined,
): { name: string; vector: Vector } | null {
  if (known === undefined || known === vector.type) return { name, vector }
  if (vector.kind === 'number' && integerTypes.has(vector.type)) {
    if (known === 'int8' || known === 'float8') return { name, vector: { ...vector, type: known } }
  }
  if (known === 'text') {
    const text = vector.kind === 'array' ? arrayAsJsonText(vector) : asText(vector)
    if (text !== null) return { name, vector: text }
  }
  if (vector.kind === 'array') {
    if (known === '_float8' && vector.type === '_int8')
      return {
        name,
        vector: { ...vector, type: known, child: { ...vector.child, type: 'float8' } },
      }
    if (known === '_text') {
      const child = asText(vector.child)
      if (child !== null) return { name, vector: { ...vector, type: known, child } }
    }
  }
  return null
}

/** Each array as JSON text: `["a",1,true,null]`. */
function arrayAsJsonText(vector: Vector & { kind: 'array' }): Vector {
  const child = vector.child
  const element = (k: number): string => {
    if (child.validity !== null && child.validity[k] === 0) return 'null'
    if (child.kind === 'number') return String(child.values[k])
    if (child.kind === 'bool') return child.values[k] === 1 ? 'true' : 'false'
    if (child.kind === 'text')
      return JSON.stringify(
        decoder.decode(child.data.subarray(child.offsets[k], child.offsets[k + 1])),
      )
    return 'null'
  }
  const values = Array.from({ length: vector.length }, (_, row) => {
    const parts: string[] = []
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++) parts.push(element(k))
    return `[${parts.join(',')}]`
  })
  return textVector('text', values, vector.length, vector.validity)
}

const decoder = new TextDecoder()

function asText(vector: Vector): Vector | null {
  const rows = vector.length
  if (vector.kind === 'text') return { ...vector, type: 'text' }
  if (vector.kind === 'bool') {
    const values = Array.from(vector.values, (value) => (value === 1 ? 'true' : 'false'))
    return textVector('text', values, rows, vector.validity)
  }
  if (vector.kind !== 'number') return null
  const type = vector.type
  const values = Array.from(vector.values, (value) =>
    type === 'timestamptz' || type === 'timestamp'
      ? formatMicros(value, type === 'timestamptz')
      : type === 'date'
        ? formatMicros(value * 86_400_000_000, false).slice(0, 10)
        : Object.is(value, -0)
          ? '0'
          : String(value),
  )
  return textVector('text', values, rows, vector.validity)
}

function formatMicros(micros: number, withZone: boolean): string {
  if (!Number.isFinite(micros)) return micros > 0 ? 'infinity' : '-infinity'
  const ms = Math.floor(micros / 1000)
  const iso = new Date(ms).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = String(((micros % 1_000_000) + 1_000_000) % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '')
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`}`
  return withZone ? `${base}+00` : base
}
