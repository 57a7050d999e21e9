// Text to typed vectors: one input-function call per present row.
import {
  makeBoolVector,
  makeNumberVector,
  makeNumericVector,
  textAt,
  TextVectorBuilder,
} from '../expr/vector-builders.js'
import {
  PgError,
  SqlState,
  SqlTypes,
  isRegType,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { decimalParse } from '../decimal.js'
import { parseByteaText } from '../functions/bytea.js'
import { noRegNames, regInputOid, type RegNames } from '../functions/reg-names.js'
import { IntervalColumnsBuilder } from '../interval/interval-layout.js'
import { parseInterval } from '../interval/interval-text.js'
import { parseBoolText, parseDateTimeText, parseFloatText, parseIntegerText } from './parse-text.js'

function parserFor(
  to: SqlType,
  timeZone: string,
  regNames: RegNames,
): ((text: string) => number) | null {
  switch (to) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return (text) => parseIntegerText(text, to)
    case 'float4':
      return (text) => parseFloatText(text, true)
    case 'float8':
      return (text) => parseFloatText(text, false)
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return (text) => parseDateTimeText(text, to, timeZone)
    default:
      return isRegType(to) ? (text) => regInputOid(to, text, regNames) : null
  }
}

/** Runs `to`'s input function over each present row of a text vector. */
export function castTextVector(
  vector: TextVector,
  to: SqlType,
  timeZone: string,
  regNames: RegNames = noRegNames,
): Vector {
  const { length, validity } = vector
  const present = (row: number): boolean => validity === null || validity[row] === 1
  if (to === 'bool') {
    const out = new Uint8Array(length)
    for (let row = 0; row < length; row++)
      if (present(row)) out[row] = parseBoolText(textAt(vector, row)) ? 1 : 0
    return makeBoolVector(to, out, validity)
  }
  if (to === 'interval') {
    const out = new IntervalColumnsBuilder(length, validity)
    for (let row = 0; row < length; row++)
      if (present(row)) out.set(row, parseInterval(textAt(vector, row)))
    return out.finish(to)
  }
  if (to === 'bytea') {
    const builder = new TextVectorBuilder(to, length)
    for (let row = 0; row < length; row++) {
      if (!present(row)) {
        builder.appendNull()
        continue
      }
      const bytes = parseByteaText(textAt(vector, row))
      builder.appendBytes(bytes, 0, bytes.length)
    }
    return builder.finish()
  }
  if (to === 'numeric') {
    const unscaled = new Array<bigint>(length).fill(0n)
    const scales = new Uint16Array(length)
    for (let row = 0; row < length; row++) {
      if (!present(row)) continue
      const decimal = decimalParse(textAt(vector, row))
      unscaled[row] = decimal.unscaled
      scales[row] = decimal.scale
    }
    return makeNumericVector(to, unscaled, scales, validity)
  }
  const parse = parserFor(to, timeZone, regNames)
  if (parse === null) {
    throw new PgError({
      code: SqlState.cannotCoerce,
      message: `cannot cast type ${SqlTypes[vector.type].displayName} to ${SqlTypes[to].displayName}`,
    })
  }
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) if (present(row)) out[row] = parse(textAt(vector, row))
  return makeNumberVector(to, out, validity)
}
