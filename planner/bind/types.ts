// PostgreSQL's type rules, simplified to Malamute's types: which casts are implicit,
// assignment or explicit (https://www.postgresql.org/docs/15/typeconv.html), the common
// type of CASE/COALESCE branches, and the numeric widening order
// int2 < int4 < int8 < numeric < float4 < float8.
import { PgError, SqlState, SqlTypes, type SqlType } from '../../common/index.js'

const numericRank: Partial<Record<SqlType, number>> = {
  int2: 0, int4: 1, int8: 2, numeric: 3, float4: 4, float8: 5,
}

export function isNumericType(type: SqlType): boolean {
  return numericRank[type] !== undefined
}

export function isStringType(type: SqlType): boolean {
  return type === 'text' || type === 'varchar' || type === 'bpchar' || type === 'name'
}

function isDateTimeType(type: SqlType): boolean {
  return type === 'timestamptz' || type === 'timestamp' || type === 'date'
}

const dateTimeRank: Partial<Record<SqlType, number>> = { date: 0, timestamp: 1, timestamptz: 2 }

/** True when PostgreSQL casts `from` to `to` implicitly (in expressions and function calls). */
export function canCastImplicitly(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'unknown') return true
  const fromRank = numericRank[from]
  const toRank = numericRank[to]
  if (fromRank !== undefined && toRank !== undefined) return fromRank <= toRank
  if (isStringType(from) && to === 'text') return true
  const fromTime = dateTimeRank[from]
  const toTime = dateTimeRank[to]
  return fromTime !== undefined && toTime !== undefined && fromTime <= toTime
}

/** True when an INSERT may store a `from` value in a `to` column (assignment cast). */
export function canCastByAssignment(from: SqlType, to: SqlType): boolean {
  if (canCastImplicitly(from, to)) return true
  if (isNumericType(from) && isNumericType(to)) return true
  if (isStringType(to) || (isStringType(from) && isStringType(to))) return true
  if (isDateTimeType(from) && isDateTimeType(to)) return true
  return (from === 'json' && to === 'jsonb') || (from === 'jsonb' && to === 'json')
}

/** True when CAST(x AS to) exists for an x of type `from`. */
export function canCastExplicitly(from: SqlType, to: SqlType): boolean {
  if (canCastByAssignment(from, to)) return true
  if (isStringType(from)) return true
  if ((from === 'bool' && (to === 'int4' || to === 'int8')) || (to === 'bool' && (from === 'int4' || from === 'int8'))) {
    return true
  }
  return (from === 'oid' && isNumericType(to)) || (to === 'oid' && isNumericType(from))
}

/**
 * The common type of CASE branches, COALESCE arguments and IN lists (PostgreSQL's
 * select_common_type): unknowns take the others' type, all-unknown is text; numbers widen,
 * strings become text, date/times widen to timestamptz. Undefined when they do not match.
 */
export function commonType(types: readonly SqlType[]): SqlType | undefined {
  const known = types.filter((t) => t !== 'unknown')
  const first = known[0]
  if (first === undefined) return 'text'
  if (known.every((t) => t === first)) return first
  if (known.every(isNumericType)) return maxBy(known, numericRank)
  if (known.every(isStringType)) return 'text'
  if (known.every(isDateTimeType)) return maxBy(known, dateTimeRank)
  return undefined
}

function maxBy(types: readonly SqlType[], rank: Partial<Record<SqlType, number>>): SqlType {
  return types.reduce((best, t) => ((rank[t] ?? 0) > (rank[best] ?? 0) ? t : best))
}

/** PostgreSQL's name for a type in messages: `integer`, `text`, `timestamp with time zone`. */
export function displayType(type: SqlType): string {
  return SqlTypes[type].displayName
}

// ---------------------------------------------------------------------------------------
// Reading constants: string literals and text-format parameters are read by the target
// type's input function at plan time, as PostgreSQL does for constants, so a bad literal
// fails with 22P02 before the query runs and a folded timestamp can prune segments.

const int32Max = 2147483647
const int16Max = 32767
const int64Max = 9223372036854775807n

/** The type of an integer literal as written: int4, int8 when it does not fit, numeric beyond. */
export function integerLiteralType(text: string): SqlType {
  const value = BigInt(text)
  const magnitude = value < 0n ? -value : value
  if (magnitude <= BigInt(int32Max) || value === -BigInt(int32Max) - 1n) return 'int4'
  if (magnitude <= int64Max || value === -int64Max - 1n) return 'int8'
  return 'numeric'
}

function invalidInput(type: SqlType, text: string): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: `invalid input syntax for type ${displayType(type)}: "${text}"`,
  })
}

function outOfRange(type: SqlType, text: string): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: `value "${text}" is out of range for type ${displayType(type)}`,
  })
}

const booleanWords: Readonly<Record<string, boolean>> = {
  t: true, true: true, y: true, yes: true, on: true, '1': true,
  f: false, false: false, n: false, no: false, off: false, '0': false,
}

/**
 * Reads `text` as a constant of `type`. Answers the plan value, or undefined when the
 * planner leaves the conversion to the executor's cast kernel (time zones, intervals...).
 */
export function readConstant(text: string, type: SqlType, timeZone: string): number | boolean | string | undefined {
  const trimmed = text.trim()
  switch (type) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return readInteger(text, trimmed, type)
    case 'float4':
    case 'float8':
      return readFloat(text, trimmed, type)
    case 'numeric':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && trimmed.toLowerCase() !== 'nan') {
        throw invalidInput(type, text)
      }
      return trimmed
    case 'bool': {
      const value = booleanWords[trimmed.toLowerCase()]
      if (value === undefined) throw invalidInput(type, text)
      return value
    }
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'unknown':
      return text
    case 'timestamptz':
    case 'timestamp':
      return readTimestamp(trimmed, type === 'timestamp' ? 'UTC' : timeZone)
    case 'date': {
      const micros = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? readTimestamp(trimmed, 'UTC') : undefined
      return micros === undefined ? undefined : Math.floor(micros / 86_400_000_000)
    }
    case 'interval':
    case 'jsonb':
    case 'json':
    case 'bytea':
      return undefined
  }
}

function readInteger(text: string, trimmed: string, type: SqlType): number {
  if (!/^[+-]?\d+$/.test(trimmed)) throw invalidInput(type === 'int2' ? 'int2' : type, text)
  const value = BigInt(trimmed)
  const max = type === 'int2' ? BigInt(int16Max) : type === 'int8' ? int64Max : BigInt(int32Max)
  if (value > max || value < -max - 1n) throw outOfRange(type, trimmed)
  return Number(value)
}

function readFloat(text: string, trimmed: string, type: SqlType): number {
  const lower = trimmed.toLowerCase()
  if (lower === 'nan') return Number.NaN
  if (lower === 'infinity' || lower === '+infinity' || lower === 'inf') return Number.POSITIVE_INFINITY
  if (lower === '-infinity' || lower === '-inf') return Number.NEGATIVE_INFINITY
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) throw invalidInput(type, text)
  return Number(trimmed)
}

const isoTimestamp =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/

/** Reads an ISO timestamp as epoch microseconds; undefined when a time zone would need tzdata. */
function readTimestamp(text: string, timeZone: string): number | undefined {
  const match = isoTimestamp.exec(text)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const offsetMinutes = zoneOffsetMinutes(zone ?? null, timeZone)
  if (offsetMinutes === undefined) return undefined
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0))
  if (Number.isNaN(millis)) return undefined
  const fractionMicros = fraction === undefined ? 0 : Math.round(Number(fraction) * 1_000_000)
  return (millis - offsetMinutes * 60_000) * 1000 + fractionMicros
}

function zoneOffsetMinutes(zone: string | null, sessionTimeZone: string): number | undefined {
  if (zone === null) {
    const upper = sessionTimeZone.toUpperCase()
    return ['UTC', 'GMT', 'ETC/UTC', 'ETC/GMT', 'Z', 'UCT', 'ZULU'].includes(upper) ? 0 : undefined
  }
  if (zone === 'Z' || zone === 'z' || zone === 'UTC') return 0
  const digits = zone.replace(':', '')
  const sign = digits.startsWith('-') ? -1 : 1
  const hours = Number(digits.slice(1, 3))
  const minutes = digits.length > 3 ? Number(digits.slice(3, 5)) : 0
  return sign * (hours * 60 + minutes)
}
