// interval_in and interval_out of PostgreSQL 15 (IntervalStyle postgres): '1 year 2 mons',
// '1 day 02:03:04', '-00:00:01', '00:00:00.5', '-1 days +02:00:00'. Input takes number-unit
// pairs (glued or not, fractions cascading down as PostgreSQL's AdjustFract* do), clock
// times, '@' and 'ago', a bare number of seconds, and ISO 8601 'P1Y2M3DT4H5M6S'.
import { PgError, SqlState } from '../../common/index.js'
import type { IntervalValue } from './interval-layout.js'

const microsPerDay = 86_400_000_000
/** Largest |micros| a Float64 holds exactly; PostgreSQL's int64 allows more, we refuse it. */
const microsMagnitudeMax = Number.MAX_SAFE_INTEGER
const int32Max = 2147483647

type UnitKind = 'months' | 'days' | 'micros'

const intervalUnits = new Map<string, [kind: UnitKind, n: number]>()
for (const [names, kind, n] of [
  [['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds'], 'micros', 1],
  [['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds'], 'micros', 1000],
  [['second', 'seconds', 's', 'sec', 'secs'], 'micros', 1_000_000],
  [['minute', 'minutes', 'm', 'min', 'mins'], 'micros', 60_000_000],
  [['hour', 'hours', 'h', 'hr', 'hrs'], 'micros', 3_600_000_000],
  [['day', 'days', 'd'], 'days', 1],
  [['week', 'weeks', 'w'], 'days', 7],
  [['month', 'months', 'mon', 'mons'], 'months', 1],
  [['year', 'years', 'y', 'yr', 'yrs'], 'months', 12],
  [['decade', 'decades'], 'months', 120],
  [['century', 'centuries'], 'months', 1200],
  [['millennium', 'millennia', 'millenniums'], 'months', 12000],
] as const) {
  for (const name of names) intervalUnits.set(name, [kind, n])
}

export function invalidInterval(text: string): PgError {
  return new PgError({
    code: SqlState.invalidDatetimeFormat,
    message: `invalid input syntax for type interval: "${text}"`,
  })
}

/** 22008 `interval out of range`, raised by arithmetic that leaves the representable range. */
export function intervalOutOfRange(): PgError {
  return new PgError({ code: SqlState.datetimeFieldOverflow, message: 'interval out of range' })
}

/** Checks the fields fit (int32 months and days, micros exact in a double); returns the value. */
export function checkedInterval(months: number, days: number, micros: number): IntervalValue {
  if (
    !(Math.abs(months) <= int32Max) ||
    !(Math.abs(days) <= int32Max) ||
    !(Math.abs(micros) <= microsMagnitudeMax)
  ) {
    throw intervalOutOfRange()
  }
  return { months: months + 0, days: days + 0, micros: micros + 0 }
}

class FieldSums {
  months = 0
  days = 0
  micros = 0

  /** Adds `amount` of a unit, cascading the fraction down as PostgreSQL does. */
  add(amount: number, kind: UnitKind, n: number): void {
    if (kind === 'micros') {
      this.micros += Math.round(amount * n)
      return
    }
    const whole = Math.trunc(amount)
    const fraction = amount - whole
    if (kind === 'days') {
      this.days += whole * n
      const fractionDays = fraction * n
      const wholeDays = Math.trunc(fractionDays)
      this.days += wholeDays
      this.micros += Math.round((fractionDays - wholeDays) * microsPerDay)
      return
    }
    this.months += whole * n
    if (n >= 12) {
      // Years and longer: the fraction becomes whole months (rint), as DecodeInterval.
      this.months += Math.round(fraction * n)
      return
    }
    const fractionDays = fraction * 30
    const wholeDays = Math.trunc(fractionDays)
    this.days += wholeDays
    this.micros += Math.round((fractionDays - wholeDays) * microsPerDay)
  }
}

const clockPattern = /^([+-]?)(\d+):(\d+)(?::(\d+(?:\.\d*)?))?$/
const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/
const gluedPattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-z]+)$/
const isoPattern =
  /^p(?:([\d.]+)y)?(?:([\d.]+)m)?(?:([\d.]+)w)?(?:([\d.]+)d)?(?:t(?:([\d.]+)h)?(?:([\d.]+)m)?(?:([\d.]+)s)?)?$/

function parseIso(text: string, lower: string): IntervalValue | undefined {
  const match = isoPattern.exec(lower)
  if (match === null) return undefined
  if (lower === 'p' || lower.endsWith('t')) throw invalidInterval(text)
  const sums = new FieldSums()
  const units: [UnitKind, number][] = [
    ['months', 12],
    ['months', 1],
    ['days', 7],
    ['days', 1],
    ['micros', 3_600_000_000],
    ['micros', 60_000_000],
    ['micros', 1_000_000],
  ]
  units.forEach(([kind, n], i) => {
    const written = match[i + 1]
    if (written === undefined) return
    if (!numberPattern.test(written)) throw invalidInterval(text)
    sums.add(Number(written), kind, n)
  })
  return checkedInterval(sums.months, sums.days, sums.micros)
}

/** interval_in: '1 hour', '2 days 03:00:00', '@ 1 min ago', '1.5 months', 'P1DT2H'. */
export function parseInterval(text: string): IntervalValue {
  const lower = text.trim().toLowerCase()
  const iso = parseIso(text, lower)
  if (iso !== undefined) return iso
  const tokens = lower
    .replace(/^@\s*/, '')
    .split(/[\s,]+/)
    .filter((t) => t !== '')
  if (tokens.length === 0) throw invalidInterval(text)
  const sums = new FieldSums()
  let negate = false
  let clockSeen = false
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token === 'ago' && i === tokens.length - 1 && i > 0) {
      negate = true
      continue
    }
    const clock = clockPattern.exec(token)
    if (clock !== null) {
      if (clockSeen) throw invalidInterval(text)
      clockSeen = true
      const sign = clock[1] === '-' ? -1 : 1
      const minutes = Number(clock[3])
      const seconds = Number(clock[4] ?? 0)
      if (minutes >= 60 || seconds >= 60) {
        throw new PgError({
          code: SqlState.datetimeFieldOverflow,
          message: `interval field value out of range: "${text}"`,
        })
      }
      const total = Number(clock[2]) * 3_600_000_000 + minutes * 60_000_000
      sums.micros += sign * (total + Math.round(seconds * 1_000_000))
      continue
    }
    const glued = gluedPattern.exec(token)
    const amountText = glued?.[1] ?? token
    if (!numberPattern.test(amountText)) throw invalidInterval(text)
    let unitText = glued?.[2]
    if (unitText === undefined) {
      const next = tokens[i + 1]
      if (next !== undefined && intervalUnits.has(next)) {
        unitText = next
        i++
      }
    }
    // A number without a unit is days before a clock time ('3 4:05'), else seconds, last.
    const beforeClock = unitText === undefined && clockPattern.test(tokens[i + 1] ?? '')
    if (
      unitText === undefined &&
      !beforeClock &&
      i !== tokens.length - 1 &&
      tokens[i + 1] !== 'ago'
    )
      throw invalidInterval(text)
    const unit =
      unitText === undefined
        ? beforeClock
          ? (['days', 1] as const)
          : (['micros', 1_000_000] as const)
        : intervalUnits.get(unitText)
    if (unit === undefined) throw invalidInterval(text)
    sums.add(Number(amountText), unit[0], unit[1])
  }
  const sign = negate ? -1 : 1
  return checkedInterval(sign * sums.months, sign * sums.days, sign * sums.micros)
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** interval_out with IntervalStyle postgres (EncodeInterval's INTSTYLE_POSTGRES). */
export function formatInterval(value: IntervalValue): string {
  const year = Math.trunc(value.months / 12)
  const month = value.months - year * 12
  let out = ''
  let isZero = true
  let isBefore = false
  const part = (n: number, unit: string): void => {
    if (n === 0) return
    out += `${isZero ? '' : ' '}${isBefore && n > 0 ? '+' : ''}${n} ${unit}${n !== 1 ? 's' : ''}`
    isBefore = n < 0
    isZero = false
  }
  part(year, 'year')
  part(month, 'mon')
  part(value.days, 'day')
  const time = value.micros
  if (isZero || time !== 0) {
    const magnitude = Math.abs(time)
    const hours = Math.floor(magnitude / 3_600_000_000)
    const minutes = Math.floor(magnitude / 60_000_000) % 60
    const seconds = Math.floor(magnitude / 1_000_000) % 60
    const fraction = magnitude % 1_000_000
    const sign = time < 0 ? '-' : isBefore ? '+' : ''
    out += `${isZero ? '' : ' '}${sign}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`
    if (fraction !== 0) out += `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`
  }
  return out
}
