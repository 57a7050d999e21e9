// A bounded in-memory cache of blob byte ranges and sizes in front of a remote BlobStore, for
// readers. Segments are immutable, so a cached range never goes stale; puts and deletes made
// through this wrapper still drop the key's entries, so the wrapper keeps the whole BlobStore
// contract (a replaced key reads its new bytes). Least recently used ranges are evicted first,
// by bytes. Callers get a copy: query workers transfer result buffers to the main thread, and
// a transferred buffer that the cache still held would be detached under it.
import { assert } from '../common/index.js'
import { countBlobTraffic } from './blob-counters.js'
import type { BlobStore } from './blob-store.js'

export const DefaultRangeCacheBytesMax = 64 * 1024 * 1024
/** Bytes an entry costs beyond its data: keeps sizes and tiny ranges from being free. */
const EntryOverheadBytes = 64

interface CachedRange {
  readonly blobKey: string
  readonly bytes: Uint8Array
}

export class CachingBlobStore implements BlobStore {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly ranges = new Map<string, CachedRange>()
  private readonly rangeKeysByBlob = new Map<string, Set<string>>()
  private readonly sizes = new Map<string, number>()
  private bytesHeld = 0

  constructor(
    readonly inner: BlobStore,
    readonly bytesMax = DefaultRangeCacheBytesMax,
  ) {
    assert(bytesMax > 0, 'a range cache holds some bytes')
  }

  /** Bytes the cache holds now, overhead included. */
  get bytes(): number {
    return this.bytesHeld
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.forget(key)
    try {
      await this.inner.put(key, bytes)
    } finally {
      this.forget(key)
    }
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key)
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const rangeKey = `${key}\u0000${offset}\u0000${length}`
    const cached = this.ranges.get(rangeKey)
    if (cached !== undefined) {
      this.ranges.delete(rangeKey)
      this.ranges.set(rangeKey, cached)
      countBlobTraffic({ cacheHits: 1 })
      return cached.bytes.slice()
    }
    countBlobTraffic({ cacheMisses: 1 })
    const bytes = await this.inner.getRange(key, offset, length)
    this.remember(rangeKey, key, bytes.slice())
    return bytes
  }

  async size(key: string): Promise<number | undefined> {
    const cached = this.sizes.get(key)
    if (cached !== undefined) {
      countBlobTraffic({ cacheHits: 1 })
      return cached
    }
    countBlobTraffic({ cacheMisses: 1 })
    const size = await this.inner.size(key)
    // A missing key is not cached: it may be written next.
    if (size !== undefined && this.sizes.size * EntryOverheadBytes < this.bytesMax) {
      this.sizes.set(key, size)
      this.adjust(EntryOverheadBytes)
    }
    return size
  }

  async delete(key: string): Promise<void> {
    this.forget(key)
    await this.inner.delete(key)
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix)
  }

  private remember(rangeKey: string, blobKey: string, bytes: Uint8Array): void {
    const cost = bytes.length + EntryOverheadBytes
    if (cost > this.bytesMax / 4) return
    this.ranges.set(rangeKey, { blobKey, bytes })
    let keys = this.rangeKeysByBlob.get(blobKey)
    if (keys === undefined) {
      keys = new Set()
      this.rangeKeysByBlob.set(blobKey, keys)
    }
    keys.add(rangeKey)
    this.adjust(cost)
    while (this.bytesHeld > this.bytesMax) {
      const oldest = this.ranges.entries().next()
      if (oldest.done === true) break
      this.drop(oldest.value[0], oldest.value[1])
    }
  }

  private drop(rangeKey: string, range: CachedRange): void {
    this.ranges.delete(rangeKey)
    const keys = this.rangeKeysByBlob.get(range.blobKey)
    keys?.delete(rangeKey)
    if (keys?.size === 0) this.rangeKeysByBlob.delete(range.blobKey)
    this.adjust(-(range.bytes.length + EntryOverheadBytes))
  }

  /** Drops every cached range and the size of `blobKey`. */
  private forget(blobKey: string): void {
    if (this.sizes.delete(blobKey)) this.adjust(-EntryOverheadBytes)
    for (const rangeKey of this.rangeKeysByBlob.get(blobKey) ?? []) {
      const range = this.ranges.get(rangeKey)
      if (range !== undefined) this.drop(rangeKey, range)
    }
  }

  private adjust(delta: number): void {
    this.bytesHeld += delta
    countBlobTraffic({ cacheBytes: delta })
  }
}
