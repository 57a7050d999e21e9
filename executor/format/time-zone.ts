// Calendar arithmetic on epoch microseconds and time-zone offsets through Intl.
//
// UTC is the fast path: plain integer arithmetic (Hinnant's days-from-civil), no Date
// object. A named zone asks Intl for the offset once per 15-minute bucket of UTC time and
// caches it; a bucket whose two ends disagree (it holds a transition) is asked exactly.
import { PgError, SqlState } from '../../common/index.js'

export const microsPerSecond = 1_000_000
export const microsPerMinute = 60 * microsPerSecond
export const microsPerHour = 60 * microsPerMinute
export const microsPerDay = 24 * microsPerHour

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const shiftedMonth = month > 2 ? month - 3 : month + 9
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** Year, month (1-12) and day of a day count since 1970-01-01, written into `out`. */
export function civilFromDays(days: number, out: Int32Array): void {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  )
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
  out[0] = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  out[1] = month
  out[2] = day
}

const utcNames = new Set([
  'UTC',
  'GMT',
  'Z',
  'UCT',
  'ZULU',
  'UNIVERSAL',
  'ETC/UTC',
  'ETC/GMT',
  'ETC/UCT',
  'GMT0',
  'ETC/UNIVERSAL',
  'ETC/ZULU',
])

/** True when `zone` names UTC, so callers can take the integer fast path. */
export function isUtcZone(zone: string): boolean {
  if (zone === 'UTC') return true
  let known = utcByZone.get(zone)
  if (known === undefined) {
    known = utcNames.has(zone.toUpperCase())
    utcByZone.set(zone, known)
  }
  return known
}

const utcByZone = new Map<string, boolean>()

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `time zone "${zone}" not recognized`,
      })
    }
    formatters.set(zone, formatter)
  }
  return formatter
}

/** Asks Intl for the offset (seconds east of UTC) at a UTC instant given in whole seconds. */
function exactOffsetSeconds(zone: string, utcSeconds: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcSeconds * 1000))
  let year = 0
  let month = 0
  let day = 0
  let hour = 0
  let minute = 0
  let second = 0
  let beforeChrist = false
  for (const part of parts) {
    switch (part.type) {
      case 'year':
        year = Number(part.value)
        break
      case 'month':
        month = Number(part.value)
        break
      case 'day':
        day = Number(part.value)
        break
      case 'hour':
        hour = Number(part.value)
        break
      case 'minute':
        minute = Number(part.value)
        break
      case 'second':
        second = Number(part.value)
        break
      case 'era':
        beforeChrist = part.value.startsWith('B')
        break
      default:
        break
    }
  }
  if (beforeChrist) year = 1 - year
  const localSeconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
  return localSeconds - utcSeconds
}

const bucketSeconds = 900
const cacheEntriesMax = 100_000
const offsetCache = new Map<string, Map<number, number>>()
let lastZone = ''
let lastCache: Map<number, number> | undefined

/** Offset of `zone` from UTC, in seconds east, at the instant `utcMicros`. */
export function zoneOffsetSeconds(zone: string, utcMicros: number): number {
  if (isUtcZone(zone)) return 0
  const utcSeconds = Math.floor(utcMicros / microsPerSecond)
  const bucket = Math.floor(utcSeconds / bucketSeconds)
  let cache = zone === lastZone ? lastCache : offsetCache.get(zone)
  if (cache === undefined) {
    cache = new Map()
    offsetCache.set(zone, cache)
  }
  lastZone = zone
  lastCache = cache
  const cached = cache.get(bucket)
  if (cached !== undefined) return cached
  const start = exactOffsetSeconds(zone, bucket * bucketSeconds)
  const end = exactOffsetSeconds(zone, bucket * bucketSeconds + bucketSeconds - 1)
  if (start !== end) return exactOffsetSeconds(zone, utcSeconds)
  if (cache.size >= cacheEntriesMax) cache.clear()
  cache.set(bucket, start)
  return start
}

/**
 * Converts a local wall-clock time (microseconds as if UTC) to a UTC instant. A time
 * repeated by a fall-back transition or skipped by a spring-forward one resolves as
 * PostgreSQL's DetermineTimeZoneOffset does: to the later UTC instant of the candidates.
 */
export function localToUtcMicros(zone: string, localMicros: number): number {
  if (isUtcZone(zone)) return localMicros
  const before = zoneOffsetSeconds(zone, localMicros - microsPerDay) * microsPerSecond
  const after = zoneOffsetSeconds(zone, localMicros + microsPerDay) * microsPerSecond
  if (before === after) return localMicros - before
  const viaBefore = localMicros - before
  const viaAfter = localMicros - after
  const beforeValid = zoneOffsetSeconds(zone, viaBefore) * microsPerSecond === before
  const afterValid = zoneOffsetSeconds(zone, viaAfter) * microsPerSecond === after
  if (beforeValid && !afterValid) return viaBefore
  if (afterValid && !beforeValid) return viaAfter
  return Math.max(viaBefore, viaAfter)
}
