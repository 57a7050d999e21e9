// Where an ingest source resumes: per (tenant, table, source, partition), the position after
// the last committed message (for Kafka, the last offset + 1, as a decimal string: offsets are
// 64-bit). A position is written only in the metadata transaction that commits the segments
// its messages produced, and only if the stored position is still the one the writer read
// before it started (optimistic concurrency: two writers racing for a partition after a
// rebalance cannot both commit the same messages; the loser gets 40001 and re-reads).
import { PgError, SqlState } from '../common/index.js'
import type { SourcePositionUpdate } from './api.js'
import { Keys, decodeRecord, decodeTuple, encodeRecord } from './key-layout.js'
import type { MetadataReader, MetadataTransaction } from './metadata-store.js'

interface SourcePositionRecord {
  readonly next: string
  readonly committedAtMs: number
}

/** The stored positions of every partition of `source` for a table. */
export async function readSourcePositions(
  reader: MetadataReader,
  tenant: string,
  table: string,
  source: string,
): Promise<Map<number, string>> {
  const range = Keys.sourcePositionsOf(tenant, table, source)
  const positions = new Map<number, string>()
  for (const { key, value } of await reader.getRange(range.start, range.end)) {
    const partition = decodeTuple(key).items[3]
    if (typeof partition === 'number')
      positions.set(partition, decodeRecord<SourcePositionRecord>(value).next)
  }
  return positions
}

/** Checks every update's expected position (40001 when another writer moved it). */
export async function checkSourcePositions(
  tx: MetadataTransaction,
  updates: readonly SourcePositionUpdate[],
): Promise<void> {
  for (const update of updates) {
    const key = Keys.sourcePosition(update.tenant, update.table, update.source, update.partition)
    const stored = await tx.get(key)
    const current = stored === undefined ? null : decodeRecord<SourcePositionRecord>(stored).next
    if (current !== update.expected) {
      throw new PgError({
        code: SqlState.serializationFailure,
        message: 'could not serialize access due to concurrent update',
        detail:
          `Source ${update.source} partition ${update.partition} of table "${update.table}" ` +
          `is at ${current ?? 'its start'}, not ${update.expected ?? 'its start'}.`,
      })
    }
  }
}

/** Writes the updates' new positions. */
export function writeSourcePositions(
  tx: MetadataTransaction,
  updates: readonly SourcePositionUpdate[],
  nowMs: number,
): void {
  for (const update of updates) {
    const key = Keys.sourcePosition(update.tenant, update.table, update.source, update.partition)
    const record: SourcePositionRecord = { next: update.next, committedAtMs: nowMs }
    tx.set(key, encodeRecord(record))
  }
}
