// Date/time functions of PostgreSQL 15 beyond date_trunc: EXTRACT (numeric) and date_part
// (float8) of timestamps in the session time zone and of intervals, and to_timestamp(epoch).
// Interval arithmetic is in interval-kernels.ts, to_char in to-char.ts.
import { PgError, SqlState, type SqlType } from '../../common/index.js'
import { roundHalfEven } from '../cast/cast-vector.js'
import { makeNumberVector, makeNumericVector, textAt } from '../expr/vector-builders.js'
import {
  civilFromDays,
  daysFromCivil,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import { decodeIntervals } from '../interval/interval-layout.js'
import { intervalField, intervalFieldValue } from '../interval/interval-extract.js'
import { argAt, combineValidity, numberArg, textArg, type Kernel } from './kernel.js'

type Field =
  | 'epoch'
  | 'year'
  | 'isoyear'
  | 'quarter'
  | 'month'
  | 'week'
  | 'day'
  | 'dow'
  | 'isodow'
  | 'doy'
  | 'hour'
  | 'minute'
  | 'second'
  | 'milliseconds'
  | 'microseconds'
  | 'decade'
  | 'century'
  | 'millennium'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute'

const fieldNames: Readonly<Record<string, Field>> = {
  epoch: 'epoch',
  year: 'year',
  years: 'year',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  isoyear: 'isoyear',
  quarter: 'quarter',
  qtr: 'quarter',
  month: 'month',
  months: 'month',
  mon: 'month',
  mons: 'month',
  week: 'week',
  weeks: 'week',
  w: 'week',
  day: 'day',
  days: 'day',
  d: 'day',
  dow: 'dow',
  isodow: 'isodow',
  doy: 'doy',
  hour: 'hour',
  hours: 'hour',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  minute: 'minute',
  minutes: 'minute',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  second: 'second',
  seconds: 'second',
  s: 'second',
  sec: 'second',
  secs: 'second',
  millisecond: 'milliseconds',
  milliseconds: 'milliseconds',
  ms: 'milliseconds',
  msec: 'milliseconds',
  msecs: 'milliseconds',
  microsecond: 'microseconds',
  microseconds: 'microseconds',
  us: 'microseconds',
  usec: 'microseconds',
  usecs: 'microseconds',
  decade: 'decade',
  decades: 'decade',
  century: 'century',
  centuries: 'century',
  millennium: 'millennium',
  millennia: 'millennium',
  timezone: 'timezone',
  timezone_h: 'timezone_hour',
  timezone_hour: 'timezone_hour',
  timezone_m: 'timezone_minute',
  timezone_minute: 'timezone_minute',
}

const typeDisplay: Partial<Record<SqlType, string>> = {
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  date: 'date',
  interval: 'interval',
}

function parseField(text: string, type: SqlType): Field {
  const field = fieldNames[text.trim().toLowerCase()]
  if (field === undefined) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `unit "${text}" not recognized for type ${typeDisplay[type] ?? type}`,
    })
  }
  if (type !== 'timestamptz' && field.startsWith('timezone') && type !== 'interval') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `unit "${text}" not supported for type ${typeDisplay[type] ?? type}`,
    })
  }
  if (
    type === 'date' &&
    ['hour', 'minute', 'second', 'milliseconds', 'microseconds'].includes(field)
  ) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `unit "${text}" not supported for type date`,
    })
  }
  return field
}

const civil = new Int32Array(3)

/** ISO 8601 week number and week-year of a day count. */
export function isoWeek(days: number): [week: number, year: number] {
  const isoDow = ((((days + 3) % 7) + 7) % 7) + 1 // Monday 1 .. Sunday 7
  const thursday = days - isoDow + 4
  civilFromDays(thursday, civil)
  const year = civil[0]!
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1
  return [week, year]
}

/**
 * The field of a wall-clock time (microseconds as if UTC) as an unscaled integer and scale:
 * second is scale 6, milliseconds scale 3, epoch comes from `epochMicros` at scale 6.
 */
function fieldValue(field: Field, local: number, epochMicros: number): [bigint, number] {
  const days = Math.floor(local / microsPerDay)
  const timeOfDay = local - days * microsPerDay
  civilFromDays(days, civil)
  const year = civil[0]!
  const month = civil[1]!
  const day = civil[2]!
  const int = (n: number): [bigint, number] => [BigInt(n), 0]
  switch (field) {
    case 'epoch':
      return [BigInt(epochMicros), 6]
    case 'year':
      return int(year > 0 ? year : year - 1)
    case 'isoyear':
      return int(isoWeek(days)[1])
    case 'quarter':
      return int(Math.floor((month - 1) / 3) + 1)
    case 'month':
      return int(month)
    case 'week':
      return int(isoWeek(days)[0])
    case 'day':
      return int(day)
    case 'dow':
      return int((((days + 4) % 7) + 7) % 7)
    case 'isodow':
      return int(((((days + 3) % 7) + 7) % 7) + 1)
    case 'doy':
      return int(days - daysFromCivil(year, 1, 1) + 1)
    case 'hour':
      return int(Math.floor(timeOfDay / 3_600_000_000))
    case 'minute':
      return int(Math.floor(timeOfDay / 60_000_000) % 60)
    case 'second':
      return [BigInt(timeOfDay % 60_000_000), 6]
    case 'milliseconds':
      return [BigInt(timeOfDay % 60_000_000), 3]
    case 'microseconds':
      return int(timeOfDay % 60_000_000)
    case 'decade':
      return int(Math.floor(year / 10))
    case 'century':
      return int(year > 0 ? Math.floor((year + 99) / 100) : -Math.floor((99 - (year - 1)) / 100))
    case 'millennium':
      return int(
        year > 0 ? Math.floor((year + 999) / 1000) : -Math.floor((999 - (year - 1)) / 1000),
      )
    case 'timezone':
      return int(Math.round((local - epochMicros) / 1_000_000))
    case 'timezone_hour':
      return int(Math.trunc((local - epochMicros) / 3_600_000_000))
    case 'timezone_minute':
      return int(Math.trunc(((local - epochMicros) % 3_600_000_000) / 60_000_000))
  }
}

/** Wall-clock microseconds of row `row` of a timestamptz / timestamp / date vector. */
export function localMicros(type: SqlType, value: number, timeZone: string): number {
  if (type === 'date') return value * microsPerDay
  if (type === 'timestamp') return value
  return value + zoneOffsetSeconds(timeZone, value) * microsPerSecond
}

/** EXTRACT(field FROM x) as numeric (exact) or date_part(field, x) as float8. */
function extractKernel(asNumeric: boolean): Kernel {
  return (call) => {
    if (argAt(call, 1).type === 'interval') return extractInterval(call, asNumeric)
    const fields = textArg(call, 0)
    const times = numberArg(call, 1)
    const { length, ctx } = call
    const validity = combineValidity(length, fields, times)
    const constant = call.constantArgs[0] === true && length > 0 && fields.validity === null
    const constantField = constant ? parseField(textAt(fields, 0), times.type) : null
    const unscaled = asNumeric ? new Array<bigint>(length).fill(0n) : null
    const scales = new Uint16Array(length)
    const out = new Float64Array(length)
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const field = constantField ?? parseField(textAt(fields, row), times.type)
      const value = times.values[row]!
      const epoch = times.type === 'date' ? value * microsPerDay : value
      let [digits, scale] = fieldValue(field, localMicros(times.type, value, ctx.timeZone), epoch)
      if (times.type === 'date' && field === 'epoch') [digits, scale] = [digits / 1_000_000n, 0]
      if (unscaled !== null) {
        unscaled[row] = digits
        scales[row] = scale
      } else {
        out[row] = Number(digits) / 10 ** scale
      }
    }
    return unscaled !== null
      ? makeNumericVector(call.type, unscaled, scales, validity)
      : makeNumberVector(call.type, out, validity)
  }
}

/** to_timestamp(float8): Unix epoch seconds to timestamptz, rounded to microseconds. */
const toTimestamp: Kernel = (call) => {
  const seconds = numberArg(call, 0)
  const out = new Float64Array(call.length)
  const postgresEpochSeconds = 946_684_800
  for (let row = 0; row < call.length; row++) {
    if (seconds.validity !== null && seconds.validity[row] === 0) continue
    const value = seconds.values[row]!
    if (Number.isNaN(value)) {
      throw new PgError({
        code: SqlState.datetimeFieldOverflow,
        message: 'timestamp cannot be NaN',
      })
    }
    if (!Number.isFinite(value)) {
      out[row] = value
      continue
    }
    out[row] = roundHalfEven((value - postgresEpochSeconds) * 1e6) + postgresEpochSeconds * 1e6
  }
  return makeNumberVector(call.type, out, seconds.validity)
}

/** EXTRACT / date_part of an interval. */
function extractInterval(call: Parameters<Kernel>[0], asNumeric: boolean): ReturnType<Kernel> {
  const fields = textArg(call, 0)
  const intervals = decodeIntervals(textArg(call, 1))
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const unscaled = asNumeric ? new Array<bigint>(length).fill(0n) : null
  const scales = new Uint16Array(length)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const written = textAt(fields, row)
    const field = intervalField(parseField(written, 'interval'), written)
    const value = {
      months: intervals.months[row]!,
      days: intervals.days[row]!,
      micros: intervals.micros[row]!,
    }
    const [digits, scale] = intervalFieldValue(field, value)
    if (unscaled !== null) {
      unscaled[row] = digits
      scales[row] = scale
    } else {
      out[row] = Number(digits) / 10 ** scale
    }
  }
  return unscaled !== null
    ? makeNumericVector(call.type, unscaled, scales, validity)
    : makeNumberVector(call.type, out, validity)
}

export const datetimeKernels: Readonly<Record<string, Kernel>> = {
  extract: extractKernel(true),
  date_part: extractKernel(false),
  to_timestamp: toTimestamp,
}
