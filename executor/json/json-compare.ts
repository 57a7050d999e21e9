// jsonb's btree order (PostgreSQL 15's compareJsonbContainers): by type first, null < string
// < number < boolean < array < object; arrays with more elements and objects with more pairs
// are greater; then element by element, or key, value, key, value in storage order. A
// top-level scalar is a one-element "raw scalar" array that sorts before a real array of
// the same length. Strings compare by code point (the C collation Malamute has).
import { decimalCompare, decimalParse } from '../decimal.js'
import { JsonNumber, JsonObject, parseJson, type JsonValue } from './json-value.js'

interface RawScalar {
  readonly raw: JsonValue
}

type Comparable = JsonValue | RawScalar

function rank(value: Comparable): number {
  if (value === null) return 0
  if (typeof value === 'string') return 1
  if (value instanceof JsonNumber) return 2
  if (typeof value === 'boolean') return 3
  if (value instanceof JsonObject) return 17
  return 16 // arrays and raw scalars
}

function isRaw(value: Comparable): value is RawScalar {
  return value !== null && typeof value === 'object' && 'raw' in value
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  // UTF-16 order equals code point order except around surrogates; compare points then.
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!
    const y = b.codePointAt(i)!
    if (x !== y) return x < y ? -1 : 1
    if (x > 0xffff) i++
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

function compareValues(a: Comparable, b: Comparable): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra > rb ? 1 : -1
  if (ra === 16) {
    const aItems = isRaw(a) ? [a.raw] : (a as JsonValue[])
    const bItems = isRaw(b) ? [b.raw] : (b as JsonValue[])
    let result = 0
    if (isRaw(a) !== isRaw(b)) result = isRaw(a) ? -1 : 1
    if (aItems.length !== bItems.length) result = aItems.length > bItems.length ? 1 : -1
    if (result !== 0) return result
    for (let i = 0; i < aItems.length; i++) {
      const item = compareValues(aItems[i]!, bItems[i]!)
      if (item !== 0) return item
    }
    return 0
  }
  if (ra === 17) {
    const x = a as JsonObject
    const y = b as JsonObject
    if (x.keys.length !== y.keys.length) return x.keys.length > y.keys.length ? 1 : -1
    for (let i = 0; i < x.keys.length; i++) {
      const key = compareStrings(x.keys[i]!, y.keys[i]!)
      if (key !== 0) return key
      const value = compareValues(x.values[i] ?? null, y.values[i] ?? null)
      if (value !== 0) return value
    }
    return 0
  }
  if (ra === 1) return compareStrings(a as string, b as string)
  if (ra === 2)
    return decimalCompare(
      decimalParse((a as JsonNumber).text),
      decimalParse((b as JsonNumber).text),
    )
  if (ra === 3) return a === b ? 0 : a === true ? 1 : -1
  return 0
}

function topLevel(value: JsonValue): Comparable {
  return Array.isArray(value) || value instanceof JsonObject ? value : { raw: value }
}

/** Orders two parsed jsonb values as PostgreSQL's jsonb comparison operators do. */
export function compareJsonb(a: JsonValue, b: JsonValue): number {
  return compareValues(topLevel(a), topLevel(b))
}

const decoder = new TextDecoder()

/** compareJsonb over two byte ranges of jsonb text (the signature of compareBytes). */
export function compareJsonbBytes(
  aData: Uint8Array,
  aStart: number,
  aEnd: number,
  bData: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  // Comparison kernels also visit NULL rows, whose (empty) values are never used.
  if (aEnd === aStart || bEnd === bStart) return 0
  if (aEnd - aStart === bEnd - bStart) {
    let same = true
    for (let i = 0; i < aEnd - aStart && same; i++) same = aData[aStart + i] === bData[bStart + i]
    if (same) return 0
  }
  try {
    const a = parseJson(decoder.decode(aData.subarray(aStart, aEnd)))
    const b = parseJson(decoder.decode(bData.subarray(bStart, bEnd)))
    return compareJsonb(a, b)
  } catch {
    // Only bytes under a NULL can fail to parse (jsonb values are checked on input).
    return 0
  }
}
