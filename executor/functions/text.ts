// Text kernels: || (concat_op), lower, upper, length (in characters, not bytes).
import { TextVectorBuilder, textAt } from '../expr/vector-builders.js'
import { makeNumberVector } from '../expr/vector-builders.js'
import type { TextVector } from '../../common/index.js'
import { combineValidity, textArg, type Kernel } from './kernel.js'

const concatOp: Kernel = (call) => {
  const left = textArg(call, 0)
  const right = textArg(call, 1)
  const { length } = call
  const validity = combineValidity(length, left, right)
  const builder = new TextVectorBuilder(call.type, length, left.data.length + right.data.length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) {
      builder.appendNull()
      continue
    }
    builder.appendConcatenation(
      left.data,
      left.offsets[row]!,
      left.offsets[row + 1]!,
      right.data,
      right.offsets[row]!,
      right.offsets[row + 1]!,
    )
  }
  return builder.finish()
}

function isAscii(data: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (data[i]! >= 0x80) return false
  return true
}

/**
 * mapCase of a vector when all its bytes are ASCII, else null: the bytes are copied once and
 * mapped four at a time (SWAR: a byte in [from, from + 26) gets its 0x20 bit flipped), offsets
 * and validity are kept. An ILIKE over log messages spends its time here.
 */
function mapAsciiCase(vector: TextVector, upper: boolean): TextVector | null {
  const { length, data, offsets } = vector
  const start = offsets[0]!
  const end = offsets[length]!
  const mapped = new Uint8Array(end - start)
  mapped.set(data.subarray(start, end))
  const words = new Uint32Array(mapped.buffer, 0, mapped.length >>> 2)
  let union = 0
  for (let i = 0; i < words.length; i++) union |= words[i]!
  for (let i = words.length * 4; i < mapped.length; i++) union |= mapped[i]!
  if ((union & 0x80808080) !== 0) return null
  // Bytes >= `from` reach 0x80 after adding (0x80 - from); bytes > `from` + 25 after (0x80 - from - 26).
  const low = (0x80 - (upper ? 0x61 : 0x41)) * 0x01010101
  const high = (0x80 - (upper ? 0x7b : 0x5b)) * 0x01010101
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const inRange = (word + low) & ~(word + high) & 0x80808080
    words[i] = word ^ (inRange >>> 2)
  }
  const from = upper ? 0x61 : 0x41
  for (let i = words.length * 4; i < mapped.length; i++) {
    const byte = mapped[i]!
    if (byte >= from && byte < from + 26) mapped[i] = byte ^ 0x20
  }
  const shifted = new Int32Array(length + 1)
  for (let row = 0; row <= length; row++) shifted[row] = offsets[row]! - start
  const validity = vector.validity === null ? null : vector.validity.slice()
  return { kind: 'text', type: vector.type, length, validity, offsets: shifted, data: mapped }
}

/** Maps each character alone, keeping it when its mapping is not one character (ß stays ß), as towupper. */
function mapCaseByCharacter(text: string, upper: boolean): string {
  let out = ''
  for (const character of text) {
    const mapped = upper ? character.toUpperCase() : character.toLowerCase()
    out += mapped.length === character.length ? mapped : character
  }
  return out
}

/**
 * Maps case row by row: ASCII rows byte by byte, others through String case mapping
 * (one character at a time, as PostgreSQL's towlower/towupper under C.UTF-8).
 */
export function mapCase(vector: TextVector, upper: boolean): TextVector {
  const { length, data, offsets } = vector
  const ascii = mapAsciiCase(vector, upper)
  if (ascii !== null) return ascii
  const builder = new TextVectorBuilder(vector.type, length, data.length)
  const from = upper ? 0x61 : 0x41
  const shift = upper ? -32 : 32
  const scratch = new Uint8Array(64)
  for (let row = 0; row < length; row++) {
    if (vector.validity !== null && vector.validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const start = offsets[row]!
    const end = offsets[row + 1]!
    if (!isAscii(data, start, end)) {
      builder.appendString(mapCaseByCharacter(textAt(vector, row), upper))
      continue
    }
    const bytes = end - start <= scratch.length ? scratch : new Uint8Array(end - start)
    for (let i = start; i < end; i++) {
      const byte = data[i]!
      bytes[i - start] = byte >= from && byte < from + 26 ? byte + shift : byte
    }
    builder.appendBytes(bytes, 0, end - start)
  }
  return builder.finish()
}

const characterLength: Kernel = (call) => {
  const arg = textArg(call, 0)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) {
    let characters = 0
    const end = arg.offsets[row + 1]!
    for (let i = arg.offsets[row]!; i < end; i++) if ((arg.data[i]! & 0xc0) !== 0x80) characters++
    out[row] = characters
  }
  return makeNumberVector(call.type, out, arg.validity)
}

export const textKernels: Readonly<Record<string, Kernel>> = {
  concat_op: concatOp,
  lower: (call) => mapCase(textArg(call, 0), false),
  upper: (call) => mapCase(textArg(call, 0), true),
  length: characterLength,
}
