// Interval arithmetic as PostgreSQL 15's timestamp.c does it: interval_mul/interval_div cascade
// fractional months and days down (30-day months, 24-hour days), justify_* move whole days
// and months up, timestamp_mi justifies hours, age() subtracts field by field with borrows.
import { PgError, SqlState } from '../../common/index.js'
import { civilFromDays, microsPerDay } from '../format/time-zone.js'
import type { IntervalValue } from './interval-layout.js'
import { checkedInterval } from './interval-text.js'

const secondsPerDay = 86_400

/** TSROUND: rounds to microsecond precision, as PostgreSQL does before cascading seconds. */
function roundToMicros(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6
}

function rint(x: number): number {
  const rounded = Math.round(x)
  return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded
}

export function addIntervals(a: IntervalValue, b: IntervalValue): IntervalValue {
  return checkedInterval(a.months + b.months, a.days + b.days, a.micros + b.micros)
}

export function subtractIntervals(a: IntervalValue, b: IntervalValue): IntervalValue {
  return checkedInterval(a.months - b.months, a.days - b.days, a.micros - b.micros)
}

export function negateInterval(a: IntervalValue): IntervalValue {
  return checkedInterval(-a.months, -a.days, -a.micros)
}

/** interval_mul / interval_div: `factor` multiplies (or divides when `divide`). */
export function scaleInterval(span: IntervalValue, factor: number, divide: boolean): IntervalValue {
  if (divide && factor === 0) {
    throw new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
  }
  const apply = (x: number): number => (divide ? x / factor : x * factor)
  const monthsExact = apply(span.months)
  const daysExact = apply(span.days)
  if (!Number.isFinite(monthsExact) || !Number.isFinite(daysExact)) {
    throw new PgError({ code: SqlState.datetimeFieldOverflow, message: 'interval out of range' })
  }
  const months = Math.trunc(monthsExact)
  let days = Math.trunc(daysExact)
  const monthRemainderDays = roundToMicros((monthsExact - months) * 30)
  let secondRemainder = roundToMicros(
    (daysExact - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * secondsPerDay,
  )
  if (Math.abs(secondRemainder) >= secondsPerDay) {
    const wholeDays = Math.trunc(secondRemainder / secondsPerDay)
    days += wholeDays
    secondRemainder -= wholeDays * secondsPerDay
  }
  days += Math.trunc(monthRemainderDays)
  const micros = rint(apply(span.micros) + secondRemainder * 1e6)
  return checkedInterval(months, days, micros)
}

function moduloWholeDays(micros: number): [wholeDays: number, rest: number] {
  const wholeDays = Math.trunc(micros / microsPerDay)
  return [wholeDays, micros - wholeDays * microsPerDay]
}

export function justifyHours(span: IntervalValue): IntervalValue {
  let [wholeDays, micros] = moduloWholeDays(span.micros)
  let days = span.days + wholeDays
  if (days > 0 && micros < 0) {
    micros += microsPerDay
    days--
  } else if (days < 0 && micros > 0) {
    micros -= microsPerDay
    days++
  }
  return checkedInterval(span.months, days, micros)
}

export function justifyDays(span: IntervalValue): IntervalValue {
  const wholeMonths = Math.trunc(span.days / 30)
  let days = span.days - wholeMonths * 30
  let months = span.months + wholeMonths
  if (months > 0 && days < 0) {
    days += 30
    months--
  } else if (months < 0 && days > 0) {
    days -= 30
    months++
  }
  return checkedInterval(months, days, span.micros)
}

export function justifyInterval(span: IntervalValue): IntervalValue {
  let [wholeDays, micros] = moduloWholeDays(span.micros)
  let days = span.days + wholeDays
  const wholeMonths = Math.trunc(days / 30)
  days -= wholeMonths * 30
  let months = span.months + wholeMonths
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) {
    days += 30
    months--
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) {
    days -= 30
    months++
  }
  if (days > 0 && micros < 0) {
    micros += microsPerDay
    days--
  } else if (days < 0 && micros > 0) {
    micros -= microsPerDay
    days++
  }
  return checkedInterval(months, days, micros)
}

/** timestamp − timestamp: the microsecond difference, whole days justified out of it. */
export function timestampDifference(a: number, b: number): IntervalValue {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new PgError({
      code: SqlState.datetimeFieldOverflow,
      message: 'cannot subtract infinite timestamps',
    })
  }
  return justifyHours(checkedInterval(0, 0, a - b))
}

const civil = new Int32Array(3)

interface Fields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  micro: number
}

function fieldsOf(local: number): Fields {
  const days = Math.floor(local / microsPerDay)
  const timeOfDay = local - days * microsPerDay
  civilFromDays(days, civil)
  return {
    year: civil[0]!,
    month: civil[1]!,
    day: civil[2]!,
    hour: Math.floor(timeOfDay / 3_600_000_000),
    minute: Math.floor(timeOfDay / 60_000_000) % 60,
    second: Math.floor(timeOfDay / 1_000_000) % 60,
    micro: timeOfDay % 1_000_000,
  }
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return month === 2 && leap ? 29 : monthDays[month - 1]!
}

/**
 * age(a, b) of two wall-clock times (microseconds as if UTC): the symbolic difference in
 * years, months, days and time, borrowing from the month of the earlier one as timestamp_age.
 */
export function ageOf(a: number, b: number): IntervalValue {
  const x = fieldsOf(a)
  const y = fieldsOf(b)
  const sign = a < b ? -1 : 1
  let micro = sign * (x.micro - y.micro)
  let second = sign * (x.second - y.second)
  let minute = sign * (x.minute - y.minute)
  let hour = sign * (x.hour - y.hour)
  let day = sign * (x.day - y.day)
  let month = sign * (x.month - y.month)
  let year = sign * (x.year - y.year)
  const earlier = a < b ? x : y
  while (micro < 0) {
    micro += 1_000_000
    second--
  }
  while (second < 0) {
    second += 60
    minute--
  }
  while (minute < 0) {
    minute += 60
    hour--
  }
  while (hour < 0) {
    hour += 24
    day--
  }
  while (day < 0) {
    day += daysInMonth(earlier.year, earlier.month)
    month--
  }
  while (month < 0) {
    month += 12
    year--
  }
  const micros = ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro
  return checkedInterval(sign * (year * 12 + month), sign * day, sign * micros)
}
