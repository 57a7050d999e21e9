// timestamptz / timestamp / date text output in DateStyle ISO, as PostgreSQL 15 prints:
// '2024-01-01 12:00:00.5+00', offsets as +HH, +HH:MM or +HH:MM:SS, ' BC' for years <= 0.
import {
  civilFromDays,
  isUtcZone,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from './time-zone.js'

const civil = new Int32Array(3)

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** 'YYYY-MM-DD' (with the year's era suffix returned separately). */
function formatDays(days: number): { date: string; era: string } {
  civilFromDays(days, civil)
  const year = civil[0] ?? 0
  const shownYear = year <= 0 ? 1 - year : year
  return {
    date: `${String(shownYear).padStart(4, '0')}-${pad2(civil[1] ?? 0)}-${pad2(civil[2] ?? 0)}`,
    era: year <= 0 ? ' BC' : '',
  }
}

function formatTimeOfDay(micros: number): string {
  const seconds = Math.floor(micros / microsPerSecond)
  const fraction = micros - seconds * microsPerSecond
  const clock = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`
  if (fraction === 0) return clock
  return `${clock}.${String(fraction).padStart(6, '0').replace(/0+$/, '')}`
}

function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+'
  const magnitude = Math.abs(offsetSeconds)
  const hours = pad2(Math.floor(magnitude / 3600))
  const minutes = Math.floor(magnitude / 60) % 60
  const seconds = magnitude % 60
  if (seconds !== 0) return `${sign}${hours}:${pad2(minutes)}:${pad2(seconds)}`
  if (minutes !== 0) return `${sign}${hours}:${pad2(minutes)}`
  return `${sign}${hours}`
}

/** Local wall-clock microseconds (as if UTC) as 'YYYY-MM-DD HH:MM:SS[.ffffff]' plus era. */
function formatLocal(localMicros: number, offsetText: string): string {
  const days = Math.floor(localMicros / microsPerDay)
  const { date, era } = formatDays(days)
  return `${date} ${formatTimeOfDay(localMicros - days * microsPerDay)}${offsetText}${era}`
}

/** timestamp without time zone output. */
export function formatTimestampText(micros: number): string {
  if (micros === Infinity) return 'infinity'
  if (micros === -Infinity) return '-infinity'
  return formatLocal(Math.round(micros), '')
}

/** timestamptz output in the session time zone. */
export function formatTimestamptzText(utcMicros: number, timeZone: string): string {
  if (utcMicros === Infinity) return 'infinity'
  if (utcMicros === -Infinity) return '-infinity'
  const micros = Math.round(utcMicros)
  const offsetSeconds = isUtcZone(timeZone) ? 0 : zoneOffsetSeconds(timeZone, micros)
  return formatLocal(micros + offsetSeconds * microsPerSecond, formatOffset(offsetSeconds))
}

/** date output: days since 1970-01-01. */
export function formatDateText(days: number): string {
  if (days === Infinity) return 'infinity'
  if (days === -Infinity) return '-infinity'
  const { date, era } = formatDays(days)
  return date + era
}
