// to_timestamp(text, format) and to_date(text, format): text read by a to_char-style template,
// as PostgreSQL 15's do_to_timestamp reads it without FX. Fields: YYYY YYY YY Y MM DD DDD
// HH24 HH12 HH MI SS MS US FF1-FF6 AM/PM (any case, also A.M.) Mon/Month/MON/MONTH
// Dy/Day (read and ignored) TZH TZM J, with the FM prefix; "quoted text" skips that many
// characters; a separator in the template matches one separator in the input or none;
// whitespace is skipped. A number followed by another number field reads exactly its width
// (YYYYMMDD), else as many digits as there are. Fields the input ends before keep their
// defaults (year 1 BC, January 1st, midnight), and input past the template is ignored.
import { PgError, SqlState } from '../../common/index.js'
import { makeNumberVector, textAt } from '../expr/vector-builders.js'
import {
  daysFromCivil,
  localToUtcMicros,
  microsPerDay,
  microsPerHour,
  microsPerMinute,
  microsPerSecond,
} from '../format/time-zone.js'
import { datetimeKernels } from './datetime.js'
import { combineValidity, textArg, type Kernel } from './kernel.js'

type FieldName =
  | 'YYYY'
  | 'YYY'
  | 'YY'
  | 'Y'
  | 'MM'
  | 'DDD'
  | 'DD'
  | 'HH24'
  | 'HH12'
  | 'HH'
  | 'MI'
  | 'SS'
  | 'MS'
  | 'US'
  | 'FF1'
  | 'FF2'
  | 'FF3'
  | 'FF4'
  | 'FF5'
  | 'FF6'
  | 'TZH'
  | 'TZM'
  | 'J'

type TemplateNode =
  | {
      readonly kind: 'number'
      readonly name: FieldName
      readonly width: number
      /** FM before it: reads all digits even when another number field follows. */
      readonly greedy: boolean
    }
  | { readonly kind: 'month'; readonly name: string; readonly full: boolean }
  | { readonly kind: 'weekday'; readonly name: string; readonly full: boolean }
  | { readonly kind: 'meridiem'; readonly name: string; readonly dotted: boolean }
  | { readonly kind: 'separator'; readonly char: string }
  | { readonly kind: 'space' }
  | { readonly kind: 'literal'; readonly length: number }

// Longest first: the template is matched greedily, as PostgreSQL's keyword table is.
const numberFields: readonly (readonly [FieldName, number])[] = [
  ['YYYY', 4],
  ['HH24', 2],
  ['HH12', 2],
  ['YYY', 3],
  ['DDD', 3],
  ['FF1', 1],
  ['FF2', 2],
  ['FF3', 3],
  ['FF4', 4],
  ['FF5', 5],
  ['FF6', 6],
  ['TZH', 3],
  ['TZM', 2],
  ['YY', 2],
  ['MM', 2],
  ['DD', 2],
  ['HH', 2],
  ['MI', 2],
  ['SS', 2],
  ['MS', 3],
  ['US', 6],
  ['Y', 1],
  ['J', 7],
]

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]
const weekdayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** Splits a template into nodes; cached per template text (formats are usually constants). */
function parseTemplate(format: string): readonly TemplateNode[] {
  const cached = templates.get(format)
  if (cached !== undefined) return cached
  const nodes: TemplateNode[] = []
  let at = 0
  let fillMode = false
  while (at < format.length) {
    if (format.startsWith('FM', at) || format.startsWith('fm', at)) {
      at += 2
      fillMode = true
      continue
    }
    if (format.startsWith('FX', at) || format.startsWith('fx', at))
      throw new PgError({ code: SqlState.featureNotSupported, message: 'FX is not supported yet' })
    const rest = format.slice(at)
    const upper = rest.toUpperCase()
    const field = numberFields.find(([name]) => rest.startsWith(name))
    if (field !== undefined) {
      nodes.push({ kind: 'number', name: field[0], width: field[1], greedy: fillMode })
      at += field[0].length
    } else if (upper.startsWith('MONTH') || upper.startsWith('MON')) {
      const full = upper.startsWith('MONTH')
      nodes.push({ kind: 'month', name: rest.slice(0, full ? 5 : 3), full })
      at += full ? 5 : 3
    } else if (upper.startsWith('DAY') || upper.startsWith('DY')) {
      const full = upper.startsWith('DAY')
      nodes.push({ kind: 'weekday', name: rest.slice(0, full ? 3 : 2), full })
      at += full ? 3 : 2
    } else if (/^(A\.M\.|P\.M\.)/i.test(rest)) {
      nodes.push({ kind: 'meridiem', name: rest.slice(0, 4), dotted: true })
      at += 4
    } else if (/^(AM|PM)/i.test(rest)) {
      nodes.push({ kind: 'meridiem', name: rest.slice(0, 2), dotted: false })
      at += 2
    } else if (rest[0] === '"') {
      const end = format.indexOf('"', at + 1)
      const text = format.slice(at + 1, end === -1 ? format.length : end)
      nodes.push({ kind: 'literal', length: [...text].length })
      at = end === -1 ? format.length : end + 1
    } else if (/^\s/.test(rest)) {
      nodes.push({ kind: 'space' })
      at += 1
    } else {
      // Any other character, a letter too: PostgreSQL's templates take it as a separator.
      nodes.push({ kind: 'separator', char: rest[0]! })
      at += 1
    }
    fillMode = false
  }
  if (templates.size > 256) templates.clear()
  templates.set(format, nodes)
  return nodes
}
const templates = new Map<string, readonly TemplateNode[]>()

/** What the input gave, with to_timestamp's defaults. */
interface Parsed {
  year: number
  yearDigits: number
  month: number
  day: number
  dayOfYear: number
  hour: number
  clock12: boolean
  pm: boolean | null
  minute: number
  second: number
  micros: number
  tzMinutes: number | null
  julian: number | null
}

function invalidValue(value: string, field: string, detail: string): PgError {
  return new PgError({
    code: SqlState.invalidDatetimeFormat,
    message: `invalid value "${value}" for "${field}"`,
    detail,
  })
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isSeparator = (c: string | undefined): boolean =>
  c !== undefined && !/[\p{L}\p{N}\s]/u.test(c)

/** Reads `input` by `nodes`; returns the fields, PostgreSQL's errors for what does not fit. */
function readInput(input: string, nodes: readonly TemplateNode[], out: Parsed): void {
  let at = 0
  for (let index = 0; index < nodes.length && at < input.length; index++) {
    const node = nodes[index]!
    switch (node.kind) {
      case 'space':
        while (at < input.length && /\s/.test(input[at]!)) at++
        break
      case 'separator':
        if (isSeparator(input[at])) at++
        break
      case 'literal':
        at += node.length
        break
      case 'month':
      case 'weekday': {
        while (/\s/.test(input[at] ?? '')) at++
        const names = node.kind === 'month' ? monthNames : weekdayNames
        const lower = input.slice(at).toLowerCase()
        const found = names.findIndex((name) =>
          lower.startsWith(node.full ? name : name.slice(0, 3)),
        )
        if (found === -1) {
          const detail = 'The given value did not match any of the allowed values for this field.'
          throw invalidValue(input.slice(at), node.name, detail)
        }
        at += node.full ? names[found]!.length : 3
        if (node.kind === 'month') out.month = found + 1
        break
      }
      case 'meridiem': {
        const text = input.slice(at, at + (node.dotted ? 4 : 2)).toLowerCase()
        const am = node.dotted ? 'a.m.' : 'am'
        const pm = node.dotted ? 'p.m.' : 'pm'
        if (text !== am && text !== pm) {
          const detail = 'The given value did not match any of the allowed values for this field.'
          throw invalidValue(input.slice(at), node.name, detail)
        }
        out.pm = text === pm
        at += text.length
        break
      }
      case 'number':
        at = readNumber(input, at, node, nodes[index + 1], out)
        break
    }
  }
}

/** One number field: its width when another number field follows directly, else all digits. */
function readNumber(
  input: string,
  start: number,
  node: { readonly name: FieldName; readonly width: number; readonly greedy: boolean },
  next: TemplateNode | undefined,
  out: Parsed,
): number {
  let at = start
  while (/\s/.test(input[at] ?? '')) at++
  const fixed = next?.kind === 'number' && !node.greedy
  let end = at
  if (input[end] === '+' || input[end] === '-') end++
  if (fixed) end = Math.min(input.length, at + node.width)
  else while (isDigit(input[end])) end++
  const text = input.slice(at, end)
  if (!/^[+-]?\d+$/.test(text)) {
    if (fixed && end - at < node.width && at + node.width > input.length)
      throw new PgError({
        code: SqlState.invalidDatetimeFormat,
        message: `source string too short for "${node.name}" formatting field`,
      })
    throw invalidValue(input.slice(at, at + node.width), node.name, 'Value must be an integer.')
  }
  assign(node.name, Number(text), text.replace(/^[+-]/, '').length, out)
  return end
}

function assign(name: FieldName, value: number, digits: number, out: Parsed): void {
  switch (name) {
    case 'YYYY':
    case 'YYY':
    case 'YY':
    case 'Y':
      out.year = value
      out.yearDigits = name === 'YYYY' ? 4 : Math.min(digits, name.length)
      return
    case 'MM':
      out.month = value
      return
    case 'DD':
      out.day = value
      return
    case 'DDD':
      out.dayOfYear = value
      return
    case 'HH24':
      out.hour = value
      return
    case 'HH12':
    case 'HH':
      out.hour = value
      out.clock12 = true
      return
    case 'MI':
      out.minute = value
      return
    case 'SS':
      out.second = value
      return
    case 'MS':
      out.micros = value * 1000 * 10 ** (3 - digits)
      return
    case 'US':
    case 'FF1':
    case 'FF2':
    case 'FF3':
    case 'FF4':
    case 'FF5':
    case 'FF6':
      out.micros = value * 10 ** (6 - digits)
      return
    case 'TZH':
      out.tzMinutes = value * 60 + Math.sign(value || 1) * Math.abs(out.tzMinutes ?? 0)
      return
    case 'TZM':
      out.tzMinutes = (out.tzMinutes ?? 0) + Math.sign(out.tzMinutes ?? 1) * value
      return
    case 'J':
      out.julian = value
      return
  }
}

/** The year as written: two- and three-digit years as PostgreSQL's adjust_partial_year_to_2020. */
function fullYear(parsed: Parsed): number {
  const { year, yearDigits } = parsed
  if (yearDigits === 1) return year + 2000
  if (yearDigits === 2) return year < 70 ? year + 2000 : year + 1900
  if (yearDigits === 3) return year < 520 ? year + 2000 : year + 1000
  return year
}

function outOfRange(input: string): PgError {
  return new PgError({
    code: SqlState.datetimeFieldOverflow,
    message: `date/time field value out of range: "${input}"`,
  })
}

/** Days since 1970-01-01 of the parsed date; 22008 when it does not exist. */
function parsedDays(input: string, parsed: Parsed): number {
  if (parsed.julian !== null) return parsed.julian - 2440588
  const written = fullYear(parsed)
  // PostgreSQL's dates end in 5874897 AD.
  if (written > 5874897 || written < -4713)
    throw new PgError({
      code: SqlState.datetimeFieldOverflow,
      message: `date out of range: "${input}"`,
    })
  // Year 0 is the default (PostgreSQL prints it as 0001 BC); negative years are BC.
  const year = written < 0 ? written + 1 : written
  if (parsed.dayOfYear > 0) {
    const days = daysFromCivil(year, 1, 1) + parsed.dayOfYear - 1
    if (parsed.dayOfYear > daysFromCivil(year + 1, 1, 1) - daysFromCivil(year, 1, 1))
      throw outOfRange(input)
    return days
  }
  const { month, day } = parsed
  const days = daysFromCivil(year, month, day)
  if (month < 1 || month > 12 || day < 1 || daysFromCivil(year, month + 1, 1) <= days)
    throw outOfRange(input)
  return days
}

function parse(input: string, format: string): Parsed {
  const parsed: Parsed = {
    ...{ year: 0, yearDigits: 4, month: 1, day: 1, dayOfYear: 0, hour: 0, clock12: false },
    ...{ pm: null, minute: 0, second: 0, micros: 0, tzMinutes: null, julian: null },
  }
  readInput(input, parseTemplate(format), parsed)
  return parsed
}

/** Microseconds into the day; PostgreSQL's errors for a 12-hour clock hour out of 1-12. */
function dayMicros(input: string, parsed: Parsed): number {
  let hour = parsed.hour
  if (parsed.clock12 || parsed.pm !== null) {
    if (parsed.clock12 && (hour < 1 || hour > 12))
      throw new PgError({
        code: SqlState.invalidDatetimeFormat,
        message: `hour "${hour}" is invalid for the 12-hour clock`,
        hint: 'Use the 24-hour clock, or give an hour between 1 and 12.',
      })
    if (parsed.pm === true && hour < 12) hour += 12
    else if (parsed.pm === false && hour === 12) hour = 0
  }
  if (hour > 23 || parsed.minute > 59 || parsed.second > 60) throw outOfRange(input)
  return (
    hour * microsPerHour +
    parsed.minute * microsPerMinute +
    parsed.second * microsPerSecond +
    parsed.micros
  )
}

/** Runs `convert` on each row's parsed text (NULL where the input or the template is). */
function parsedRows(
  call: Parameters<Kernel>[0],
  convert: (input: string, parsed: Parsed) => number,
): ReturnType<Kernel> {
  const inputs = textArg(call, 0)
  const formats = textArg(call, 1)
  const validity = combineValidity(call.length, inputs, formats)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const input = textAt(inputs, row)
    out[row] = convert(input, parse(input, textAt(formats, row)))
  }
  return makeNumberVector(call.type, out, validity)
}

/** to_timestamp(text, template): in the session time zone unless TZH/TZM were given. */
const toTimestampText: Kernel = (call) =>
  parsedRows(call, (input, parsed) => {
    const local = parsedDays(input, parsed) * microsPerDay + dayMicros(input, parsed)
    return parsed.tzMinutes === null
      ? localToUtcMicros(call.ctx.timeZone, local)
      : local - parsed.tzMinutes * microsPerMinute
  })

const toDate: Kernel = (call) => parsedRows(call, parsedDays)

const epochToTimestamp = datetimeKernels['to_timestamp']!

export const toTimestampKernels: Readonly<Record<string, Kernel>> = {
  // to_timestamp(float8) reads epoch seconds; to_timestamp(text, text) a template.
  to_timestamp: (call) => (call.args.length === 2 ? toTimestampText(call) : epochToTimestamp(call)),
  to_date: toDate,
}
