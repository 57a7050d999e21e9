// Time kernels: date_trunc(unit, timestamptz) in the session time zone, and now().
// In UTC, truncation is integer arithmetic on the epoch microseconds (no Date per row);
// in a named zone the instant moves to wall-clock time, truncates there, and moves back.
import { PgError, SqlState } from '../../common/index.js'
import { makeConstantVector, makeNumberVector, textAt } from '../expr/vector-builders.js'
import {
  civilFromDays,
  daysFromCivil,
  isUtcZone,
  localToUtcMicros,
  microsPerDay,
  microsPerHour,
  microsPerMinute,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import { numberArg, textArg, type Kernel } from './kernel.js'
import { dateTruncInZone } from './zone-kernels.js'
import { dateTruncInterval } from './interval-kernels.js'

export type TruncUnit =
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'

/** Unit spellings PostgreSQL's DecodeUnits accepts (lower-cased). */
const unitNames: Readonly<Record<string, TruncUnit>> = {
  microsecond: 'microseconds',
  microseconds: 'microseconds',
  us: 'microseconds',
  usec: 'microseconds',
  usecs: 'microseconds',
  useconds: 'microseconds',
  millisecond: 'milliseconds',
  milliseconds: 'milliseconds',
  ms: 'milliseconds',
  msec: 'milliseconds',
  msecs: 'milliseconds',
  mseconds: 'milliseconds',
  second: 'second',
  seconds: 'second',
  s: 'second',
  sec: 'second',
  secs: 'second',
  minute: 'minute',
  minutes: 'minute',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  hour: 'hour',
  hours: 'hour',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  day: 'day',
  days: 'day',
  d: 'day',
  week: 'week',
  weeks: 'week',
  w: 'week',
  month: 'month',
  months: 'month',
  mon: 'month',
  mons: 'month',
  quarter: 'quarter',
  qtr: 'quarter',
  year: 'year',
  years: 'year',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  decade: 'decade',
  decades: 'decade',
  dec: 'decade',
  decs: 'decade',
  century: 'century',
  centuries: 'century',
  c: 'century',
  cent: 'century',
  millennium: 'millennium',
  millennia: 'millennium',
  mil: 'millennium',
  mils: 'millennium',
}

export function parseUnit(text: string): TruncUnit {
  const unit = unitNames[text.trim().toLowerCase()]
  if (unit === undefined) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `unit "${text}" not recognized for type timestamp with time zone`,
    })
  }
  return unit
}

const civil = new Int32Array(3)

/** Truncates wall-clock microseconds (as if UTC) to the start of `unit`. */
export function truncateLocalMicros(micros: number, unit: TruncUnit): number {
  const floorTo = (step: number): number => Math.floor(micros / step) * step
  switch (unit) {
    case 'microseconds':
      return micros
    case 'milliseconds':
      return floorTo(1000)
    case 'second':
      return floorTo(microsPerSecond)
    case 'minute':
      return floorTo(microsPerMinute)
    case 'hour':
      return floorTo(microsPerHour)
    case 'day':
      return floorTo(microsPerDay)
    case 'week': {
      const days = Math.floor(micros / microsPerDay)
      const mondayBased = (((days + 3) % 7) + 7) % 7
      return (days - mondayBased) * microsPerDay
    }
    default:
      break
  }
  civilFromDays(Math.floor(micros / microsPerDay), civil)
  const year = civil[0]!
  const month = civil[1]!
  switch (unit) {
    case 'month':
      return daysFromCivil(year, month, 1) * microsPerDay
    case 'quarter':
      return daysFromCivil(year, month - ((month - 1) % 3), 1) * microsPerDay
    case 'year':
      return daysFromCivil(year, 1, 1) * microsPerDay
    case 'decade':
      return daysFromCivil(Math.floor(year / 10) * 10, 1, 1) * microsPerDay
    case 'century':
      return daysFromCivil(Math.floor((year - 1) / 100) * 100 + 1, 1, 1) * microsPerDay
    default:
      return daysFromCivil(Math.floor((year - 1) / 1000) * 1000 + 1, 1, 1) * microsPerDay
  }
}

/** The width of units that are a fixed number of microseconds in UTC, else 0. */
function fixedStepMicros(unit: TruncUnit): number {
  switch (unit) {
    case 'milliseconds':
      return 1000
    case 'second':
      return microsPerSecond
    case 'minute':
      return microsPerMinute
    case 'hour':
      return microsPerHour
    case 'day':
      return microsPerDay
    default:
      return 0
  }
}

/** date_trunc(unit, timestamptz) of one instant in `timeZone`. */
export function truncateTimestamptz(utcMicros: number, unit: TruncUnit, timeZone: string): number {
  if (!Number.isFinite(utcMicros)) return utcMicros
  if (isUtcZone(timeZone)) return truncateLocalMicros(utcMicros, unit)
  const offsetMicros = zoneOffsetSeconds(timeZone, utcMicros) * microsPerSecond
  const truncated = truncateLocalMicros(utcMicros + offsetMicros, unit)
  const subHour =
    unit === 'microseconds' || unit === 'milliseconds' || unit === 'second' || unit === 'minute'
  return subHour ? truncated - offsetMicros : localToUtcMicros(timeZone, truncated)
}

const dateTrunc: Kernel = (call) => {
  if (call.args.length === 3) return dateTruncInZone(call)
  if (call.args[1]?.type === 'interval') return dateTruncInterval(call)
  const units = textArg(call, 0)
  const times = numberArg(call, 1)
  const { length, ctx } = call
  const out = new Float64Array(length)
  const validity = units.validity === null ? times.validity : new Uint8Array(length)
  const constantUnit =
    call.constantArgs[0] === true &&
    length > 0 &&
    (units.validity === null || units.validity[0] === 1)
      ? parseUnit(textAt(units, 0))
      : null
  const step = constantUnit === null || !isUtcZone(ctx.timeZone) ? 0 : fixedStepMicros(constantUnit)
  if (step > 0 && units.validity === null) {
    const values = times.values
    for (let row = 0; row < length; row++) {
      const value = values[row]!
      out[row] = Math.floor(value / step) * step
    }
    return makeNumberVector(call.type, out, times.validity)
  }
  for (let row = 0; row < length; row++) {
    const unitPresent = units.validity === null || units.validity[row] === 1
    const timePresent = times.validity === null || times.validity[row] === 1
    if (validity !== null && units.validity !== null)
      validity[row] = unitPresent && timePresent ? 1 : 0
    if (!unitPresent || !timePresent) continue
    const unit = constantUnit ?? parseUnit(textAt(units, row))
    out[row] = truncateTimestamptz(times.values[row]!, unit, ctx.timeZone)
  }
  return makeNumberVector(call.type, out, validity)
}

export const timeKernels: Readonly<Record<string, Kernel>> = {
  date_trunc: dateTrunc,
  now: (call) => makeConstantVector(call.ctx.nowMicros, 'timestamptz', call.length),
}
