// One small blob fetched whole, behind the BlobStore interface, so a segment reader over it
// costs one GET instead of one per footer and column chunk. The compactor reads every column
// of every input, so for small inputs (the usual ones: writer output) the whole object is what
// it needs anyway; on S3 that turns a merge of 32 inputs from ~160 GETs into 32.
import { blobMissing, type BlobStore } from './blob-store.js'

/** Inputs up to this size are fetched whole; larger ones are read by ranges. */
export const PrefetchBytesMax = 8 * 1024 * 1024

/** A read-only store holding one object, or `store` itself when the object is large. */
export async function prefetchedBlob(
  store: BlobStore,
  key: string,
  bytes: number,
): Promise<BlobStore> {
  if (bytes > PrefetchBytesMax) return store
  const whole = await store.get(key)
  if (whole === undefined) throw blobMissing(key)
  const only = (asked: string): Uint8Array => {
    if (asked !== key) throw blobMissing(asked)
    return whole
  }
  return {
    put: async () => Promise.reject(new Error('a prefetched blob is read-only')),
    get: async (asked) => (asked === key ? whole : undefined),
    getRange: async (asked, offset, length) => only(asked).subarray(offset, offset + length),
    size: async (asked) => (asked === key ? whole.length : undefined),
    delete: async () => Promise.reject(new Error('a prefetched blob is read-only')),
    list: async (prefix) => (key.startsWith(prefix) ? [key] : []),
  }
}
