// Dense ids for the distinct array values (or tuples of arrays, for a zipped unnest) a scan
// reads: each row's arrays are encoded to bytes (element count, then per element a NULL mark
// or its bytes) and the encodings grouped by a one-key GroupTable, the fast text path. The
// encoding is exact, so two rows share an id only when their arrays have the same elements
// in the same order (finer than SQL equality where floats or intervals are concerned, which
// a caller that only expands the arrays again never notices). The first row of each id is
// kept, so the arrays can be rebuilt from ids (listsOf).
import {
  assert,
  concatVectors,
  takeVector,
  vectorKindOf,
  elementTypeOf,
  isArrayType,
  type ArrayVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { GroupTable } from './group-table.js'

/** True when arrays of `type` can be encoded: elements of a number, bool or text layout. */
export function listEncodable(type: SqlType): boolean {
  if (!isArrayType(type)) return false
  const kind = vectorKindOf(elementTypeOf(type))
  return kind === 'number' || kind === 'bool' || kind === 'text'
}

const floatScratch = new Float64Array(1)
const floatBytes = new Uint8Array(floatScratch.buffer)

export class ArrayListIds {
  private readonly table = new GroupTable(['bytea'])
  /** Per array, the first row of each id, in id order (chunks until listsOf). */
  private kept: Vector[][]
  private bytes = new Uint8Array(1 << 16)

  constructor(arrayCount: number) {
    this.kept = Array.from({ length: arrayCount }, () => [])
  }

  get count(): number {
    return this.table.groupCount
  }

  /** The id of each row's arrays (one vector per array, zipped by row). */
  idsOf(arrays: readonly ArrayVector[], length: number): Int32Array {
    const offsets = new Int32Array(length + 1)
    let at = 0
    for (let row = 0; row < length; row++) {
      for (const array of arrays) at = this.encode(array, row, at)
      offsets[row + 1] = at
    }
    const data = this.bytes.subarray(0, at)
    const before = this.table.groupCount
    const vector: Vector = { kind: 'text', type: 'bytea', length, validity: null, offsets, data }
    const ids = this.table.findOrInsert([vector], length)
    if (this.table.groupCount > before) {
      // Ids are dense in order of first appearance: the new ones' first rows, in id order.
      const firstRows = new Int32Array(this.table.groupCount - before).fill(-1)
      for (let row = 0; row < length; row++) {
        const id = ids[row]!
        if (id >= before && firstRows[id - before] === -1) firstRows[id - before] = row
      }
      arrays.forEach((array, index) => this.kept[index]!.push(takeVector(array, firstRows)))
    }
    return ids
  }

  /** Per array, the vector of each id's arrays (row i is id i). */
  lists(): Vector[] {
    this.kept = this.kept.map((chunks) => (chunks.length > 1 ? [concatVectors(chunks)] : chunks))
    return this.kept.map((chunks) => {
      assert(chunks[0] !== undefined, 'lists are read after ids were made')
      return chunks[0]
    })
  }

  /** Appends row `row`'s encoding of `array` at byte `at`; returns the end. */
  private encode(array: ArrayVector, row: number, at: number): number {
    if (array.validity !== null && array.validity[row] === 0) {
      this.reserve(at + 1)
      this.bytes[at] = 0
      return at + 1
    }
    const start = array.offsets[row]!
    const end = array.offsets[row + 1]!
    this.reserve(at + 5)
    const bytes = this.bytes
    bytes[at++] = 1
    const count = end - start
    bytes[at++] = count & 0xff
    bytes[at++] = (count >>> 8) & 0xff
    bytes[at++] = (count >>> 16) & 0xff
    bytes[at++] = count >>> 24
    const child = array.child
    for (let element = start; element < end; element++) {
      if (child.validity !== null && child.validity[element] === 0) {
        this.reserve(at + 1)
        this.bytes[at++] = 0
        continue
      }
      switch (child.kind) {
        case 'text': {
          const from = child.offsets[element]!
          const to = child.offsets[element + 1]!
          const size = to - from
          this.reserve(at + 5 + size)
          const out = this.bytes
          out[at++] = 1
          out[at++] = size & 0xff
          out[at++] = (size >>> 8) & 0xff
          out[at++] = (size >>> 16) & 0xff
          out[at++] = size >>> 24
          const data = child.data
          for (let i = from; i < to; i++) out[at++] = data[i]!
          break
        }
        case 'number': {
          this.reserve(at + 9)
          const out = this.bytes
          out[at++] = 1
          floatScratch[0] = child.values[element]!
          for (let i = 0; i < 8; i++) out[at++] = floatBytes[i]!
          break
        }
        case 'bool':
          this.reserve(at + 2)
          this.bytes[at++] = 1
          this.bytes[at++] = child.values[element]!
          break
        default:
          assert(false, 'listEncodable arrays only')
      }
    }
    return at
  }

  private reserve(size: number): void {
    if (size <= this.bytes.length) return
    const grown = new Uint8Array(Math.max(size, this.bytes.length * 2))
    grown.set(this.bytes)
    this.bytes = grown
  }
}
