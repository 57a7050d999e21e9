// The zone of AT TIME ZONE / timezone(zone, ts), read as PostgreSQL reads it: a common
// abbreviation (EST, CEST: fixed offsets from its timezone_abbreviations 'Default' set), a
// POSIX offset ('+05', '-03:30', 'UTC+3': positive is WEST of Greenwich), or a tz database
// name (America/New_York), validated through Intl.
import { PgError, SqlState } from '../../common/index.js'
import { zoneOffsetSeconds } from '../format/time-zone.js'

export type ZoneSpec = { readonly name: string } | { readonly offsetSeconds: number }

const hour = 3600

/** Abbreviations of PostgreSQL's Default set that analysts write most (seconds east). */
const abbreviations: Readonly<Record<string, number>> = {
  utc: 0,
  gmt: 0,
  z: 0,
  zulu: 0,
  est: -5 * hour,
  edt: -4 * hour,
  cst: -6 * hour,
  cdt: -5 * hour,
  mst: -7 * hour,
  mdt: -6 * hour,
  pst: -8 * hour,
  pdt: -7 * hour,
  akst: -9 * hour,
  akdt: -8 * hour,
  hst: -10 * hour,
  wet: 0,
  west: hour,
  bst: hour,
  cet: hour,
  cest: 2 * hour,
  met: hour,
  mest: 2 * hour,
  eet: 2 * hour,
  eest: 3 * hour,
  msk: 3 * hour,
  ist: 2 * hour,
  jst: 9 * hour,
  kst: 9 * hour,
  aest: 10 * hour,
  aedt: 11 * hour,
  nzst: 12 * hour,
  nzdt: 13 * hour,
}

const posixOffset = /^(?:(?:utc|gmt)(?=[+-]))?([+-]?)(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i

/** Resolves a zone as written; 22023 `time zone "x" not recognized` when it is none of these. */
export function resolveZone(text: string): ZoneSpec {
  const trimmed = text.trim()
  const abbreviation = abbreviations[trimmed.toLowerCase()]
  if (abbreviation !== undefined) return { offsetSeconds: abbreviation }
  const posix = posixOffset.exec(trimmed)
  if (posix !== null) {
    const seconds = Number(posix[2]) * hour + Number(posix[3] ?? 0) * 60 + Number(posix[4] ?? 0)
    // POSIX: '+05' is five hours west of Greenwich, so the offset east is negative.
    return { offsetSeconds: posix[1] === '-' ? seconds : -seconds }
  }
  try {
    zoneOffsetSeconds(trimmed, 0)
  } catch {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `time zone "${text}" not recognized`,
    })
  }
  return { name: trimmed }
}

const abbreviationFormatters = new Map<string, Intl.DateTimeFormat[]>()
const abbreviationCache = new Map<string, string>()

/**
 * The zone's abbreviation at an instant, as to_char's TZ prints it: the tz database's letters
 * where Intl knows them (EST, CEST, IST), else PostgreSQL's numeric form ('-03', '+0530').
 */
export function zoneAbbreviation(zone: string, utcMicros: number, offsetSeconds: number): string {
  const key = `${zone}|${offsetSeconds}`
  const cached = abbreviationCache.get(key)
  if (cached !== undefined) return cached
  let formatters = abbreviationFormatters.get(zone)
  if (formatters === undefined) {
    formatters = ['en-US', 'en-GB', 'en-IN'].map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }),
    )
    abbreviationFormatters.set(zone, formatters)
  }
  const date = new Date(Math.floor(utcMicros / 1000))
  let found: string | undefined
  for (const formatter of formatters) {
    const name = formatter.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value
    if (
      name !== undefined &&
      /^[A-Z]{2,5}$/.test(name) &&
      (name !== 'GMT' || offsetSeconds === 0)
    ) {
      found = name
      break
    }
  }
  if (found === undefined) {
    const magnitude = Math.abs(offsetSeconds)
    const hours = String(Math.floor(magnitude / 3600)).padStart(2, '0')
    const minutes = Math.floor(magnitude / 60) % 60
    found = `${offsetSeconds < 0 ? '-' : '+'}${hours}${minutes === 0 ? '' : String(minutes).padStart(2, '0')}`
  }
  if (abbreviationCache.size > 10_000) abbreviationCache.clear()
  abbreviationCache.set(key, found)
  return found
}
