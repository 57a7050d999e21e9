// The per-table cap on distinct columns (ALTER TABLE t SET (max_columns = n), else the
// writer's default, 1000). Peers' users drown in thousands of junk JSON paths turned into
// columns; here a table stops growing at n columns and the rest of each event is kept, not
// dropped, in one jsonb column:
//
//   batch fields ──► the time field, and fields the table already has   stored as columns
//               ├──► new fields, first seen first, while columns < n    new columns
//               └──► every other new field (and any field named _overflow)
//                        ──► `_overflow` jsonb: {"field": value, "http.method": "GET"}, per row
//
// The object's keys are the column names the fields would have had (dotted paths stay dotted,
// so `_overflow->>'http.method'` reads what `"http.method"` would have); a row with no
// overflowed value has NULL there. `_overflow` itself is not counted. Counting is against the
// columns the writer knows when the batch arrives (committed, and buffered by this writer), so
// writers committing at the same moment may pass n by the new fields of their batches.
// Each overflowed non-NULL value counts once (malamute.tables.overflow_fields), committed in
// the transaction that stores it.
import type { Batch, Field, SqlType, Vector } from '../common/index.js'

/** The jsonb column overflowed fields go to; the leading underscore keeps it out of the way. */
export const OverflowColumn = '_overflow'

/** Columns a table gains before new fields overflow, when neither table nor server says. */
export const DefaultMaxColumns = 1000

export interface ColumnBudget {
  /** Whether the table has the column (committed, or added by rows buffered before these). */
  readonly known: (name: string) => boolean
  /** Columns the table has now, buffered new ones included, `_overflow` excluded. */
  readonly columns: number
  readonly maxColumns: number
  /** The table's time column or time field: never overflowed. */
  readonly timeField: string | null
}

export interface CappedBatch {
  readonly fields: Field[]
  readonly batch: Batch
  /** Non-NULL values moved into `_overflow`. */
  readonly overflowed: number
}

/** Returns the batch with the fields past the budget folded into the `_overflow` column. */
export function capNewColumns(
  fields: readonly Field[],
  batch: Batch,
  budget: ColumnBudget,
): CappedBatch {
  let free = budget.maxColumns - budget.columns
  const kept: number[] = []
  const overflow: number[] = []
  let existing = -1
  fields.forEach((field, index) => {
    if (field.name === OverflowColumn) {
      if (field.type === 'jsonb') existing = index
      else overflow.push(index)
    } else if (budget.known(field.name)) kept.push(index)
    else if (field.name === budget.timeField) {
      // A new time column takes a place under the cap, even past it.
      free--
      kept.push(index)
    } else if (free > 0) {
      free--
      kept.push(index)
    } else overflow.push(index)
  })
  if (overflow.length === 0) return { fields: [...fields], batch, overflowed: 0 }
  const base = existing < 0 ? null : batch.columns[existing]!
  const { vector, overflowed } = overflowVector(
    overflow.map((index) => ({ name: fields[index]!.name, vector: batch.columns[index]! })),
    base,
    batch.length,
  )
  return {
    fields: [
      ...kept.map((index) => fields[index]!),
      { name: OverflowColumn, type: 'jsonb' as SqlType },
    ],
    batch: {
      length: batch.length,
      columns: [...kept.map((index) => batch.columns[index]!), vector],
    },
    overflowed,
  }
}

/**
 * Each row's overflowed values as one jsonb object, merged into `base`'s object if given.
 * Writes UTF-8 bytes straight into the vector: no string per value, so no garbage per row.
 */
function overflowVector(
  sources: readonly { name: string; vector: Vector }[],
  base: Vector | null,
  rows: number,
): { vector: Vector; overflowed: number } {
  const ordered = [...sources].sort((a, b) => compareJsonKeys(a.name, b.name))
  // Each key's `"key": ` once, not once per row.
  const prefixes = ordered.map((source) => utf8.encode(`${JSON.stringify(source.name)}: `))
  const out = new JsonBytes(rows * 32)
  const offsets = new Int32Array(rows + 1)
  let validity: Uint8Array | null = null
  let overflowed = 0
  for (let row = 0; row < rows; row++) {
    const baseText =
      base === null || base.kind !== 'text' || isNull(base, row) ? null : textOf(base, row)
    const rowStart = out.length
    if (baseText !== null) {
      const entries: [string, string][] = []
      ordered.forEach(({ name, vector }) => {
        if (!isNull(vector, row)) entries.push([name, jsonText(vector, row)])
      })
      overflowed += entries.length
      const merged = mergeEntries(baseText, entries)
      out.text(`{${merged.map(([key, text]) => `${JSON.stringify(key)}: ${text}`).join(', ')}}`)
    } else {
      for (let index = 0; index < ordered.length; index++) {
        const vector = ordered[index]!.vector
        if (isNull(vector, row)) continue
        if (out.length === rowStart) out.byte(0x7b)
        else out.ascii(', ')
        out.bytes(prefixes[index]!, 0, prefixes[index]!.length)
        writeJson(out, vector, row)
        overflowed++
      }
      if (out.length === rowStart) {
        validity ??= new Uint8Array(rows).fill(1)
        validity[row] = 0
      } else out.byte(0x7d)
    }
    offsets[row + 1] = out.length
  }
  const data = out.finish()
  const vector: Vector = { kind: 'text', type: 'jsonb', length: rows, validity, offsets, data }
  return { vector, overflowed }
}

/** A growing UTF-8 buffer. */
class JsonBytes {
  private buffer: Uint8Array
  length = 0

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(64, capacity))
  }

  private reserve(bytes: number): void {
    if (this.buffer.length - this.length >= bytes) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes))
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }

  byte(value: number): void {
    this.reserve(1)
    this.buffer[this.length++] = value
  }

  /** A string of ASCII characters only. */
  ascii(text: string): void {
    this.reserve(text.length)
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i)
  }

  text(text: string): void {
    this.reserve(text.length * 3)
    this.length += utf8.encodeInto(text, this.buffer.subarray(this.length)).written
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start)
    // Short values copy byte by byte: a subarray per value costs more than the copy.
    if (end - start > 64) this.buffer.set(source.subarray(start, end), this.length)
    else for (let i = start; i < end; i++) this.buffer[this.length + i - start] = source[i]!
    this.length += end - start
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }
}

/** Writes row `row` of `vector` (not NULL) as jsonb text. */
function writeJson(out: JsonBytes, vector: Vector, row: number): void {
  if (vector.kind === 'array') {
    out.byte(0x5b)
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++) {
      if (k > vector.offsets[row]!) out.ascii(', ')
      if (isNull(vector.child, k)) out.ascii('null')
      else writeJson(out, vector.child, k)
    }
    out.byte(0x5d)
    return
  }
  if (vector.kind === 'number' && vector.type !== 'timestamptz' && vector.type !== 'timestamp') {
    if (vector.type !== 'date') {
      out.ascii(numericText(vector.values[row] ?? 0))
      return
    }
  }
  if (vector.kind !== 'text') {
    out.text(jsonText(vector, row))
    return
  }
  const start = vector.offsets[row]!
  const end = vector.offsets[row + 1]!
  if (vector.type === 'jsonb' || vector.type === 'json') {
    out.bytes(vector.data, start, end)
    return
  }
  // A string needing no escape is copied as its bytes between quotes.
  for (let i = start; i < end; i++) {
    const b = vector.data[i]!
    if (b < 0x20 || b === 0x22 || b === 0x5c) {
      out.text(JSON.stringify(textOf(vector, row)))
      return
    }
  }
  out.byte(0x22)
  out.bytes(vector.data, start, end)
  out.byte(0x22)
}

/** An `_overflow` object that arrived with the rows, with `entries` added (theirs win). */
function mergeEntries(objectText: string, entries: [string, string][]): [string, string][] {
  let parsed: unknown
  try {
    parsed = JSON.parse(objectText)
  } catch {
    parsed = null
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return [[OverflowColumn, objectText] as [string, string], ...entries].sort((a, b) =>
      compareJsonKeys(a[0], b[0]),
    )
  const byKey = new Map<string, string>()
  for (const [key, value] of Object.entries(parsed)) byKey.set(key, jsonOfParsed(value))
  for (const [key, text] of entries) byKey.set(key, text)
  return [...byKey].sort((a, b) => compareJsonKeys(a[0], b[0]))
}

/** jsonb's text of a parsed JSON value: `{"a": 1, "b": [1, 2]}`. */
function jsonOfParsed(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'number') return numericText(value)
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(jsonOfParsed).join(', ')}]`
  const keys = Object.keys(value as object).sort(compareJsonKeys)
  const record = value as Record<string, unknown>
  return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonOfParsed(record[key])}`).join(', ')}}`
}

function isNull(vector: Vector, row: number): boolean {
  return vector.validity !== null && vector.validity[row] === 0
}

function textOf(vector: Vector & { kind: 'text' }, row: number): string {
  // Buffer's utf8 slice is several times faster than TextDecoder on short values.
  const data = vector.data
  return Buffer.from(data.buffer, data.byteOffset, data.length).toString(
    'utf8',
    vector.offsets[row],
    vector.offsets[row + 1],
  )
}

/** Row `row` of `vector` (not NULL) as jsonb text. */
function jsonText(vector: Vector, row: number): string {
  switch (vector.kind) {
    case 'bool':
      return vector.values[row] === 1 ? 'true' : 'false'
    case 'number': {
      const value = vector.values[row] ?? 0
      if (vector.type === 'timestamptz' || vector.type === 'timestamp')
        return JSON.stringify(new Date(value / 1000).toISOString())
      if (vector.type === 'date')
        return JSON.stringify(new Date(value * 86_400_000).toISOString().slice(0, 10))
      return numericText(value)
    }
    case 'text': {
      const text = textOf(vector, row)
      return vector.type === 'jsonb' || vector.type === 'json' ? text : JSON.stringify(text)
    }
    case 'numeric': {
      const unscaled = vector.unscaled[row] ?? 0n
      const scale = vector.scales[row] ?? 0
      const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
      const sign = unscaled < 0n ? '-' : ''
      const point = digits.length - scale
      return scale === 0 ? sign + digits : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
    }
    case 'array': {
      const parts: string[] = []
      for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
        parts.push(isNull(vector.child, k) ? 'null' : jsonText(vector.child, k))
      return `[${parts.join(', ')}]`
    }
  }
}

/** A double as jsonb prints a numeric: plain decimal digits, never an exponent. */
export function numericText(value: number): string {
  if (!Number.isFinite(value)) return JSON.stringify(String(value))
  if (Object.is(value, -0)) return '0'
  const text = String(value)
  const exponentAt = text.indexOf('e')
  if (exponentAt < 0) return text
  const exponent = Number(text.slice(exponentAt + 1))
  const mantissa = text.slice(0, exponentAt)
  const negative = mantissa.startsWith('-')
  const [whole = '', fraction = ''] = (negative ? mantissa.slice(1) : mantissa).split('.')
  const digits = whole + fraction
  const point = whole.length + exponent
  const plain =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`
  return (negative ? '-' : '') + plain
}

const utf8 = new TextEncoder()

/** jsonb's key order: shorter (in UTF-8 bytes) first, then bytewise. */
export function compareJsonKeys(a: string, b: string): number {
  const aBytes = utf8.encode(a)
  const bBytes = utf8.encode(b)
  if (aBytes.length !== bBytes.length) return aBytes.length - bBytes.length
  for (let i = 0; i < aBytes.length; i++) {
    const difference = aBytes[i]! - bBytes[i]!
    if (difference !== 0) return difference
  }
  return 0
}
