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
