// Schemaless JSON events to a columnar batch: the converter behind HTTP intake and
// COPY ... (FORMAT ndjson). Each event is one JSON object; its fields become columns:
//
//   {"ts": "2024-01-01T00:00:00Z", "http": {"method": "GET", "status_code": 200}, "tags": ["a"]}
//     ts            timestamptz   the time field (jsonTimeFieldOf): an ISO 8601 string or a
//                                 number of epoch milliseconds
//     http.method   text          nested objects flatten to dotted names
//     http.status_code int8       integers int8, other numbers float8, booleans bool
//     tags          text[]        arrays of integers int8[], of numbers float8[], of strings
//                                 text[], of booleans bool[]; JSON null elements are NULL
//
// A field missing from an event, or JSON null, is NULL. Within one batch a field whose values
// mix integers and other numbers is float8; one that mixes strings, numbers or booleans is
// text (each value's JSON text), so no value is lost and no event is rejected for its types.
// Arrays follow the same rule per element: integers with other numbers make float8[], and
// any other mix (strings with numbers, nested arrays or objects) makes text[] holding each
// element's JSON text (strings as they are); all-empty arrays make text[]. A field that is an
// array in some events and a scalar in others is text, each value its JSON text.
// Events without the time field get the arrival time. Holds one JS array per column, never
// an object per event.
import {
  PgError,
  SqlState,
  type Batch,
  type Field,
  type SqlType,
  type Vector,
} from '../common/index.js'
import type { TableInfo } from './api.js'

/** Fields read as event time, in this order, when the table names none (time_field). */
export const TimeFieldCandidates = ['timestamp', 'ts', 'time'] as const

/**
 * The field every JSON intake reads as event time: the table's time_field, else its time
 * column, else the first of timestamp, ts and time that `first` (the first event) has, else
 * `timestamp` (a column then filled with arrival times).
 */
export function jsonTimeFieldOf(
  table: Pick<TableInfo, 'timeField' | 'timeColumn'> | undefined,
  first: unknown,
): string {
  if (table?.timeField !== undefined) return table.timeField
  if (table !== undefined && table.timeColumn !== null) return table.timeColumn
  const event = typeof first === 'object' && first !== null ? (first as object) : {}
  return TimeFieldCandidates.find((name) => name in event) ?? 'timestamp'
}

/** A malformed event: HTTP intake answers 400 naming `line`. */
export class JsonEventError extends PgError {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super({ code: SqlState.invalidTextRepresentation, message, detail: `line ${line}` })
  }
}

export interface JsonEventsOptions {
  /** The table's time column, or the field to read as one when the table has none. */
  readonly timeField: string
  /** Epoch microseconds given to events without the time field. */
  readonly arrivalMicros: number
}

const Int = 1
const Float = 2
const Str = 4
const Bool = 8
const Json = 16

type JsonScalar = number | string | boolean | null

/** An array field's value: its elements, nested arrays and objects as their JSON text. */
type JsonArray = { readonly elements: readonly JsonScalar[]; readonly json: string }

/** Bit of ColumnAccumulator.kinds for array values; their elements' kinds are in elementKinds. */
const Arr = 32

interface ColumnAccumulator {
  kinds: number
  elementKinds: number
  readonly values: (JsonScalar | JsonArray)[]
}

export class JsonEventBatchBuilder {
  private readonly columns = new Map<string, ColumnAccumulator>()
  private times = new Float64Array(1024)
  private row = 0
  private line = 0
  /** Kinds of columns before the current event changed them: what undoRow restores. */
  private readonly rowUndo: { column: ColumnAccumulator; name: string; kinds: number }[] = []

  constructor(private readonly options: JsonEventsOptions) {}

  get rows(): number {
    return this.row
  }

  /** Adds one NDJSON line (blank lines are skipped); throws JsonEventError when malformed. */
  addLine(text: string, line: number): void {
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new JsonEventError(line, `invalid JSON: ${(error as Error).message}`)
    }
    this.addEvent(value, line)
  }

  /**
   * Adds one parsed event; it must be a JSON object. All or nothing: a malformed event leaves
   * the builder as it was, so a caller may set it aside (a dead letter) and go on.
   */
  addEvent(value: unknown, line: number): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new JsonEventError(line, 'event is not a JSON object')
    this.line = line
    if (this.row === this.times.length) {
      const grown = new Float64Array(this.times.length * 2)
      grown.set(this.times)
      this.times = grown
    }
    this.times[this.row] = this.options.arrivalMicros
    this.rowUndo.length = 0
    try {
      this.flatten(value as Record<string, unknown>, '')
    } catch (error) {
      this.undoRow()
      throw error
    }
    this.row++
  }

  /** Forgets the values, kinds and columns the current (failed) event added. */
  private undoRow(): void {
    for (const column of this.columns.values())
      if (column.values.length > this.row) column.values.length = this.row
    for (const { column, name, kinds } of this.rowUndo.reverse()) {
      column.kinds = kinds
      if (kinds === 0) this.columns.delete(name)
    }
  }

  /** Returns the batch of every event added: the time field first, then fields in first-seen order. */
  finish(): { fields: Field[]; batch: Batch } {
    const rows = this.row
    const fields: Field[] = [{ name: this.options.timeField, type: 'timestamptz' }]
    const vectors: Vector[] = [
      {
        kind: 'number',
        type: 'timestamptz',
        length: rows,
        validity: null,
        values: this.times.slice(0, rows),
      },
    ]
    for (const [name, column] of this.columns) {
      const vector = columnVector(column, rows)
      fields.push({ name, type: vector.type })
      vectors.push(vector)
    }
    return { fields, batch: { length: rows, columns: vectors } }
  }

  private flatten(object: Record<string, unknown>, prefix: string): void {
    for (const key of Object.keys(object)) {
      const value = object[key]
      const name = prefix + key
      if (value === null || value === undefined) continue
      if (typeof value === 'object' && !Array.isArray(value)) {
        this.flatten(value as Record<string, unknown>, `${name}.`)
        continue
      }
      if (name === this.options.timeField) this.setTime(name, value)
      else if (typeof value === 'number')
        this.set(name, Number.isSafeInteger(value) ? Int : Float, value)
      else if (typeof value === 'string') this.set(name, Str, value)
      else if (typeof value === 'boolean') this.set(name, Bool, value)
      else if (Array.isArray(value)) this.setArray(name, value)
      else this.set(name, Json, JSON.stringify(value))
    }
  }

  private setTime(name: string, value: unknown): void {
    const micros =
      typeof value === 'string'
        ? parseIsoTimestampMicros(value)
        : typeof value === 'number' && Number.isFinite(value)
          ? Math.round(value * 1000)
          : null
    if (micros === null) {
      const text = JSON.stringify(value)
      throw new JsonEventError(this.line, `invalid timestamp in field "${name}": ${text}`)
    }
    this.times[this.row] = micros
  }

  private setArray(name: string, value: readonly unknown[]): void {
    let kinds = 0
    const elements: JsonScalar[] = value.map((element) => {
      if (element === null || element === undefined) return null
      if (typeof element === 'number') {
        kinds |= Number.isSafeInteger(element) ? Int : Float
        return element
      }
      if (typeof element === 'string' || typeof element === 'boolean') {
        kinds |= typeof element === 'string' ? Str : Bool
        return element
      }
      kinds |= Json
      return JSON.stringify(element)
    })
    const column = this.set(name, Arr, { elements, json: JSON.stringify(value) })
    column.elementKinds |= kinds
  }

  private set(name: string, kind: number, value: JsonScalar | JsonArray): ColumnAccumulator {
    let column = this.columns.get(name)
    if (column === undefined) {
      column = { kinds: 0, elementKinds: 0, values: [] }
      this.columns.set(name, column)
    }
    if ((column.kinds & kind) === 0) this.rowUndo.push({ column, name, kinds: column.kinds })
    column.kinds |= kind
    const values = column.values
    while (values.length < this.row) values.push(null)
    values[this.row] = value
    return column
  }
}

const isJsonArray = (value: JsonScalar | JsonArray | undefined): value is JsonArray =>
  typeof value === 'object' && value !== null

/** An array column: int8[], float8[], bool[] or text[] by its elements' kinds. */
function arrayColumnVector(column: ColumnAccumulator, rows: number, validity: Uint8Array | null) {
  const kinds = column.elementKinds
  const offsets = new Int32Array(rows + 1)
  const elements: JsonScalar[] = []
  for (let row = 0; row < rows; row++) {
    const value = column.values[row]
    if (isJsonArray(value)) for (const element of value.elements) elements.push(element)
    offsets[row + 1] = elements.length
  }
  const elementColumn: ColumnAccumulator = { kinds, elementKinds: 0, values: elements }
  // All arrays empty: text[]. Otherwise the elements' column type, as for scalar fields.
  const element =
    kinds === 0
      ? textVector('text', elements, elements.length, null)
      : columnVector(elementColumn, elements.length)
  const type = `_${element.type}` as SqlType
  return { kind: 'array', type, length: rows, validity, offsets, child: element } as const
}

function columnVector(column: ColumnAccumulator, rows: number): Vector {
  const { kinds, values } = column
  let validity: Uint8Array | null = null
  for (let row = 0; row < rows; row++) {
    if (values[row] === null || values[row] === undefined) {
      validity ??= new Uint8Array(rows).fill(1)
      validity[row] = 0
    }
  }
  if (kinds === Arr) return arrayColumnVector(column, rows, validity)
  if ((kinds & Arr) !== 0) {
    // Arrays mixed with scalars: every value as its JSON text.
    const texts = values.map((v) => (isJsonArray(v) ? v.json : v))
    return textVector('text', texts, rows, validity)
  }
  if (kinds === Int || kinds === Float || kinds === (Int | Float)) {
    const out = new Float64Array(rows)
    for (let row = 0; row < rows; row++)
      out[row] = typeof values[row] === 'number' ? (values[row] as number) : 0
    return {
      kind: 'number',
      type: kinds === Int ? 'int8' : 'float8',
      length: rows,
      validity,
      values: out,
    }
  }
  if (kinds === Bool) {
    const out = new Uint8Array(rows)
    for (let row = 0; row < rows; row++) out[row] = values[row] === true ? 1 : 0
    return { kind: 'bool', type: 'bool', length: rows, validity, values: out }
  }
  // No array values here (kinds has no Arr bit): every value is a scalar.
  return textVector('text', values as JsonScalar[], rows, validity)
}

const encoder = new TextEncoder()

/** A text vector of `values` (strings as they are, numbers and booleans as their JSON text). */
export function textVector(
  type: SqlType,
  values: readonly JsonScalar[],
  rows: number,
  validity: Uint8Array | null,
): Vector {
  const offsets = new Int32Array(rows + 1)
  let data = new Uint8Array(Math.max(64, rows * 16))
  let length = 0
  for (let row = 0; row < rows; row++) {
    const value = values[row]
    if (value !== null && value !== undefined) {
      const text = typeof value === 'string' ? value : String(value)
      if (data.length - length < text.length * 3) {
        const grown = new Uint8Array(Math.max(data.length * 2, length + text.length * 3))
        grown.set(data.subarray(0, length))
        data = grown
      }
      length += encoder.encodeInto(text, data.subarray(length)).written
    }
    offsets[row + 1] = length
  }
  return { kind: 'text', type, length: rows, validity, offsets, data: data.subarray(0, length) }
}

const isoPattern =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d\d(?::?\d\d)?)?$/

/** Parses an ISO 8601 timestamp (a date alone is midnight; no zone means UTC) to epoch microseconds. */
export function parseIsoTimestampMicros(text: string): number | null {
  const match = isoPattern.exec(text.trim())
  if (match === null) return null
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const ms = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
  )
  if (!Number.isFinite(ms)) return null
  const check = new Date(ms)
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) return null
  const micros = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1e6)
  let offsetMinutes = 0
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '')
    offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')
    if (zone.startsWith('-')) offsetMinutes = -offsetMinutes
  }
  return (ms - offsetMinutes * 60_000) * 1000 + micros
}
