// Array vectors (common/vector.ts, Arrow List layout) to and from PostgreSQL's array text.
// A constant array travels in plans as its text (`{1,2,NULL}`, timestamptz elements in UTC so
// the text means the same in every session), as intervals do. Parsing collects every row's
// element texts into one text child and runs the element type's input function over it once.
import {
  assert,
  elementTypeOf,
  isArrayType,
  takeVector,
  type ArraySqlType,
  type ArrayVector,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { castVector } from '../cast/cast-vector.js'
import { formatArrayElements, parseArrayText } from '../format/array-text.js'
import { formatValueText, type TextOutputOptions } from '../format/text-output.js'
import type { RegNames } from '../functions/reg-names.js'
import { makeTextVector, textAt } from './vector-builders.js'

const utcOutput: TextOutputOptions = { timeZone: 'UTC' }

/** Builds an array vector from texts (null for a NULL array) by the element's input function. */
export function arrayVectorFromTexts(
  type: ArraySqlType,
  texts: readonly (string | null)[],
  timeZone = 'UTC',
  regNames?: RegNames,
): ArrayVector {
  const offsets = new Int32Array(texts.length + 1)
  let validity: Uint8Array | null = null
  const elements: (string | null)[] = []
  texts.forEach((text, row) => {
    if (text === null) {
      validity ??= new Uint8Array(texts.length).fill(1)
      validity[row] = 0
    } else for (const element of parseArrayText(text)) elements.push(element)
    offsets[row + 1] = elements.length
  })
  const child = castVector(makeTextVector('text', elements), elementTypeOf(type), {
    timeZone,
    ...(regNames === undefined ? {} : { regNames }),
  })
  return { kind: 'array', type, length: texts.length, validity, offsets, child }
}

/** Casts a text vector holding array literals to the array type `to`. */
export function textVectorToArray(
  vector: TextVector,
  to: ArraySqlType,
  timeZone: string,
  regNames?: RegNames,
): ArrayVector {
  const texts: (string | null)[] = new Array<string | null>(vector.length)
  for (let row = 0; row < vector.length; row++)
    texts[row] = vector.validity !== null && vector.validity[row] === 0 ? null : textAt(vector, row)
  return arrayVectorFromTexts(to, texts, timeZone, regNames)
}

/** Casts each element of an array vector to `to`'s element type. */
export function castArrayElements(
  vector: ArrayVector,
  to: ArraySqlType,
  timeZone: string,
  regNames?: RegNames,
): ArrayVector {
  const child = castVector(vector.child, elementTypeOf(to), {
    timeZone,
    ...(regNames === undefined ? {} : { regNames }),
  })
  return { ...vector, type: to, child }
}

/** Row `row` of an array vector as PostgreSQL's array text (the row must not be NULL). */
export function arrayTextAt(vector: ArrayVector, row: number, options: TextOutputOptions): string {
  const from = vector.offsets[row]!
  const to = vector.offsets[row + 1]!
  const elements: (string | null)[] = new Array<string | null>(to - from)
  for (let k = from; k < to; k++) elements[k - from] = formatValueText(vector.child, k, options)
  return formatArrayElements(elements)
}

/** Row `row` as a plan constant: its array text with timestamptz elements in UTC. */
export function arrayScalarAt(vector: ArrayVector, row: number): string {
  return arrayTextAt(vector, row, utcOutput)
}

/** A vector holding the array `text` in each of `length` rows. */
export function constantArrayVector(type: SqlType, text: string, length: number): ArrayVector {
  assert(isArrayType(type), 'array constant of an array type')
  const one = arrayVectorFromTexts(type, [text])
  const size = one.offsets[1]!
  const offsets = new Int32Array(length + 1)
  const childRows = new Int32Array(size * length)
  for (let row = 0; row < length; row++) {
    offsets[row + 1] = (row + 1) * size
    for (let k = 0; k < size; k++) childRows[row * size + k] = k
  }
  return { ...one, length, offsets, child: takeChild(one.child, childRows) }
}

function takeChild(child: Vector, rows: Int32Array): Vector {
  return rows.length === child.length && rows.every((r, i) => r === i)
    ? child
    : takeVector(child, rows)
}
