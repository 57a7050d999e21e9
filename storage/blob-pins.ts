// Blobs that queries in this process are reading. A query pins the segments of its snapshot
// while its scan runs; the garbage collector leaves a replaced blob alone while it is pinned,
// however long the query takes, and deletes it on a later pass. Across processes (a compactor
// role apart from the gateway) only the grace period protects a reader: size it above the
// longest query.
export class BlobPins {
  private readonly counts = new Map<string, number>()

  /** Pins `blobKeys`; the returned function releases them (once). */
  pin(blobKeys: readonly string[]): () => void {
    for (const key of blobKeys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      for (const key of blobKeys) {
        const count = (this.counts.get(key) ?? 1) - 1
        if (count <= 0) this.counts.delete(key)
        else this.counts.set(key, count)
      }
    }
  }

  isPinned(blobKey: string): boolean {
    return this.counts.has(blobKey)
  }
}

/** The process's pins: scans add theirs, the garbage collector consults them. */
export const blobsInUse = new BlobPins()
