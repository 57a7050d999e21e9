// jsonb_in's normalization straight from UTF-8 bytes to UTF-8 bytes, for the documents bulk
// loads are made of: no string, object or number per value, keys sorted by moving byte
// ranges. It takes only what it can normalize exactly as parseJson + serializeJson do:
// strings with no backslash and no control character (their bytes print unchanged),
// integers other than -0, true, false, null. Anything else (escapes, decimals, exponents,
// bad input) answers false and the caller takes the general path, which also gives the
// errors.
//
// jsonb's text: `{"a": 1, "bb": [1, 2]}`, keys shorter first then bytewise (UTF-8 byte order
// is code point order), a duplicate key keeping its last value.
import type { TextVector } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { parseJson, serializeJson } from './json-value.js'

const Space = 32
const Quote = 34
const Comma = 44
const Minus = 45
const Colon = 58
const Backslash = 92
const OpenBracket = 91
const CloseBracket = 93
const OpenBrace = 123
const CloseBrace = 125

/** A growable byte buffer the normalizer writes to. */
export class JsonbByteSink {
  data = new Uint8Array(1 << 16)
  length = 0

  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return
    const grown = new Uint8Array(Math.max(this.length + extra, this.data.length * 2))
    grown.set(this.data.subarray(0, this.length))
    this.data = grown
  }

  push(byte: number): void {
    if (this.length === this.data.length) this.reserve(1)
    this.data[this.length++] = byte
  }

  copy(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start)
    const data = this.data
    let at = this.length
    for (let i = start; i < end; i++) data[at++] = source[i]!
    this.length = at
  }
}

/**
 * Members of the objects being normalized, four numbers each: the key's bytes as written to
 * the sink (quotes excluded), then the whole member. Objects nest, so the members of the
 * innermost open object are always the top of this stack.
 */
let memberStack = new Int32Array(256)
let memberTop = 0
const KeyStart = 0
const KeyEnd = 1
const MemberStart = 2
const MemberEnd = 3

function pushMember(keyStart: number, keyEnd: number, memberStart: number, memberEnd: number) {
  if (memberTop + 4 > memberStack.length) {
    const grown = new Int32Array(memberStack.length * 2)
    grown.set(memberStack)
    memberStack = grown
  }
  memberStack[memberTop++] = keyStart
  memberStack[memberTop++] = keyEnd
  memberStack[memberTop++] = memberStart
  memberStack[memberTop++] = memberEnd
}

/** Where an object's written members are moved while they are put in order. */
let scratch = new Uint8Array(1 << 12)

class Normalizer {
  private at: number

  constructor(
    private readonly input: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly out: JsonbByteSink,
  ) {
    this.at = start
  }

  document(): boolean {
    if (!this.value()) return false
    this.skipSpace()
    return this.at === this.end
  }

  private skipSpace(): void {
    const input = this.input
    while (this.at < this.end) {
      const c = input[this.at]
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return
      this.at++
    }
  }

  private value(): boolean {
    this.skipSpace()
    if (this.at >= this.end) return false
    const c = this.input[this.at]!
    if (c === OpenBrace) return this.object()
    if (c === OpenBracket) return this.array()
    if (c === Quote) return this.string()
    if (c === Minus || (c >= 48 && c <= 57)) return this.integer()
    return this.word('true') || this.word('false') || this.word('null')
  }

  private string(): boolean {
    const input = this.input
    const start = this.at
    let i = start + 1
    for (;;) {
      if (i >= this.end) return false
      const c = input[i]!
      if (c === Quote) break
      if (c === Backslash || c < 32) return false
      i++
    }
    this.out.copy(input, start, i + 1)
    this.at = i + 1
    return true
  }

  private integer(): boolean {
    const input = this.input
    const start = this.at
    let i = start
    if (input[i] === Minus) i++
    const digitsStart = i
    while (i < this.end && input[i]! >= 48 && input[i]! <= 57) i++
    const digits = i - digitsStart
    if (digits === 0 || (digits > 1 && input[digitsStart] === 48)) return false
    if (digits === 1 && input[digitsStart] === 48 && digitsStart > start) return false // -0
    if (i < this.end && gluesToNumber(input[i]!)) return false
    this.out.copy(input, start, i)
    this.at = i
    return true
  }

  private word(word: 'true' | 'false' | 'null'): boolean {
    const input = this.input
    const at = this.at
    if (at + word.length > this.end) return false
    for (let k = 0; k < word.length; k++) if (input[at + k] !== word.charCodeAt(k)) return false
    const next = at + word.length < this.end ? input[at + word.length]! : -1
    if (gluesToWord(next)) return false
    this.out.copy(input, at, at + word.length)
    this.at = at + word.length
    return true
  }

  private array(): boolean {
    const out = this.out
    out.push(OpenBracket)
    this.at++
    this.skipSpace()
    if (this.input[this.at] === CloseBracket) {
      this.at++
      out.push(CloseBracket)
      return true
    }
    for (let first = true; ; first = false) {
      if (!first) {
        out.push(Comma)
        out.push(Space)
      }
      if (!this.value()) return false
      this.skipSpace()
      const c = this.input[this.at]
      this.at++
      if (c === CloseBracket) break
      if (c !== Comma) return false
    }
    out.push(CloseBracket)
    return true
  }

  private object(): boolean {
    const out = this.out
    const objectStart = out.length
    out.push(OpenBrace)
    this.at++
    this.skipSpace()
    const firstMember = memberTop
    if (this.input[this.at] !== CloseBrace) {
      for (;;) {
        this.skipSpace()
        if (this.input[this.at] !== Quote) return false
        if (memberTop > firstMember) {
          out.push(Comma)
          out.push(Space)
        }
        const memberStart = out.length
        if (!this.string()) return false
        const keyStart = memberStart + 1
        const keyEnd = out.length - 1
        this.skipSpace()
        if (this.input[this.at] !== Colon) return false
        this.at++
        out.push(Colon)
        out.push(Space)
        if (!this.value()) return false
        pushMember(keyStart, keyEnd, memberStart, out.length)
        this.skipSpace()
        const c = this.input[this.at]
        this.at++
        if (c === CloseBrace) break
        if (c !== Comma) return false
      }
    } else this.at++
    this.writeMembers(objectStart, firstMember)
    memberTop = firstMember
    out.push(CloseBrace)
    return true
  }

  /**
   * Rewrites the members after `{` at objectStart (the member stack from `first` on) in jsonb
   * order, joined by `, `, a duplicate key keeping its last value.
   */
  private writeMembers(objectStart: number, first: number): void {
    const out = this.out
    const count = (memberTop - first) >> 2
    if (count === 0) return
    const stack = memberStack
    const data = out.data
    // Insertion sort (stable; objects are small) comparing the keys where they were written.
    let duplicates = false
    let reordered = false
    for (let k = 1; k < count; k++) {
      const at = first + 4 * k
      const keyStart = stack[at + KeyStart]!
      const keyEnd = stack[at + KeyEnd]!
      const memberStart = stack[at + MemberStart]!
      const memberEnd = stack[at + MemberEnd]!
      let j = k - 1
      let order = 1
      while (j >= 0) {
        const other = first + 4 * j
        order = compareKeys(
          data,
          stack[other + KeyStart]!,
          stack[other + KeyEnd]!,
          keyStart,
          keyEnd,
        )
        if (order <= 0) break
        stack.copyWithin(other + 4, other, other + 4)
        j--
      }
      if (j >= 0 && order === 0) duplicates = true
      if (j === k - 1) continue
      reordered = true
      const to = first + 4 * (j + 1)
      stack[to + KeyStart] = keyStart
      stack[to + KeyEnd] = keyEnd
      stack[to + MemberStart] = memberStart
      stack[to + MemberEnd] = memberEnd
    }
    // Members were written in input order joined by `, `: done when that is jsonb's order.
    if (!reordered && !duplicates) return
    // Else they are joined again in order aside, and put back (never longer than before).
    const base = objectStart + 1
    if (scratch.length < out.length - base)
      scratch = new Uint8Array(Math.max(out.length - base, scratch.length * 2))
    const joined = scratch
    let length = 0
    for (let k = 0; k < count; k++) {
      const at = first + 4 * k
      // Equal keys stay in input order: the last one of a run wins.
      if (duplicates && k + 1 < count) {
        const next = first + 4 * (k + 1)
        const order = compareKeys(
          data,
          stack[at + KeyStart]!,
          stack[at + KeyEnd]!,
          stack[next + KeyStart]!,
          stack[next + KeyEnd]!,
        )
        if (order === 0) continue
      }
      if (length > 0) {
        joined[length++] = Comma
        joined[length++] = Space
      }
      const from = stack[at + MemberStart]!
      const to = stack[at + MemberEnd]!
      if (to - from <= 64) for (let i = from; i < to; i++) joined[length++] = data[i]!
      else {
        joined.set(data.subarray(from, to), length)
        length += to - from
      }
    }
    data.set(joined.subarray(0, length), base)
    out.length = base + length
  }
}

/** jsonb key order of keys at bytes[aStart, aEnd) and bytes[bStart, bEnd): length, then bytes. */
function compareKeys(
  bytes: Uint8Array,
  aStart: number,
  aEnd: number,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  if (aLength !== bLength) return aLength - bLength
  for (let k = 0; k < aLength; k++) {
    const difference = bytes[aStart + k]! - bytes[bStart + k]!
    if (difference !== 0) return difference
  }
  return 0
}

/** parseNumber's rule: a number followed by a letter, digit, _ or . is one bad token. */
function gluesToNumber(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46
  )
}

/** parseWord's rule: true, false and null must not run into a letter, digit or _. */
function gluesToWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}

/**
 * Appends the jsonb text of the JSON in input[start, end) to `out`; false (with `out` back
 * at its length before) when the document needs the general path.
 */
export function normalizeJsonbBytes(
  input: Uint8Array,
  start: number,
  end: number,
  out: JsonbByteSink,
): boolean {
  const before = out.length
  memberTop = 0
  const done = new Normalizer(input, start, end, out).document()
  if (!done) out.length = before
  return done
}

const utf8 = new TextEncoder()

/**
 * text → jsonb as castTextToJson does, a row at a time through normalizeJsonbBytes and only
 * the rows it declines through parseJson + serializeJson (whose 22P02 it throws).
 */
export function castTextToJsonbBytes(vector: TextVector): TextVector {
  const out = new JsonbByteSink()
  out.reserve(vector.data.length + vector.length * 8)
  const offsets = new Int32Array(vector.length + 1)
  const { data, validity } = vector
  for (let row = 0; row < vector.length; row++) {
    if (validity === null || validity[row] !== 0) {
      const start = vector.offsets[row]!
      const end = vector.offsets[row + 1]!
      if (!normalizeJsonbBytes(data, start, end, out)) {
        const text = serializeJson(parseJson(textAt(vector, row)))
        out.reserve(text.length * 3)
        out.length += utf8.encodeInto(text, out.data.subarray(out.length)).written
      }
    }
    offsets[row + 1] = out.length
  }
  return {
    kind: 'text',
    type: 'jsonb',
    length: vector.length,
    validity,
    offsets,
    data: out.data.subarray(0, out.length),
  }
}
