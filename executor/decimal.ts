// Exact numeric arithmetic over (unscaled bigint, scale) pairs: value = unscaled / 10^scale.
// Results follow PostgreSQL 15's numeric.c: add/subtract keep the larger scale, multiply
// adds scales, divide picks its scale with select_div_scale (at least 16 significant
// digits), and rounding is half away from zero. NaN and infinities are not represented.
import { PgError, SqlState } from '../common/index.js'

export interface Decimal {
  readonly unscaled: bigint
  readonly scale: number
}

/** PostgreSQL's NUMERIC_MAX_DISPLAY_SCALE: no result carries more fractional digits. */
const maxDisplayScale = 1000
/** PostgreSQL's NUMERIC_MIN_SIG_DIGITS: a quotient keeps at least this many digits. */
const minSignificantDigits = 16

const powersOfTen: bigint[] = [1n]

/** Returns 10^exponent as a bigint (cached for small exponents). */
export function powerOfTen(exponent: number): bigint {
  if (exponent < 64) {
    while (powersOfTen.length <= exponent) {
      powersOfTen.push((powersOfTen[powersOfTen.length - 1] ?? 1n) * 10n)
    }
    return powersOfTen[exponent] ?? 1n
  }
  return 10n ** BigInt(exponent)
}

const numericInput = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/

function invalidNumeric(text: string): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: `invalid input syntax for type numeric: "${text}"`,
  })
}

/** Parses numeric input text ('1.50', '-3', '1e5', ' .5 ') keeping the written scale. */
export function decimalParse(text: string): Decimal {
  const match = numericInput.exec(text)
  if (match === null) throw invalidNumeric(text)
  const sign = match[1] ?? ''
  const integerDigits = match[2] ?? ''
  const fractionDigits = match[3] ?? ''
  if (integerDigits.length === 0 && fractionDigits.length === 0) throw invalidNumeric(text)
  let unscaled = BigInt(integerDigits + fractionDigits || '0')
  let scale = fractionDigits.length
  if (match[4] !== undefined) {
    const exponent = Number(match[4])
    if (Math.abs(exponent) > maxDisplayScale) {
      throw new PgError({
        code: SqlState.numericValueOutOfRange,
        message: 'value overflows numeric format',
      })
    }
    scale -= exponent
    if (scale < 0) {
      unscaled *= powerOfTen(-scale)
      scale = 0
    }
  }
  return { unscaled: sign === '-' ? -unscaled : unscaled, scale }
}

/** Renders a decimal as PostgreSQL's numeric_out does: all `scale` fractional digits kept. */
export function decimalToString(d: Decimal): string {
  const negative = d.unscaled < 0n
  const digits = (negative ? -d.unscaled : d.unscaled).toString()
  let body: string
  if (d.scale === 0) {
    body = digits
  } else if (digits.length > d.scale) {
    body = `${digits.slice(0, digits.length - d.scale)}.${digits.slice(digits.length - d.scale)}`
  } else {
    body = `0.${'0'.repeat(d.scale - digits.length)}${digits}`
  }
  return negative ? `-${body}` : body
}

/** Converts a JS number exactly for integers, and through its shortest round-trip text otherwise. */
export function decimalFromNumber(n: number): Decimal {
  if (!Number.isFinite(n)) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `cannot convert ${String(n)} to numeric`,
    })
  }
  if (Number.isInteger(n)) return { unscaled: BigInt(n), scale: 0 }
  return decimalParse(String(n))
}

/** Converts float8 to numeric as PostgreSQL's float8_numeric does: 15 significant digits. */
export function decimalFromFloat8(n: number): Decimal {
  if (!Number.isFinite(n)) return decimalFromNumber(n)
  return decimalTrimTrailingZeros(decimalParse(n.toPrecision(15)))
}

/** Converts float4 to numeric as PostgreSQL's float4_numeric does: 6 significant digits. */
export function decimalFromFloat4(n: number): Decimal {
  if (!Number.isFinite(n)) return decimalFromNumber(n)
  return decimalTrimTrailingZeros(decimalParse(n.toPrecision(6)))
}

/** Drops trailing fractional zeros (as %g output does), never below scale 0. */
function decimalTrimTrailingZeros(d: Decimal): Decimal {
  let { unscaled, scale } = d
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n
    scale -= 1
  }
  return { unscaled, scale }
}

/** Returns the nearest double. */
export function decimalToNumber(d: Decimal): number {
  if (d.scale === 0) return Number(d.unscaled)
  return Number.parseFloat(decimalToString(d))
}

function rescale(d: Decimal, scale: number): bigint {
  return d.unscaled * powerOfTen(scale - d.scale)
}

export function decimalAdd(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale)
  return { unscaled: rescale(a, scale) + rescale(b, scale), scale }
}

export function decimalSubtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale)
  return { unscaled: rescale(a, scale) - rescale(b, scale), scale }
}

export function decimalMultiply(a: Decimal, b: Decimal): Decimal {
  const product = { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale }
  return product.scale > maxDisplayScale ? decimalRound(product, maxDisplayScale) : product
}

export function decimalNegate(d: Decimal): Decimal {
  return { unscaled: -d.unscaled, scale: d.scale }
}

export function decimalAbs(d: Decimal): Decimal {
  return d.unscaled < 0n ? decimalNegate(d) : d
}

export function decimalCompare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale)
  const x = rescale(a, scale)
  const y = rescale(b, scale)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Divides, rounding half away from zero. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator
  const remainder = numerator % denominator
  if (remainder === 0n) return quotient
  const twiceRemainder = remainder < 0n ? -2n * remainder : 2n * remainder
  const absDenominator = denominator < 0n ? -denominator : denominator
  if (twiceRemainder < absDenominator) return quotient
  const negative = numerator < 0n !== denominator < 0n
  return negative ? quotient - 1n : quotient + 1n
}

/** Base-10000 weight and leading base-10000 digit of a value, as PostgreSQL stores numerics. */
function baseTenThousandLead(d: Decimal): { weight: number; firstDigit: bigint } {
  if (d.unscaled === 0n) return { weight: 0, firstDigit: 0n }
  const magnitude = d.unscaled < 0n ? -d.unscaled : d.unscaled
  const leadingExponent = magnitude.toString().length - 1 - d.scale
  const weight = Math.floor(leadingExponent / 4)
  const shift = d.scale + 4 * weight
  const firstDigit = shift >= 0 ? magnitude / powerOfTen(shift) : magnitude * powerOfTen(-shift)
  return { weight, firstDigit }
}

function divisionByZero(): PgError {
  return new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
}

/** Returns PostgreSQL's select_div_scale for a / b. */
export function decimalDivisionScale(a: Decimal, b: Decimal): number {
  const lead1 = baseTenThousandLead(a)
  const lead2 = baseTenThousandLead(b)
  let quotientWeight = lead1.weight - lead2.weight
  if (lead1.firstDigit <= lead2.firstDigit) quotientWeight -= 1
  const scale = Math.max(minSignificantDigits - quotientWeight * 4, a.scale, b.scale, 0)
  return Math.min(scale, maxDisplayScale)
}

/** Divides with PostgreSQL's result scale; division by zero raises 22012. */
export function decimalDivide(a: Decimal, b: Decimal): Decimal {
  if (b.unscaled === 0n) throw divisionByZero()
  const scale = decimalDivisionScale(a, b)
  const numerator = a.unscaled * powerOfTen(scale - a.scale + b.scale)
  return { unscaled: divideRounded(numerator, b.unscaled), scale }
}

/** Remainder with the dividend's sign, as numeric_mod; scale is the larger input scale. */
export function decimalModulo(a: Decimal, b: Decimal): Decimal {
  if (b.unscaled === 0n) throw divisionByZero()
  const scale = Math.max(a.scale, b.scale)
  return { unscaled: rescale(a, scale) % rescale(b, scale), scale }
}

/**
 * Rounds to `scale` fractional digits, half away from zero, as round(numeric, int): a larger
 * scale pads with zeros; a negative one rounds left of the point and yields scale 0.
 */
export function decimalRound(d: Decimal, scale: number): Decimal {
  const clamped = Math.min(scale, maxDisplayScale)
  if (clamped >= d.scale) return { unscaled: rescale(d, clamped), scale: clamped }
  const dropped = d.scale - clamped
  const rounded = divideRounded(d.unscaled, powerOfTen(dropped))
  if (clamped >= 0) return { unscaled: rounded, scale: clamped }
  return { unscaled: rounded * powerOfTen(-clamped), scale: 0 }
}

/** Rounds to an integer, half away from zero (numeric to int casts). */
export function decimalToInteger(d: Decimal): bigint {
  return decimalRound(d, 0).unscaled
}
