// Date/time functions of PostgreSQL 15 beyond date_trunc: EXTRACT (numeric) and date_part
// (float8) in the session time zone, to_char(timestamp, format), to_timestamp(epoch),
// date_bin(stride, source, origin), and timestamp ± interval. Intervals are held as their
// input text; a constant interval is parsed once per batch into months, days, microseconds.
import { PgError, SqlState, type SqlType } from '../../common/index.js'
import { roundHalfEven } from '../cast/cast-vector.js'
import { makeNumberVector, makeNumericVector, textAt } from '../expr/vector-builders.js'
import {
  civilFromDays,
  daysFromCivil,
  localToUtcMicros,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import { argAt, combineValidity, numberArg, textArg, type Kernel } from './kernel.js'
import { stringReader, textRows } from './row-values.js'

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
}

const typeDisplay: Partial<Record<SqlType, string>> = {
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  date: 'date',
}

function parseField(text: string, type: SqlType): Field {
  const field = fieldNames[text.trim().toLowerCase()]
  if (field === undefined) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `unit "${text}" not recognized for type ${typeDisplay[type] ?? type}`,
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
function isoWeek(days: number): [week: number, year: number] {
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
  }
}

/** Wall-clock microseconds of row `row` of a timestamptz / timestamp / date vector. */
function localMicros(type: SqlType, value: number, timeZone: string): number {
  if (type === 'date') return value * microsPerDay
  if (type === 'timestamp') return value
  return value + zoneOffsetSeconds(timeZone, value) * microsPerSecond
}

/** EXTRACT(field FROM x) as numeric (exact) or date_part(field, x) as float8. */
function extractKernel(asNumeric: boolean): Kernel {
  return (call) => {
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

// ---- intervals ----------------------------------------------------------------------------

export interface IntervalValue {
  readonly months: number
  readonly days: number
  readonly micros: number
}

const intervalUnits: Record<string, [kind: 'months' | 'days' | 'micros', n: number]> = {}
for (const [names, value] of [
  [
    ['microsecond', 'microseconds', 'us', 'usec', 'usecs'],
    ['micros', 1],
  ],
  [
    ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs'],
    ['micros', 1000],
  ],
  [
    ['second', 'seconds', 's', 'sec', 'secs'],
    ['micros', 1_000_000],
  ],
  [
    ['minute', 'minutes', 'm', 'min', 'mins'],
    ['micros', 60_000_000],
  ],
  [
    ['hour', 'hours', 'h', 'hr', 'hrs'],
    ['micros', 3_600_000_000],
  ],
  [
    ['day', 'days', 'd'],
    ['days', 1],
  ],
  [
    ['week', 'weeks', 'w'],
    ['days', 7],
  ],
  [
    ['month', 'months', 'mon', 'mons'],
    ['months', 1],
  ],
  [
    ['year', 'years', 'y', 'yr', 'yrs'],
    ['months', 12],
  ],
  [
    ['decade', 'decades'],
    ['months', 120],
  ],
  [
    ['century', 'centuries'],
    ['months', 1200],
  ],
] as const) {
  for (const name of names)
    intervalUnits[name] = value as [kind: 'months' | 'days' | 'micros', n: number]
}

function invalidInterval(text: string): PgError {
  return new PgError({
    code: SqlState.invalidDatetimeFormat,
    message: `invalid input syntax for type interval: "${text}"`,
  })
}

/** Parses interval input ('1 hour', '2 days 03:00:00', '@ 1 min ago', '15 minutes'). */
export function parseInterval(text: string): IntervalValue {
  let months = 0
  let days = 0
  let micros = 0
  const tokens = text
    .trim()
    .toLowerCase()
    .replace(/^@\s*/, '')
    .split(/\s+/)
    .filter((t) => t !== '')
  if (tokens.length === 0) throw invalidInterval(text)
  let negate = false
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token === 'ago' && i === tokens.length - 1) {
      negate = true
      continue
    }
    const clock = /^([+-]?)(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(token)
    if (clock !== null) {
      const sign = clock[1] === '-' ? -1 : 1
      const seconds = Number(clock[2]) * 3600 + Number(clock[3]) * 60 + Number(clock[4] ?? 0)
      micros += sign * Math.round(seconds * 1_000_000)
      continue
    }
    const glued = /^([+-]?\d+(?:\.\d+)?)([a-z]+)$/.exec(token)
    const amountText = glued?.[1] ?? token
    const unitText = glued?.[2] ?? tokens[++i]
    const amount = Number(amountText)
    if (!/^[+-]?\d+(?:\.\d+)?$/.test(amountText) || unitText === undefined)
      throw invalidInterval(text)
    const unit = intervalUnits[unitText]
    if (unit === undefined) throw invalidInterval(text)
    const [kind, n] = unit
    if (kind === 'micros') micros += Math.round(amount * n)
    else if (kind === 'days') {
      const whole = Math.trunc(amount * n)
      days += whole
      micros += Math.round((amount * n - whole) * microsPerDay)
    } else {
      const whole = Math.trunc(amount * n)
      months += whole
      const fractionDays = (amount * n - whole) * 30
      days += Math.trunc(fractionDays)
      micros += Math.round((fractionDays - Math.trunc(fractionDays)) * microsPerDay)
    }
  }
  return negate ? { months: -months, days: -days, micros: -micros } : { months, days, micros }
}

/** Adds an interval to a wall-clock time: months (day clamped), then days, then micros. */
function addToLocal(local: number, interval: IntervalValue): number {
  let result = local
  if (interval.months !== 0) {
    const days = Math.floor(result / microsPerDay)
    const timeOfDay = result - days * microsPerDay
    civilFromDays(days, civil)
    const total = civil[0]! * 12 + (civil[1]! - 1) + interval.months
    const year = Math.floor(total / 12)
    const month = total - year * 12 + 1
    const monthDays =
      daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
      daysFromCivil(year, month, 1)
    result = daysFromCivil(year, month, Math.min(civil[2]!, monthDays)) * microsPerDay + timeOfDay
  }
  return result + interval.days * microsPerDay
}

/** timestamptz + interval in `timeZone`: calendar parts in local time, micros in absolute time. */
export function addInterval(
  type: SqlType,
  value: number,
  interval: IntervalValue,
  timeZone: string,
): number {
  if (!Number.isFinite(value)) return value
  if (interval.months === 0 && interval.days === 0) return value + interval.micros
  if (type === 'timestamp') return addToLocal(value, interval) + interval.micros
  const local = value + zoneOffsetSeconds(timeZone, value) * microsPerSecond
  return localToUtcMicros(timeZone, addToLocal(local, interval)) + interval.micros
}

function intervalReader(
  call: Parameters<Kernel>[0],
  index: number,
): (row: number) => IntervalValue {
  const text = stringReader(call, index)
  if (
    call.constantArgs[index] === true &&
    call.length > 0 &&
    argAt(call, index).validity === null
  ) {
    const value = parseInterval(text(0))
    return () => value
  }
  return (row) => parseInterval(text(row))
}

function intervalArithmetic(sign: 1 | -1): Kernel {
  return (call) => {
    const times = numberArg(call, 0)
    const interval = intervalReader(call, 1)
    const { length, ctx } = call
    const validity = combineValidity(length, ...call.args)
    const out = new Float64Array(length)
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const parsed = interval(row)
      const signed =
        sign === 1 ? parsed : { months: -parsed.months, days: -parsed.days, micros: -parsed.micros }
      out[row] = addInterval(times.type, times.values[row]!, signed, ctx.timeZone)
    }
    return makeNumberVector(call.type, out, validity)
  }
}

/** date_bin(stride, source, origin), PostgreSQL 15's arithmetic on microseconds. */
const dateBin: Kernel = (call) => {
  const stride = intervalReader(call, 0)
  const source = numberArg(call, 1)
  const origin = numberArg(call, 2)
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const interval = stride(row)
    if (interval.months !== 0) {
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: 'timestamps cannot be binned into intervals containing months or years',
      })
    }
    const strideMicros = interval.days * microsPerDay + interval.micros
    if (strideMicros <= 0) {
      throw new PgError({
        code: SqlState.datetimeFieldOverflow,
        message: 'stride must be greater than zero',
      })
    }
    const timestamp = source.values[row]!
    const start = origin.values[row]!
    const diff = timestamp - start
    const modulo = diff % strideMicros
    // Rounds toward -infinity when the source precedes the origin, as PostgreSQL 15.2+.
    const delta = diff - modulo - (modulo < 0 ? strideMicros : 0)
    out[row] = start + delta
  }
  return makeNumberVector(call.type, out, validity)
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

// ---- to_char ------------------------------------------------------------------------------

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** to_char's keywords, longest first where one is a prefix of another. */
const keywords = [
  'a.d.',
  'a.m.',
  'b.c.',
  'p.m.',
  'y,yyy',
  'month',
  'hh24',
  'hh12',
  'iyyy',
  'iddd',
  'ssss',
  'yyyy',
  'ddd',
  'day',
  'iyy',
  'mon',
  'yyy',
  'ad',
  'am',
  'bc',
  'cc',
  'dd',
  'dy',
  'hh',
  'id',
  'iw',
  'iy',
  'mi',
  'mm',
  'ms',
  'pm',
  'ss',
  'us',
  'ww',
  'yy',
  'd',
  'i',
  'j',
  'q',
  'w',
  'y',
]

/** Matches the case PostgreSQL's keyword table distinguishes: UPPER, Capitalized, lower. */
function styled(word: string, written: string): string {
  if (written === written.toUpperCase()) return word.toUpperCase()
  if (written[0] === written[0]!.toUpperCase()) return word
  return word.toLowerCase()
}

function pad(n: number, width: number, fillMode: boolean): string {
  const text = String(Math.abs(n))
  const body = fillMode ? text : text.padStart(width, '0')
  return n < 0 ? `-${body}` : body
}

/** to_char(timestamp, format) of one wall-clock time. */
export function formatToChar(local: number, format: string): string {
  const days = Math.floor(local / microsPerDay)
  const timeOfDay = local - days * microsPerDay
  civilFromDays(days, civil)
  const year = civil[0]!
  const month = civil[1]!
  const day = civil[2]!
  const hour = Math.floor(timeOfDay / 3_600_000_000)
  const minute = Math.floor(timeOfDay / 60_000_000) % 60
  const second = Math.floor(timeOfDay / 1_000_000) % 60
  const micro = timeOfDay % 1_000_000
  const dow = (((days + 4) % 7) + 7) % 7
  const doy = days - daysFromCivil(year, 1, 1) + 1
  let out = ''
  let i = 0
  while (i < format.length) {
    const c = format[i]!
    if (c === '"') {
      let j = i + 1
      while (j < format.length && format[j] !== '"') {
        if (format[j] === '\\' && j + 1 < format.length) j++
        out += format[j]
        j++
      }
      i = j + 1
      continue
    }
    if (c === '\\' && format[i + 1] === '"') {
      out += '"'
      i += 2
      continue
    }
    let fillMode = false
    let at = i
    if (format.slice(at, at + 2).toLowerCase() === 'fm') {
      fillMode = true
      at += 2
    }
    const lower = format.slice(at).toLowerCase()
    const keyword = keywords.find((k) => lower.startsWith(k))
    if (keyword === undefined) {
      if (fillMode) {
        i = at
        continue
      }
      out += c
      i++
      continue
    }
    const written = format.slice(at, at + keyword.length)
    i = at + keyword.length
    const hour12 = hour % 12 === 0 ? 12 : hour % 12
    switch (keyword) {
      case 'yyyy':
        out += pad(year, 4, fillMode)
        break
      case 'y,yyy':
        out += `${Math.floor(year / 1000)},${pad(year % 1000, 3, false)}`
        break
      case 'yyy':
        out += pad(year % 1000, 3, fillMode)
        break
      case 'yy':
        out += pad(year % 100, 2, fillMode)
        break
      case 'y':
        out += String(year % 10)
        break
      case 'iyyy':
        out += pad(isoWeek(days)[1], 4, fillMode)
        break
      case 'iyy':
        out += pad(isoWeek(days)[1] % 1000, 3, fillMode)
        break
      case 'iy':
        out += pad(isoWeek(days)[1] % 100, 2, fillMode)
        break
      case 'i':
        out += String(isoWeek(days)[1] % 10)
        break
      case 'mm':
        out += pad(month, 2, fillMode)
        break
      case 'month': {
        const name = styled(monthNames[month - 1]!, written)
        out += fillMode ? name : name.padEnd(9, ' ')
        break
      }
      case 'mon':
        out += styled(monthNames[month - 1]!.slice(0, 3), written)
        break
      case 'dd':
        out += pad(day, 2, fillMode)
        break
      case 'ddd':
        out += pad(doy, 3, fillMode)
        break
      case 'iddd': {
        const [, isoYear] = isoWeek(days)
        const firstMonday = isoMondayOfWeekOne(isoYear)
        out += pad(days - firstMonday + 1, 3, fillMode)
        break
      }
      case 'd':
        out += String(dow + 1)
        break
      case 'id':
        out += String(dow === 0 ? 7 : dow)
        break
      case 'day': {
        const name = styled(dayNames[dow]!, written)
        out += fillMode ? name : name.padEnd(9, ' ')
        break
      }
      case 'dy':
        out += styled(dayNames[dow]!.slice(0, 3), written)
        break
      case 'w':
        out += String(Math.floor((day - 1) / 7) + 1)
        break
      case 'ww':
        out += pad(Math.floor((doy - 1) / 7) + 1, 2, fillMode)
        break
      case 'iw':
        out += pad(isoWeek(days)[0], 2, fillMode)
        break
      case 'q':
        out += String(Math.floor((month - 1) / 3) + 1)
        break
      case 'cc':
        out += pad(year > 0 ? Math.floor((year + 99) / 100) : year / 100 - 1, 2, fillMode)
        break
      case 'j':
        out += String(days + 2440588)
        break
      case 'hh24':
        out += pad(hour, 2, fillMode)
        break
      case 'hh':
      case 'hh12':
        out += pad(hour12, 2, fillMode)
        break
      case 'mi':
        out += pad(minute, 2, fillMode)
        break
      case 'ss':
        out += pad(second, 2, fillMode)
        break
      case 'ssss':
        out += String(Math.floor(timeOfDay / 1_000_000))
        break
      case 'ms':
        out += pad(Math.floor(micro / 1000), 3, fillMode)
        break
      case 'us':
        out += pad(micro, 6, fillMode)
        break
      case 'am':
      case 'pm':
        out += styled(hour < 12 ? 'am' : 'pm', written)
        break
      case 'a.m.':
      case 'p.m.':
        out += styled(hour < 12 ? 'a.m.' : 'p.m.', written)
        break
      case 'ad':
      case 'bc':
        out += styled(year > 0 ? 'ad' : 'bc', written)
        break
      case 'a.d.':
      case 'b.c.':
        out += styled(year > 0 ? 'a.d.' : 'b.c.', written)
        break
    }
  }
  return out
}

function isoMondayOfWeekOne(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4)
  const isoDow = ((((jan4 + 3) % 7) + 7) % 7) + 1
  return jan4 - isoDow + 1
}

const toChar: Kernel = (call) => {
  const times = numberArg(call, 0)
  const format = stringReader(call, 1)
  const { timeZone } = call.ctx
  return textRows(call, (row) => {
    const value = times.values[row]!
    if (!Number.isFinite(value)) return null
    return formatToChar(localMicros(times.type, value, timeZone), format(row))
  })
}

export const datetimeKernels: Readonly<Record<string, Kernel>> = {
  extract: extractKernel(true),
  date_part: extractKernel(false),
  to_char: toChar,
  to_timestamp: toTimestamp,
  date_bin: dateBin,
  timestamp_add_interval: intervalArithmetic(1),
  timestamp_subtract_interval: intervalArithmetic(-1),
}
