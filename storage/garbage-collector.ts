// Deletes segment blobs nothing needs any more. Two kinds:
//
// * Replaced blobs: a compaction commit records each input's blob key with a delete-after time
//   (the grace period), so a query that pinned the snapshot before the swap can still read
//   them. Once the time passed and no query of this process reads it (blob-pins.ts), the
//   blob is deleted, then its record cleared (a crash between
//   the two deletes the blob again: deleting a missing blob is no error).
// * Orphans: blobs written but never committed (a crash between upload and commit, an aborted
//   compaction). A blob is an orphan when no segment record, replaced record, drop-garbage
//   record or in-progress compaction names it, and its key's creation time is older than the
//   safety age. The safety age must exceed the longest upload-to-commit time of any writer,
//   since writers register nothing before they commit. Keys whose creation time cannot be
//   read are never touched.
//
// Order matters for orphans: list blobs, then copy the in-progress set, then read metadata.
// A compaction output listed but released before the copy was either committed (so the later
// metadata snapshot names it) or aborted (a true orphan).
import { assert } from '../common/index.js'
import { blobsInUse } from './blob-pins.js'
import type { BlobStore } from './blob-store.js'
import { Keys, decodeRecord, decodeTuple } from './key-layout.js'
import type { MetadataStore } from './metadata-store.js'

export interface GarbageCollectorOptions {
  /** How old an unreferenced blob must be before it is deleted as an orphan. */
  readonly orphanSafetyMs?: number
  readonly now?: () => number
}

export const DefaultOrphanSafetyMs = 10 * 60 * 1000

/**
 * Blob keys this process is uploading and has not committed (or abandoned) yet. Whoever
 * uploads before a commit may add its keys here (and must delete them once the commit ends);
 * the orphan scan never deletes them, whatever their age. Compaction outputs and every segment
 * the ingest writer uploads (group commits and bulk loads alike) are added.
 */
export const uploadsInFlight = new Set<string>()

/** What a compaction commit records for each blob it replaced. */
export interface ReplacedBlobRecord {
  readonly blobKey: string
  readonly replacedBySegmentId: string
}

/** Segment blob keys end in `<creation ms, base36, 9 digits>-<random hex>.seg`. */
const segmentBlobName = /(?:^|\/)([0-9a-z]{9})-[0-9a-f]+\.seg$/

/** The creation time written into a segment blob key, or undefined when it has none. */
export function blobCreatedAtMs(blobKey: string): number | undefined {
  const match = segmentBlobName.exec(blobKey)
  if (match === null || match[1] === undefined) return undefined
  const ms = parseInt(match[1], 36)
  return Number.isSafeInteger(ms) ? ms : undefined
}

export class GarbageCollector {
  readonly orphanSafetyMs: number
  private readonly now: () => number

  constructor(
    private readonly metadata: MetadataStore,
    private readonly blobs: BlobStore,
    options: GarbageCollectorOptions = {},
  ) {
    this.orphanSafetyMs = options.orphanSafetyMs ?? DefaultOrphanSafetyMs
    this.now = options.now ?? Date.now
    assert(this.orphanSafetyMs >= 0, 'orphan safety age is not negative')
  }

  /** Deletes replaced blobs whose grace period has passed; answers how many. */
  async collectReplaced(): Promise<number> {
    const due = await this.metadata.read(async (reader) => {
      const range = Keys.replacedDueBy(this.now())
      return (await reader.getRange(range.start, range.end)).map((entry) => ({
        key: entry.key,
        blobKey: decodeRecord<ReplacedBlobRecord>(entry.value).blobKey,
      }))
    })
    // A blob a running query still reads waits for a later pass.
    const free = due.filter((entry) => !blobsInUse.isPinned(entry.blobKey))
    if (free.length === 0) return 0
    for (const entry of free) await this.blobs.delete(entry.blobKey)
    await this.metadata.transact(async (tx) => {
      for (const entry of free) tx.clear(entry.key)
    })
    return free.length
  }

  /** Deletes blobs nothing refers to that are older than the safety age; answers how many. */
  async collectOrphans(inProgress: ReadonlySet<string> = new Set()): Promise<number> {
    const listed = await this.blobs.list('')
    const protectedKeys = new Set([...inProgress, ...uploadsInFlight])
    const referenced = await this.referencedBlobKeys()
    const oldestCreatedAtMs = this.now() - this.orphanSafetyMs
    let deleted = 0
    for (const blobKey of listed) {
      if (referenced.has(blobKey) || protectedKeys.has(blobKey)) continue
      const createdAtMs = blobCreatedAtMs(blobKey)
      if (createdAtMs === undefined || createdAtMs > oldestCreatedAtMs) continue
      await this.blobs.delete(blobKey)
      deleted++
    }
    return deleted
  }

  /** Blob keys that committed metadata names, read on one snapshot. */
  private async referencedBlobKeys(): Promise<Set<string>> {
    return this.metadata.read(async (reader) => {
      const keys = new Set<string>()
      const segments = Keys.allSegments()
      for (const entry of await reader.getRange(segments.start, segments.end)) {
        keys.add(decodeRecord<{ blobKey: string }>(entry.value).blobKey)
      }
      const replaced = Keys.allReplaced()
      for (const entry of await reader.getRange(replaced.start, replaced.end)) {
        keys.add(decodeRecord<ReplacedBlobRecord>(entry.value).blobKey)
      }
      const garbage = Keys.allGarbage()
      for (const entry of await reader.getRange(garbage.start, garbage.end)) {
        keys.add(String(decodeTuple(entry.key).items[0]))
      }
      return keys
    })
  }
}
