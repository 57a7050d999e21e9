// `->` and `->>` without building a tree: a jsonb value is already normalized text, so a field
// or element is a byte range of its UTF-8 text, found by skipping over the other values
// (strings, nested brackets) in one pass. The range is itself normalized jsonb, so `->`
// copies it and `->>` copies a string's contents (unescaping only when it holds a backslash).
// This is the hot path of `attributes->'http'->>'method'`; json-value.ts parses for the rest.

const quote = 0x22
const backslash = 0x5c

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

function skipSpace(data: Uint8Array, at: number, end: number): number {
  while (at < end && isSpace(data[at]!)) at++
  return at
}

/** Index just past the string starting at `at` (its opening quote). */
function skipString(data: Uint8Array, at: number, end: number): number {
  at++
  while (at < end) {
    const c = data[at]!
    if (c === backslash) at += 2
    else if (c === quote) return at + 1
    else at++
  }
  return end
}

/** Index just past the value starting at `at`. */
function skipValue(data: Uint8Array, at: number, end: number): number {
  const first = data[at]!
  if (first === quote) return skipString(data, at, end)
  if (first !== 0x7b && first !== 0x5b) {
    while (at < end) {
      const c = data[at]!
      if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) return at
      at++
    }
    return end
  }
  let depth = 0
  while (at < end) {
    const c = data[at]!
    if (c === quote) {
      at = skipString(data, at, end)
      continue
    }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth === 0) return at + 1
    }
    at++
  }
  return end
}

/** True when the string token [start, end) (quotes included) spells `key` with no escapes. */
function keyEquals(data: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start - 2 !== key.length) return false
  for (let i = 0; i < key.length; i++) if (data[start + 1 + i] !== key[i]) return false
  return true
}

/** A value's byte range, or -1 in `out[0]` when there is none. */
export type Range = Int32Array

/**
 * Finds field `key` (UTF-8, as written without escapes) of the object in [start, end);
 * out = [valueStart, valueEnd], or [-1, -1] when the text is no object or lacks the key.
 * Returns false when a key holds an escape, so the caller must parse instead.
 */
export function scanField(
  data: Uint8Array,
  start: number,
  end: number,
  key: Uint8Array,
  out: Range,
): boolean {
  out[0] = -1
  out[1] = -1
  let at = skipSpace(data, start, end)
  if (data[at] !== 0x7b) return true
  at = skipSpace(data, at + 1, end)
  while (at < end && data[at] === quote) {
    const keyEnd = skipString(data, at, end)
    let escaped = false
    for (let i = at + 1; i < keyEnd - 1; i++) if (data[i] === backslash) escaped = true
    if (escaped) return false
    const match = keyEquals(data, at, keyEnd, key)
    at = skipSpace(data, keyEnd, end)
    at = skipSpace(data, at + 1, end) // past ':'
    const valueEnd = skipValue(data, at, end)
    if (match) {
      out[0] = at
      out[1] = valueEnd
      return true
    }
    at = skipSpace(data, valueEnd, end)
    if (data[at] !== 0x2c) return true
    at = skipSpace(data, at + 1, end)
  }
  return true
}

/**
 * Finds element `index` (negative counts from the end) of the array in [start, end); a
 * scalar is a one-element array, as jsonb stores a raw scalar. out as scanField's.
 */
export function scanElement(
  data: Uint8Array,
  start: number,
  end: number,
  index: number,
  out: Range,
): void {
  out[0] = -1
  out[1] = -1
  let at = skipSpace(data, start, end)
  const first = data[at]
  if (first === 0x7b) return
  if (first !== 0x5b) {
    if (index === 0 || index === -1) {
      out[0] = at
      out[1] = skipValue(data, at, end)
    }
    return
  }
  const starts: number[] = []
  const ends: number[] = []
  at = skipSpace(data, at + 1, end)
  while (at < end && data[at] !== 0x5d) {
    const valueEnd = skipValue(data, at, end)
    starts.push(at)
    ends.push(valueEnd)
    if (index >= 0 && starts.length > index) break
    at = skipSpace(data, valueEnd, end)
    if (data[at] === 0x2c) at = skipSpace(data, at + 1, end)
  }
  const position = index < 0 ? starts.length + index : index
  if (position < 0 || position >= starts.length) return
  out[0] = starts[position]!
  out[1] = ends[position]!
}

/** What a found range holds, for `->>`: a string, JSON null, or anything else (copied). */
export function rangeKind(data: Uint8Array, start: number): 'string' | 'null' | 'other' {
  const c = data[start]
  if (c === quote) return 'string'
  if (c === 0x6e) return 'null'
  return 'other'
}

/** True when the string token [start, end) holds a backslash escape. */
export function hasEscape(data: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (data[i] === backslash) return true
  return false
}

const scanEncoder = new TextEncoder()
const scanDecoder = new TextDecoder()

/**
 * `doc @> wanted` for a wanted object, read straight from the document's bytes: each wanted
 * key is scanned for; nested objects recurse, strings/booleans/null compare their normalized
 * bytes, and anything else (numbers, arrays) is handed to `slow` with the value's text.
 * Returns undefined when the document is not an object here (the caller parses instead).
 */
export function scanContains(
  data: Uint8Array,
  start: number,
  end: number,
  wanted: ScanPattern,
  slow: (text: string, wanted: unknown) => boolean,
): boolean {
  const range = new Int32Array(2)
  for (const [key, value] of wanted.fields) {
    if (!scanField(data, start, end, key, range))
      return slow(scanDecoder.decode(data.subarray(start, end)), wanted.source)
    const [from, to] = [range[0]!, range[1]!]
    if (from < 0) return false
    if (value instanceof Uint8Array) {
      if (to - from !== value.length) return false
      for (let i = 0; i < value.length; i++) if (data[from + i] !== value[i]) return false
    } else if (value.kind === 'object') {
      if (data[from] !== 0x7b || !scanContains(data, from, to, value, slow)) return false
    } else if (!slow(scanDecoder.decode(data.subarray(from, to)), value.source)) return false
  }
  return true
}

/** A wanted object prepared for scanContains (keys as UTF-8, simple values as their bytes). */
export interface ScanPattern {
  readonly kind: 'object' | 'other'
  readonly fields: readonly (readonly [Uint8Array, Uint8Array | ScanPattern])[]
  /** The parsed value, for the slow path. */
  readonly source: unknown
}

/** Prepares `wanted` (an object's keys and serialized values) for scanContains. */
export function scanPattern(
  keys: readonly string[],
  values: readonly unknown[],
  serialize: (value: unknown) => string,
  classify: (value: unknown) => 'object' | 'simple' | 'other',
  childKeys: (value: unknown) => [readonly string[], readonly unknown[]],
  source: unknown,
): ScanPattern {
  const fields = keys.map((key, i): readonly [Uint8Array, Uint8Array | ScanPattern] => {
    const value = values[i]
    const kind = classify(value)
    if (kind === 'simple') return [scanEncoder.encode(key), scanEncoder.encode(serialize(value))]
    if (kind === 'object') {
      const [k, v] = childKeys(value)
      return [scanEncoder.encode(key), scanPattern(k, v, serialize, classify, childKeys, value)]
    }
    return [scanEncoder.encode(key), { kind: 'other', fields: [], source: value }]
  })
  return { kind: 'object', fields, source }
}
