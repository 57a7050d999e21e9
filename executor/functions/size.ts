// pg_size_pretty(bigint | numeric) and pg_size_bytes(text), as PostgreSQL 15's dbsize.c
// computes them: units bytes, kB, MB, GB, TB and PB (powers of 1024); a value is shown in the
// first unit whose limit it is below, dividing (truncating) on the way and halving with
// rounding away from zero in the rounded units. Arithmetic is exact, in bigints.
import { PgError, SqlState } from '../../common/index.js'
import { decimalParse, decimalToInteger, decimalToString, type Decimal } from '../decimal.js'
import { integerOutOfRange, integerMagnitudeMax } from '../cast/parse-text.js'
import { decimalAt } from '../expr/vector-builders.js'
import { argAt, type Kernel } from './kernel.js'
import { numberRows, stringReader, textRows } from './row-values.js'

interface SizeUnit {
  readonly name: string
  /** Values whose magnitude is below this are shown in this unit. */
  readonly limit: bigint
  /** Shown halved with rounding (the unit was reached one bit early). */
  readonly round: boolean
  /** log2 of the unit in bytes. */
  readonly bits: number
}

const units: readonly SizeUnit[] = [
  { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
  { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
  { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
  { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
  { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
  { name: 'PB', limit: 20n * 1024n - 1n, round: true, bits: 50 },
]

/** pg_size_pretty of `size` (a bigint's value has scale 0). */
export function sizePretty(size: Decimal): string {
  let { unscaled, scale } = size
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!
    const next = units[i + 1]
    const one = 10n ** BigInt(scale)
    const magnitude = unscaled < 0n ? -unscaled : unscaled
    if (next === undefined || magnitude < unit.limit * one) {
      // A rounded unit is reached only after a division, so the value is whole there.
      if (unit.round) unscaled = (unscaled + (unscaled < 0n ? -1n : 1n)) / 2n
      return `${decimalToString({ unscaled, scale })} ${unit.name}`
    }
    const bits = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0)
    unscaled = unscaled / (one << BigInt(bits)) // truncates toward zero, as C and numeric_div_trunc
    scale = 0
  }
  throw new Error('unreachable: the last unit takes every value')
}

const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

/** pg_size_bytes: a number (sign, digits, fraction, exponent) and an optional unit. */
export function sizeBytes(text: string): number {
  let start = 0
  while (isSpace(text[start])) start++
  let end = start
  if (text[end] === '-' || text[end] === '+') end++
  let digits = false
  while (isDigit(text[end])) {
    digits = true
    end++
  }
  if (text[end] === '.') {
    end++
    while (isDigit(text[end])) {
      digits = true
      end++
    }
  }
  if (!digits) throw invalidSize(text)
  if (text[end] === 'e' || text[end] === 'E') {
    // strtol's syntax: the exponent counts only when digits follow (`1e` is a unit).
    const exponent = /^[+-]?\d+/.exec(text.slice(end + 1))
    if (exponent !== null) end += 1 + exponent[0].length
  }
  let value = decimalParse(text.slice(start, end))
  const unitName = text.slice(end).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
  if (unitName !== '') {
    const unit = units.find((u) => u.name.toLowerCase() === unitName.toLowerCase())
    if (unit === undefined) {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `invalid size: "${text}"`,
        detail: `Invalid size unit: "${unitName}".`,
        hint: 'Valid units are "bytes", "kB", "MB", "GB", "TB", and "PB".',
      })
    }
    value = { unscaled: value.unscaled << BigInt(unit.bits), scale: value.scale }
  }
  const bytes = decimalToInteger(value)
  const magnitude = bytes < 0n ? -bytes : bytes
  if (magnitude > BigInt(integerMagnitudeMax)) throw integerOutOfRange('int8')
  return Number(bytes)
}

function invalidSize(text: string): PgError {
  return new PgError({ code: SqlState.invalidParameterValue, message: `invalid size: "${text}"` })
}

export const sizeKernels: Readonly<Record<string, Kernel>> = {
  pg_size_pretty: (call) => {
    const size = argAt(call, 0)
    if (size.kind === 'numeric') return textRows(call, (row) => sizePretty(decimalAt(size, row)))
    if (size.kind !== 'number') throw new Error('pg_size_pretty takes bigint or numeric')
    const values = size.values
    return textRows(call, (row) => sizePretty({ unscaled: BigInt(values[row]!), scale: 0 }))
  },
  pg_size_bytes: (call) => {
    const text = stringReader(call, 0)
    return numberRows(call, (row) => sizeBytes(text(row)))
  },
}
