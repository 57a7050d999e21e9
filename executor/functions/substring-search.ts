// `%literal%` over a whole batch of text: one Buffer.indexOf sweep over the batch's UTF-8
// buffer (linear in the batch, not per row), each hit credited to the row it lies in.
//
// The sweep looks for an anchor, a few bytes of the literal from its byte rarest in the batch
// (counted over a sample), and checks the whole literal at each hit: Buffer.indexOf runs at
// memory speed when its needle starts with a rare byte and crawls when it starts with a common
// one ('d' of 'deadlock detected': 7x slower at 10M events). The case-folded sweep (ILIKE with
// an ASCII literal) searches the anchor's upper/lower-case variants in turn and compares with
// ASCII letters folded, instead of lowering the whole batch first.

/** Bytes of a batch's text sampled to rank the literal's bytes by how common they are. */
const SampleBytes = 16 * 1024
/** Longest anchor: Buffer.indexOf scans for a short needle's first byte with memchr. */
const AnchorBytesMax = 4
const byteCounts = new Int32Array(256)
/** U+212A KELVIN SIGN: the one non-ASCII character whose lowercase is ASCII ('k'). */
const KelvinSign = Buffer.from('\u212a')

const isUpper = (byte: number): boolean => byte >= 0x41 && byte <= 0x5a
const isLower = (byte: number): boolean => byte >= 0x61 && byte <= 0x7a

export function bytesEqualAt(data: Uint8Array, at: number, literal: Uint8Array): boolean {
  for (let k = 0; k < literal.length; k++) if (data[at + k] !== literal[k]) return false
  return true
}

/** Like bytesEqualAt, with ASCII letters of `data` lowered (`literal` is lowercase). */
function foldedEqualAt(data: Uint8Array, at: number, literal: Uint8Array): boolean {
  for (let k = 0; k < literal.length; k++) {
    const byte = data[at + k]!
    if ((isUpper(byte) ? byte + 32 : byte) !== literal[k]) return false
  }
  return true
}

/** Counts the bytes of a sample of data[from, to) into byteCounts (folded: both cases). */
function countSample(data: Uint8Array, from: number, to: number, folded: boolean): void {
  byteCounts.fill(0)
  const end = Math.min(to, from + SampleBytes)
  for (let i = from; i < end; i++) byteCounts[data[i]!]!++
  if (folded)
    for (let byte = 0x61; byte <= 0x7a; byte++) byteCounts[byte]! += byteCounts[byte - 32]!
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
  equalAt: (data: Uint8Array, at: number, literal: Uint8Array) => boolean,
  out: Uint8Array,
): void {
  const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const end = offsets[length]!
  let row = 0
  let hit = haystack.indexOf(anchor, offsets[0]! + at)
  while (hit !== -1) {
    const position = hit - at
    if (position + literal.length > end) return
    if (!equalAt(data, position, literal)) {
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
  countSample(data, offsets[0]!, offsets[length]!, false)
  const at = rarestPosition(literal)
  const anchor = literal.subarray(at, Math.min(literal.length, at + AnchorBytesMax))
  sweep(data, offsets, length, literal, anchor, at, bytesEqualAt, out)
}

/**
 * ILIKE '%literal%' for a lowercase ASCII `literal`: writes 1 into `out` for the rows whose
 * lowercase holds it, and answers true; false (out untouched) when the literal is not ASCII,
 * or names a 'k' and the batch holds a Kelvin sign (the caller then lowers the batch).
 * Non-ASCII characters of the text never take part in a match of an ASCII literal, so folding
 * ASCII letters only is the same as lowering every character.
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
  const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (literal.includes(0x6b)) {
    const kelvin = haystack.indexOf(KelvinSign, from)
    if (kelvin !== -1 && kelvin < end) return false
  }
  if (literal.length === 0) {
    out.fill(1)
    return true
  }
  countSample(data, from, end, true)
  // Two bytes from the rarest: at most four case variants to sweep for.
  const rarest = rarestPosition(literal)
  const at = Math.max(0, Math.min(rarest, literal.length - 2))
  const anchor = literal.subarray(at, Math.min(literal.length, at + 2))
  let variants: Uint8Array[] = [Uint8Array.from(anchor)]
  for (let k = 0; k < anchor.length; k++) {
    if (!isLower(anchor[k]!)) continue
    variants = variants.flatMap((variant) => {
      const upper = Uint8Array.from(variant)
      upper[k] = variant[k]! - 32
      return [variant, upper]
    })
  }
  for (const variant of variants)
    sweep(data, offsets, length, literal, variant, at, foldedEqualAt, out)
  return true
}
