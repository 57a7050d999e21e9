// Retention: a table with `retention = '30 days'` keeps only segments whose newest row (maxTs)
// is younger than now − retention. Whole segments are dropped, never rewritten, so the cost is
// one metadata transaction per table and no segment bytes are read:
//
//   tables with a retention ──► per table, ONE transaction: expired segment records cleared,
//   their blobs recorded as replaced (deleted after the grace period by the garbage collector,
//   so queries that pinned the old snapshot finish), a CompactionRecord of kind 'retention'
//
// A segment straddling the cutoff stays until its newest row expires: retention is a floor on
// what is kept, not an exact cut.
import type { CompactionRecord, SegmentMeta, TableInfo } from './api.js'
import { decodeSegment } from './catalog.js'
import type { ReplacedBlobRecord } from './garbage-collector.js'
import { Keys, encodeRecord } from './key-layout.js'
import type { MetadataStore } from './metadata-store.js'

/** What one table's retention pass dropped. */
export interface RetentionDrop {
  readonly tenant: string
  readonly table: string
  readonly segments: number
  readonly rows: number
  readonly bytes: number
}

/** How long compaction records stay in the metadata store. */
export const CompactionHistoryMs = 24 * 60 * 60 * 1000

/** Drops `table`'s expired segments in one transaction; answers what went, or null for nothing. */
export async function enforceTableRetention(
  metadata: MetadataStore,
  table: TableInfo,
  graceMs: number,
  nowMs: number,
): Promise<RetentionDrop | null> {
  const retention = table.retention
  if (retention === undefined) return null
  const cutoffUs = nowMs * 1000 - retention.micros
  return metadata.transact(async (tx) => {
    const range = Keys.segmentsOf(table.tenant, table.name)
    const expired: SegmentMeta[] = (await tx.getRange(range.start, range.end))
      .map((entry) => decodeSegment(entry.value))
      .filter((segment) => segment.maxTs < cutoffUs)
    if (expired.length === 0) return null
    const deleteAfterMs = nowMs + graceMs
    for (const segment of expired) {
      tx.clear(Keys.segment(table.tenant, table.name, segment.segmentId))
      const replaced: ReplacedBlobRecord = { blobKey: segment.blobKey, replacedBySegmentId: '' }
      tx.set(Keys.replaced(deleteAfterMs, segment.blobKey), encodeRecord(replaced))
    }
    const rows = expired.reduce((sum, segment) => sum + segment.rows, 0)
    const bytes = expired.reduce((sum, segment) => sum + segment.bytes, 0)
    const record: CompactionRecord = {
      kind: 'retention',
      tenant: table.tenant,
      table: table.name,
      outputSegmentId: null,
      level: Math.max(...expired.map((segment) => segment.level)),
      inputs: expired.length,
      outputs: 0,
      rows,
      inputBytes: bytes,
      outputBytes: 0,
      startedAtMs: nowMs,
      finishedAtMs: nowMs,
    }
    const first = expired[0]?.segmentId ?? ''
    tx.set(Keys.compaction(table.tenant, nowMs, `retention-${first}`), encodeRecord(record))
    return { tenant: table.tenant, table: table.name, segments: expired.length, rows, bytes }
  })
}
