// PostgreSQL 15's mathematical functions: ceil, floor, trunc, sign, sqrt, cbrt, power, exp,
// ln, log, log10, pi, degrees, radians, random. float8 overloads loop over Float64Array;
// numeric overloads are exact (ceil, floor, trunc, sign, sqrt with numeric_sqrt's scale).
// The numeric transcendental overloads (exp, ln, log, power) are numeric-transcendental.ts.
import { PgError, SqlState, type NumericVector, type Vector } from '../../common/index.js'
import { powerOfTen, type Decimal } from '../decimal.js'
import { decimalAt, makeNumberVector, makeNumericVector } from '../expr/vector-builders.js'
import { argAt, combineValidity, numberArg, type Kernel, type KernelCall } from './kernel.js'
import { decimalExp, decimalLn, decimalLog, decimalPower } from './numeric-transcendental.js'

/** Applies `fn` to each present float8 row; `fn` may throw for a bad input. */
function floatUnary(call: KernelCall, fn: (x: number) => number): Vector {
  const arg = numberArg(call, 0)
  const { length } = call
  const values = arg.values
  const validity = arg.validity
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out[row] = fn(values[row]!)
  }
  return makeNumberVector(call.type, out, validity)
}

function floatBinary(call: KernelCall, fn: (x: number, y: number) => number): Vector {
  const left = numberArg(call, 0)
  const right = numberArg(call, 1)
  const { length } = call
  const validity = combineValidity(length, left, right)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out[row] = fn(left.values[row]!, right.values[row]!)
  }
  return makeNumberVector(call.type, out, validity)
}

/** Maps each present numeric row through `fn`. */
function numericUnary(call: KernelCall, fn: (d: Decimal, row: number) => Decimal): Vector {
  const arg = argAt(call, 0) as NumericVector
  const { length } = call
  const unscaled = new Array<bigint>(length).fill(0n)
  const scales = new Uint16Array(length)
  const validity = combineValidity(length, ...call.args)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const result = fn(decimalAt(arg, row), row)
    unscaled[row] = result.unscaled
    scales[row] = result.scale
  }
  return makeNumericVector(call.type, unscaled, scales, validity)
}

function overflow(result: number, input: number): number {
  if (!Number.isFinite(result) && Number.isFinite(input)) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: 'value out of range: overflow',
    })
  }
  return result
}

/** Truncates toward zero to `scale` digits; a negative scale zeroes digits left of the point. */
export function decimalTrunc(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { unscaled: d.unscaled * powerOfTen(scale - d.scale), scale }
  const truncated = d.unscaled / powerOfTen(d.scale - scale)
  if (scale >= 0) return { unscaled: truncated, scale }
  return { unscaled: truncated * powerOfTen(-scale), scale: 0 }
}

/** Rounds toward negative (floor) or positive (ceil) infinity to an integer. */
function decimalToIntegral(d: Decimal, up: boolean): Decimal {
  const divisor = powerOfTen(d.scale)
  let quotient = d.unscaled / divisor
  const remainder = d.unscaled % divisor
  if (remainder !== 0n && remainder > 0n === up) quotient += up ? 1n : -1n
  return { unscaled: quotient, scale: 0 }
}

/** The base-10000 weight PostgreSQL's numeric keeps: the position of the first digit group. */
function nbaseWeight(d: Decimal): number {
  if (d.unscaled === 0n) return 0
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length
  const decimalExponent = digits - d.scale - 1
  return Math.floor(decimalExponent / 4)
}

function bigintSqrt(n: bigint): bigint {
  if (n < 2n) return n
  let x = BigInt(Math.floor(Math.sqrt(Number(n))))
  for (;;) {
    const next = (x + n / x) >> 1n
    if (next === x || next === x + 1n) {
      while (x * x > n) x -= 1n
      while ((x + 1n) * (x + 1n) <= n) x += 1n
      return x
    }
    x = next
  }
}

function negativeSqrt(): PgError {
  return new PgError({
    code: SqlState.invalidArgumentForPowerFunction,
    message: 'cannot take square root of a negative number',
  })
}

/** sqrt(numeric) with numeric_sqrt's result scale, rounded half away from zero. */
export function decimalSqrt(d: Decimal): Decimal {
  if (d.unscaled < 0n) throw negativeSqrt()
  const weight = nbaseWeight(d)
  const rscale = Math.min(Math.max(15 - 2 * weight, d.scale, 0), 1000)
  // sqrt(u / 10^s) to rscale + 1 digits: isqrt(u * 10^(2 (rscale + 1) - s)), s made even.
  const shift = 2 * (rscale + 1) - d.scale
  const scaled = shift >= 0 ? d.unscaled * powerOfTen(shift) : d.unscaled / powerOfTen(-shift)
  const root = bigintSqrt(scaled)
  const rounded = (root + 5n) / 10n
  return { unscaled: rounded, scale: rscale }
}

function logarithm(fn: (x: number) => number): (x: number) => number {
  return (x) => {
    if (x === 0) {
      throw new PgError({
        code: SqlState.invalidArgumentForLogarithm,
        message: 'cannot take logarithm of zero',
      })
    }
    if (x < 0) {
      throw new PgError({
        code: SqlState.invalidArgumentForLogarithm,
        message: 'cannot take logarithm of a negative number',
      })
    }
    return fn(x)
  }
}

/** power(float8, float8) with dpow's errors. */
export function floatPower(x: number, y: number): number {
  if (x === 0 && y < 0) {
    throw new PgError({
      code: SqlState.invalidArgumentForPowerFunction,
      message: 'zero raised to a negative power is undefined',
    })
  }
  if (x < 0 && !Number.isInteger(y) && Number.isFinite(y)) {
    throw new PgError({
      code: SqlState.invalidArgumentForPowerFunction,
      message: 'a negative number raised to a non-integer power yields a complex result',
    })
  }
  if (x === 1 || y === 0) return 1
  const result = Math.pow(x, y)
  if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: 'value out of range: overflow',
    })
  }
  if (result === 0 && x !== 0 && Number.isFinite(x) && Number.isFinite(y)) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: 'value out of range: underflow',
    })
  }
  return result
}

const cbrtFactors = [
  1 / 1.5874010519681994748,
  1 / 1.2599210498948731648,
  1,
  1.2599210498948731648,
  1.5874010519681994748,
]

/** frexp: x = mantissa * 2^exponent with mantissa in [0.5, 1); x finite and non-zero. */
function frexp(x: number): [mantissa: number, exponent: number] {
  if (x < 2.2250738585072014e-308) {
    const [mantissa, exponent] = frexp(x * 18014398509481984)
    return [mantissa, exponent - 54]
  }
  let exponent = Math.max(-1073, Math.floor(Math.log2(x)) + 1)
  let mantissa = x * Math.pow(2, -exponent)
  while (mantissa < 0.5) {
    mantissa *= 2
    exponent--
  }
  while (mantissa >= 1) {
    mantissa /= 2
    exponent++
  }
  return [mantissa, exponent]
}

/**
 * cbrt as glibc computes it (PostgreSQL's dcbrt calls the C library): a polynomial first
 * guess and one Halley step, so results match it to the last bit (cbrt(27) is 3.0000000000000004).
 */
export function glibcCbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x
  const [xm, xe] = frexp(Math.abs(x))
  const u =
    0.35489576504391986 +
    (1.50819193781584896 +
      (-2.11499494167371287 +
        (2.4469312256353443 +
          (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) *
          xm) *
        xm) *
      xm
  const t2 = u * u * u
  const ym = ((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * cbrtFactors[2 + (xe % 3)]!
  return (x > 0 ? ym : -ym) * Math.pow(2, Math.trunc(xe / 3))
}

/** PostgreSQL's RADIANS_PER_DEGREE. */
const radiansPerDegree = 0.0174532925199432957692

/** A kernel with a float8 and a numeric overload, picked by the argument's layout. */
function floatOrNumeric(fn: (x: number) => number, exact: (d: Decimal) => Decimal): Kernel {
  return (call) =>
    argAt(call, 0).kind === 'numeric' ? numericUnary(call, exact) : floatUnary(call, fn)
}

/** A numeric kernel over two numeric arguments. */
function numericBinary(call: KernelCall, fn: (a: Decimal, b: Decimal) => Decimal): Vector {
  const right = argAt(call, 1) as NumericVector
  return numericUnary(call, (d, row) => fn(d, decimalAt(right, row)))
}

const ten: Decimal = { unscaled: 10n, scale: 0 }

const truncKernel: Kernel = (call) => {
  if (argAt(call, 0).kind !== 'numeric') return floatUnary(call, Math.trunc)
  if (call.args.length === 1) return numericUnary(call, (d) => decimalTrunc(d, 0))
  const scales = numberArg(call, 1).values
  return numericUnary(call, (d, row) => decimalTrunc(d, Math.min(scales[row]!, 1000)))
}

const signOf = (d: Decimal): Decimal => ({
  unscaled: d.unscaled > 0n ? 1n : d.unscaled < 0n ? -1n : 0n,
  scale: 0,
})

export const mathKernels: Readonly<Record<string, Kernel>> = {
  ceil: floatOrNumeric(Math.ceil, (d) => decimalToIntegral(d, true)),
  floor: floatOrNumeric(Math.floor, (d) => decimalToIntegral(d, false)),
  trunc: truncKernel,
  sign: floatOrNumeric((x) => (x > 0 ? 1 : x < 0 ? -1 : 0), signOf),
  sqrt: floatOrNumeric((x) => {
    if (x < 0) throw negativeSqrt()
    return Math.sqrt(x)
  }, decimalSqrt),
  cbrt: (call) => floatUnary(call, glibcCbrt),
  exp: floatOrNumeric((x) => {
    const result = Math.exp(x)
    if (result === 0 && Number.isFinite(x)) {
      throw new PgError({
        code: SqlState.numericValueOutOfRange,
        message: 'value out of range: underflow',
      })
    }
    return overflow(result, x)
  }, decimalExp),
  ln: floatOrNumeric(logarithm(Math.log), decimalLn),
  log10: floatOrNumeric(logarithm(Math.log10), (d) => decimalLog(ten, d)),
  log: (call) => {
    if (call.args.length === 2) return numericBinary(call, decimalLog)
    return floatOrNumeric(logarithm(Math.log10), (d) => decimalLog(ten, d))(call)
  },
  power: (call) =>
    argAt(call, 0).kind === 'numeric'
      ? numericBinary(call, decimalPower)
      : floatBinary(call, floatPower),
  pi: (call) => makeNumberVector(call.type, new Float64Array(call.length).fill(Math.PI), null),
  degrees: (call) => floatUnary(call, (x) => overflow(x / radiansPerDegree, x)),
  radians: (call) => floatUnary(call, (x) => x * radiansPerDegree),
  random: (call) => {
    const out = new Float64Array(call.length)
    for (let row = 0; row < call.length; row++) out[row] = Math.random()
    return makeNumberVector(call.type, out, null)
  },
}
