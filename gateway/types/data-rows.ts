// Batches into DataRow messages, a batch at a time into one growing buffer. Each column gets
// a writer chosen once per result (by its type and format code), then rows call it with an
// index: no object per row. Binary formats are PostgreSQL's send functions; text format is
// the engine's output function, except for text-like columns whose UTF-8 bytes are copied.
import type {
  ArraySqlType,
  ArrayVector,
  Batch,
  SqlType,
  TextVector,
  Vector,
} from '../../common/index.js'
import {
  AssertionError,
  PgError,
  SqlState,
  SqlTypes,
  assert,
  elementTypeOf,
  isArrayType,
  isNullAt,
  vectorKindOf,
} from '../../common/index.js'
import type { OutputField } from '../../executor/plan.js'
import { intervalAt } from '../../executor/interval/interval-layout.js'
import type { BackendWriter } from '../protocol/backend-writer.js'
import { formatAt } from '../protocol/backend-writer.js'
import type { FormatCode } from '../protocol/frontend-messages.js'
import { BackendCode } from '../protocol/message-codes.js'
import { postgresEpochDays, postgresEpochMicroseconds } from './parameters.js'

/** Writes one column value (its int32 length, then its bytes; -1 for NULL) of row `row`. */
export type ColumnWriter = (out: BackendWriter, vector: Vector, row: number) => void

/** Renders a value as PostgreSQL's text output would; null for NULL. */
export type TextFormatter = (vector: Vector, row: number) => string | null

const copiedAsText: ReadonlySet<SqlType> = new Set<SqlType>([
  'text',
  'varchar',
  'bpchar',
  'name',
  'unknown',
  'json',
  'jsonb',
])

/** Chooses the writer of each column; throws 0A000 for a binary format Malamute cannot send yet. */
export function columnWriters(
  fields: readonly OutputField[],
  formats: readonly FormatCode[],
  formatText: TextFormatter,
): ColumnWriter[] {
  return fields.map((field, index) =>
    formatAt(formats, index) === 1 ? binaryWriter(field.type) : textWriter(field.type, formatText),
  )
}

/** Appends DataRows for rows [start, end) of `batch`. */
export function writeDataRows(
  out: BackendWriter,
  batch: Batch,
  start: number,
  end: number,
  writers: readonly ColumnWriter[],
): void {
  const columns = batch.columns
  assert(columns.length === writers.length, 'a batch has one vector per output field')
  for (let row = start; row < end; row++) {
    const at = out.begin(BackendCode.DataRow)
    out.int16(columns.length)
    for (let column = 0; column < columns.length; column++) {
      writers[column]!(out, columns[column]!, row)
    }
    out.end(at)
  }
}

function textWriter(type: SqlType, formatText: TextFormatter): ColumnWriter {
  if (copiedAsText.has(type)) {
    return (out, vector, row) => {
      if (vector.kind !== 'text') return writeFormatted(out, formatText(vector, row))
      if (isNullAt(vector, row)) return void out.int32(-1)
      const start = vector.offsets[row] ?? 0
      const end = vector.offsets[row + 1] ?? start
      out.int32(end - start).bytes(vector.data, start, end)
    }
  }
  return (out, vector, row) => writeFormatted(out, formatText(vector, row))
}

function writeFormatted(out: BackendWriter, text: string | null): void {
  if (text === null) out.int32(-1)
  else out.lengthPrefixedText(text)
}

function expectKind(vector: Vector, type: SqlType): void {
  if (vector.kind !== vectorKindOf(type)) {
    throw new AssertionError(
      `a ${type} column arrives as a ${vectorKindOf(type)} vector, not ${vector.kind}`,
    )
  }
}

/** A writer for fixed-width number-like values read from a Float64Array. */
function numberWriter(
  type: SqlType,
  width: number,
  write: (out: BackendWriter, value: number) => void,
): ColumnWriter {
  return (out, vector, row) => {
    expectKind(vector, type)
    if (isNullAt(vector, row)) return void out.int32(-1)
    out.int32(width)
    write(out, (vector as { values: Float64Array }).values[row] ?? 0)
  }
}

/** Writes an infinite timestamp or date as PostgreSQL's int64/int32 extremes. */
function writeTimestamp(out: BackendWriter, micros: number): void {
  if (micros === Infinity) out.int32(0x7fffffff).uint32(0xffffffff)
  else if (micros === -Infinity) out.int32(-0x80000000).uint32(0)
  else out.int64(Math.round(micros) - postgresEpochMicroseconds)
}

function binaryWriter(type: SqlType): ColumnWriter {
  if (isArrayType(type)) return arrayWriter(type)
  switch (type) {
    case 'bool':
      return (out, vector, row) => {
        expectKind(vector, type)
        if (isNullAt(vector, row)) return void out.int32(-1)
        out.int32(1).byte((vector as { values: Uint8Array }).values[row] ? 1 : 0)
      }
    case 'int2':
      return numberWriter(type, 2, (out, value) => out.int16(value))
    case 'int4':
      return numberWriter(type, 4, (out, value) => out.int32(value))
    case 'oid':
    case 'regproc':
    case 'regprocedure':
    case 'regoper':
    case 'regoperator':
    case 'regclass':
    case 'regtype':
    case 'regnamespace':
    case 'regrole':
    case 'xid':
      return numberWriter(type, 4, (out, value) => out.uint32(value))
    case 'int8':
      return numberWriter(type, 8, (out, value) => out.int64(value))
    case 'float4':
      return numberWriter(type, 4, (out, value) => out.float32(value))
    case 'float8':
      return numberWriter(type, 8, (out, value) => out.float64(value))
    case 'timestamptz':
    case 'timestamp':
      return numberWriter(type, 8, writeTimestamp)
    case 'date':
      return numberWriter(type, 4, (out, days) =>
        out.int32(
          days === Infinity
            ? 0x7fffffff
            : days === -Infinity
              ? -0x80000000
              : days - postgresEpochDays,
        ),
      )
    case 'numeric':
      return (out, vector, row) => {
        expectKind(vector, type)
        if (isNullAt(vector, row)) return void out.int32(-1)
        const numeric = vector as { unscaled: readonly bigint[]; scales: Uint16Array }
        writeNumeric(out, numeric.unscaled[row] ?? 0n, numeric.scales[row] ?? 0)
      }
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'json':
    case 'unknown':
    case 'bytea':
    case 'ddsketch':
    case 'pg_node_tree':
      return textBytesWriter(type, 0)
    case 'char':
      return charWriter
    case 'aclitem':
      // PostgreSQL has no aclitem_send either.
      throw new PgError({
        code: SqlState.undefinedFunction,
        message: 'no binary output function available for type aclitem',
      })
    case 'jsonb':
      return textBytesWriter(type, 1)
    case 'interval':
      return intervalWriter
  }
}

/** charsend: the one byte ("char" holds one; the empty value is the zero byte). */
const charWriter: ColumnWriter = (out, vector, row) => {
  expectKind(vector, 'char')
  if (isNullAt(vector, row)) return void out.int32(-1)
  const text = vector as TextVector
  const start = text.offsets[row] ?? 0
  const end = text.offsets[row + 1] ?? start
  // Bytes past ASCII are held as charout prints them: a backslash and three octal digits.
  const escaped = end - start === 4 && text.data[start] === 0x5c
  const octal = escaped ? Buffer.from(text.data.subarray(start + 1, end)).toString() : ''
  out.int32(1).byte(escaped ? parseInt(octal, 8) : start < end ? (text.data[start] ?? 0) : 0)
}

/** interval_send: int64 microseconds, int32 days, int32 months. */
const intervalWriter: ColumnWriter = (out, vector, row) => {
  expectKind(vector, 'interval')
  if (isNullAt(vector, row)) return void out.int32(-1)
  const value = intervalAt(vector as TextVector, row)
  out.int32(16).int64(value.micros).int32(value.days).int32(value.months)
}

/**
 * array_send for one-dimensional arrays: ndim, has-NULL flag, element type OID, then (unless
 * empty) the length and lower bound 1, then each element as length + its own send format.
 */
function arrayWriter(type: ArraySqlType): ColumnWriter {
  const element = elementTypeOf(type)
  const writeElement = binaryWriter(element)
  const elementOid = SqlTypes[element].oid
  return (out, vector, row) => {
    expectKind(vector, type)
    if (isNullAt(vector, row)) return void out.int32(-1)
    const array = vector as ArrayVector
    const from = array.offsets[row]!
    const to = array.offsets[row + 1]!
    const child = array.child
    let hasNull = false
    for (let k = from; k < to && !hasNull; k++) hasNull = isNullAt(child, k)
    const lengthAt = out.length
    out.int32(0)
    out
      .int32(to > from ? 1 : 0)
      .int32(hasNull ? 1 : 0)
      .uint32(elementOid)
    if (to > from) out.int32(to - from).int32(1)
    for (let k = from; k < to; k++) writeElement(out, child, k)
    out.patchInt32(lengthAt, out.length - lengthAt - 4)
  }
}

/** Text-like binary output is the raw bytes; jsonb puts its format version (1) first. */
function textBytesWriter(type: SqlType, version: number): ColumnWriter {
  return (out, vector, row) => {
    expectKind(vector, type)
    if (isNullAt(vector, row)) return void out.int32(-1)
    const text = vector as { offsets: Int32Array; data: Uint8Array }
    const start = text.offsets[row] ?? 0
    const end = text.offsets[row + 1] ?? start
    out.int32(end - start + (version > 0 ? 1 : 0))
    if (version > 0) out.byte(version)
    out.bytes(text.data, start, end)
  }
}

/** Writes numeric's binary form: base-10000 digits, weight, sign, display scale. */
export function writeNumeric(out: BackendWriter, unscaled: bigint, scale: number): void {
  const negative = unscaled < 0n
  let digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  let integer = digits.slice(0, digits.length - scale)
  let fraction = digits.slice(digits.length - scale)
  integer = integer.padStart(Math.ceil(integer.length / 4) * 4, '0')
  fraction = fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0')
  digits = integer + fraction
  const groups: number[] = []
  for (let i = 0; i < digits.length; i += 4) groups.push(Number(digits.slice(i, i + 4)))
  let weight = integer.length / 4 - 1
  let first = 0
  while (first < groups.length && groups[first] === 0) {
    first++
    weight--
  }
  let last = groups.length
  while (last > first && groups[last - 1] === 0) last--
  const kept = groups.slice(first, last)
  out.int32(8 + kept.length * 2)
  out.int16(kept.length)
  out.int16(kept.length === 0 ? 0 : weight)
  out.int16(negative && kept.length > 0 ? 0x4000 : 0)
  out.int16(scale)
  for (const group of kept) out.int16(group)
}
