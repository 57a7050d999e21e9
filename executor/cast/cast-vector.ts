// Casts a vector to another SQL type with PostgreSQL's conversion rules and errors: float
// to integer rounds half to even (rint), numeric to integer half away from zero, text goes
// through the target's input function, anything to text through its output function.
import { castArrayElements, textVectorToArray } from '../expr/array-values.js'
import {
  isArrayType,
  isRegType,
  isTextLike,
  PgError,
  SqlState,
  SqlTypes,
  vectorKindOf,
  type BoolVector,
  type NumberVector,
  type NumericVector,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import {
  decimalFromFloat4,
  decimalFromFloat8,
  decimalFromNumber,
  decimalToInteger,
  decimalToNumber,
} from '../decimal.js'
import {
  makeBoolVector,
  makeNumberVector,
  makeNumericVector,
  TextVectorBuilder,
  withType,
} from '../expr/vector-builders.js'
import { formatValueText } from '../format/text-output.js'
import {
  isUtcZone,
  localToUtcMicros,
  microsPerDay,
  microsPerSecond,
  zoneOffsetSeconds,
} from '../format/time-zone.js'
import { castTextVector } from './cast-text.js'
import type { RegNames } from '../functions/reg-names.js'
import { castJsonbToScalar, castTextToJson } from '../json/json-casts.js'
import { integerBounds, integerOutOfRange } from './parse-text.js'
import { castDdsketchVector } from '../sketch/ddsketch-cast.js'

export interface CastOptions {
  readonly timeZone: string
  /** The names reg types read (text to regclass & co.); none when absent. */
  readonly regNames?: RegNames
}

function cannotCast(from: SqlType, to: SqlType): PgError {
  return new PgError({
    code: SqlState.cannotCoerce,
    message: `cannot cast type ${SqlTypes[from].displayName} to ${SqlTypes[to].displayName}`,
  })
}

const isIntegerType = (type: SqlType): boolean =>
  type === 'int2' || type === 'int4' || type === 'int8' || type === 'oid'
const isFloatType = (type: SqlType): boolean => type === 'float4' || type === 'float8'
const isDateTimeType = (type: SqlType): boolean =>
  type === 'timestamptz' || type === 'timestamp' || type === 'date'

/** Rounds half to even, as C's rint() in PostgreSQL's float-to-integer casts. */
export function roundHalfEven(x: number): number {
  const rounded = Math.round(x)
  return rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded
}

function isPresent(validity: Uint8Array | null, row: number): boolean {
  return validity === null || validity[row] === 1
}

function numberToInteger(vector: NumberVector, to: SqlType): NumberVector {
  const { min, max } = integerBounds(to)
  const fromFloat = isFloatType(vector.type)
  const out = new Float64Array(vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (!isPresent(vector.validity, row)) continue
    const value = fromFloat ? roundHalfEven(vector.values[row]!) : vector.values[row]!
    if (!(value >= min && value <= max)) throw integerOutOfRange(to)
    out[row] = value === 0 ? 0 : value
  }
  return makeNumberVector(to, out, vector.validity)
}

function numberToFloat(vector: NumberVector, to: SqlType): NumberVector {
  if (to === 'float8') return makeNumberVector(to, vector.values, vector.validity)
  const out = new Float64Array(vector.length)
  for (let row = 0; row < vector.length; row++) {
    const value = Math.fround(vector.values[row]!)
    if (
      !Number.isFinite(value) &&
      Number.isFinite(vector.values[row]!) &&
      isPresent(vector.validity, row)
    ) {
      throw floatOverflow()
    }
    out[row] = value
  }
  return makeNumberVector(to, out, vector.validity)
}

function numberToNumeric(vector: NumberVector, to: SqlType): NumericVector {
  const unscaled = new Array<bigint>(vector.length).fill(0n)
  const scales = new Uint16Array(vector.length)
  const convert =
    vector.type === 'float8'
      ? decimalFromFloat8
      : vector.type === 'float4'
        ? decimalFromFloat4
        : decimalFromNumber
  for (let row = 0; row < vector.length; row++) {
    if (!isPresent(vector.validity, row)) continue
    const decimal = convert(vector.values[row]!)
    unscaled[row] = decimal.unscaled
    scales[row] = decimal.scale
  }
  return makeNumericVector(to, unscaled, scales, vector.validity)
}

/** PostgreSQL's float4/float8 overflow error. */
function floatOverflow(): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: 'value out of range: overflow',
  })
}

function numericToNumber(vector: NumericVector, to: SqlType): NumberVector {
  const out = new Float64Array(vector.length)
  const { min, max } = integerBounds(to)
  for (let row = 0; row < vector.length; row++) {
    if (!isPresent(vector.validity, row)) continue
    const decimal = { unscaled: vector.unscaled[row]!, scale: vector.scales[row]! }
    if (isIntegerType(to)) {
      const integer = decimalToInteger(decimal)
      if (integer < BigInt(min) || integer > BigInt(max)) throw integerOutOfRange(to)
      out[row] = Number(integer)
    } else {
      const value =
        to === 'float4' ? Math.fround(decimalToNumber(decimal)) : decimalToNumber(decimal)
      if (!Number.isFinite(value)) throw floatOverflow()
      out[row] = value
    }
  }
  return makeNumberVector(to, out, vector.validity)
}

/** Converts between date, timestamp and timestamptz (the last in the session time zone). */
function dateTimeToDateTime(vector: NumberVector, to: SqlType, timeZone: string): NumberVector {
  const from = vector.type
  const out = new Float64Array(vector.length)
  const utc = isUtcZone(timeZone)
  for (let row = 0; row < vector.length; row++) {
    const value = vector.values[row]!
    if (!Number.isFinite(value) || !isPresent(vector.validity, row)) {
      out[row] = value
      continue
    }
    let wallClock = value
    if (from === 'date') wallClock = value * microsPerDay
    else if (from === 'timestamptz' && !utc)
      wallClock = value + zoneOffsetSeconds(timeZone, value) * microsPerSecond
    if (to === 'date') out[row] = Math.floor(wallClock / microsPerDay)
    else if (to === 'timestamp') out[row] = wallClock
    else if (from === 'timestamptz') out[row] = value
    else out[row] = utc ? wallClock : localToUtcMicros(timeZone, wallClock)
  }
  return makeNumberVector(to, out, vector.validity)
}

function castNumber(vector: NumberVector, to: SqlType, options: CastOptions): Vector {
  const from = vector.type
  const fromNumeric = isIntegerType(from) || isFloatType(from)
  // The oid alias types are oids: to and from oid and the integers without a conversion.
  if (isRegType(to) && (isIntegerType(from) || from === to)) return withType(vector, to)
  if (isRegType(from) && isIntegerType(to)) return numberToInteger({ ...vector, type: 'oid' }, to)
  if (to === 'bool' && isIntegerType(from)) {
    const out = new Uint8Array(vector.length)
    for (let row = 0; row < vector.length; row++) out[row] = vector.values[row]! !== 0 ? 1 : 0
    return makeBoolVector(to, out, vector.validity)
  }
  if (isIntegerType(to) && fromNumeric) return numberToInteger(vector, to)
  if (isFloatType(to) && fromNumeric) return numberToFloat(vector, to)
  if (to === 'numeric' && fromNumeric) return numberToNumeric(vector, to)
  if (isDateTimeType(to) && isDateTimeType(from))
    return dateTimeToDateTime(vector, to, options.timeZone)
  throw cannotCast(from, to)
}

function castBool(vector: BoolVector, to: SqlType): Vector {
  if (!isIntegerType(to)) throw cannotCast(vector.type, to)
  const out = new Float64Array(vector.length)
  for (let row = 0; row < vector.length; row++) out[row] = vector.values[row]!
  return makeNumberVector(to, out, vector.validity)
}

/** Casting to text: the output function (bool as true/false, as PostgreSQL's booltext). */
function castToText(vector: Vector, to: SqlType, options: CastOptions): TextVector {
  const builder = new TextVectorBuilder(to, vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (!isPresent(vector.validity, row)) {
      builder.appendNull()
    } else if (vector.kind === 'bool') {
      builder.appendString(vector.values[row] === 1 ? 'true' : 'false')
    } else {
      builder.appendString(formatValueText(vector, row, options) ?? '')
    }
  }
  return builder.finish()
}

/**
 * charin: "char" keeps the first byte of the text; bytes past ASCII print as charout does,
 * a backslash and three octal digits.
 */
function textToChar(vector: TextVector): TextVector {
  const builder = new TextVectorBuilder('char', vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (!isPresent(vector.validity, row)) {
      builder.appendNull()
      continue
    }
    const start = vector.offsets[row]!
    const byte = start < vector.offsets[row + 1]! ? vector.data[start]! : 0
    builder.appendString(
      byte === 0 ? '' : byte < 0x80 ? String.fromCharCode(byte) : `\\${byte.toString(8)}`,
    )
  }
  return builder.finish()
}

/** Casts every row of `vector` to `to`; raises PostgreSQL's errors for rows that do not convert. */
export function castVector(vector: Vector, to: SqlType, options: CastOptions): Vector {
  const from = vector.type
  if (from === to) return vector
  if (isArrayType(to)) {
    if (vector.kind === 'text' && from !== 'bytea')
      return textVectorToArray(vector, to, options.timeZone, options.regNames)
    if (vector.kind === 'array')
      return castArrayElements(vector, to, options.timeZone, options.regNames)
    throw cannotCast(from, to)
  }
  if (from === 'ddsketch' || to === 'ddsketch') return castDdsketchVector(vector, to)
  // Intervals are packed binary in the text layout: only text converts to and from them.
  if (to === 'interval' && vector.kind === 'text' && from !== 'bytea')
    return castTextVector(vector, to, options.timeZone, options.regNames)
  if (to === 'interval' || (from === 'interval' && !isTextLike(to))) throw cannotCast(from, to)
  if ((to === 'jsonb' || to === 'json') && vector.kind === 'text' && from !== 'bytea')
    return from === 'jsonb' || (from === 'json' && to === 'json')
      ? withType(vector, to)
      : castTextToJson(vector, to)
  if ((from === 'jsonb' || from === 'json') && !isTextLike(to) && vector.kind === 'text') {
    const scalar = castJsonbToScalar(vector, to)
    return scalar.type === to
      ? scalar
      : castVector(castVector(scalar, 'numeric', options), to, options)
  }
  if (to === 'char' && vector.kind === 'text' && from !== 'bytea' && from !== 'interval')
    return textToChar(vector)
  if (isTextLike(to)) {
    if (vector.kind === 'text' && from !== 'bytea' && from !== 'interval')
      return withType(vector, to)
    return castToText(vector, to, options)
  }
  if (from === 'unknown' || (vector.kind === 'text' && isTextLike(from))) {
    return castTextVector(vector as TextVector, to, options.timeZone, options.regNames)
  }
  if (vectorKindOf(to) === vector.kind && vector.kind === 'text') return withType(vector, to)
  switch (vector.kind) {
    case 'number':
      return castNumber(vector, to, options)
    case 'numeric':
      if (isIntegerType(to) || isFloatType(to)) return numericToNumber(vector, to)
      throw cannotCast(from, to)
    case 'bool':
      return castBool(vector, to)
    case 'text':
    case 'array':
      throw cannotCast(from, to)
  }
}
