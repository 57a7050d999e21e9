// Arithmetic kernels: + - * / % unary minus, abs, round. Integer results are checked
// against their type's range (22003), integer division truncates toward zero, division by
// zero raises 22012, float overflow raises 22003 as PostgreSQL's float8pl & co. do.
import {
  assert,
  PgError,
  SqlState,
  type NumericVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { integerBounds, integerOutOfRange } from '../cast/parse-text.js'
import { roundHalfEven } from '../cast/cast-vector.js'
import {
  decimalAbs,
  decimalAdd,
  decimalDivide,
  decimalModulo,
  decimalMultiply,
  decimalNegate,
  decimalRound,
  decimalSubtract,
  type Decimal,
} from '../decimal.js'
import { makeNumberVector, makeNumericVector } from '../expr/vector-builders.js'
import {
  argAt,
  combineValidity,
  numberArg,
  numericArg,
  type Kernel,
  type KernelCall,
} from './kernel.js'

type NumberOp = 'add' | 'subtract' | 'multiply' | 'divide' | 'modulo'

function divisionByZero(): PgError {
  return new PgError({ code: SqlState.divisionByZero, message: 'division by zero' })
}

const isFloat = (type: SqlType): boolean => type === 'float4' || type === 'float8'

function floatOverflow(underflow: boolean): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: underflow ? 'value out of range: underflow' : 'value out of range: overflow',
  })
}

/** Integer division truncating toward zero, exact for operands within ±2^53. */
function divideTruncating(a: number, b: number): number {
  const quotient = Math.trunc(a / b)
  const remainder = a - quotient * b
  if (remainder !== 0 && Math.sign(remainder) !== Math.sign(a))
    return quotient + (a < 0 === b < 0 ? -1 : 1)
  return quotient
}

function integerKernel(op: NumberOp, call: KernelCall): Vector {
  const left = numberArg(call, 0)
  const right = numberArg(call, 1)
  const { length, type } = call
  const validity = combineValidity(length, left, right)
  const a = left.values
  const b = right.values
  const out = new Float64Array(length)
  const { min, max } = integerBounds(type)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const x = a[row]!
    const y = b[row]!
    let result: number
    switch (op) {
      case 'add':
        result = x + y
        break
      case 'subtract':
        result = x - y
        break
      case 'multiply':
        result = x * y
        break
      case 'divide':
        if (y === 0) throw divisionByZero()
        result = divideTruncating(x, y)
        break
      case 'modulo':
        if (y === 0) throw divisionByZero()
        result = x % y
        break
    }
    if (!(result >= min && result <= max)) throw integerOutOfRange(type)
    out[row] = result === 0 ? 0 : result
  }
  return makeNumberVector(type, out, validity)
}

function floatKernel(op: NumberOp, call: KernelCall): Vector {
  const left = numberArg(call, 0)
  const right = numberArg(call, 1)
  const { length, type } = call
  const float4 = type === 'float4'
  const validity = combineValidity(length, left, right)
  const a = left.values
  const b = right.values
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const x = a[row]!
    const y = b[row]!
    let result: number
    switch (op) {
      case 'add':
        result = x + y
        break
      case 'subtract':
        result = x - y
        break
      case 'multiply':
        result = x * y
        break
      case 'divide':
        if (y === 0) throw divisionByZero()
        result = x / y
        break
      case 'modulo':
        result = x % y
        break
    }
    if (float4) result = Math.fround(result)
    if (result === Infinity || result === -Infinity) {
      if (Number.isFinite(x) && Number.isFinite(y)) throw floatOverflow(false)
    } else if (
      result === 0 &&
      (op === 'multiply' || op === 'divide') &&
      x !== 0 &&
      Number.isFinite(y)
    ) {
      throw floatOverflow(true)
    }
    out[row] = result
  }
  return makeNumberVector(type, out, validity)
}

function decimalAt(vector: NumericVector, row: number): Decimal {
  return { unscaled: vector.unscaled[row]!, scale: vector.scales[row]! }
}

const decimalOps: Readonly<Record<NumberOp, (a: Decimal, b: Decimal) => Decimal>> = {
  add: decimalAdd,
  subtract: decimalSubtract,
  multiply: decimalMultiply,
  divide: decimalDivide,
  modulo: decimalModulo,
}

function numericKernel(op: NumberOp, call: KernelCall): Vector {
  const left = numericArg(call, 0)
  const right = numericArg(call, 1)
  const { length } = call
  const validity = combineValidity(length, left, right)
  const unscaled = new Array<bigint>(length).fill(0n)
  const scales = new Uint16Array(length)
  const apply = decimalOps[op]
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const result = apply(decimalAt(left, row), decimalAt(right, row))
    unscaled[row] = result.unscaled
    scales[row] = result.scale
  }
  return makeNumericVector(call.type, unscaled, scales, validity)
}

function binaryArithmetic(op: NumberOp): Kernel {
  return (call) => {
    if (call.type === 'numeric') return numericKernel(op, call)
    if (isFloat(call.type)) return floatKernel(op, call)
    return integerKernel(op, call)
  }
}

/** Applies a per-row function to a unary number or numeric argument. */
function unaryKernel(
  onNumber: (x: number, type: SqlType) => number,
  onDecimal: (d: Decimal) => Decimal,
): Kernel {
  return (call) => {
    const arg = argAt(call, 0)
    const { length, type } = call
    if (arg.kind === 'numeric') {
      const unscaled = new Array<bigint>(length).fill(0n)
      const scales = new Uint16Array(length)
      for (let row = 0; row < length; row++) {
        if (arg.validity !== null && arg.validity[row] === 0) continue
        const result = onDecimal(decimalAt(arg, row))
        unscaled[row] = result.unscaled
        scales[row] = result.scale
      }
      return makeNumericVector(type, unscaled, scales, arg.validity)
    }
    assert(arg.kind === 'number', 'unary operand is not a number vector')
    const out = new Float64Array(length)
    for (let row = 0; row < length; row++) {
      if (arg.validity !== null && arg.validity[row] === 0) continue
      out[row] = onNumber(arg.values[row]!, type)
    }
    return makeNumberVector(type, out, arg.validity)
  }
}

function checkedInteger(result: number, type: SqlType): number {
  if (isFloat(type)) return result
  const { min, max } = integerBounds(type)
  if (!(result >= min && result <= max)) throw integerOutOfRange(type)
  return result === 0 ? 0 : result
}

/** round(numeric, int): the scale argument is an int4 vector. */
const roundNumericToScale: Kernel = (call) => {
  const arg = numericArg(call, 0)
  const digits = numberArg(call, 1)
  const { length } = call
  const validity = combineValidity(length, arg, digits)
  const unscaled = new Array<bigint>(length).fill(0n)
  const scales = new Uint16Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const result = decimalRound(decimalAt(arg, row), digits.values[row]!)
    unscaled[row] = result.unscaled
    scales[row] = result.scale
  }
  return makeNumericVector(call.type, unscaled, scales, validity)
}

/** round(float8) rounds half to even (PostgreSQL's dround is rint); round(numeric) half away. */
const roundKernel: Kernel = (call) => {
  if (call.args.length === 2) return roundNumericToScale(call)
  return unaryKernel(
    (x) => roundHalfEven(x),
    (d) => decimalRound(d, 0),
  )(call)
}

export const arithmeticKernels: Readonly<Record<string, Kernel>> = {
  add: binaryArithmetic('add'),
  subtract: binaryArithmetic('subtract'),
  multiply: binaryArithmetic('multiply'),
  divide: binaryArithmetic('divide'),
  modulo: binaryArithmetic('modulo'),
  negate: unaryKernel((x, type) => checkedInteger(-x, type), decimalNegate),
  abs: unaryKernel((x, type) => checkedInteger(Math.abs(x), type), decimalAbs),
  round: roundKernel,
}
