// A DDSketch store's protobuf (the Store message of DDSketch.proto): written contiguous or
// sparse, whichever is smaller; read in either layout straight into a BinStore.
import type { BinStore } from './bin-store.js'
import { ProtoReader, ProtoWriter, WireType, malformed, varintSize } from './protobuf.js'

/** How a store is written: its message length, and sparse or contiguous. */
export interface StoreLayout {
  readonly length: number
  readonly sparse: boolean
}

const zigzag = (value: number): number => (value >= 0 ? value * 2 : -value * 2 - 1)

/** A sparse `binCounts` entry's length: key (sint32) and count (double). */
const entryLength = (key: number): number => 1 + varintSize(zigzag(key)) + 9

/** Contiguous counts over the store's key range, or the sparse map when that is smaller. */
export function storeLayout(store: BinStore): StoreLayout {
  const range = store.range()
  let nonEmpty = 0
  let sparseLength = 0
  store.forEachBin((key) => {
    nonEmpty += 1
    const entry = entryLength(key)
    sparseLength += 1 + varintSize(entry) + entry
  })
  const keys = range.maxKey - range.minKey + 1
  if (nonEmpty * 16 < keys * 8) return { length: sparseLength, sparse: true }
  const packed = keys * 8
  const length = 1 + varintSize(packed) + packed + 1 + varintSize(zigzag(range.minKey))
  return { length, sparse: false }
}

/** Writes `store` as field `field` of the sketch message, as `layout` says. */
export function writeStore(
  writer: ProtoWriter,
  field: number,
  store: BinStore,
  layout: StoreLayout,
) {
  writer.tag(field, WireType.lengthDelimited).varint(layout.length)
  if (layout.sparse) {
    store.forEachBin((key, count) => {
      writer.tag(1, WireType.lengthDelimited).varint(entryLength(key))
      writer.tag(1, WireType.varint).sint32(key).tag(2, WireType.fixed64).double(count)
    })
    return
  }
  const { minKey, maxKey } = store.range()
  writer.tag(2, WireType.lengthDelimited).varint((maxKey - minKey + 1) * 8)
  for (let key = minKey; key <= maxKey; key++) writer.double(store.countAt(key))
  writer.tag(3, WireType.varint).sint32(minKey)
}

/** A store's contiguous counts as read, before its offset (written after them) is known. */
let contiguousScratch = new Float64Array(1024)

const binEntryKeyTag = 1 * 8 + WireType.varint
const binEntryCountTag = 2 * 8 + WireType.fixed64

/**
 * Both store layouts: sparse `binCounts` (map<sint32, double>) and contiguous counts. Read in
 * place into the typed store: map entries without a reader each, packed counts in one loop.
 */
export function decodeStore(reader: ProtoReader, into: BinStore): void {
  let contiguous = 0
  let offset = 0
  const reserve = (more: number): Float64Array => {
    if (contiguous + more > contiguousScratch.length) {
      const grown = new Float64Array(Math.max(contiguousScratch.length * 2, contiguous + more))
      grown.set(contiguousScratch.subarray(0, contiguous))
      contiguousScratch = grown
    }
    return contiguousScratch
  }
  while (!reader.done) {
    const tag = reader.rawTag()
    const field = Math.floor(tag / 8)
    const wireType = tag & 7
    if (field === 1 && wireType === WireType.lengthDelimited) {
      const end = reader.enter()
      let key = 0
      let count = 0
      while (reader.position < end) {
        const inner = reader.rawTag()
        if (inner === binEntryKeyTag) key = reader.sint32()
        else if (inner === binEntryCountTag) count = reader.double()
        else reader.skip(inner & 7)
      }
      if (reader.position > end) throw malformed('a field past the end of its message')
      if (!(count >= 0) || !Number.isFinite(count)) throw malformed(`a bin count of ${count}`)
      if (count > 0) into.add(key, count)
    } else if (field === 2 && wireType === WireType.lengthDelimited) {
      const end = reader.enter()
      const bytes = end - reader.position
      if (bytes % 8 !== 0) throw malformed('a field past the end of its message')
      reader.doubles(reserve(bytes / 8), contiguous, bytes / 8)
      contiguous += bytes / 8
    } else if (field === 2 && wireType === WireType.fixed64) {
      reserve(1)[contiguous++] = reader.double()
    } else if (field === 3 && wireType === WireType.varint) offset = reader.sint32()
    else reader.skip(wireType)
  }
  const counts = contiguousScratch
  for (let index = 0; index < contiguous; index++) {
    const count = counts[index]!
    if (!(count >= 0) || !Number.isFinite(count)) throw malformed(`a bin count of ${count}`)
  }
  into.addRun(offset, counts, contiguous)
}
