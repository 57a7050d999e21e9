// The segment file layout and its footer: the only thing a reader fetches before data.
//
//   [magic 8 bytes][column chunk]...[column chunk][footer JSON][footer length u32 LE][magic 8 bytes]
//
// A column chunk holds one column of one batch: its Arrow-layout buffers laid end to end, each
// starting at a multiple of 8, compressed as a whole with lz4 when that makes it smaller. The
// footer records, per batch, the row count and per column the chunk's byte range, its buffers'
// ranges inside the uncompressed chunk, null count, min and max. Invariants are asserted when
// the footer is written and again when it is read (assertFooterValid).
//
// Format 2 adds token filters (token-filter.ts): per batch and text column, a Bloom filter of
// values and trigrams, stored after all column chunks and named by the batch's `filters`.
// Format 1 segments have none and are read as before (no token pruning).
//
// Format 3 chooses per chunk what is smallest (docs/architecture.md, "Segment encodings"):
// integer and decimal chunks bit-packed by frame of reference or delta (number-packing.ts),
// dictionary codes bit-packed (`codeBits`), lowercase hex ids as bytes (hex-codec.ts), and
// zstd instead of lz4 for the chunk bytes. Readers still read formats 1 and 2.
//
// Format 4 adds the value index of id-like text columns (token-filter.ts): a filter with
// `valueCount` is followed by that many sorted u32 (little-endian) value hashes, and its Bloom
// bits then hold trigrams only. Readers still read formats 1 to 3.
import {
  BatchRowsTarget,
  SqlTypeNames,
  assert,
  elementTypeOf,
  isArrayType,
  isNumberLike,
  type Field,
  type SqlType,
} from '../../common/index.js'
import { packedBytes } from './bit-packing.js'
import { assertPackingValid, type NumberPacking } from './number-packing.js'

export const SegmentMagic = new TextEncoder().encode('MLMSEG\u0000\u0001')
export const SegmentFormatVersion = 4
/** Format versions this reader understands. */
export const SegmentFormatVersionsRead: readonly number[] = [1, 2, 3, 4]
/** Longest value (in stored bytes) a hex chunk holds. */
export const HexBytesMax = 64
/** Bytes after the footer JSON: its length (u32) and the magic. */
export const SegmentTrailerBytes = 4 + SegmentMagic.length

/** A min or max as the footer stores it: non-finite numbers are the strings 'Infinity', '-Infinity', 'NaN'. */
export type StoredStat = number | string | boolean | null

export interface BufferRange {
  readonly offset: number
  readonly length: number
}

/** How a chunk's values are laid out when not in the plain Arrow layout. */
export type ChunkEncoding = 'dictionary' | 'packed' | 'hex'

/** How a chunk's bytes are compressed: lz4 (formats 1-2) or zstd (format 3) when smaller. */
export type ChunkCompression = 'none' | 'lz4' | 'zstd'

export interface ChunkFooter {
  /** Byte range of the stored (maybe compressed) chunk in the file. */
  readonly offset: number
  readonly storedLength: number
  readonly rawLength: number
  readonly compression: ChunkCompression
  /** [validity, values] or [validity, offsets, data]; validity is empty when no row is NULL. */
  readonly buffers: readonly BufferRange[]
  readonly nullCount: number
  readonly min: StoredStat
  readonly max: StoredStat
  /**
   * Format 2: 'dictionary' for a text chunk stored as codes and distinct values
   * (dictionary-codec.ts). Format 3: 'packed' numbers, 'hex' text.
   */
  readonly encoding?: ChunkEncoding
  /** Packed: how the packed integers map back to values. */
  readonly packing?: NumberPacking
  /** Dictionary, format 3: bits per code (absent: 16-bit codes). */
  readonly codeBits?: number
  /** Hex: stored bytes per value (half its digits). */
  readonly hexBytes?: number
}

/** A batch's token filter of one text column: raw Bloom bits at [offset, offset + length). */
export interface FilterFooter {
  /** Index of the column in the footer's column order. */
  readonly column: number
  readonly offset: number
  readonly length: number
  /** Hash functions the filter is probed with. */
  readonly hashes: number
  /** Format 4: sorted u32 value hashes stored right after the bits (the value index). */
  readonly valueCount?: number
}

/** Stored bytes of a filter: its Bloom bits and its value index. */
export function filterStoredBytes(filter: FilterFooter): number {
  return filter.length + 4 * (filter.valueCount ?? 0)
}

export interface BatchFooter {
  readonly rows: number
  /** One per segment column, in the footer's column order. */
  readonly columns: readonly ChunkFooter[]
  /** Token filters of the batch's text columns (format 2; absent in format 1). */
  readonly filters?: readonly FilterFooter[]
}

export interface SegmentFooter {
  readonly formatVersion: number
  readonly rows: number
  readonly columns: readonly Field[]
  readonly batches: readonly BatchFooter[]
}

/** The physical layout a column of `type` is stored in. */
export type StoredLayout =
  'bitmap' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'utf8' | 'list'

export function storedLayoutOf(type: SqlType): StoredLayout {
  if (isArrayType(type)) return 'list'
  switch (type) {
    case 'bool':
      return 'bitmap'
    case 'int2':
      return 'int16'
    case 'int4':
    case 'date':
    case 'oid':
      return 'int32'
    case 'int8':
    case 'timestamptz':
    case 'timestamp':
      return 'int64'
    case 'float4':
      return 'float32'
    case 'float8':
      return 'float64'
    default:
      return 'utf8'
  }
}

/** Bytes per value for fixed-width layouts, 0 for utf8 and bitmap. */
export function valueWidthOf(layout: StoredLayout): number {
  switch (layout) {
    case 'int16':
      return 2
    case 'int32':
    case 'float32':
      return 4
    case 'int64':
    case 'float64':
      return 8
    case 'bitmap':
    case 'utf8':
    case 'list':
      return 0
  }
}

/**
 * Buffers of a chunk of `type`: [validity, values] or [validity, offsets, data]; a list (array)
 * is [validity, offsets] followed by its element chunk's buffers (Arrow's List layout).
 */
export function bufferCountOf(type: SqlType): number {
  if (isArrayType(type)) return 2 + bufferCountOf(elementTypeOf(type))
  return storedLayoutOf(type) === 'utf8' ? 3 : 2
}

/** True for types whose chunks carry min/max (ordered by number, by bytes, or false < true). */
export function hasMinMax(type: SqlType): boolean {
  return (
    isNumberLike(type) ||
    type === 'bool' ||
    type === 'numeric' ||
    type === 'text' ||
    type === 'varchar' ||
    type === 'bpchar' ||
    type === 'name'
  )
}

/** Turns a stored min/max back into the value ColumnStats reports. */
export function decodeStat(type: SqlType, stored: StoredStat): number | string | boolean | null {
  if (typeof stored === 'string' && (isNumberLike(type) || type === 'numeric'))
    return Number(stored)
  return stored
}

/** Turns a min/max into JSON-safe form. */
export function encodeStat(value: number | string | boolean | null): StoredStat {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value
}

function assertChunkValid(
  chunk: ChunkFooter,
  field: Field,
  rows: number,
  dataEnd: number,
  previousEnd: number,
): number {
  assert(chunk.offset >= previousEnd, 'column chunks are in file order and do not overlap')
  assert(chunk.offset + chunk.storedLength <= dataEnd, 'column chunk ends before the footer')
  assert(
    chunk.compression !== 'none' || chunk.storedLength === chunk.rawLength,
    'an uncompressed chunk stores its raw length',
  )
  assert(
    ['none', 'lz4', 'zstd'].includes(chunk.compression),
    'chunk compression is none, lz4 or zstd',
  )
  assert(chunk.nullCount >= 0 && chunk.nullCount <= rows, 'null count is within the batch rows')
  const layout = storedLayoutOf(field.type)
  const dictionary = chunk.encoding === 'dictionary'
  assert(!dictionary || layout === 'utf8', 'only text chunks are dictionary-encoded')
  assert(
    chunk.encoding !== 'packed' || ['int16', 'int32', 'int64', 'float64'].includes(layout),
    'only integer and float8 chunks are packed',
  )
  assert(chunk.encoding !== 'hex' || layout === 'utf8', 'only text chunks are hex-encoded')
  assert(
    chunk.buffers.length ===
      (dictionary ? 4 : chunk.encoding === undefined ? bufferCountOf(field.type) : 2),
    'chunk has its layout buffer count',
  )
  for (const buffer of chunk.buffers) {
    assert(buffer.offset % 8 === 0, 'chunk buffers are 8-byte aligned')
    assert(buffer.offset + buffer.length <= chunk.rawLength, 'chunk buffer lies inside the chunk')
  }
  const validity = chunk.buffers[0]
  const bitmapBytes = Math.ceil(rows / 8)
  assert(
    validity !== undefined && validity.length === (chunk.nullCount === 0 ? 0 : bitmapBytes),
    'validity bitmap has one bit per row',
  )
  const values = chunk.buffers[1]
  assert(values !== undefined, 'chunk has a values buffer')
  if (dictionary && chunk.codeBits !== undefined) {
    assert(chunk.codeBits >= 0 && chunk.codeBits <= 16, 'dictionary code bits are 0..16')
    assert(
      values.length === packedBytes(rows, chunk.codeBits),
      'packed dictionary codes fill whole words',
    )
  } else if (dictionary) assert(values.length === rows * 2, 'dictionary codes are 16 bits per row')
  else if (chunk.encoding === 'packed') {
    assert(chunk.packing !== undefined, 'a packed chunk has its packing')
    assertPackingValid(chunk.packing, values.length, rows)
  } else if (chunk.encoding === 'hex') {
    const width = chunk.hexBytes ?? 0
    assert(width >= 1 && width <= HexBytesMax, 'hex values are 1..64 bytes')
    assert(values.length === rows * width, 'hex values are hexBytes per row')
  } else if (layout === 'bitmap')
    assert(values.length === bitmapBytes, 'bool values are one bit per row')
  else if (layout === 'utf8' || layout === 'list')
    assert(values.length === (rows + 1) * 4, 'offsets have rows + 1 entries')
  else
    assert(
      values.length === rows * valueWidthOf(layout),
      'fixed-width values have one slot per row',
    )
  if (chunk.nullCount === rows)
    assert(chunk.min === null && chunk.max === null, 'an all-NULL chunk has no min/max')
  else if (hasMinMax(field.type))
    assert(chunk.min !== null && chunk.max !== null, 'a chunk with values has min/max')
  return chunk.offset + chunk.storedLength
}

function assertFilterValid(
  filter: FilterFooter,
  footer: SegmentFooter,
  dataEnd: number,
  previousEnd: number,
): number {
  const field = footer.columns[filter.column]
  assert(
    field !== undefined && storedLayoutOf(field.type) === 'utf8',
    'a filter names a text column',
  )
  const valueCount = filter.valueCount ?? 0
  assert(
    valueCount === 0 || (footer.formatVersion >= 4 && Number.isInteger(valueCount)),
    'a value index is format 4',
  )
  assert(filter.offset >= previousEnd, 'token filters follow the column chunks in order')
  const end = filter.offset + filterStoredBytes(filter)
  assert(end <= dataEnd, 'token filter ends before the footer')
  assert(filter.length > 0 && filter.length % 8 === 0, 'token filter is whole 64-bit words')
  assert(filter.hashes >= 1 && filter.hashes <= 16, 'token filter hash count is sane')
  return end
}

/** Asserts every footer invariant; `dataEnd` is where the footer JSON starts in the file. */
export function assertFooterValid(footer: SegmentFooter, dataEnd: number): void {
  assert(
    SegmentFormatVersionsRead.includes(footer.formatVersion),
    'segment format version is known',
  )
  const names = new Set(footer.columns.map((column) => column.name))
  assert(names.size === footer.columns.length, 'segment column names are unique')
  for (const column of footer.columns) {
    assert(
      (SqlTypeNames as readonly string[]).includes(column.type),
      'segment column type is known',
    )
  }
  let rows = 0
  let previousEnd = SegmentMagic.length
  for (const batch of footer.batches) {
    assert(
      batch.rows > 0 && batch.rows <= BatchRowsTarget,
      'batch rows are within (0, BatchRowsTarget]',
    )
    assert(batch.columns.length === footer.columns.length, 'each batch has a chunk per column')
    batch.columns.forEach((chunk, index) => {
      const field = footer.columns[index]
      assert(field !== undefined, 'chunk index names a column')
      previousEnd = assertChunkValid(chunk, field, batch.rows, dataEnd, previousEnd)
    })
    rows += batch.rows
  }
  assert(rows === footer.rows, 'segment rows equal the sum of batch rows')
  for (const batch of footer.batches) {
    for (const filter of batch.filters ?? [])
      previousEnd = assertFilterValid(filter, footer, dataEnd, previousEnd)
  }
}
