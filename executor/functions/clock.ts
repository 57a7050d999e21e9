// The clock functions beside now(): current_date and localtimestamp (the statement's start in
// the session time zone), transaction_timestamp and statement_timestamp (the statement's
// start: Malamute's transactions are single statements for the clock), and the volatile
// clock_timestamp and timeofday (the time of the call).
import { makeConstantVector } from '../expr/vector-builders.js'
import {
  civilFromDays,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import type { Kernel } from './kernel.js'
import { zoneAbbreviation } from './zone-spec.js'

/** The wall clock of `utcMicros` in `zone`, as microseconds since 1970-01-01 local. */
function localMicros(zone: string, utcMicros: number): number {
  return utcMicros + zoneOffsetSeconds(zone, utcMicros) * microsPerSecond
}

/** Now, to the microsecond (Date.now() has milliseconds only). */
function clockMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000)
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** timeofday(): PostgreSQL's `%a %b %d %H:%M:%S.%06d %Y %Z` in the session time zone. */
function timeOfDay(zone: string, utcMicros: number): string {
  const offset = zoneOffsetSeconds(zone, utcMicros)
  const local = utcMicros + offset * microsPerSecond
  const days = Math.floor(local / microsPerDay)
  const civil = new Int32Array(3)
  civilFromDays(days, civil)
  const inDay = local - days * microsPerDay
  const two = (n: number): string => String(n).padStart(2, '0')
  const seconds = Math.floor(inDay / microsPerSecond)
  const clock = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`
  const fraction = String(inDay % microsPerSecond).padStart(6, '0')
  const weekday = weekdays[(((days + 4) % 7) + 7) % 7]
  const abbreviation = zoneAbbreviation(zone, utcMicros, offset)
  return `${weekday} ${months[civil[1]! - 1]} ${two(civil[2]!)} ${clock}.${fraction} ${civil[0]} ${abbreviation}`
}

export const clockKernels: Readonly<Record<string, Kernel>> = {
  current_date: (call) => {
    const days = Math.floor(localMicros(call.ctx.timeZone, call.ctx.nowMicros) / microsPerDay)
    return makeConstantVector(days, 'date', call.length)
  },
  localtimestamp: (call) =>
    makeConstantVector(
      localMicros(call.ctx.timeZone, call.ctx.nowMicros),
      'timestamp',
      call.length,
    ),
  transaction_timestamp: (call) =>
    makeConstantVector(call.ctx.nowMicros, 'timestamptz', call.length),
  statement_timestamp: (call) => makeConstantVector(call.ctx.nowMicros, 'timestamptz', call.length),
  clock_timestamp: (call) => makeConstantVector(clockMicros(), 'timestamptz', call.length),
  timeofday: (call) =>
    makeConstantVector(timeOfDay(call.ctx.timeZone, clockMicros()), 'text', call.length),
}
