// text → text[] for COPY straight from the bytes, for the arrays bulk files hold: `{a,b,c}`
// with plain ASCII elements. It takes only what parseArrayText reads as the bytes between the
// commas: no quotes, backslashes, braces inside, white space, empty elements or NULL.
// Anything else answers null and the caller casts the column the general way (which also
// gives the errors).
import type { ArrayVector, TextVector } from '../../common/index.js'

const OpenBrace = 123
const CloseBrace = 125
const Comma = 44

/** Bytes an element must not hold for its text to be its bytes: quote, backslash, braces, space. */
const special = new Uint8Array(256)
for (const byte of [34, 92, OpenBrace, CloseBrace, 32, 9, 10, 11, 12, 13]) special[byte] = 1
for (let byte = 0x80; byte < 256; byte++) special[byte] = 1

/** Whether data[start, end) spells NULL in any case (parseArrayText's NULL element). */
function isNullWord(data: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 4 &&
    (data[start]! | 32) === 110 &&
    (data[start + 1]! | 32) === 117 &&
    (data[start + 2]! | 32) === 108 &&
    (data[start + 3]! | 32) === 108
  )
}

/** The text[] vector of `vector`'s array literals, or null when a row needs parseArrayText. */
export function textArrayFromBytes(vector: TextVector): ArrayVector | null {
  const { offsets, data, validity, length } = vector
  const rowOffsets = new Int32Array(length + 1)
  // Element bytes are at most the rows' bytes.
  const elementData = new Uint8Array(data.length)
  let elementOffsets = new Int32Array(length * 4 + 1)
  let elements = 0
  let byteLength = 0
  for (let row = 0; row < length; row++) {
    if (validity === null || validity[row] !== 0) {
      const start = offsets[row]!
      const end = offsets[row + 1]!
      if (end - start < 2 || data[start] !== OpenBrace || data[end - 1] !== CloseBrace) return null
      if (end - start > 2) {
        let elementStart = start + 1
        for (let i = start + 1; i < end; i++) {
          const byte = data[i]!
          if (byte !== Comma && i !== end - 1) {
            if (special[byte] === 1) return null
            continue
          }
          if (i === elementStart || isNullWord(data, elementStart, i)) return null
          for (let k = elementStart; k < i; k++) elementData[byteLength++] = data[k]!
          if (elements + 1 >= elementOffsets.length) {
            const grown = new Int32Array(elementOffsets.length * 2)
            grown.set(elementOffsets)
            elementOffsets = grown
          }
          elementOffsets[++elements] = byteLength
          elementStart = i + 1
        }
      }
    }
    rowOffsets[row + 1] = elements
  }
  const child: TextVector = {
    kind: 'text',
    type: 'text',
    length: elements,
    validity: null,
    offsets: elementOffsets.subarray(0, elements + 1),
    data: elementData.subarray(0, byteLength),
  }
  return { kind: 'array', type: '_text', length, validity, offsets: rowOffsets, child }
}
