// The per-batch token filter of a text column: one Bloom filter that holds two kinds of key,
//
//   * each distinct whole value (its exact UTF-8 bytes), for `col = 'literal'` and IN;
//   * each distinct byte trigram of each value with ASCII letters folded to lowercase, for
//     LIKE / ILIKE '%phrase%' and regular expressions with a required literal.
//
// A reader asks "may this batch hold the value / every one of these trigrams?" and skips the
// batch on "no". There are no false negatives: a value or trigram that was added always
// answers "maybe". Folding ASCII only keeps trigrams of a case-sensitive literal valid (the
// value holds the literal's bytes, so the folded value holds the folded literal); for
// case-insensitive matching a non-ASCII value is also added in the lowercase forms the
// kernels compare (per-character toLowerCase, and of toUpperCase for regex case folding), and
// probes use only trigrams of three ASCII bytes (see trigramsOf).
//
// Sizing: BitsPerKey bits per distinct key and HashCount probes, which gives a false-positive
// rate of (1 - e^(-7/10))^7 ≈ 0.8 % per key (measured in token-filter.test.ts).
//
// The value index (format 4): for an id-like column (many distinct short values in the batch,
// e.g. a trace id) the whole values go instead into a sorted array of their 32-bit hashes,
// probed by binary search. 0.8 % per batch is about ten false batches of a 10M-event needle
// search; the array's rate is distinct/2^32 per batch, about one false batch in 500 needles.
// It costs 4 bytes per distinct value instead of the Bloom filter's 1.25.
import { assert } from '../../common/index.js'

export const BitsPerKey = 10
export const HashCount = 7
/** Distinct values a batch's column needs before its values go into a value index. */
export const ValueIndexDistinctMin = 1024
/** Longest mean value (bytes) of a column with a value index: ids, not free text. */
export const ValueIndexMeanBytesMax = 64

/** A filter as stored: `bits` (a multiple of 8 bytes) probed with `hashes` hash functions. */
export interface TokenFilter {
  readonly bits: Uint8Array
  readonly hashes: number
  /** The value index: sorted distinct value hashes; when present, `bits` holds no values. */
  readonly values?: Uint32Array
}

function mix32(value: number): number {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The first hash of a value's bytes (FNV-1a, then mixed). */
export function valueHash(data: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193)
  return mix32(h ^ (end - start))
}

/** The first hash of a trigram code (three bytes, big-endian, in 24 bits). */
export function trigramHash(code: number): number {
  return mix32(Math.imul(code, 0x9e3779b1) ^ 0x2545f491)
}

function setKey(bits: Uint8Array, bitCount: number, hashes: number, first: number): void {
  const second = mix32(first ^ 0x7f4a7c15) | 1
  for (let i = 0; i < hashes; i++) {
    const bit = ((first + Math.imul(i, second)) >>> 0) % bitCount
    bits[bit >>> 3]! |= 1 << (bit & 7)
  }
}

function hasKey(filter: TokenFilter, first: number): boolean {
  const bitCount = filter.bits.length * 8
  const second = mix32(first ^ 0x7f4a7c15) | 1
  for (let i = 0; i < filter.hashes; i++) {
    const bit = ((first + Math.imul(i, second)) >>> 0) % bitCount
    if ((filter.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false
  }
  return true
}

/** Whether sorted `values` holds `hash` (binary search). */
function sortedHas(values: Uint32Array, hash: number): boolean {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (values[middle]! < hash) low = middle + 1
    else high = middle
  }
  return values[low] === hash
}

/** False only when the batch holds no value equal to `bytes`. */
export function mayContainValue(filter: TokenFilter, bytes: Uint8Array): boolean {
  const hash = valueHash(bytes, 0, bytes.length)
  return filter.values === undefined ? hasKey(filter, hash) : sortedHas(filter.values, hash)
}

/** False only when some trigram of `codes` occurs in no value of the batch. */
export function mayContainTrigrams(filter: TokenFilter, codes: readonly number[]): boolean {
  for (const code of codes) if (!hasKey(filter, trigramHash(code))) return false
  return true
}

const foldAscii = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte)

/**
 * The distinct trigram codes of `bytes` with ASCII letters folded; with `asciiOnly`, only
 * trigrams of three ASCII bytes (the ones case-insensitive probes may use).
 */
export function trigramsOf(bytes: Uint8Array, asciiOnly: boolean): number[] {
  const codes = new Set<number>()
  for (let i = 0; i + 3 <= bytes.length; i++) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1]!, bytes[i + 2]!]
    if (asciiOnly && (a | b | c) >= 0x80) continue
    codes.add((foldAscii(a) << 16) | (foldAscii(b) << 8) | foldAscii(c))
  }
  return [...codes]
}

/** Lowercases one character at a time, as the ILIKE kernel does (executor mapCase). */
function lowerByCharacter(text: string): string {
  let out = ''
  for (const character of text) {
    const mapped = character.toLowerCase()
    out += mapped.length === character.length ? mapped : character
  }
  return out
}

function upperByCharacter(text: string): string {
  let out = ''
  for (const character of text) {
    const mapped = character.toUpperCase()
    out += mapped.length === character.length ? mapped : character
  }
  return out
}

// A 2^24-bit scratch set of trigram codes seen in the current batch, cleared through `touched`.
const seen = new Uint8Array(1 << 21)
let touched = new Int32Array(1 << 16)
const decoder = new TextDecoder()
const encoder = new TextEncoder()
/** Each byte with ASCII letters folded to lowercase. */
const foldTable = Uint8Array.from({ length: 256 }, (_, byte) => foldAscii(byte))

/** Bytes OR-ed together by the last collectTrigrams call (>= 0x80: the value is not ASCII). */
let lastByteUnion = 0
/** valueHash of the bytes the last collectTrigrams call scanned. */
let lastValueHash = 0

/**
 * Collects the distinct folded trigrams of data[start, end) into `touched` from `count`, and
 * in the same pass the value's hash (lastValueHash) and byte union (lastByteUnion).
 */
function collectTrigrams(data: Uint8Array, start: number, end: number, count: number): number {
  const seenBits = seen
  const fold = foldTable
  let hash = 0x811c9dc5
  let union = 0
  let code = 0
  // The first two bytes only begin the first trigram.
  const lead = Math.min(end, start + 2)
  for (let i = start; i < lead; i++) {
    const byte = data[i]!
    hash = Math.imul(hash ^ byte, 0x01000193)
    union |= byte
    code = (code << 8) | fold[byte]!
  }
  for (let i = lead; i < end; i++) {
    const byte = data[i]!
    hash = Math.imul(hash ^ byte, 0x01000193)
    union |= byte
    code = ((code << 8) | fold[byte]!) & 0xffffff
    const slot = code >>> 3
    const mask = 1 << (code & 7)
    const bits = seenBits[slot]!
    if ((bits & mask) !== 0) continue
    seenBits[slot] = bits | mask
    if (count === touched.length) {
      const grown = new Int32Array(touched.length * 2)
      grown.set(touched)
      touched = grown
    }
    touched[count++] = code
  }
  lastValueHash = mix32(hash ^ (end - start))
  lastByteUnion = union
  return count
}

/**
 * Builds the token filter of rows [start, end) of a text column (Arrow Utf8 `offsets` into
 * `data`; `validity` one byte per row or null). NULL rows add nothing.
 */
export function buildTokenFilter(
  offsets: Int32Array,
  data: Uint8Array,
  validity: Uint8Array | null,
  start: number,
  end: number,
): TokenFilter {
  assert(start >= 0 && start <= end && end < offsets.length, 'filter rows lie inside the column')
  const values = new Set<number>()
  let count = 0
  let valueRows = 0
  let valueBytes = 0
  try {
    for (let row = start; row < end; row++) {
      if (validity !== null && validity[row] === 0) continue
      const from = offsets[row]!
      const to = offsets[row + 1]!
      count = collectTrigrams(data, from, to, count)
      values.add(lastValueHash)
      valueRows++
      valueBytes += to - from
      if (lastByteUnion < 0x80) continue
      const text = decoder.decode(data.subarray(from, to))
      for (const form of [lowerByCharacter(text), lowerByCharacter(upperByCharacter(text))]) {
        const bytes = encoder.encode(form)
        count = collectTrigrams(bytes, 0, bytes.length, count)
      }
    }
    const indexed =
      values.size >= ValueIndexDistinctMin && valueBytes <= valueRows * ValueIndexMeanBytesMax
    const keys = (indexed ? 0 : values.size) + count
    const bitCount = Math.max(64, Math.ceil((keys * BitsPerKey) / 64) * 64)
    const bits = new Uint8Array(bitCount / 8)
    if (!indexed) for (const hash of values) setKey(bits, bitCount, HashCount, hash)
    for (let i = 0; i < count; i++) setKey(bits, bitCount, HashCount, trigramHash(touched[i]!))
    if (!indexed) return { bits, hashes: HashCount }
    return { bits, hashes: HashCount, values: Uint32Array.from(values).sort() }
  } finally {
    for (let i = 0; i < count; i++) {
      const code = touched[i]!
      seen[code >>> 3] = 0
    }
  }
}
