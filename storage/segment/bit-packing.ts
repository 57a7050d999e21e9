// Packs unsigned integers below 2^bits (bits 0..32) into 32-bit little-endian words, LSB
// first, and back. The building block of the packed number and dictionary-code encodings.
import { assert } from '../../common/index.js'

/** Bytes of `count` values packed at `bits` bits: whole 32-bit words. */
export function packedBytes(count: number, bits: number): number {
  return Math.ceil((count * bits) / 32) * 4
}

/** The fewest bits that hold every value in [0, max] (0 for max 0). */
export function bitsFor(max: number): number {
  assert(max >= 0 && max <= 0xffffffff && Number.isInteger(max), 'packable values are u32')
  return max === 0 ? 0 : 32 - Math.clz32(max)
}

/** Packs `values[i]` (each below 2^bits) for i < count. */
export function packBits(values: ArrayLike<number>, count: number, bits: number): Uint8Array {
  assert(bits >= 0 && bits <= 32, 'bit width is 0..32')
  const words = new Uint32Array(packedBytes(count, bits) / 4)
  if (bits === 0) return new Uint8Array(words.buffer)
  let position = 0
  for (let i = 0; i < count; i++) {
    const value = values[i]! >>> 0
    const word = position >>> 5
    const shift = position & 31
    words[word] = words[word]! | (value << shift)
    if (shift + bits > 32) words[word + 1] = value >>> (32 - shift)
    position += bits
  }
  return new Uint8Array(words.buffer)
}

/** Unpacks `count` values of `bits` bits from `words` into `out` (any numeric array). */
export function unpackBits(
  words: Uint32Array,
  count: number,
  bits: number,
  out: { [index: number]: number; readonly length: number },
): void {
  assert(words.length * 4 === packedBytes(count, bits), 'packed words hold count values')
  assert(out.length >= count, 'unpack target holds count values')
  if (bits === 0) {
    for (let i = 0; i < count; i++) out[i] = 0
    return
  }
  if (bits === 32) {
    for (let i = 0; i < count; i++) out[i] = words[i]!
    return
  }
  const mask = (1 << bits) - 1
  let position = 0
  for (let i = 0; i < count; i++) {
    const word = position >>> 5
    const shift = position & 31
    let value = words[word]! >>> shift
    if (shift + bits > 32) value |= words[word + 1]! << (32 - shift)
    out[i] = value & mask
    position += bits
  }
}
