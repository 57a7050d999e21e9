// Writes one immutable segment file from columns already in their final row order.
import { BatchRowsTarget, assert, type Field, type Vector } from '../../common/index.js'
import type { ColumnStats } from '../api.js'
import { compressChunk } from './chunk-compression.js'
import { encodeChunk, encodePackedChunk, type EncodedChunk } from './column-codec.js'
import { encodeDictionaryChunk } from './dictionary-codec.js'
import { encodeHexChunk } from './hex-codec.js'
import {
  SegmentFormatVersion,
  SegmentMagic,
  assertFooterValid,
  decodeStat,
  encodeStat,
  type BatchFooter,
  type ChunkFooter,
  type FilterFooter,
  type SegmentFooter,
} from './footer.js'
import { buildTokenFilter, type TokenFilter } from './token-filter.js'

/** Column types that get a token filter: text compared by bytes (not bpchar, json or bytea). */
const filteredTypes: ReadonlySet<string> = new Set(['text', 'varchar', 'name'])

/** A value index as stored: u32 little-endian. */
function valueIndexBytes(values: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  values.forEach((value, index) => view.setUint32(index * 4, value, true))
  return bytes
}

/**
 * The token filter of rows [start, end) of `column`. A filter holds each distinct value and
 * trigram once, so a dictionary chunk's filter is built from its entries alone.
 */
function tokenFilterOf(
  column: Vector,
  start: number,
  end: number,
  chunk: EncodedChunk,
): TokenFilter | null {
  if (column.kind !== 'text' || !filteredTypes.has(column.type)) return null
  const { entries } = chunk
  if (entries !== undefined)
    return buildTokenFilter(entries.offsets, entries.data, null, 0, entries.offsets.length - 1)
  return buildTokenFilter(column.offsets, column.data, column.validity, start, end)
}

export interface EncodedSegment {
  readonly bytes: Uint8Array
  readonly footer: SegmentFooter
}

/** Rows [start, end) of `column` in the first encoding that takes them, plain the last. */
function encodeBest(column: Vector, start: number, end: number): EncodedChunk {
  return (
    encodeDictionaryChunk(column, start, end) ??
    encodeHexChunk(column, start, end) ??
    encodePackedChunk(column, start, end) ??
    encodeChunk(column, start, end)
  )
}

/** Encodes `columns` (one per field, equal lengths, at least one row) as a segment file. */
export function encodeSegment(
  fields: readonly Field[],
  columns: readonly Vector[],
): EncodedSegment {
  assert(fields.length === columns.length, 'one column per field')
  const rows = columns[0]?.length ?? 0
  assert(rows > 0, 'a segment has rows')
  columns.forEach((column, index) => {
    assert(column.length === rows, 'columns have equal lengths')
    assert(column.type === fields[index]?.type, 'column types match their fields')
  })
  const parts: Uint8Array[] = [SegmentMagic]
  let offset = SegmentMagic.length
  const batches: BatchFooter[] = []
  const filtersOfBatches: (readonly { column: number; filter: TokenFilter }[])[] = []
  for (let start = 0; start < rows; start += BatchRowsTarget) {
    const end = Math.min(rows, start + BatchRowsTarget)
    const filters: { column: number; filter: TokenFilter }[] = []
    const chunks: ChunkFooter[] = columns.map((column, index) => {
      const chunk = encodeBest(column, start, end)
      const filter = tokenFilterOf(column, start, end, chunk)
      if (filter !== null) filters.push({ column: index, filter })
      const { stored, compression } = compressChunk(chunk.raw)
      parts.push(stored)
      const footer: ChunkFooter = {
        offset,
        storedLength: stored.length,
        rawLength: chunk.raw.length,
        compression,
        buffers: chunk.buffers,
        nullCount: chunk.nullCount,
        min: encodeStat(chunk.min),
        max: encodeStat(chunk.max),
        ...(chunk.encoding === undefined ? {} : { encoding: chunk.encoding }),
        ...(chunk.packing === undefined ? {} : { packing: chunk.packing }),
        ...(chunk.codeBits === undefined ? {} : { codeBits: chunk.codeBits }),
        ...(chunk.hexBytes === undefined ? {} : { hexBytes: chunk.hexBytes }),
      }
      offset += stored.length
      return footer
    })
    batches.push({ rows: end - start, columns: chunks })
    filtersOfBatches.push(filters)
  }
  // Token filters go after every column chunk: a needle query reads one contiguous region.
  const withFilters = batches.map((batch, index): BatchFooter => {
    const filters: FilterFooter[] = (filtersOfBatches[index] ?? []).map(({ column, filter }) => {
      parts.push(filter.bits)
      const entry = { column, offset, length: filter.bits.length, hashes: filter.hashes }
      offset += filter.bits.length
      if (filter.values === undefined) return entry
      parts.push(valueIndexBytes(filter.values))
      offset += filter.values.length * 4
      return { ...entry, valueCount: filter.values.length }
    })
    return filters.length === 0 ? batch : { ...batch, filters }
  })
  const footer: SegmentFooter = {
    formatVersion: SegmentFormatVersion,
    rows,
    columns: fields.map((field) => ({ name: field.name, type: field.type })),
    batches: withFilters,
  }
  assertFooterValid(footer, offset)
  const footerBytes = new TextEncoder().encode(JSON.stringify(footer))
  const trailer = new Uint8Array(4)
  new DataView(trailer.buffer).setUint32(0, footerBytes.length, true)
  parts.push(footerBytes, trailer, SegmentMagic)
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    bytes.set(part, at)
    at += part.length
  }
  return { bytes, footer }
}

function widen(
  current: number | string | boolean | null,
  candidate: number | string | boolean | null,
  pickMax: boolean,
): number | string | boolean | null {
  if (candidate === null) return current
  if (current === null) return candidate
  if (typeof current === 'number' && typeof candidate === 'number') {
    if (Number.isNaN(current) || Number.isNaN(candidate)) {
      // NaN sorts above every number (PostgreSQL float order).
      if (pickMax) return NaN
      return Number.isNaN(current) ? candidate : current
    }
    return pickMax ? Math.max(current, candidate) : Math.min(current, candidate)
  }
  if (typeof current === 'string' && typeof candidate === 'string') {
    const order = Buffer.compare(Buffer.from(candidate), Buffer.from(current))
    return (pickMax ? order > 0 : order < 0) ? candidate : current
  }
  if (typeof current === 'boolean' && typeof candidate === 'boolean') {
    return pickMax ? current || candidate : current && candidate
  }
  return current
}

/** Merges per-batch statistics into per-column statistics for the whole segment. */
export function segmentColumnStats(footer: SegmentFooter): ColumnStats[] {
  return footer.columns.map((field, index) => {
    let nullCount = 0
    let min: number | string | boolean | null = null
    let max: number | string | boolean | null = null
    for (const batch of footer.batches) {
      const chunk = batch.columns[index]
      assert(chunk !== undefined, 'each batch has a chunk per column')
      nullCount += chunk.nullCount
      min = widen(min, decodeStat(field.type, chunk.min), false)
      max = widen(max, decodeStat(field.type, chunk.max), true)
    }
    return { name: field.name, type: field.type, nullCount, min, max }
  })
}
