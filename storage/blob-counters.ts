// Process-wide (per thread: each worker thread has its own) counters of remote blob traffic
// and of the segment range cache, so EXPLAIN ANALYZE and a system view can show what a query
// or the process cost in object-store requests.

export interface BlobStoreCounters {
  /** GET requests: whole objects and ranges. */
  getRequests: number
  /** PUT requests, counting each multipart part and the create/complete calls. */
  putRequests: number
  headRequests: number
  listRequests: number
  deleteRequests: number
  /** Requests sent again after a 5xx answer or a network error. */
  retries: number
  bytesRead: number
  bytesWritten: number
  cacheHits: number
  cacheMisses: number
  /** Bytes the range cache holds now. */
  cacheBytes: number
}

export function emptyBlobStoreCounters(): BlobStoreCounters {
  return {
    getRequests: 0,
    putRequests: 0,
    headRequests: 0,
    listRequests: 0,
    deleteRequests: 0,
    retries: 0,
    bytesRead: 0,
    bytesWritten: 0,
    cacheHits: 0,
    cacheMisses: 0,
    cacheBytes: 0,
  }
}

const counters = emptyBlobStoreCounters()

/** A copy of this thread's blob counters since it started. */
export function blobStoreCounters(): Readonly<BlobStoreCounters> {
  return { ...counters }
}

/** Adds `delta` to this thread's counters and to `also` (a store's own counters), when given. */
export function countBlobTraffic(
  delta: Partial<BlobStoreCounters>,
  also?: BlobStoreCounters,
): void {
  for (const [name, value] of Object.entries(delta) as [keyof BlobStoreCounters, number][]) {
    counters[name] += value
    if (also !== undefined) also[name] += value
  }
}
