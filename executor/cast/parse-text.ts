// Input functions: text to a value, with PostgreSQL 15's acceptance rules and error texts
// (int4in, float8in, boolin, date_in, timestamptz_in for the ISO forms).
import { PgError, SqlState, SqlTypes, type SqlType } from '../../common/index.js'
import {
  daysFromCivil,
  localToUtcMicros,
  microsPerDay,
  microsPerHour,
  microsPerMinute,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'

/** Largest integer magnitude a Float64 vector holds exactly; int8 beyond it is out of range. */
export const integerMagnitudeMax = Number.MAX_SAFE_INTEGER

export function invalidInput(type: SqlType, text: string): PgError {
  // PostgreSQL's datetime input functions report bad syntax as 22007, the others as 22P02.
  const isDateTime = type === 'timestamptz' || type === 'timestamp' || type === 'date'
  return new PgError({
    code: isDateTime ? SqlState.invalidDatetimeFormat : SqlState.invalidTextRepresentation,
    message: `invalid input syntax for type ${SqlTypes[type].displayName}: "${text}"`,
  })
}

/** The 22003 error of an integer result that does not fit: `integer out of range`. */
export function integerOutOfRange(type: SqlType): PgError {
  const name = type === 'int2' ? 'smallint' : type === 'int8' ? 'bigint' : 'integer'
  return new PgError({ code: SqlState.numericValueOutOfRange, message: `${name} out of range` })
}

/** Inclusive bounds of an integer type as held in memory. */
export function integerBounds(type: SqlType): { min: number; max: number } {
  switch (type) {
    case 'int2':
      return { min: -32768, max: 32767 }
    case 'int4':
      return { min: -2147483648, max: 2147483647 }
    case 'oid':
      return { min: 0, max: 4294967295 }
    default:
      return { min: -integerMagnitudeMax, max: integerMagnitudeMax }
  }
}

const integerInput = /^\s*([+-]?\d+)\s*$/

/** int2in / int4in / int8in. */
export function parseIntegerText(text: string, type: SqlType): number {
  const match = integerInput.exec(text)
  if (match === null) throw invalidInput(type, text)
  const value = Number(match[1])
  const { min, max } = integerBounds(type)
  if (value < min || value > max) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: `value "${text}" is out of range for type ${SqlTypes[type].displayName}`,
    })
  }
  return value === 0 ? 0 : value
}

const floatInput = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const floatSpecials: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
}

/** float8in / float4in: decimal or exponent text, Infinity, NaN; overflow and underflow raise 22003. */
export function parseFloatText(text: string, float4: boolean): number {
  const type: SqlType = float4 ? 'float4' : 'float8'
  const trimmed = text.trim()
  const special = floatSpecials[trimmed.toLowerCase()]
  if (special !== undefined) return special
  if (!floatInput.test(trimmed)) throw invalidInput(type, text)
  const parsed = Number(trimmed)
  const value = float4 ? Math.fround(parsed) : parsed
  const overflow = !Number.isFinite(value)
  const underflow = value === 0 && /[1-9]/.test(trimmed.replace(/[eE].*$/, ''))
  if (overflow || underflow) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: `"${text}" is out of range for type ${SqlTypes[type].displayName}`,
    })
  }
  return value
}

const trueWords = ['true', 'yes', 'on', '1']
const falseWords = ['false', 'no', 'off', '0']

/** boolin: any unique prefix of true/false/yes/no, on/off (two letters at least), 1/0. */
export function parseBoolText(text: string): boolean {
  const word = text.trim().toLowerCase()
  if (word.length > 0) {
    const matches = (candidates: readonly string[]): boolean =>
      candidates.some((candidate) =>
        candidate === 'on' || candidate === 'off'
          ? word.length >= 2 && candidate.startsWith(word)
          : candidate.startsWith(word),
      )
    const isTrue = matches(trueWords)
    const isFalse = matches(falseWords)
    if (isTrue !== isFalse) return isTrue
  }
  throw new PgError({
    code: SqlState.invalidTextRepresentation,
    message: `invalid input syntax for type boolean: "${text}"`,
  })
}

const dateTimeInput =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:(?:[ T]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d*))?)?)?\s*(z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|[a-z][a-z_/+\-0-9]*)?\s*(bc|ad)?$/i

interface DateTimeFields {
  readonly localMicros: number
  /** Seconds east of UTC written in the text, or a zone name, or null when absent. */
  readonly zone: number | string | null
}

function fieldOutOfRange(text: string): PgError {
  return new PgError({
    code: SqlState.datetimeFieldOverflow,
    message: `date/time field value out of range: "${text}"`,
  })
}

function parseZoneOffset(zone: string): number | string {
  if (/^z$/i.test(zone)) return 0
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone)
  if (match === null) return zone
  const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0)
  return match[1] === '-' ? -seconds : seconds
}

function parseDateTimeFields(text: string, type: SqlType): DateTimeFields {
  const trimmed = text.trim()
  const compact = /^(\d{4})(\d{2})(\d{2})(?!\d)/.exec(trimmed)
  const expanded =
    compact === null ? trimmed : `${compact[1]}-${compact[2]}-${compact[3]}${trimmed.slice(8)}`
  const match = dateTimeInput.exec(expanded)
  if (match === null) throw invalidInput(type, text)
  let zoneText = match[8]
  let era = (match[9] ?? '').toLowerCase()
  if (era === '' && zoneText !== undefined && /^(bc|ad)$/i.test(zoneText)) {
    era = zoneText.toLowerCase()
    zoneText = undefined
  }
  const writtenYear = Number(match[1])
  const year = era === 'bc' ? 1 - writtenYear : writtenYear
  const month = Number(match[2])
  const day = Number(match[3])
  const hour = Number(match[4] ?? 0)
  const minute = Number(match[5] ?? 0)
  const second = Number(match[6] ?? 0)
  const fraction = match[7] === undefined || match[7] === '' ? 0 : Number(`0.${match[7]}`)
  const days = daysFromCivil(year, month, day)
  const monthValid = month >= 1 && month <= 12 && writtenYear >= 1
  const dayValid = monthValid && day >= 1 && day <= daysInMonth(year, month)
  const endOfDay = hour === 24 && minute === 0 && second === 0 && fraction === 0
  const timeValid = (hour < 24 || endOfDay) && minute < 60 && second <= 60
  if (!dayValid || !timeValid) throw fieldOutOfRange(text)
  const timeMicros =
    hour * microsPerHour +
    minute * microsPerMinute +
    second * microsPerSecond +
    Math.round(fraction * microsPerSecond)
  const zone = zoneText === undefined ? null : parseZoneOffset(zoneText)
  return { localMicros: days * microsPerDay + timeMicros, zone }
}

function daysInMonth(year: number, month: number): number {
  const next = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1)
  return next - daysFromCivil(year, month, 1)
}

function specialDateTime(word: string): number | undefined {
  switch (word) {
    case 'epoch':
      return 0
    case 'infinity':
    case '+infinity':
      return Infinity
    case '-infinity':
      return -Infinity
    default:
      return undefined
  }
}

/**
 * timestamptz_in / timestamp_in / date_in for ISO 8601 forms ('2024-01-01',
 * '2024-01-01 12:00:00.123+02', '2024-01-01T12:00:00Z', '2024-01-01 12:00 Europe/Paris'),
 * plus epoch and ±infinity. Returns epoch microseconds, or epoch days for date; a time
 * without zone is in `timeZone` for timestamptz; a written zone is ignored by timestamp/date.
 */
export function parseDateTimeText(
  text: string,
  type: 'timestamptz' | 'timestamp' | 'date',
  timeZone: string,
): number {
  const special = specialDateTime(text.trim().toLowerCase())
  if (special !== undefined) return special
  const { localMicros, zone } = parseDateTimeFields(text, type)
  if (type === 'date') return Math.floor(localMicros / microsPerDay)
  if (type === 'timestamp') return localMicros
  if (typeof zone === 'number') return localMicros - zone * microsPerSecond
  const named = zone === null ? timeZone : zone
  if (zone !== null) {
    try {
      zoneOffsetSeconds(named, localMicros)
    } catch {
      throw invalidInput(type, text)
    }
  }
  return localToUtcMicros(named, localMicros)
}
