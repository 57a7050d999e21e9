// to_char(timestamp, format) with PostgreSQL 15's template patterns (formatting.c): YYYY MM DD
// HH24 MI SS MS US, Month/Mon/Day/Dy in their three cases, FM to suppress padding, quoted
// literals, TZ/tz/OF from the session time zone; to_char(number, format) is to-char-number.ts.
import { decimalToString } from '../decimal.js'
import { decimalAt } from '../expr/vector-builders.js'
import { civilFromDays, daysFromCivil, isUtcZone, microsPerDay } from '../format/time-zone.js'
import { isoWeek, localMicros } from './datetime.js'
import { argAt, numberArg, type Kernel } from './kernel.js'
import { stringReader, textRows } from './row-values.js'
import { formatNumberToChar } from './to-char-number.js'
import { zoneAbbreviation } from './zone-spec.js'

const civil = new Int32Array(3)

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** to_char's keywords, longest first where one is a prefix of another. */
const keywords = [
  'tzh',
  'tzm',
  'a.d.',
  'a.m.',
  'b.c.',
  'p.m.',
  'y,yyy',
  'month',
  'hh24',
  'hh12',
  'iyyy',
  'iddd',
  'ssss',
  'yyyy',
  'ddd',
  'day',
  'tz',
  'of',
  'iyy',
  'mon',
  'yyy',
  'ad',
  'am',
  'bc',
  'cc',
  'dd',
  'dy',
  'hh',
  'id',
  'iw',
  'iy',
  'mi',
  'mm',
  'ms',
  'pm',
  'ss',
  'us',
  'ww',
  'yy',
  'd',
  'i',
  'j',
  'q',
  'w',
  'y',
]

/** Matches the case PostgreSQL's keyword table distinguishes: UPPER, Capitalized, lower. */
function styled(word: string, written: string): string {
  if (written === written.toUpperCase()) return word.toUpperCase()
  if (written[0] === written[0]!.toUpperCase()) return word
  return word.toLowerCase()
}

function pad(n: number, width: number, fillMode: boolean): string {
  const text = String(Math.abs(n))
  const body = fillMode ? text : text.padStart(width, '0')
  return n < 0 ? `-${body}` : body
}

/** to_char(timestamp, format) of one wall-clock time. */
export function formatToChar(
  local: number,
  format: string,
  zone: ZoneOfValue = { abbreviation: '', offsetSeconds: 0 },
): string {
  const days = Math.floor(local / microsPerDay)
  const timeOfDay = local - days * microsPerDay
  civilFromDays(days, civil)
  const year = civil[0]!
  const month = civil[1]!
  const day = civil[2]!
  const hour = Math.floor(timeOfDay / 3_600_000_000)
  const minute = Math.floor(timeOfDay / 60_000_000) % 60
  const second = Math.floor(timeOfDay / 1_000_000) % 60
  const micro = timeOfDay % 1_000_000
  const dow = (((days + 4) % 7) + 7) % 7
  const doy = days - daysFromCivil(year, 1, 1) + 1
  let out = ''
  let i = 0
  while (i < format.length) {
    const c = format[i]!
    if (c === '"') {
      let j = i + 1
      while (j < format.length && format[j] !== '"') {
        if (format[j] === '\\' && j + 1 < format.length) j++
        out += format[j]
        j++
      }
      i = j + 1
      continue
    }
    if (c === '\\' && format[i + 1] === '"') {
      out += '"'
      i += 2
      continue
    }
    let fillMode = false
    let at = i
    if (format.slice(at, at + 2).toLowerCase() === 'fm') {
      fillMode = true
      at += 2
    }
    const lower = format.slice(at).toLowerCase()
    const keyword = keywords.find((k) => lower.startsWith(k))
    if (keyword === undefined) {
      if (fillMode) {
        i = at
        continue
      }
      out += c
      i++
      continue
    }
    const written = format.slice(at, at + keyword.length)
    i = at + keyword.length
    const hour12 = hour % 12 === 0 ? 12 : hour % 12
    switch (keyword) {
      case 'yyyy':
        out += pad(year, 4, fillMode)
        break
      case 'y,yyy':
        out += `${Math.floor(year / 1000)},${pad(year % 1000, 3, false)}`
        break
      case 'yyy':
        out += pad(year % 1000, 3, fillMode)
        break
      case 'yy':
        out += pad(year % 100, 2, fillMode)
        break
      case 'y':
        out += String(year % 10)
        break
      case 'iyyy':
        out += pad(isoWeek(days)[1], 4, fillMode)
        break
      case 'iyy':
        out += pad(isoWeek(days)[1] % 1000, 3, fillMode)
        break
      case 'iy':
        out += pad(isoWeek(days)[1] % 100, 2, fillMode)
        break
      case 'i':
        out += String(isoWeek(days)[1] % 10)
        break
      case 'mm':
        out += pad(month, 2, fillMode)
        break
      case 'month': {
        const name = styled(monthNames[month - 1]!, written)
        out += fillMode ? name : name.padEnd(9, ' ')
        break
      }
      case 'mon':
        out += styled(monthNames[month - 1]!.slice(0, 3), written)
        break
      case 'dd':
        out += pad(day, 2, fillMode)
        break
      case 'ddd':
        out += pad(doy, 3, fillMode)
        break
      case 'iddd': {
        const [, isoYear] = isoWeek(days)
        const firstMonday = isoMondayOfWeekOne(isoYear)
        out += pad(days - firstMonday + 1, 3, fillMode)
        break
      }
      case 'd':
        out += String(dow + 1)
        break
      case 'id':
        out += String(dow === 0 ? 7 : dow)
        break
      case 'day': {
        const name = styled(dayNames[dow]!, written)
        out += fillMode ? name : name.padEnd(9, ' ')
        break
      }
      case 'dy':
        out += styled(dayNames[dow]!.slice(0, 3), written)
        break
      case 'w':
        out += String(Math.floor((day - 1) / 7) + 1)
        break
      case 'ww':
        out += pad(Math.floor((doy - 1) / 7) + 1, 2, fillMode)
        break
      case 'iw':
        out += pad(isoWeek(days)[0], 2, fillMode)
        break
      case 'q':
        out += String(Math.floor((month - 1) / 3) + 1)
        break
      case 'cc':
        out += pad(year > 0 ? Math.floor((year + 99) / 100) : year / 100 - 1, 2, fillMode)
        break
      case 'j':
        out += String(days + 2440588)
        break
      case 'hh24':
        out += pad(hour, 2, fillMode)
        break
      case 'hh':
      case 'hh12':
        out += pad(hour12, 2, fillMode)
        break
      case 'mi':
        out += pad(minute, 2, fillMode)
        break
      case 'ss':
        out += pad(second, 2, fillMode)
        break
      case 'ssss':
        out += String(Math.floor(timeOfDay / 1_000_000))
        break
      case 'ms':
        out += pad(Math.floor(micro / 1000), 3, fillMode)
        break
      case 'us':
        out += pad(micro, 6, fillMode)
        break
      case 'am':
      case 'pm':
        out += styled(hour < 12 ? 'am' : 'pm', written)
        break
      case 'a.m.':
      case 'p.m.':
        out += styled(hour < 12 ? 'a.m.' : 'p.m.', written)
        break
      case 'ad':
      case 'bc':
        out += styled(year > 0 ? 'ad' : 'bc', written)
        break
      case 'tz':
        out += styled(zone.abbreviation, written)
        break
      case 'of':
        out += formatOffset(zone.offsetSeconds)
        break
      case 'tzh':
        out += `${zone.offsetSeconds < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(zone.offsetSeconds) / 3600), 2, false)}`
        break
      case 'tzm':
        out += pad(Math.floor(Math.abs(zone.offsetSeconds) / 60) % 60, 2, fillMode)
        break
      case 'a.d.':
      case 'b.c.':
        out += styled(year > 0 ? 'a.d.' : 'b.c.', written)
        break
    }
  }
  return out
}

function isoMondayOfWeekOne(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4)
  const isoDow = ((((jan4 + 3) % 7) + 7) % 7) + 1
  return jan4 - isoDow + 1
}

/** The zone facts TZ, OF, TZH and TZM print (empty and +00 for timestamp without time zone). */
interface ZoneOfValue {
  readonly abbreviation: string
  readonly offsetSeconds: number
}

/** OF: '+05', '-03:30'. */
function formatOffset(offsetSeconds: number): string {
  const magnitude = Math.abs(offsetSeconds)
  const hours = String(Math.floor(magnitude / 3600)).padStart(2, '0')
  const minutes = Math.floor(magnitude / 60) % 60
  const sign = offsetSeconds < 0 ? '-' : '+'
  return minutes === 0 ? `${sign}${hours}` : `${sign}${hours}:${String(minutes).padStart(2, '0')}`
}

const toChar: Kernel = (call) => {
  const input = argAt(call, 0)
  const format = stringReader(call, 1)
  if (input.kind === 'numeric') {
    return textRows(call, (row) =>
      formatNumberToChar(decimalToString(decimalAt(input, row)), format(row)),
    )
  }
  const times = numberArg(call, 0)
  if (times.type !== 'timestamptz' && times.type !== 'timestamp' && times.type !== 'date') {
    const exact = times.type !== 'float4' && times.type !== 'float8'
    return textRows(call, (row) => {
      const value = times.values[row]!
      return formatNumberToChar(exact ? String(value) : value, format(row), exact)
    })
  }
  const { timeZone } = call.ctx
  const withZone = times.type === 'timestamptz'
  return textRows(call, (row) => {
    const value = times.values[row]!
    if (!Number.isFinite(value)) return null
    const local = localMicros(times.type, value, timeZone)
    if (!withZone) return formatToChar(local, format(row))
    const offsetSeconds = Math.round((local - value) / 1_000_000)
    const abbreviation = isUtcZone(timeZone)
      ? 'UTC'
      : zoneAbbreviation(timeZone, value, offsetSeconds)
    return formatToChar(local, format(row), { abbreviation, offsetSeconds })
  })
}

export const toCharKernels: Readonly<Record<string, Kernel>> = {
  to_char: toChar,
}
