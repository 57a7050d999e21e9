// Repeats rows of a vector in runs: input row r, for r in [from, to), counts[r] times in a
// row (an unnest's pass-through columns). The same vector takeVector would build from the
// index vector [from x counts[from], from + 1 x counts[from + 1], ...], text dictionary codes
// included, but each input value is read once per run instead of once per output row, and
// no index vector is built for number, bool and text columns.
import { takeVector, textDictionaryOf, type TextVector, type Vector } from '../../common/index.js'

/** Scratch index vector for the kinds repeated through takeVector (reused: never retained). */
let scratchIndexes = new Int32Array(0)

/** `vector`'s rows [from, to), row r counts[r] times; `length` is the sum of those counts. */
export function repeatRows(
  vector: Vector,
  counts: Int32Array,
  from: number,
  to: number,
  length: number,
): Vector {
  const validity =
    vector.validity === null ? null : repeatBytes(vector.validity, counts, from, to, length)
  switch (vector.kind) {
    case 'number': {
      const source = vector.values
      const values = new Float64Array(length)
      let at = 0
      for (let row = from; row < to; row++) {
        const value = source[row]!
        for (let end = at + counts[row]!; at < end; at++) values[at] = value
      }
      return { kind: 'number', type: vector.type, length, validity, values }
    }
    case 'bool': {
      const values = repeatBytes(vector.values, counts, from, to, length)
      return { kind: 'bool', type: vector.type, length, validity, values }
    }
    case 'text':
      return repeatText(vector, validity, counts, from, to, length)
    default: {
      if (scratchIndexes.length < length) scratchIndexes = new Int32Array(Math.max(length, 1024))
      const indexes = scratchIndexes.subarray(0, length)
      let at = 0
      for (let row = from; row < to; row++)
        for (let end = at + counts[row]!; at < end; at++) indexes[at] = row
      return takeVector(vector, indexes)
    }
  }
}

function repeatBytes(
  source: Uint8Array,
  counts: Int32Array,
  from: number,
  to: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(length)
  let at = 0
  for (let row = from; row < to; row++) {
    const value = source[row]!
    for (let end = at + counts[row]!; at < end; at++) out[at] = value
  }
  return out
}

function repeatText(
  vector: TextVector,
  validity: Uint8Array | null,
  counts: Int32Array,
  from: number,
  to: number,
  length: number,
): TextVector {
  const sourceOffsets = vector.offsets
  const offsets = new Int32Array(length + 1)
  let bytes = 0
  let at = 0
  for (let row = from; row < to; row++) {
    const size = sourceOffsets[row + 1]! - sourceOffsets[row]!
    for (let end = at + counts[row]!; at < end; at++) offsets[at + 1] = bytes += size
  }
  const data = new Uint8Array(bytes)
  const source = vector.data
  let write = 0
  for (let row = from; row < to; row++) {
    const start = sourceOffsets[row]!
    const end = sourceOffsets[row + 1]!
    const count = counts[row]!
    // Short values copy byte by byte: a subarray per row costs more than the copy.
    if (end - start <= 32) {
      for (let i = 0; i < count; i++) for (let k = start; k < end; k++) data[write++] = source[k]!
    } else {
      const value = source.subarray(start, end)
      for (let i = 0; i < count; i++, write += end - start) data.set(value, write)
    }
  }
  const repeated = { kind: 'text', type: vector.type, length, validity, offsets, data } as const
  const dictionary = textDictionaryOf(vector)
  if (dictionary === undefined) return repeated
  const codes = new Uint16Array(length)
  at = 0
  for (let row = from; row < to; row++) {
    const code = dictionary.codes[row]!
    for (let end = at + counts[row]!; at < end; at++) codes[at] = code
  }
  return { ...repeated, dictionary: { codes, values: dictionary.values } }
}
