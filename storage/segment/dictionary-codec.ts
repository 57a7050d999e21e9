// Dictionary encoding of a text column chunk: when a batch holds few distinct values (service,
// host, status, env), the chunk stores each distinct value once and a 16-bit code per row:
//
//   buffers: [validity bitmap][codes][entry offsets i32 × (entries + 1)][entry bytes]
//
// The footer marks such a chunk `encoding: 'dictionary'`. Codes are bit-packed at `codeBits`
// bits each (bit-packing.ts, format 3) or, without codeBits (format 2), 16-bit. Decoding fills the usual Arrow Utf8
// offsets/data and keeps the codes and entries as the vector's `dictionary`, so filters and
// GROUP BY can work on codes (executor: comparison and group-table fast paths).
import { assert, type SqlType, type TextVector, type Vector } from '../../common/index.js'
import type { BufferRange } from './footer.js'
import { decodeValidity, encodeValidity, layOut, type EncodedChunk } from './column-codec.js'
import { valueHash } from './token-filter.js'
import { bitsFor, packBits, unpackBits } from './bit-packing.js'

/** Most distinct values a dictionary chunk holds; past that (or rows / 4) the chunk is plain. */
export const DictionaryEntriesMax = 4096

const decoder = new TextDecoder()
const dictionaryTypes: ReadonlySet<SqlType> = new Set<SqlType>(['text', 'varchar', 'name'])

function sameBytes(data: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number) {
  if (aEnd - aStart !== bEnd - bStart) return false
  for (let i = 0; i < aEnd - aStart; i++) if (data[aStart + i] !== data[bStart + i]) return false
  return true
}

function compareBytes(data: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
  const common = Math.min(aEnd - a, bEnd - b)
  for (let i = 0; i < common; i++) {
    const difference = data[a + i]! - data[b + i]!
    if (difference !== 0) return difference
  }
  return aEnd - a - (bEnd - b)
}

/**
 * Rows [start, end) of `vector` as a dictionary chunk, or null when the column is not text or
 * has too many distinct values there. Statistics are those encodeChunk would give.
 */
export function encodeDictionaryChunk(
  vector: Vector,
  start: number,
  end: number,
): EncodedChunk | null {
  if (vector.kind !== 'text' || !dictionaryTypes.has(vector.type)) return null
  const rows = end - start
  const entriesMax = Math.min(DictionaryEntriesMax, rows >> 2)
  const { offsets, data, validity } = vector
  const slots = new Int32Array(2 * DictionaryEntriesMax).fill(-1)
  const mask = slots.length - 1
  const entryRows: number[] = []
  const codes = new Uint16Array(rows)
  for (let row = start; row < end; row++) {
    if (validity !== null && validity[row] === 0) continue
    const from = offsets[row]!
    const to = offsets[row + 1]!
    let slot = valueHash(data, from, to) & mask
    for (;;) {
      const entry = slots[slot]!
      if (entry === -1) {
        if (entryRows.length >= entriesMax) return null
        slots[slot] = entryRows.length
        codes[row - start] = entryRows.length
        entryRows.push(row)
        break
      }
      const entryRow = entryRows[entry]!
      if (sameBytes(data, from, to, offsets[entryRow]!, offsets[entryRow + 1]!)) {
        codes[row - start] = entry
        break
      }
      slot = (slot + 1) & mask
    }
  }
  const entryOffsets = new Int32Array(entryRows.length + 1)
  entryRows.forEach((row, index) => {
    entryOffsets[index + 1] = entryOffsets[index]! + offsets[row + 1]! - offsets[row]!
  })
  const entryData = new Uint8Array(entryOffsets[entryRows.length]!)
  entryRows.forEach((row, index) =>
    entryData.set(data.subarray(offsets[row]!, offsets[row + 1]!), entryOffsets[index]!),
  )
  let minRow = -1
  let maxRow = -1
  const span = (row: number): [number, number] => [offsets[row]!, offsets[row + 1]!]
  for (const row of entryRows) {
    if (minRow < 0 || compareBytes(data, ...span(row), ...span(minRow)) < 0) minRow = row
    if (maxRow < 0 || compareBytes(data, ...span(row), ...span(maxRow)) > 0) maxRow = row
  }
  const text = (row: number): string | null =>
    row < 0 ? null : decoder.decode(data.subarray(...span(row)))
  const { bitmap, nullCount } = encodeValidity(validity, start, end)
  const bytesOf = (view: ArrayBufferView): Uint8Array =>
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  const codeBits = bitsFor(Math.max(0, entryRows.length - 1))
  return {
    ...layOut([bitmap, packBits(codes, rows, codeBits), bytesOf(entryOffsets), entryData]),
    nullCount,
    min: text(minRow),
    max: text(maxRow),
    encoding: 'dictionary',
    codeBits,
    entries: { offsets: entryOffsets, data: entryData },
  }
}

/**
 * Decodes one uncompressed dictionary chunk of `rows` rows into a TextVector with its codes;
 * `codeBits` undefined means 16-bit codes (format 2).
 */
export function decodeDictionaryChunk(
  raw: Uint8Array,
  buffers: readonly BufferRange[],
  type: SqlType,
  rows: number,
  codeBits?: number,
): TextVector {
  const [validityRange, codesRange, offsetsRange, dataRange] = buffers
  assert(
    validityRange !== undefined &&
      codesRange !== undefined &&
      offsetsRange !== undefined &&
      dataRange !== undefined,
    'a dictionary chunk has four buffers',
  )
  const validity = decodeValidity(raw, validityRange, rows)
  // Copies into buffers of their own (raw may be a Node Buffer, whose slice is a view).
  const copy = (range: BufferRange): ArrayBuffer => {
    const bytes = new Uint8Array(range.length)
    bytes.set(raw.subarray(range.offset, range.offset + range.length))
    return bytes.buffer
  }
  let codes: Uint16Array
  if (codeBits === undefined) codes = new Uint16Array(copy(codesRange))
  else {
    codes = new Uint16Array(rows)
    unpackBits(new Uint32Array(copy(codesRange)), rows, codeBits, codes)
  }
  const entryCount = offsetsRange.length / 4 - 1
  const entryOffsets = new Int32Array(copy(offsetsRange))
  const entryData = new Uint8Array(copy(dataRange))
  assert(entryOffsets[entryCount] === entryData.length, 'dictionary offsets end at its bytes')
  const offsets = new Int32Array(rows + 1)
  let bytes = 0
  const isNull = (row: number): boolean => validity !== null && validity[row] === 0
  for (let row = 0; row < rows; row++) {
    const code = codes[row]!
    if (!isNull(row)) {
      assert(code < entryCount, 'codes name entries')
      bytes += entryOffsets[code + 1]! - entryOffsets[code]!
    }
    offsets[row + 1] = bytes
  }
  const data = new Uint8Array(bytes)
  for (let row = 0; row < rows; row++) {
    const code = codes[row]!
    if (isNull(row)) continue
    const from = entryOffsets[code]!
    const to = entryOffsets[code + 1]!
    let out = offsets[row]!
    for (let i = from; i < to; i++) data[out++] = entryData[i]!
  }
  const values: TextVector = {
    kind: 'text',
    type,
    length: entryCount,
    validity: null,
    offsets: entryOffsets,
    data: entryData,
  }
  return {
    kind: 'text',
    type,
    length: rows,
    validity,
    offsets,
    data,
    dictionary: { codes, values },
  }
}
