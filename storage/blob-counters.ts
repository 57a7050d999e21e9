// Process-wide (per thread: each worker thread has its own) counters of remote blob traffic
// and of the segment range cache, so EXPLAIN ANALYZE and a system view can show what a query
// or the process cost in object-store requests; and the same GETs and PUTs per table, told
// apart by the table oid every segment blob key starts with (`t16384/...`).

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

/** One table's object-store GETs and PUTs in this thread (or, summed, this process). */
export interface TableBlobTraffic {
  getRequests: number
  bytesRead: number
  putRequests: number
  bytesWritten: number
}

const byTable = new Map<number, TableBlobTraffic>()

const tableOidInKey = /^t(\d+)\//

/** The table oid a segment blob key starts with, or undefined for other keys. */
export function tableOidOfBlobKey(key: string): number | undefined {
  const match = tableOidInKey.exec(key)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** Adds `delta` to table `oid`'s counters in this thread. */
export function countTableBlobTraffic(oid: number, delta: Partial<TableBlobTraffic>): void {
  let traffic = byTable.get(oid)
  if (traffic === undefined) {
    traffic = { getRequests: 0, bytesRead: 0, putRequests: 0, bytesWritten: 0 }
    byTable.set(oid, traffic)
  }
  for (const [name, value] of Object.entries(delta) as [keyof TableBlobTraffic, number][]) {
    traffic[name] += value
  }
}

/** A copy of this thread's per-table counters, by table oid. */
export function tableBlobTraffic(): Map<number, TableBlobTraffic> {
  return new Map([...byTable].map(([oid, traffic]) => [oid, { ...traffic }]))
}
