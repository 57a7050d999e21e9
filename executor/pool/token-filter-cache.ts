// A bounded least-recently-used cache of token filters (storage/segment/token-filter.ts) by
// segment, one per worker thread. A needle search probes every batch's filter of one column:
// 1,226 reads of 12 KB at 10M events. Segments never change and a compaction writes its output
// under a new blob key, so an entry never goes stale; the entries of a replaced segment are
// never asked for again and age out.
import type { TokenFilter } from '../../storage/index.js'
import type { SegmentReader } from '../../storage/api.js'

/** Filter bytes a worker keeps by default (MALAMUTE_TOKEN_FILTER_CACHE_BYTES overrides; 0: off). */
export const TokenFilterCacheBytesDefault = 96 * 1024 * 1024

/** Bytes a filter costs beyond its bits: the map entry and the filter object. */
const EntryOverheadBytes = 96

/** One segment's filters read so far: by column, then by batch (null: the batch has none). */
class SegmentFilters {
  readonly byColumn = new Map<string, (TokenFilter | null | undefined)[]>()
  bytes = 0
}

export class TokenFilterCache {
  private readonly segments = new Map<string, SegmentFilters>()
  private bytesHeld = 0
  hits = 0
  misses = 0

  constructor(readonly bytesMax: number) {}

  /** Bytes the cached filters hold, overhead included. */
  get bytes(): number {
    return this.bytesHeld
  }

  /** Segments with cached filters. */
  get size(): number {
    return this.segments.size
  }

  /** The entry of `blobKey`, made the most recently used. */
  private segment(blobKey: string): SegmentFilters {
    const found = this.segments.get(blobKey)
    if (found !== undefined) this.segments.delete(blobKey)
    const entry = found ?? new SegmentFilters()
    this.segments.set(blobKey, entry)
    return entry
  }

  private add(entry: SegmentFilters, bytes: number): void {
    entry.bytes += bytes
    this.bytesHeld += bytes
    // The least recently used segments go first; the one being read goes last.
    for (const [key, oldest] of this.segments) {
      if (this.bytesHeld <= this.bytesMax) break
      this.segments.delete(key)
      this.bytesHeld -= oldest.bytes
    }
  }

  /** `reader` (segment `blobKey`) with tokenFilter answered from this cache when it can. */
  wrap(reader: SegmentReader, blobKey: string): SegmentReader {
    const tokenFilter = reader.tokenFilter
    if (this.bytesMax <= 0 || tokenFilter === undefined) return reader
    const entry = this.segment(blobKey)
    const read = async (batchIndex: number, column: string): Promise<TokenFilter | undefined> => {
      let batches = entry.byColumn.get(column)
      if (batches === undefined) {
        batches = new Array<TokenFilter | null | undefined>(reader.batchCount)
        entry.byColumn.set(column, batches)
      }
      const cached = batches[batchIndex]
      if (cached !== undefined) {
        this.hits++
        return cached ?? undefined
      }
      this.misses++
      const filter = await tokenFilter.call(reader, batchIndex, column)
      batches[batchIndex] = filter ?? null
      // An evicted entry may still be in use by this reader: it is no longer counted.
      if (this.segments.get(blobKey) === entry)
        this.add(
          entry,
          (filter?.bits.byteLength ?? 0) + (filter?.values?.byteLength ?? 0) + EntryOverheadBytes,
        )
      return filter
    }
    return Object.assign(Object.create(reader) as SegmentReader, { tokenFilter: read })
  }
}
