// ln, exp, log(b, x) and power over numeric with PostgreSQL 15's result scales (numeric.c's
// numeric_ln, numeric_exp, log_var, power_var). The value is computed in bigint fixed point
// with guard digits, then rounded half away from zero to PostgreSQL's scale, so the digits
// match PostgreSQL's (which are accurate to its scale) except at a rounding tie no real input
// hits. Integer powers are exact, as power_var_int's are.
import { PgError, SqlState } from '../../common/index.js'
import { divideRounded, powerOfTen, type Decimal } from '../decimal.js'

/** NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE, NUMERIC_MAX_RESULT_SCALE. */
const minSigDigits = 16
const maxDisplayScale = 1000
const maxResultScale = 2000
/** Extra digits carried through the fixed-point computation. */
const guardDigits = 24

const abs = (n: bigint): bigint => (n < 0n ? -n : n)
const digitCount = (n: bigint): number => (n === 0n ? 1 : abs(n).toString().length)
const clampScale = (scale: number): number => Math.min(Math.max(scale, 0), maxDisplayScale)

/** floor(n / 10^k) for k >= 0, n * 10^-k otherwise; n >= 0. */
function shiftDown(n: bigint, k: number): bigint {
  return k >= 0 ? n / powerOfTen(k) : n * powerOfTen(-k)
}

/** The decimal exponent of the leading digit: floor(log10(|d|)); d non-zero. */
function leadExponent(d: Decimal): number {
  return digitCount(d.unscaled) - 1 - d.scale
}

/** A decimal as a double (enough for scale estimates). */
function approximate(d: Decimal): number {
  const digits = abs(d.unscaled).toString()
  const head = Number(`${digits.slice(0, 17)}e${digits.length - Math.min(17, digits.length)}`)
  return (
    (d.unscaled < 0n ? -head : head) /
    10 ** Math.min(d.scale, 300) /
    10 ** (d.scale - Math.min(d.scale, 300))
  )
}

/** numeric.c's estimate_ln_dweight: the decimal weight of ln(d), from its base-10000 digits. */
function estimateLnWeight(d: Decimal): number {
  if (d.unscaled <= 0n) return 0
  const scaled = d.unscaled * powerOfTen(Math.max(0, 1 - d.scale))
  const scale = Math.max(d.scale, 1)
  const tenth = powerOfTen(scale - 1)
  // 0.9 <= d <= 1.1: ln(d) ~ d - 1
  if (scaled >= 9n * tenth && scaled <= 11n * tenth) {
    const x = scaled - 10n * tenth
    return x === 0n ? 0 : leadExponent({ unscaled: x, scale })
  }
  const weight = Math.floor(leadExponent(d) / 4)
  const first = shiftDown(d.unscaled, d.scale + 4 * weight)
  let digits = Number(first)
  let dweight = weight * 4
  const exact = first * powerOfTen(Math.max(0, d.scale + 4 * weight))
  const more = d.scale + 4 * weight > 0 && exact !== d.unscaled
  if (more) {
    digits = Number(shiftDown(d.unscaled, d.scale + 4 * (weight - 1)))
    dweight -= 4
  }
  const ln = Math.log(digits) + dweight * 2.302585092994046
  return Math.trunc(Math.log10(Math.abs(ln)))
}

/** Fixed point: a real r at precision p is the bigint round(r * 10^p). */
function fixedFrom(d: Decimal, p: number): bigint {
  return p >= d.scale
    ? d.unscaled * powerOfTen(p - d.scale)
    : divideRounded(d.unscaled, powerOfTen(d.scale - p))
}

function fixedSqrt(x: bigint, one: bigint): bigint {
  const n = x * one
  if (n < 2n) return n
  // Newton's method from a power of two above the root, stopping when it no longer falls.
  let r = 1n << BigInt(Math.ceil(n.toString(2).length / 2))
  for (;;) {
    const next = (r + n / r) >> 1n
    if (next >= r) return r
    r = next
  }
}

/** ln(m / 10^p) for m / 10^p in [1, 10]: square roots down to ~1, then 2 atanh((y-1)/(y+1)). */
function lnReduced(m: bigint, p: number): bigint {
  const one = powerOfTen(p)
  const near = one + one / 100n
  let halvings = 0
  let y = m
  while (y > near) {
    y = fixedSqrt(y, one)
    halvings++
  }
  const z = ((y - one) * one) / (y + one)
  const z2 = (z * z) / one
  let term = z
  let sum = 0n
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k
    term = (term * z2) / one
  }
  return 2n * sum * (1n << BigInt(halvings))
}

const ln10Cache = new Map<number, bigint>()

function ln10(p: number): bigint {
  let value = ln10Cache.get(p)
  if (value === undefined) {
    value = lnReduced(10n * powerOfTen(p), p)
    ln10Cache.set(p, value)
  }
  return value
}

/** ln(d) at fixed precision p; d > 0. */
function lnFixed(d: Decimal, p: number): bigint {
  const exponent = leadExponent(d)
  const work = p + 4 + String(Math.abs(exponent)).length
  // d = m * 10^exponent with m in [1, 10)
  const m = fixedFrom({ unscaled: d.unscaled, scale: d.scale + exponent }, work)
  const value = lnReduced(m, work) + BigInt(exponent) * ln10(work)
  return divideRounded(value, powerOfTen(work - p))
}

/** exp(x / 10^p) at fixed precision p. */
function expFixed(x: bigint, p: number): bigint {
  const one = powerOfTen(p)
  let halvings = 0
  let r = x
  const limit = one / 100n
  while (abs(r) > limit) {
    r /= 2n
    halvings++
  }
  let sum = one
  let term = one
  for (let k = 1n; term !== 0n; k++) {
    term = (term * r) / one / k
    sum += term
  }
  for (let i = 0; i < halvings; i++) sum = (sum * sum) / one
  return sum
}

function checkLogArgument(d: Decimal): void {
  if (d.unscaled === 0n) {
    throw new PgError({
      code: SqlState.invalidArgumentForLogarithm,
      message: 'cannot take logarithm of zero',
    })
  }
  if (d.unscaled < 0n) {
    throw new PgError({
      code: SqlState.invalidArgumentForLogarithm,
      message: 'cannot take logarithm of a negative number',
    })
  }
}

function roundFixed(value: bigint, p: number, rscale: number): Decimal {
  if (p <= rscale) return { unscaled: value * powerOfTen(rscale - p), scale: rscale }
  return { unscaled: divideRounded(value, powerOfTen(p - rscale)), scale: rscale }
}

/** ln(numeric), numeric_ln. */
export function decimalLn(d: Decimal): Decimal {
  checkLogArgument(d)
  const rscale = clampScale(Math.max(minSigDigits - estimateLnWeight(d), d.scale))
  const p = rscale + guardDigits
  return roundFixed(lnFixed(d, p), p, rscale)
}

/** log(base, num), log_var; log(numeric) and log10(numeric) are log(10, num). */
export function decimalLog(base: Decimal, num: Decimal): Decimal {
  checkLogArgument(base)
  checkLogArgument(num)
  const baseWeight = estimateLnWeight(base)
  const resultWeight = estimateLnWeight(num) - baseWeight
  const rscale = clampScale(Math.max(minSigDigits - resultWeight, base.scale, num.scale))
  const p = rscale + Math.max(resultWeight, 0) + guardDigits - Math.min(baseWeight, 0)
  const lnBase = lnFixed(base, p)
  if (lnBase === 0n)
    throw new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
  const lnNum = lnFixed(num, p)
  return { unscaled: divideRounded(lnNum * powerOfTen(rscale), lnBase), scale: rscale }
}

function overflowsNumeric(): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: 'value overflows numeric format',
  })
}

/** e^x at result scale rscale (exp_var); x approximated by `value` for the range checks. */
function expAt(x: Decimal, value: number, rscale: number): Decimal {
  if (Math.abs(value) >= maxResultScale * 3) {
    if (value > 0) throw overflowsNumeric()
    return { unscaled: 0n, scale: rscale }
  }
  const weight = Math.max(Math.ceil(value * 0.434294481903252), 0)
  const p = rscale + weight + guardDigits
  return roundFixed(expFixed(fixedFrom(x, p), p), p, rscale)
}

/** exp(numeric), numeric_exp. */
export function decimalExp(d: Decimal): Decimal {
  const value = approximate(d)
  const weight = Math.min(Math.max(value * 0.434294481903252, -maxResultScale), maxResultScale)
  const rscale = clampScale(Math.max(minSigDigits - Math.trunc(weight), d.scale))
  return expAt(d, value, rscale)
}

/** base^exponent for an integer exponent (power_var_int): exact, then rounded to rscale. */
function integerPower(base: Decimal, exponent: bigint, rscale: number): Decimal {
  if (exponent === 0n) return { unscaled: powerOfTen(rscale), scale: rscale }
  if (base.unscaled === 0n) {
    if (exponent < 0n)
      throw new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
    return { unscaled: 0n, scale: rscale }
  }
  const n = Number(abs(exponent))
  const leading =
    Math.log10(Number(abs(base.unscaled).toString().slice(0, 15))) +
    digitCount(base.unscaled) -
    Math.min(15, digitCount(base.unscaled)) -
    base.scale
  const f = Number(exponent) * leading
  // power_var_int stops once a product's base-10000 weight passes SHRT_MAX.
  if (f >= 32768 * 4) throw overflowsNumeric()
  if (f + 1 < -rscale || f + 1 < -maxDisplayScale) return { unscaled: 0n, scale: rscale }
  if (digitCount(base.unscaled) * n > 2_000_000) {
    // Too many exact digits: e^(exponent ln|base|) with enough guard digits instead.
    const p = rscale + Math.max(Math.ceil(f), 0) + guardDigits + String(n).length
    const lnBase = lnFixed({ unscaled: abs(base.unscaled), scale: base.scale }, p)
    const result = roundFixed(expFixed(lnBase * exponent, p), p, rscale)
    const negative = base.unscaled < 0n && n % 2 === 1
    return negative ? { unscaled: -result.unscaled, scale: rscale } : result
  }
  const unscaled = base.unscaled ** BigInt(n)
  const scale = base.scale * n
  if (exponent > 0n) return roundFixed(unscaled, scale, rscale)
  // 10^scale / unscaled at rscale
  return { unscaled: divideRounded(powerOfTen(scale + rscale), unscaled), scale: rscale }
}

/** power(numeric, numeric) and numeric ^ numeric, numeric_power / power_var. */
export function decimalPower(base: Decimal, exponent: Decimal): Decimal {
  if (base.unscaled === 0n && exponent.unscaled < 0n) {
    throw new PgError({
      code: SqlState.invalidArgumentForPowerFunction,
      message: 'zero raised to a negative power is undefined',
    })
  }
  const integral = exponent.unscaled % powerOfTen(exponent.scale) === 0n
  if (integral) {
    const n = exponent.unscaled / powerOfTen(exponent.scale)
    if (n >= -2147483648n && n <= 2147483647n) {
      const rscale = clampScale(Math.max(minSigDigits, base.scale))
      return integerPower(base, n, rscale)
    }
  }
  if (base.unscaled < 0n && !integral) {
    throw new PgError({
      code: SqlState.invalidArgumentForPowerFunction,
      message: 'a negative number raised to a non-integer power yields a complex result',
    })
  }
  if (base.unscaled === 0n) return { unscaled: 0n, scale: minSigDigits }
  const magnitude = { unscaled: abs(base.unscaled), scale: base.scale }
  const value = approximate(exponent) * Math.log(approximate(magnitude))
  if (Math.abs(value) > maxResultScale * 3.01) {
    if (value > 0) throw overflowsNumeric()
    return { unscaled: 0n, scale: maxDisplayScale }
  }
  const weight = value * 0.434294481903252
  const rscale = clampScale(Math.max(minSigDigits - Math.trunc(weight), base.scale, exponent.scale))
  const p =
    rscale + Math.max(Math.ceil(weight), 0) + Math.max(leadExponent(exponent), 0) + guardDigits
  const product = (lnFixed(magnitude, p) * fixedFrom(exponent, p)) / powerOfTen(p)
  const result = roundFixed(expFixed(product, p), p, rscale)
  const negative =
    base.unscaled < 0n && (exponent.unscaled / powerOfTen(exponent.scale)) % 2n !== 0n
  return negative ? { unscaled: -result.unscaled, scale: rscale } : result
}
