// Kernels over intervals and the date/time arithmetic that makes them: timestamp ± interval
// (calendar parts in the session time zone, time in absolute microseconds), timestamp −
// timestamp, interval ± interval, interval × / number, −interval, date − date, date ± int,
// justify_*, age and date_bin. Intervals arrive packed
// (interval/interval-layout.ts) and are decoded into three typed arrays per batch.
import { PgError, SqlState, type SqlType } from '../../common/index.js'
import { makeNumberVector, textAt } from '../expr/vector-builders.js'
import {
  civilFromDays,
  daysFromCivil,
  localToUtcMicros,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import {
  decodeIntervals,
  IntervalColumnsBuilder,
  type IntervalColumns,
  type IntervalValue,
} from '../interval/interval-layout.js'
import {
  addIntervals,
  ageOf,
  justifyDays,
  justifyHours,
  justifyInterval,
  negateInterval,
  scaleInterval,
  subtractIntervals,
  timestampDifference,
} from '../interval/interval-math.js'
import { combineValidity, numberArg, textArg, type Kernel, type KernelCall } from './kernel.js'
import { numberReader } from './row-values.js'
import { parseUnit } from './time.js'

const civil = new Int32Array(3)

/** Adds an interval to a wall-clock time: months (day clamped), then days. */
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

function valueAt(columns: IntervalColumns, row: number): IntervalValue {
  return { months: columns.months[row]!, days: columns.days[row]!, micros: columns.micros[row]! }
}

function intervalsArg(call: KernelCall, index: number): IntervalColumns {
  return decodeIntervals(textArg(call, index))
}

function timestampPlusInterval(sign: 1 | -1): Kernel {
  return (call) => {
    const times = numberArg(call, 0)
    const intervals = intervalsArg(call, 1)
    const { length, ctx } = call
    const validity = combineValidity(length, ...call.args)
    const out = new Float64Array(length)
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const value = valueAt(intervals, row)
      const signed = sign === 1 ? value : negateInterval(value)
      out[row] = addInterval(times.type, times.values[row]!, signed, ctx.timeZone)
    }
    return makeNumberVector(call.type, out, validity)
  }
}

/** An interval result computed per row from the call's arguments. */
function intervalRows(
  call: KernelCall,
  compute: (row: number) => IntervalValue,
): ReturnType<Kernel> {
  const validity = combineValidity(call.length, ...call.args)
  const out = new IntervalColumnsBuilder(call.length, validity)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out.set(row, compute(row))
  }
  return out.finish(call.type)
}

function intervalPair(combine: (a: IntervalValue, b: IntervalValue) => IntervalValue): Kernel {
  return (call) => {
    const a = intervalsArg(call, 0)
    const b = intervalsArg(call, 1)
    return intervalRows(call, (row) => combine(valueAt(a, row), valueAt(b, row)))
  }
}

function intervalUnary(apply: (a: IntervalValue) => IntervalValue): Kernel {
  return (call) => {
    const a = intervalsArg(call, 0)
    return intervalRows(call, (row) => apply(valueAt(a, row)))
  }
}

function intervalScale(divide: boolean): Kernel {
  return (call) => {
    const a = intervalsArg(call, 0)
    const factor = numberReader(call, 1)
    return intervalRows(call, (row) => scaleInterval(valueAt(a, row), factor(row), divide))
  }
}

/** timestamp − timestamp (either kind): the difference with whole days justified out. */
const timestampMinus: Kernel = (call) => {
  const a = numberArg(call, 0)
  const b = numberArg(call, 1)
  return intervalRows(call, (row) => timestampDifference(a.values[row]!, b.values[row]!))
}

/** date − date as int4 days. */
const dateMinus: Kernel = (call) => {
  const a = numberArg(call, 0)
  const b = numberArg(call, 1)
  const validity = combineValidity(call.length, a, b)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const [x, y] = [a.values[row]!, b.values[row]!]
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new PgError({
        code: SqlState.datetimeFieldOverflow,
        message: 'cannot subtract infinite dates',
      })
    }
    out[row] = x - y
  }
  return makeNumberVector('int4', out, validity)
}

/** date ± int4 days. */
function datePlusDays(sign: 1 | -1): Kernel {
  return (call) => {
    const dates = numberArg(call, 0)
    const days = numberArg(call, 1)
    const validity = combineValidity(call.length, dates, days)
    const out = new Float64Array(call.length)
    for (let row = 0; row < call.length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const date = dates.values[row]!
      out[row] = Number.isFinite(date) ? date + sign * days.values[row]! : date
    }
    return makeNumberVector('date', out, validity)
  }
}

/** age(a, b) on wall-clock times in the session zone; age(a) from today's midnight. */
const age: Kernel = (call) => {
  const { ctx } = call
  const a = numberArg(call, 0)
  const b = call.args.length > 1 ? numberArg(call, 1) : null
  const local = (type: SqlType, value: number): number =>
    type === 'timestamptz'
      ? value + zoneOffsetSeconds(ctx.timeZone, value) * microsPerSecond
      : value
  const now = Date.now() * 1000
  const today = Math.floor(local('timestamptz', now) / microsPerDay) * microsPerDay
  return intervalRows(call, (row) => {
    const first = b === null ? today : local(a.type, a.values[row]!)
    const second = b === null ? local(a.type, a.values[row]!) : local(b.type, b.values[row]!)
    if (!Number.isFinite(first) || !Number.isFinite(second)) {
      throw new PgError({ code: SqlState.datetimeFieldOverflow, message: 'interval out of range' })
    }
    return ageOf(first, second)
  })
}

/** date_bin(stride, source, origin), PostgreSQL 15's arithmetic on microseconds. */
const dateBin: Kernel = (call) => {
  const stride = intervalsArg(call, 0)
  const source = numberArg(call, 1)
  const origin = numberArg(call, 2)
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    if (stride.months[row] !== 0) {
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: 'timestamps cannot be binned into intervals containing months or years',
      })
    }
    const strideMicros = stride.days[row]! * microsPerDay + stride.micros[row]!
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

/** `INTERVAL '...' DAY TO MINUTE`: drops the fields below the qualifier's last one. */
const intervalQualify: Kernel = (call) => {
  const intervals = intervalsArg(call, 0)
  const units = textArg(call, 1)
  const step: Readonly<Record<string, number>> = {
    hour: 3_600_000_000,
    minute: 60_000_000,
    second: 1,
  }
  return intervalRows(call, (row) => {
    const unit = textAt(units, row)
    const { months, days, micros } = valueAt(intervals, row)
    if (unit === 'year') return { months: Math.trunc(months / 12) * 12, days: 0, micros: 0 }
    if (unit === 'month') return { months, days: 0, micros: 0 }
    if (unit === 'day') return { months, days, micros: 0 }
    const size = step[unit] ?? 1
    return { months, days, micros: Math.trunc(micros / size) * size + 0 }
  })
}

/** date_trunc(unit, interval): zeroes the fields below `unit`, as interval_trunc. */
export const dateTruncInterval: Kernel = (call) => {
  const units = textArg(call, 0)
  const intervals = intervalsArg(call, 1)
  const microsOf: Readonly<Record<string, number>> = {
    hour: 3_600_000_000,
    minute: 60_000_000,
    second: 1_000_000,
    milliseconds: 1000,
    microseconds: 1,
  }
  const yearsOf: Readonly<Record<string, number>> = { decade: 10, century: 100, millennium: 1000 }
  return intervalRows(call, (row) => {
    const written = textAt(units, row)
    const unit = parseUnit(written)
    const { months, days, micros } = valueAt(intervals, row)
    const years = Math.trunc(months / 12)
    const step = microsOf[unit]
    if (step !== undefined) return { months, days, micros: Math.trunc(micros / step) * step + 0 }
    switch (unit) {
      case 'day':
        return { months, days, micros: 0 }
      case 'month':
        return { months, days: 0, micros: 0 }
      case 'quarter':
        return {
          months: years * 12 + Math.trunc((months - years * 12) / 3) * 3,
          days: 0,
          micros: 0,
        }
      case 'year':
        return { months: years * 12, days: 0, micros: 0 }
      case 'week':
        throw new PgError({
          code: SqlState.featureNotSupported,
          message: `unit "${written}" not supported for type interval`,
          detail: 'Months usually have fractional weeks.',
        })
      default: {
        const span = yearsOf[unit] ?? 1
        return { months: Math.trunc(years / span) * span * 12, days: 0, micros: 0 }
      }
    }
  })
}

export const intervalKernels: Readonly<Record<string, Kernel>> = {
  timestamp_add_interval: timestampPlusInterval(1),
  timestamp_subtract_interval: timestampPlusInterval(-1),
  timestamp_difference: timestampMinus,
  date_difference: dateMinus,
  date_add_days: datePlusDays(1),
  date_subtract_days: datePlusDays(-1),
  interval_add: intervalPair(addIntervals),
  interval_subtract: intervalPair(subtractIntervals),
  interval_negate: intervalUnary(negateInterval),
  interval_multiply: intervalScale(false),
  interval_divide: intervalScale(true),
  interval_qualify: intervalQualify,
  justify_days: intervalUnary(justifyDays),
  justify_hours: intervalUnary(justifyHours),
  justify_interval: intervalUnary(justifyInterval),
  age,
  date_bin: dateBin,
}
