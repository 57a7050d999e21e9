// PostgreSQL 15's integer and exact-number functions: gcd, lcm (int4, int8, numeric),
// factorial, div(numeric, numeric), width_bucket (float8 and numeric) and the bitwise
// operators & | # ~ << >> over int2/int4/int8 (int.c, int8.c, numeric.c, float.c).
// int8 values live in a Float64Array, so int8 kernels go through BigInt per row.
import { PgError, SqlState, type SqlType, type Vector } from '../../common/index.js'
import { integerOutOfRange } from '../cast/parse-text.js'
import { decimalCompare, decimalSubtract, powerOfTen, type Decimal } from '../decimal.js'
import { decimalAt, makeNumberVector, makeNumericVector } from '../expr/vector-builders.js'
import { combineValidity, numberArg, numericArg, type Kernel, type KernelCall } from './kernel.js'

/** Applies `fn` to each present row pair of two number vectors. */
function numberBinary(call: KernelCall, fn: (x: number, y: number) => number): Vector {
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

function numericRows(call: KernelCall, fn: (row: number) => Decimal): Vector {
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const unscaled = new Array<bigint>(length).fill(0n)
  const scales = new Uint16Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const result = fn(row)
    unscaled[row] = result.unscaled
    scales[row] = result.scale
  }
  return makeNumericVector(call.type, unscaled, scales, validity)
}

const bits = (type: SqlType): bigint => (type === 'int8' ? 64n : 32n)
const minOf = (type: SqlType): bigint => -(1n << (bits(type) - 1n))

function bigGcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b < 0n ? -b : b
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

/** int4gcd/int8gcd: the absolute gcd; the type's minimum has none when the other is 0 or it. */
function integerGcd(type: SqlType, a: bigint, b: bigint): bigint {
  const min = minOf(type)
  if ((a === min && (b === 0n || b === min)) || (b === min && a === 0n))
    throw integerOutOfRange(type)
  return bigGcd(a, b)
}

function integerLcm(type: SqlType, a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n
  const result = (a / integerGcd(type, a, b)) * b
  const magnitude = result < 0n ? -result : result
  if (magnitude >= 1n << (bits(type) - 1n)) throw integerOutOfRange(type)
  return magnitude
}

/** Two numerics as unscaled integers at their common (larger) scale. */
function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale)
  return [a.unscaled * powerOfTen(scale - a.scale), b.unscaled * powerOfTen(scale - b.scale), scale]
}

function gcdOrLcm(lcm: boolean): Kernel {
  return (call) => {
    if (call.type === 'numeric') {
      const left = numericArg(call, 0)
      const right = numericArg(call, 1)
      return numericRows(call, (row) => {
        const [a, b, scale] = aligned(decimalAt(left, row), decimalAt(right, row))
        if (!lcm) return { unscaled: bigGcd(a, b), scale }
        if (a === 0n || b === 0n) return { unscaled: 0n, scale }
        const product = (a / bigGcd(a, b)) * b
        return { unscaled: product < 0n ? -product : product, scale }
      })
    }
    const fn = lcm ? integerLcm : integerGcd
    return numberBinary(call, (x, y) => Number(fn(call.type, BigInt(x), BigInt(y))))
  }
}

/** numeric_fac: n! as numeric; negative n is undefined, beyond 1000 it overflows. */
const factorial: Kernel = (call) => {
  const arg = numberArg(call, 0)
  return numericRows(call, (row) => {
    const n = arg.values[row]!
    if (n < 0) {
      throw new PgError({
        code: SqlState.numericValueOutOfRange,
        message: 'factorial of a negative number is undefined',
      })
    }
    if (n > 32177) {
      throw new PgError({
        code: SqlState.numericValueOutOfRange,
        message: 'value overflows numeric format',
      })
    }
    let result = 1n
    for (let k = 2n; k <= BigInt(n); k++) result *= k
    return { unscaled: result, scale: 0 }
  })
}

/** div(numeric, numeric): the quotient truncated toward zero, scale 0. */
const div: Kernel = (call) => {
  const left = numericArg(call, 0)
  const right = numericArg(call, 1)
  return numericRows(call, (row) => {
    const [a, b] = aligned(decimalAt(left, row), decimalAt(right, row))
    if (b === 0n) throw new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
    return { unscaled: a / b, scale: 0 }
  })
}

function widthBucketError(message: string): PgError {
  return new PgError({ code: SqlState.invalidArgumentForWidthBucketFunction, message })
}

/** width_bucket_float8: the bucket of `x` among `count` equal buckets over [b1, b2). */
export function floatWidthBucket(x: number, b1: number, b2: number, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero')
  if (Number.isNaN(x) || Number.isNaN(b1) || Number.isNaN(b2))
    throw widthBucketError('operand, lower bound, and upper bound cannot be NaN')
  if (!Number.isFinite(b1) || !Number.isFinite(b2))
    throw widthBucketError('lower and upper bounds must be finite')
  if (b1 === b2) throw widthBucketError('lower bound cannot equal upper bound')
  const ascending = b1 < b2
  if (ascending ? x < b1 : x > b1) return 0
  if (ascending ? x >= b2 : x <= b2) {
    if (count === 2147483647) throw integerOutOfRange('int4')
    return count + 1
  }
  const span = ascending ? b2 - b1 : b1 - b2
  const offset = ascending ? x - b1 : b1 - x
  let bucket = Number.isFinite(span)
    ? Math.trunc(count * (offset / span))
    : Math.trunc(count * ((ascending ? x / 2 - b1 / 2 : b1 / 2 - x / 2) / (span / 2)))
  if (bucket >= count) bucket = count - 1
  return bucket + 1
}

function numericWidthBucket(x: Decimal, b1: Decimal, b2: Decimal, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero')
  const order = decimalCompare(b1, b2)
  if (order === 0) throw widthBucketError('lower bound cannot equal upper bound')
  const ascending = order < 0
  const fromLow = decimalCompare(x, b1)
  if (ascending ? fromLow < 0 : fromLow > 0) return 0
  const fromHigh = decimalCompare(x, b2)
  let bucket: bigint
  if (ascending ? fromHigh >= 0 : fromHigh <= 0) {
    bucket = BigInt(count) + 1n
  } else {
    // compute_bucket: trunc(count * offset / span) + 1, exactly
    const offset = ascending ? decimalSubtract(x, b1) : decimalSubtract(b1, x)
    const span = ascending ? decimalSubtract(b2, b1) : decimalSubtract(b1, b2)
    const [o, s] = aligned(offset, span)
    bucket = (BigInt(count) * o) / s + 1n
  }
  if (bucket > 2147483647n) throw integerOutOfRange('int4')
  return Number(bucket)
}

const widthBucket: Kernel = (call) => {
  const count = numberArg(call, 3).values
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const out = new Float64Array(length)
  if (call.args[0]?.kind === 'numeric') {
    const [x, b1, b2] = [numericArg(call, 0), numericArg(call, 1), numericArg(call, 2)]
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const args = [decimalAt(x, row), decimalAt(b1, row), decimalAt(b2, row)] as const
      out[row] = numericWidthBucket(...args, count[row]!)
    }
  } else {
    const [x, b1, b2] = [numberArg(call, 0), numberArg(call, 1), numberArg(call, 2)]
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      out[row] = floatWidthBucket(x.values[row]!, b1.values[row]!, b2.values[row]!, count[row]!)
    }
  }
  return makeNumberVector(call.type, out, validity)
}

/** Wraps a bigint to the type's width, as C's integer conversion does. */
function wrap(type: SqlType, value: bigint): number {
  if (type === 'int8') return Number(BigInt.asIntN(64, value))
  if (type === 'int2') return Number(BigInt.asIntN(16, value))
  return Number(BigInt.asIntN(32, value))
}

/** & | # over two integers of one type; int2/int4 use 32-bit operators, int8 BigInt. */
function bitwise(
  int32: (x: number, y: number) => number,
  int64: (x: bigint, y: bigint) => bigint,
): Kernel {
  return (call) =>
    call.type === 'int8'
      ? numberBinary(call, (x, y) => Number(int64(BigInt(x), BigInt(y))))
      : numberBinary(call, int32)
}

/** int2shl & co.: the count is int4 and, as on x86, taken modulo the operand's width. */
function shift(left: boolean): Kernel {
  return (call) => {
    const type = call.type
    if (type === 'int8') {
      return numberBinary(call, (x, n) => {
        const count = BigInt(n & 63)
        return wrap(type, left ? BigInt(x) << count : BigInt(x) >> count)
      })
    }
    return numberBinary(call, (x, n) => (left ? wrap(type, BigInt(x << n)) : x >> n))
  }
}

const bitNot: Kernel = (call) => {
  const arg = numberArg(call, 0)
  const { length } = call
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) out[row] = -arg.values[row]! - 1
  return makeNumberVector(call.type, out, arg.validity)
}

export const integerMathKernels: Readonly<Record<string, Kernel>> = {
  gcd: gcdOrLcm(false),
  lcm: gcdOrLcm(true),
  factorial,
  div,
  width_bucket: widthBucket,
  bitand: bitwise(
    (x, y) => x & y,
    (x, y) => x & y,
  ),
  bitor: bitwise(
    (x, y) => x | y,
    (x, y) => x | y,
  ),
  bitxor: bitwise(
    (x, y) => x ^ y,
    (x, y) => x ^ y,
  ),
  bitnot: bitNot,
  shift_left: shift(true),
  shift_right: shift(false),
}
