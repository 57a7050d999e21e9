// Reads a segment through a BlobStore: one ranged read of the tail for the footer, then one
// ranged read per column chunk asked for. Footers are immutable, so a bounded cache keeps them.
import {
  PgError,
  SqlState,
  assert,
  vectorKindOf,
  type SqlType,
  type Vector,
  elementTypeOf,
  isArrayType,
} from '../../common/index.js'
import type { ColumnStats, SegmentReader } from '../api.js'
import { blobMissing, type BlobStore } from '../blob-store.js'
import {
  decodeChunk,
  decodeValidity,
  formatDecimal,
  numberToDecimalText,
  parseDecimal,
} from './column-codec.js'
import {
  SegmentMagic,
  SegmentTrailerBytes,
  assertFooterValid,
  decodeStat,
  filterStoredBytes,
  type ChunkFooter,
  type SegmentFooter,
} from './footer.js'
import { decompressChunk } from './chunk-compression.js'
import { decodeDictionaryChunk } from './dictionary-codec.js'
import { decodeHexChunk } from './hex-codec.js'
import { unpackNumbers } from './number-packing.js'
import type { TokenFilter } from './token-filter.js'
import { nullVector } from './vector-ops.js'

/** Bytes read from the end of a segment in the first footer read. */
const FooterTailGuessBytes = 64 * 1024

/** A bounded least-recently-used cache of parsed footers by blob key. */
export class SegmentFooterCache {
  private readonly footers = new Map<string, SegmentFooter>()

  constructor(readonly entriesMax = 1024) {
    assert(entriesMax > 0, 'footer cache holds at least one footer')
  }

  get(blobKey: string): SegmentFooter | undefined {
    const footer = this.footers.get(blobKey)
    if (footer === undefined) return undefined
    this.footers.delete(blobKey)
    this.footers.set(blobKey, footer)
    return footer
  }

  set(blobKey: string, footer: SegmentFooter): void {
    this.footers.delete(blobKey)
    this.footers.set(blobKey, footer)
    while (this.footers.size > this.entriesMax) {
      const oldest = this.footers.keys().next()
      if (oldest.done === true) break
      this.footers.delete(oldest.value)
    }
  }

  get size(): number {
    return this.footers.size
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index])
}

/** Reads and validates the footer of segment `blobKey`. */
export async function readSegmentFooter(
  blobStore: BlobStore,
  blobKey: string,
): Promise<SegmentFooter> {
  const size = await blobStore.size(blobKey)
  if (size === undefined) throw blobMissing(blobKey)
  assert(
    size >= SegmentMagic.length + SegmentTrailerBytes,
    'segment is longer than its magic and trailer',
  )
  const tailLength = Math.min(size, FooterTailGuessBytes)
  const tail = await blobStore.getRange(blobKey, size - tailLength, tailLength)
  assert(tail.length === tailLength, 'segment tail read is whole')
  assert(
    sameBytes(tail.subarray(tailLength - SegmentMagic.length), SegmentMagic),
    'segment ends with the magic',
  )
  const footerLength = new DataView(
    tail.buffer,
    tail.byteOffset + tailLength - SegmentTrailerBytes,
    4,
  ).getUint32(0, true)
  const footerStart = size - SegmentTrailerBytes - footerLength
  assert(footerStart >= SegmentMagic.length, 'footer starts after the leading magic')
  const footerBytes =
    footerLength + SegmentTrailerBytes <= tailLength
      ? tail.subarray(
          tailLength - SegmentTrailerBytes - footerLength,
          tailLength - SegmentTrailerBytes,
        )
      : await blobStore.getRange(blobKey, footerStart, footerLength)
  const footer = JSON.parse(new TextDecoder().decode(footerBytes)) as SegmentFooter
  assertFooterValid(footer, footerStart)
  return footer
}

/** Converts a stored vector to the type a query reads it as (types can differ between segments). */
function convertVector(vector: Vector, type: SqlType): Vector {
  if (vector.type === type) return vector
  const kind = vectorKindOf(type)
  if (vector.kind === 'array' && isArrayType(type))
    return { ...vector, type, child: convertVector(vector.child, elementTypeOf(type)) }
  if (kind === vector.kind && kind !== 'numeric') return { ...vector, type } as Vector
  if (vector.kind === 'number' && kind === 'numeric') {
    const unscaled = new Array<bigint>(vector.length)
    const scales = new Uint16Array(vector.length)
    for (let row = 0; row < vector.length; row++) {
      const parsed = parseDecimal(numberToDecimalText(vector.values[row] ?? 0))
      unscaled[row] = parsed.unscaled
      scales[row] = parsed.scale
    }
    return {
      kind: 'numeric',
      type,
      length: vector.length,
      validity: vector.validity,
      unscaled,
      scales,
    }
  }
  if (vector.kind === 'numeric' && kind === 'number') {
    const values = new Float64Array(vector.length)
    for (let row = 0; row < vector.length; row++)
      values[row] = Number(formatDecimal(vector.unscaled[row] ?? 0n, vector.scales[row] ?? 0))
    return { kind: 'number', type, length: vector.length, validity: vector.validity, values }
  }
  throw new PgError({
    code: SqlState.datatypeMismatch,
    message: `column stored as ${vector.type} cannot be read as ${type}`,
  })
}

/** Decodes a chunk's raw (decompressed) bytes by its footer entry's encoding. */
export function decodeStoredChunk(
  raw: Uint8Array,
  chunk: ChunkFooter,
  type: SqlType,
  rows: number,
): Vector {
  if (chunk.encoding === undefined) return decodeChunk(raw, chunk.buffers, type, rows)
  if (chunk.encoding === 'dictionary')
    return decodeDictionaryChunk(raw, chunk.buffers, type, rows, chunk.codeBits)
  if (chunk.encoding === 'hex')
    return decodeHexChunk(raw, chunk.buffers, type, rows, chunk.hexBytes ?? 0)
  const [validityRange, valuesRange] = chunk.buffers
  assert(
    validityRange !== undefined && valuesRange !== undefined && chunk.packing !== undefined,
    'a packed chunk has validity, values and its packing',
  )
  const validity = decodeValidity(raw, validityRange, rows)
  const bytes = raw.subarray(valuesRange.offset, valuesRange.offset + valuesRange.length)
  const values = unpackNumbers(bytes, chunk.packing, rows, validity)
  return { kind: 'number', type, length: rows, validity, values }
}

class BlobSegmentReader implements SegmentReader {
  readonly rows: number
  readonly batchCount: number
  private readonly columnIndex: Map<string, number>

  constructor(
    private readonly blobStore: BlobStore,
    readonly blobKey: string,
    readonly footer: SegmentFooter,
  ) {
    this.rows = footer.rows
    this.batchCount = footer.batches.length
    this.columnIndex = new Map(footer.columns.map((field, index) => [field.name, index]))
  }

  batchRows(batchIndex: number): number {
    const batch = this.footer.batches[batchIndex]
    assert(batch !== undefined, 'batch index is in range')
    return batch.rows
  }

  private chunk(
    batchIndex: number,
    column: string,
  ): { chunk: ChunkFooter; type: SqlType } | undefined {
    const batch = this.footer.batches[batchIndex]
    assert(batch !== undefined, 'batch index is in range')
    const index = this.columnIndex.get(column)
    if (index === undefined) return undefined
    const chunk = batch.columns[index]
    const field = this.footer.columns[index]
    assert(chunk !== undefined && field !== undefined, 'column index names a chunk')
    return { chunk, type: field.type }
  }

  batchStats(batchIndex: number, column: string): ColumnStats | undefined {
    const found = this.chunk(batchIndex, column)
    if (found === undefined) return undefined
    const { chunk, type } = found
    return {
      name: column,
      type,
      nullCount: chunk.nullCount,
      min: decodeStat(type, chunk.min),
      max: decodeStat(type, chunk.max),
    }
  }

  async tokenFilter(batchIndex: number, column: string): Promise<TokenFilter | undefined> {
    const batch = this.footer.batches[batchIndex]
    assert(batch !== undefined, 'batch index is in range')
    const index = this.columnIndex.get(column)
    const filter = batch.filters?.find((entry) => entry.column === index)
    if (index === undefined || filter === undefined) return undefined
    const stored = filterStoredBytes(filter)
    const bytes = await this.blobStore.getRange(this.blobKey, filter.offset, stored)
    assert(bytes.length === stored, 'token filter read is whole')
    const bits = bytes.subarray(0, filter.length)
    const valueCount = filter.valueCount ?? 0
    if (valueCount === 0) return { bits, hashes: filter.hashes }
    const view = new DataView(bytes.buffer, bytes.byteOffset + filter.length, valueCount * 4)
    const values = new Uint32Array(valueCount)
    for (let i = 0; i < valueCount; i++) values[i] = view.getUint32(i * 4, true)
    return { bits, hashes: filter.hashes, values }
  }

  tokenFilterBytes(batchIndex: number, column: string): number {
    const index = this.columnIndex.get(column)
    const filters = this.footer.batches[batchIndex]?.filters ?? []
    const filter = filters.find((entry) => entry.column === index)
    return filter === undefined ? 0 : filterStoredBytes(filter)
  }

  async readColumn(batchIndex: number, column: string, type: SqlType): Promise<Vector> {
    const rows = this.batchRows(batchIndex)
    const found = this.chunk(batchIndex, column)
    if (found === undefined) return nullVector(type, rows)
    const { chunk, type: storedType } = found
    const stored = await this.blobStore.getRange(this.blobKey, chunk.offset, chunk.storedLength)
    assert(stored.length === chunk.storedLength, 'column chunk read is whole')
    const raw = decompressChunk(stored, chunk.compression, chunk.rawLength)
    return convertVector(decodeStoredChunk(raw, chunk, storedType, rows), type)
  }
}

export type FooterSegmentReader = SegmentReader & {
  readonly footer: SegmentFooter
  readonly blobKey: string
}

/** Opens segment `blobKey`: reads its footer (or takes it from `cache`). */
export async function openSegmentReader(
  blobStore: BlobStore,
  blobKey: string,
  cache?: SegmentFooterCache,
): Promise<FooterSegmentReader> {
  let footer = cache?.get(blobKey)
  if (footer === undefined) {
    footer = await readSegmentFooter(blobStore, blobKey)
    cache?.set(blobKey, footer)
  }
  return new BlobSegmentReader(blobStore, blobKey, footer)
}
