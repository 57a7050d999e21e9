// Date/time constructors from fields: make_date, make_timestamp, make_timestamptz and
// make_interval, with PostgreSQL 15's range checks and messages (22008). Years below zero
// are BC (-44 is 44 BC, astronomical year -43); year 0 does not exist.
import { PgError, SqlState, type NumberVector, type Vector } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { makeNumberVector } from '../expr/vector-builders.js'
import {
  daysFromCivil,
  localToUtcMicros,
  microsPerDay,
  microsPerHour,
  microsPerMinute,
  microsPerSecond,
} from '../format/time-zone.js'
import { encodeIntervals } from '../interval/interval-layout.js'
import { argAt, combineValidity, numberArg, textArg, type Kernel } from './kernel.js'
import { resolveZone, type ZoneSpec } from './zone-spec.js'

function fieldOverflow(message: string): PgError {
  return new PgError({ code: SqlState.datetimeFieldOverflow, message })
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Days since 1970-01-01 of a valid PostgreSQL date; 22008 naming the fields otherwise. */
function dateDays(year: number, month: number, day: number): number {
  const astronomical = year < 0 ? year + 1 : year
  const days = daysFromCivil(astronomical, month, day)
  const valid =
    year !== 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    daysFromCivil(astronomical, month + 1, 1) > days // day within the month
  if (!valid)
    throw fieldOverflow(`date field value out of range: ${year}-${pad2(month)}-${pad2(day)}`)
  return days
}

/** Microseconds into the day; second 60 is allowed and rolls over, as tm2time does. */
function timeMicros(hour: number, minute: number, second: number): number {
  const valid =
    hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60
  if (!valid) {
    const seconds = Number.isInteger(second) ? pad2(second) : String(second)
    throw fieldOverflow(`time field value out of range: ${hour}:${pad2(minute)}:${seconds}`)
  }
  return hour * microsPerHour + minute * microsPerMinute + Math.round(second * microsPerSecond)
}

/** The wall-clock microseconds of make_timestamp's six fields. */
function wallClock(fields: readonly NumberVector[], row: number): number {
  const at = (index: number): number => fields[index]!.values[row]!
  const days = dateDays(at(0), at(1), at(2))
  return days * microsPerDay + timeMicros(at(3), at(4), at(5))
}

function numberArgs(call: Parameters<Kernel>[0], count: number): NumberVector[] {
  return Array.from({ length: count }, (_, index) => numberArg(call, index))
}

const makeDate: Kernel = (call) => {
  const fields = numberArgs(call, 3)
  const validity = combineValidity(call.length, ...fields)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out[row] = dateDays(fields[0]!.values[row]!, fields[1]!.values[row]!, fields[2]!.values[row]!)
  }
  return makeNumberVector(call.type, out, validity)
}

const makeTimestamp: Kernel = (call) => {
  const fields = numberArgs(call, 6)
  const validity = combineValidity(call.length, ...fields)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity === null || validity[row] === 1) out[row] = wallClock(fields, row)
  }
  return makeNumberVector(call.type, out, validity)
}

/** make_timestamptz: the wall clock in the given zone (else the session's), as an instant. */
const makeTimestamptz: Kernel = (call) => {
  const fields = numberArgs(call, 6)
  const zones: Vector | undefined = call.args.length > 6 ? argAt(call, 6) : undefined
  const validity = combineValidity(call.length, ...fields, ...(zones === undefined ? [] : [zones]))
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const local = wallClock(fields, row)
    const zone =
      zones === undefined
        ? { name: call.ctx.timeZone }
        : makeTimestamptzZone(textAt(textArg(call, 6), row))
    out[row] =
      'name' in zone
        ? localToUtcMicros(zone.name, local)
        : local - zone.offsetSeconds * microsPerSecond
  }
  return makeNumberVector(call.type, out, validity)
}

/**
 * make_timestamptz's zone, read as PostgreSQL's parse_sane_timezone: a leading sign or digit
 * is an ISO offset (`+02` is two hours EAST, unlike AT TIME ZONE's POSIX reading), else a
 * name or abbreviation.
 */
function makeTimestamptzZone(text: string): ZoneSpec {
  if (!/^[+\-\d]/.test(text)) return resolveZone(text)
  const match = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?$/.exec(text)
  if (match === null) {
    const signless = /^\d/.test(text)
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `invalid input syntax for type numeric time zone: "${text}"`,
      ...(signless ? { hint: 'Numeric time zones must have "-" or "+" as first character.' } : {}),
    })
  }
  const [, sign, hours, minutes, seconds] = match
  const magnitude = Number(hours) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)
  if (Number(hours) > 15 || Number(minutes ?? 0) > 59 || Number(seconds ?? 0) > 59) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `numeric time zone "${text}" out of range`,
    })
  }
  return { offsetSeconds: sign === '-' ? -magnitude : magnitude }
}

/** make_interval(years, months, weeks, days, hours, mins, secs): PostgreSQL's three fields. */
const makeInterval: Kernel = (call) => {
  const fields = numberArgs(call, 7)
  const validity = combineValidity(call.length, ...fields)
  const months = new Int32Array(call.length)
  const days = new Int32Array(call.length)
  const micros = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const at = (index: number): number => fields[index]!.values[row]!
    const monthCount = at(0) * 12 + at(1)
    const dayCount = at(2) * 7 + at(3)
    const time = (at(4) * 3600 + at(5) * 60) * microsPerSecond + Math.round(at(6) * 1e6)
    if (
      !Number.isSafeInteger(time) ||
      Math.abs(monthCount) > 2 ** 31 - 1 ||
      Math.abs(dayCount) > 2 ** 31 - 1
    )
      throw new PgError({ code: SqlState.datetimeFieldOverflow, message: 'interval out of range' })
    months[row] = monthCount
    days[row] = dayCount
    micros[row] = time
  }
  return encodeIntervals(call.type, months, days, micros, validity)
}

export const makeTimeKernels: Readonly<Record<string, Kernel>> = {
  make_date: makeDate,
  make_timestamp: makeTimestamp,
  make_timestamptz: makeTimestamptz,
  make_interval: makeInterval,
}
