// `%literal%` over a whole batch of text: one Buffer.indexOf sweep over the batch's UTF-8
// buffer (linear in the batch, not per row), each hit credited to the row it lies in.
//
// The sweep looks for an anchor, a few bytes of the literal from its byte rarest in the batch
// (counted over a sample), and checks the whole literal at each hit: Buffer.indexOf runs at
// memory speed when its needle starts with a rare byte and crawls when it starts with a common
// one ('d' of 'deadlock detected': 7x slower at 10M events). ILIKE with an ASCII literal lowers
// the batch's ASCII letters into a reused scratch buffer and sweeps that, instead of building a
// lowered vector (per row when the batch holds any non-ASCII text).

/** Bytes of a batch's text sampled to rank the literal's bytes by how common they are. */
const SampleBytes = 16 * 1024
/** Longest anchor: Buffer.indexOf scans for a short needle's first byte with memchr. */
const AnchorBytesMax = 4
const byteCounts = new Int32Array(256)
/** U+212A KELVIN SIGN: the one non-ASCII character whose lowercase is ASCII ('k'). */
const KelvinSign = Buffer.from('\u212a')

const isUpper = (byte: number): boolean => byte >= 0x41 && byte <= 0x5a

export function bytesEqualAt(data: Uint8Array, at: number, literal: Uint8Array): boolean {
  for (let k = 0; k < literal.length; k++) if (data[at + k] !== literal[k]) return false
  return true
}

/** Counts the bytes of a sample of data[from, to) into byteCounts. */
function countSample(data: Uint8Array, from: number, to: number): void {
  byteCounts.fill(0)
  const end = Math.min(to, from + SampleBytes)
  for (let i = from; i < end; i++) byteCounts[data[i]!]!++
}

/** The position in `literal` of its byte rarest by byteCounts (the first such). */
function rarestPosition(literal: Uint8Array): number {
  let best = 0
  for (let k = 1; k < literal.length; k++)
    if (byteCounts[literal[k]!]! < byteCounts[literal[best]!]!) best = k
  return best
}

/**
 * Sets out[row] = 1 for each row holding `literal`, where each hit of `anchor` (found at
 * literal offset `at`) is checked by `equalAt`.
 */
function sweep(
  data: Uint8Array,
  offsets: Int32Array,
  length: number,
  literal: Uint8Array,
  anchor: Uint8Array,
  at: number,
  out: Uint8Array,
): void {
  const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const end = offsets[length]!
  let row = 0
  let hit = haystack.indexOf(anchor, offsets[0]! + at)
  while (hit !== -1) {
    const position = hit - at
    if (position + literal.length > end) return
    if (!bytesEqualAt(data, position, literal)) {
      hit = haystack.indexOf(anchor, hit + 1)
      continue
    }
    while (offsets[row + 1]! <= position) row++
    if (position + literal.length <= offsets[row + 1]!) {
      out[row] = 1
      hit = haystack.indexOf(anchor, offsets[row + 1]! + at)
    } else {
      hit = haystack.indexOf(anchor, hit + 1)
    }
  }
}

/** Writes 1 into `out` for the rows of `vector` that hold `literal` (LIKE '%literal%'). */
export function matchContains(
  vector: { readonly data: Uint8Array; readonly offsets: Int32Array; readonly length: number },
  literal: Uint8Array,
  out: Uint8Array,
): void {
  const { data, offsets, length } = vector
  if (literal.length === 0) return void out.fill(1)
  countSample(data, offsets[0]!, offsets[length]!)
  const at = rarestPosition(literal)
  const anchor = literal.subarray(at, Math.min(literal.length, at + AnchorBytesMax))
  sweep(data, offsets, length, literal, anchor, at, out)
}

let scratch = new Uint8Array(0)

/**
 * data[from, to) with ASCII letters lowered, at the same positions of a scratch buffer (valid
 * until the next call): four bytes at a time where all four are ASCII (SWAR: a byte in
 * [0x41, 0x5b) gets its 0x20 bit set), one at a time elsewhere.
 */
function foldAscii(data: Uint8Array, from: number, to: number): Uint8Array {
  if (scratch.length < to) scratch = new Uint8Array(Math.max(to, scratch.length * 2))
  scratch.set(data.subarray(from, to), from)
  const wordFrom = (from + 3) >>> 2
  const wordTo = to >>> 2
  const words = new Uint32Array(scratch.buffer, 0, wordTo)
  const foldByte = (i: number): void => {
    const byte = scratch[i]!
    if (isUpper(byte)) scratch[i] = byte + 32
  }
  for (let i = from; i < Math.min(to, wordFrom * 4); i++) foldByte(i)
  // Bytes >= 0x41 reach 0x80 after adding 0x3f; bytes > 0x5a after adding 0x25.
  for (let w = wordFrom; w < wordTo; w++) {
    const word = words[w]!
    if ((word & 0x80808080) !== 0) {
      for (let i = w * 4; i < w * 4 + 4; i++) foldByte(i)
      continue
    }
    const upper = (word + 0x3f3f3f3f) & ~(word + 0x25252525) & 0x80808080
    words[w] = word | (upper >>> 2)
  }
  for (let i = Math.max(from, wordTo * 4); i < to; i++) foldByte(i)
  return scratch
}

/**
 * ILIKE '%literal%' for a lowercase ASCII `literal`: writes 1 into `out` for the rows whose
 * lowercase holds it, and answers true; false (out untouched) when the literal is not ASCII,
 * or names a 'k' and the batch holds a Kelvin sign (the caller then lowers the batch).
 * Non-ASCII characters of the text never take part in a match of an ASCII literal, so lowering
 * ASCII letters only (into a scratch buffer, not a new vector) is the same as lowering every
 * character.
 */
export function matchContainsFolded(
  vector: { readonly data: Uint8Array; readonly offsets: Int32Array; readonly length: number },
  literal: Uint8Array,
  out: Uint8Array,
): boolean {
  const { data, offsets, length } = vector
  if (literal.some((byte) => byte >= 0x80 || isUpper(byte))) return false
  const from = offsets[0]!
  const end = offsets[length]!
  if (literal.includes(0x6b)) {
    const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const kelvin = haystack.indexOf(KelvinSign, from)
    if (kelvin !== -1 && kelvin < end) return false
  }
  matchContains({ data: foldAscii(data, from, end), offsets, length }, literal, out)
  return true
}
