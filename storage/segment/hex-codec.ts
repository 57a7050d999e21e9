// Fixed-width hex encoding of a text chunk whose non-NULL values are all lowercase hex of one
// even length 2w (trace and span ids, hashes): each value is stored as its w bytes, NULL rows
// as w zero bytes.
//
//   buffers: [validity bitmap][w bytes × rows]
//
// The footer marks such a chunk `encoding: 'hex'` with `hexBytes: w`. Decoding rebuilds the
// Arrow Utf8 offsets and text (NULL rows empty), exactly the bytes that were written.
import { assert, type SqlType, type TextVector, type Vector } from '../../common/index.js'
import {
  decodeValidity,
  encodeValidity,
  layOut,
  textMinMax,
  type EncodedChunk,
} from './column-codec.js'
import { HexBytesMax, type BufferRange } from './footer.js'
const hexTypes: ReadonlySet<SqlType> = new Set<SqlType>(['text', 'varchar', 'name'])

/** Nibble of a lowercase hex digit's byte, -1 for any other byte. */
const nibbleOf = new Int8Array(256).fill(-1)
for (let digit = 0; digit < 16; digit++) nibbleOf['0123456789abcdef'.charCodeAt(digit)] = digit
/** The two digit bytes of each byte value, high digit first. */
const digitsOf = new Uint16Array(256)
for (let byte = 0; byte < 256; byte++) {
  const digits = byte.toString(16).padStart(2, '0')
  digitsOf[byte] = digits.charCodeAt(0) | (digits.charCodeAt(1) << 8)
}

/** Rows [start, end) of `vector` as a hex chunk, or null when some value is not w-byte hex. */
export function encodeHexChunk(vector: Vector, start: number, end: number): EncodedChunk | null {
  if (vector.kind !== 'text' || !hexTypes.has(vector.type)) return null
  const { offsets, data, validity } = vector
  const present = (row: number): boolean => validity === null || validity[row] !== 0
  let digits = -1
  for (let row = start; row < end && digits < 0; row++)
    if (present(row)) digits = offsets[row + 1]! - offsets[row]!
  if (digits <= 0 || digits % 2 !== 0 || digits > 2 * HexBytesMax) return null
  const width = digits / 2
  const bytes = new Uint8Array((end - start) * width)
  for (let row = start; row < end; row++) {
    if (!present(row)) continue
    const from = offsets[row]!
    if (offsets[row + 1]! - from !== digits) return null
    let out = (row - start) * width
    for (let i = from; i < from + digits; i += 2) {
      const high = nibbleOf[data[i]!]!
      const low = nibbleOf[data[i + 1]!]!
      if ((high | low) < 0) return null
      bytes[out++] = (high << 4) | low
    }
  }
  const { bitmap, nullCount } = encodeValidity(validity, start, end)
  return {
    ...layOut([bitmap, bytes]),
    nullCount,
    ...textMinMax(vector, start, end),
    encoding: 'hex',
    hexBytes: width,
  }
}

/** Decodes one uncompressed hex chunk of `rows` rows of `width` bytes into a TextVector. */
export function decodeHexChunk(
  raw: Uint8Array,
  buffers: readonly BufferRange[],
  type: SqlType,
  rows: number,
  width: number,
): TextVector {
  const [validityRange, bytesRange] = buffers
  assert(validityRange !== undefined && bytesRange !== undefined, 'a hex chunk has two buffers')
  assert(bytesRange.length === rows * width, 'hex values are width bytes per row')
  const validity = decodeValidity(raw, validityRange, rows)
  const present = validity === null ? rows : validity.reduce((sum, bit) => sum + bit, 0)
  const offsets = new Int32Array(rows + 1)
  const data = new Uint8Array(present * width * 2)
  const pairs = new Uint16Array(data.buffer)
  let pair = 0
  for (let row = 0; row < rows; row++) {
    if (validity === null || validity[row] !== 0) {
      let from = bytesRange.offset + row * width
      for (let i = 0; i < width; i++) pairs[pair++] = digitsOf[raw[from++]!]!
    }
    offsets[row + 1] = pair * 2
  }
  return { kind: 'text', type, length: rows, validity, offsets, data }
}
