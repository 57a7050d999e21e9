// A bounded least-recently-used cache of decoded column chunks, one per worker thread.
// Segments never change, so a (blob key, batch, column, type) entry never goes stale; a
// dashboard re-running its queries skips the read, the LZ4 decode and the copy.
//
// Cached vectors are shared by every query that reads them, so they must never be detached:
// their buffers are pinned, and executor/pool/transfer.ts never moves a pinned buffer (a
// reply that carries one is copied by structured clone instead).
import type { SqlType, Vector } from '../../common/index.js'
import type { SegmentReader } from '../../storage/api.js'

/** Decoded bytes a worker keeps by default (MALAMUTE_DECODED_CACHE_BYTES overrides; 0: off). */
export const DecodedCacheBytesDefault = 512 * 1024 * 1024

const pinned = new WeakSet<ArrayBufferLike>()

/** True when `buffer` backs a cached vector and must not be transferred. */
export function isPinnedBuffer(buffer: ArrayBufferLike): boolean {
  return pinned.has(buffer)
}

function buffersOf(vector: Vector): ArrayBufferLike[] {
  const views: (ArrayBufferView | null)[] = [vector.validity]
  switch (vector.kind) {
    case 'bool':
    case 'number':
      views.push(vector.values)
      break
    case 'text':
      views.push(vector.offsets, vector.data)
      break
    case 'numeric':
      views.push(vector.scales)
      break
    case 'array':
      // The List layout: its offsets, then every buffer of the element vector, which must be
      // pinned too or a reply would transfer (detach) them under the cached vector.
      views.push(vector.offsets)
      return [...new Set([...buffersOf(vector.child), ...viewBuffers(views)])]
  }
  return viewBuffers(views)
}

function viewBuffers(views: readonly (ArrayBufferView | null)[]): ArrayBufferLike[] {
  return [...new Set(views.flatMap((view) => (view === null ? [] : [view.buffer])))]
}

export class DecodedColumnCache {
  private readonly entries = new Map<string, { vector: Vector; bytes: number }>()
  private bytes = 0
  hits = 0
  misses = 0

  constructor(readonly bytesMax: number) {}

  get(key: string): Vector | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) {
      this.misses++
      return undefined
    }
    this.hits++
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.vector
  }

  set(key: string, vector: Vector): void {
    const buffers = buffersOf(vector)
    // Numeric vectors hold bigint arrays the size of which is not known: not cached.
    if (vector.kind === 'numeric' || (vector.kind === 'array' && vector.child.kind === 'numeric'))
      return
    const bytes = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0) + 64
    if (bytes > this.bytesMax / 8) return
    for (const buffer of buffers) pinned.add(buffer)
    this.entries.set(key, { vector, bytes })
    this.bytes += bytes
    while (this.bytes > this.bytesMax) {
      const oldest = this.entries.entries().next()
      if (oldest.done === true) break
      this.entries.delete(oldest.value[0])
      this.bytes -= oldest.value[1].bytes
    }
  }

  /** `reader` with readColumn answered from this cache when it can. */
  wrap(reader: SegmentReader, blobKey: string): SegmentReader {
    if (this.bytesMax <= 0) return reader
    const read = async (batchIndex: number, column: string, type: SqlType): Promise<Vector> => {
      const key = `${blobKey}\u0000${batchIndex}\u0000${column}\u0000${type}`
      const cached = this.get(key)
      if (cached !== undefined) return cached
      const vector = await reader.readColumn(batchIndex, column, type)
      this.set(key, vector)
      return vector
    }
    return Object.assign(Object.create(reader) as SegmentReader, { readColumn: read })
  }
}
