// PostgreSQL 15's trigonometric functions (float.c): sin, cos, tan, cot, asin, acos, atan,
// atan2 over radians, and the degree forms sind … atan2d, which reduce the angle to the first
// quadrant and scale by values computed the same way so that sind(30) is exactly 0.5.
import { PgError, SqlState } from '../../common/index.js'
import { makeNumberVector } from '../expr/vector-builders.js'
import { combineValidity, numberArg, type Kernel } from './kernel.js'
import {
  preciseAcos,
  preciseAsin,
  preciseAtan,
  preciseAtan2,
  preciseCos,
  preciseSin,
  preciseTan,
} from './precise-trig.js'
import { fastAcos, fastAsin, fastAtan, fastAtan2, fastCos, fastSin, fastTan } from './dd-trig.js'

/** The double-double value when it decides the rounding, else the bigint one. */
const either =
  (fast: (x: number) => number, precise: (x: number) => number) =>
  (x: number): number => {
    const value = fast(x)
    return value === value ? value : precise(x)
  }

// The C library's functions, correctly rounded (dd-trig.ts, precise-trig.ts).
const libm = {
  sin: either(fastSin, preciseSin),
  cos: either(fastCos, preciseCos),
  tan: either(fastTan, preciseTan),
  asin: either(fastAsin, preciseAsin),
  acos: either(fastAcos, preciseAcos),
  atan: either(fastAtan, preciseAtan),
  atan2: (y: number, x: number): number => {
    const value = fastAtan2(y, x)
    return value === value ? value : preciseAtan2(y, x)
  },
}

/** float.c's RADIANS_PER_DEGREE. */
const radiansPerDegree = 0.0174532925199432957692

function outOfRange(): PgError {
  return new PgError({ code: SqlState.numericValueOutOfRange, message: 'input is out of range' })
}

function overflowChecked(result: number): number {
  if (result === Infinity || result === -Infinity) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: 'value out of range: overflow',
    })
  }
  return result
}

/** A float8 → float8 kernel looping over the present rows. */
function unary(fn: (x: number) => number): Kernel {
  return (call) => {
    const arg = numberArg(call, 0)
    const { length } = call
    const { values, validity } = arg
    const out = new Float64Array(length)
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      out[row] = fn(values[row]!)
    }
    return makeNumberVector(call.type, out, validity)
  }
}

function binary(fn: (y: number, x: number) => number): Kernel {
  return (call) => {
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
}

/** sin/cos/tan reject infinities; asin/acos reject |x| > 1 (NaN passes through). */
function periodic(fn: (x: number) => number, checked = true): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x
    if (!Number.isFinite(x)) throw outOfRange()
    return checked ? overflowChecked(fn(x)) : fn(x)
  }
}

function unitDomain(fn: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x
    if (x < -1 || x > 1) throw outOfRange()
    return overflowChecked(fn(x))
  }
}

// float.c's init_degree_constants
const sin30 = libm.sin(radiansPerDegree * 30)
const oneMinusCos60 = 1 - libm.cos(radiansPerDegree * 60)
const asin05 = libm.asin(0.5)
const acos05 = libm.acos(0.5)
const atan10 = libm.atan(1)

const sind0To30 = (x: number): number => libm.sin(x * radiansPerDegree) / sin30 / 2
const cosd0To60 = (x: number): number =>
  1 - (1 - libm.cos(x * radiansPerDegree)) / oneMinusCos60 / 2
const sindQ1 = (x: number): number => (x <= 30 ? sind0To30(x) : cosd0To60(90 - x))
const cosdQ1 = (x: number): number => (x <= 60 ? cosd0To60(x) : sind0To30(90 - x))
const asindQ1 = (x: number): number =>
  x <= 0.5 ? (libm.asin(x) / asin05) * 30 : 90 - (libm.acos(x) / acos05) * 60
const acosdQ1 = (x: number): number =>
  x <= 0.5 ? 90 - (libm.asin(x) / asin05) * 30 : (libm.acos(x) / acos05) * 60
const tan45 = sindQ1(45) / cosdQ1(45)
const cot45 = cosdQ1(45) / sindQ1(45)

/** Degrees reduced to [0, 90] with the sign of an odd function (tand, cotd). */
function oddQuadrant(degrees: number, ratio: (x: number) => number): number {
  let x = degrees % 360
  let sign = 1
  if (x < 0) {
    x = -x
    sign = -sign
  }
  if (x > 180) {
    x = 360 - x
    sign = -sign
  }
  if (x > 90) {
    x = 180 - x
    sign = -sign
  }
  const result = sign * ratio(x)
  // As float.c: no overflow check (tand(90) is Infinity) and no minus zero.
  return result === 0 ? 0 : result
}

function sind(degrees: number): number {
  let x = degrees % 360
  let sign = 1
  if (x < 0) {
    x = -x
    sign = -sign
  }
  if (x > 180) {
    x = 360 - x
    sign = -sign
  }
  if (x > 90) x = 180 - x
  return overflowChecked(sign * sindQ1(x))
}

function cosd(degrees: number): number {
  let x = Math.abs(degrees % 360)
  let sign = 1
  if (x > 180) x = 360 - x
  if (x > 90) {
    x = 180 - x
    sign = -sign
  }
  return overflowChecked(sign * cosdQ1(x))
}

export const trigKernels: Readonly<Record<string, Kernel>> = {
  sin: unary(periodic(libm.sin)),
  cos: unary(periodic(libm.cos)),
  tan: unary(periodic(libm.tan, false)),
  cot: unary(periodic((x) => 1 / libm.tan(x), false)),
  asin: unary(unitDomain(libm.asin)),
  acos: unary(unitDomain(libm.acos)),
  atan: unary((x) => libm.atan(x)),
  atan2: binary((y, x) => libm.atan2(y, x)),
  sind: unary(periodic(sind)),
  cosd: unary(periodic(cosd)),
  tand: unary(periodic((x) => oddQuadrant(x, (q) => sindQ1(q) / cosdQ1(q) / tan45), false)),
  cotd: unary(periodic((x) => oddQuadrant(x, (q) => cosdQ1(q) / sindQ1(q) / cot45), false)),
  asind: unary(unitDomain((x) => (x >= 0 ? asindQ1(x) : -asindQ1(-x)))),
  acosd: unary(unitDomain((x) => (x >= 0 ? acosdQ1(x) : 90 + asindQ1(-x)))),
  atand: unary((x) => (libm.atan(x) / atan10) * 45),
  atan2d: binary((y, x) => (libm.atan2(y, x) / atan10) * 45),
}
