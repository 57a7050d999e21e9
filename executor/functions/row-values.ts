// Row-wise helpers for kernels whose work per row is string work (substring, lpad, regex):
// arguments are read as JS values, constants decoded once per batch, and results appended
// to a builder. Strict functions skip rows where any argument is NULL.
import { type SqlType, type Vector } from '../../common/index.js'
import { decimalAt, makeBoolVector, makeNumberVector, textAt } from '../expr/vector-builders.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import { decimalToNumber } from '../decimal.js'
import { argAt, combineValidity, type KernelCall } from './kernel.js'

/** Reads argument `index` as strings; a constant argument is decoded once. */
export function stringReader(call: KernelCall, index: number): (row: number) => string {
  const vector = argAt(call, index)
  if (vector.kind !== 'text') throw new Error('kernel argument is not a text vector')
  if (call.constantArgs[index] === true && call.length > 0) {
    const value = textAt(vector, 0)
    return () => value
  }
  return (row) => textAt(vector, row)
}

/** Reads argument `index` as numbers (numeric as the nearest double). */
export function numberReader(call: KernelCall, index: number): (row: number) => number {
  const vector = argAt(call, index)
  if (vector.kind === 'number') return (row) => vector.values[row]!
  if (vector.kind === 'numeric') return (row) => decimalToNumber(decimalAt(vector, row))
  throw new Error('kernel argument is not a number vector')
}

/** Validity over all arguments of a strict function. */
export function strictValidity(call: KernelCall): Uint8Array | null {
  return combineValidity(call.length, ...call.args)
}

/** A text result computed per row; `compute` returns null for a NULL result. */
export function textRows(
  call: KernelCall,
  compute: (row: number) => string | null,
  validity: Uint8Array | null = strictValidity(call),
): Vector {
  const builder = new TextVectorBuilder(call.type, call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const value = compute(row)
    if (value === null) builder.appendNull()
    else builder.appendString(value)
  }
  return builder.finish()
}

/** A number result computed per row (NULL rows stay 0 under the validity). */
export function numberRows(call: KernelCall, compute: (row: number) => number): Vector {
  const validity = strictValidity(call)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out[row] = compute(row)
  }
  return makeNumberVector(call.type, out, validity)
}

/** A bool result computed per row. */
export function boolRows(call: KernelCall, compute: (row: number) => boolean): Vector {
  const validity = strictValidity(call)
  const out = new Uint8Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    out[row] = compute(row) ? 1 : 0
  }
  return makeBoolVector(call.type as SqlType, out, validity)
}

const surrogate = /[\uD800-\uDFFF]/

/** The string's code points when it has non-BMP characters, else the string itself. */
export function codePoints(text: string): string | string[] {
  return surrogate.test(text) ? Array.from(text) : text
}

/** Characters (code points) of `text`. */
export function characterCount(text: string): number {
  return surrogate.test(text) ? Array.from(text).length : text.length
}

/** Characters [from, to) of `text` by code point, clamped to the string. */
export function characterSlice(text: string, from: number, to: number): string {
  const chars = codePoints(text)
  const start = Math.max(0, from)
  const end = Math.min(chars.length, to)
  if (end <= start) return ''
  return typeof chars === 'string' ? chars.slice(start, end) : chars.slice(start, end).join('')
}
