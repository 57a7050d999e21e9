// COPY's casts of text to integers, float8 and timestamptz straight from the bytes, for the
// forms bulk files hold: `-123`, `-53.429`, `2024-01-01 00:00:00.000+00`. A field in any other
// form goes through the type's input function (parse-text.ts) as castVector would send it,
// which also gives the errors, so the answers are the input functions' for every field:
//
//   integer    -?digits, at most 15, inside the type's range
//   float8     -?digits[.digits], at most 15 digits: digits / 10^scale is then one correctly
//              rounded division of exact doubles, as Number() rounds the text
//   timestamp  YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}] and a written zone ±HH[:MM] or Z
import type { NumberVector, SqlType, TextVector } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import {
  daysFromCivil,
  microsPerDay,
  microsPerHour,
  microsPerMinute,
  microsPerSecond,
} from '../format/time-zone.js'
import {
  integerBounds,
  parseDateTimeText,
  parseFloatText,
  parseIntegerText,
} from '../cast/parse-text.js'

const Minus = 45
const Zero = 48
const Dot = 46

/** Exact powers of ten, 10^0 to 10^15. */
const powersOfTen = Float64Array.from({ length: 16 }, (_, k) => 10 ** k)

/** The digits after the dot of the last number readNumber read. */
let numberScale = 0

/**
 * data[start, end) as -?digits[.digits] with at most 15 digits: the unscaled value (negative
 * for a minus sign; -0 as -0), or NaN when the bytes are in another form.
 */
function readNumber(data: Uint8Array, start: number, end: number): number {
  let i = start
  const negative = data[i] === Minus
  if (negative) i++
  let value = 0
  let digits = 0
  let scale = -1
  for (; i < end; i++) {
    const digit = data[i]! - Zero
    if (digit >= 0 && digit <= 9) {
      value = value * 10 + digit
      digits++
      if (scale >= 0) scale++
    } else if (data[i] === Dot && scale < 0) scale = 0
    else return NaN
  }
  if (digits === 0 || digits > 15 || scale === 0) return NaN
  numberScale = scale < 0 ? 0 : scale
  return negative ? -value : value
}

/** Digits data[at, at + count) as a number, or -1 when one is not a digit. */
function digitsAt(data: Uint8Array, at: number, count: number): number {
  let value = 0
  for (let k = 0; k < count; k++) {
    const digit = data[at + k]! - Zero
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** A timestamptz's epoch microseconds from data[start, end) in the form above, or NaN. */
function readTimestamp(data: Uint8Array, start: number, end: number): number {
  if (end - start < 20) return NaN
  const year = digitsAt(data, start, 4)
  const month = digitsAt(data, start + 5, 2)
  const day = digitsAt(data, start + 8, 2)
  const hour = digitsAt(data, start + 11, 2)
  const minute = digitsAt(data, start + 14, 2)
  const second = digitsAt(data, start + 17, 2)
  const separator = data[start + 10]
  if (
    data[start + 4] !== Minus ||
    data[start + 7] !== Minus ||
    (separator !== 32 && separator !== 84) ||
    data[start + 13] !== 58 ||
    data[start + 16] !== 58 ||
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  )
    return NaN
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > monthDays[month - 1]! + (leap ? 1 : 0)) return NaN
  let i = start + 19
  let fraction = 0
  if (data[i] === Dot) {
    i++
    let digits = 0
    while (i < end && data[i]! >= Zero && data[i]! <= Zero + 9) {
      fraction = fraction * 10 + data[i]! - Zero
      digits++
      i++
    }
    if (digits === 0 || digits > 6) return NaN
    fraction *= powersOfTen[6 - digits]!
  }
  // The zone: Z, or ±HH, or ±HH:MM.
  let zoneSeconds: number
  if (end - i === 1 && (data[i] === 90 || data[i] === 122)) zoneSeconds = 0
  else {
    const sign = data[i]
    if ((sign !== 43 && sign !== Minus) || (end - i !== 3 && end - i !== 6)) return NaN
    const zoneHours = digitsAt(data, i + 1, 2)
    const zoneMinutes = end - i === 6 && data[i + 3] === 58 ? digitsAt(data, i + 4, 2) : 0
    if (zoneHours < 0 || zoneMinutes < 0 || (end - i === 6 && data[i + 3] !== 58)) return NaN
    zoneSeconds = (zoneHours * 3600 + zoneMinutes * 60) * (sign === Minus ? -1 : 1)
  }
  const localMicros =
    daysFromCivil(year, month, day) * microsPerDay +
    hour * microsPerHour +
    minute * microsPerMinute +
    second * microsPerSecond +
    fraction
  return localMicros - zoneSeconds * microsPerSecond
}

/** Whether castNumbersFromBytes casts to `type`. */
export function numberBytesApply(type: SqlType): boolean {
  return (
    type === 'int2' ||
    type === 'int4' ||
    type === 'int8' ||
    type === 'float8' ||
    type === 'timestamptz'
  )
}

/** Casts `vector` to `type` (numberBytesApply) as castVector does, most fields from their bytes. */
export function castNumbersFromBytes(
  vector: TextVector,
  type: SqlType,
  timeZone: string,
): NumberVector {
  const { length, validity, offsets, data } = vector
  const values = new Float64Array(length)
  const { min, max } = integerBounds(type)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] !== 1) continue
    const start = offsets[row]!
    const end = offsets[row + 1]!
    let value: number
    if (type === 'timestamptz') {
      value = readTimestamp(data, start, end)
      if (Number.isNaN(value)) value = parseDateTimeText(textAt(vector, row), type, timeZone)
    } else if (type === 'float8') {
      value = readNumber(data, start, end)
      if (Number.isNaN(value)) value = parseFloatText(textAt(vector, row), false)
      else if (numberScale > 0) value /= powersOfTen[numberScale]!
    } else {
      value = readNumber(data, start, end)
      if (Number.isNaN(value) || numberScale > 0 || value < min || value > max)
        value = parseIntegerText(textAt(vector, row), type)
      else if (value === 0) value = 0
    }
    values[row] = value
  }
  return { kind: 'number', type, length, validity, values }
}
