// Exactly-once by event id: a table's de-duplication window.
//
// An ingest source that names an id field (HTTP intake and Kafka: `id` by default; COPY in
// FORMAT ndjson) drops every event whose id was committed to the table within the window, or
// came earlier in the same commit. The ids a commit keeps are recorded IN THE SAME metadata
// transaction as the segments holding their rows, so a replay after a crash at any instant
// finds them and duplicates nothing:
//
//   bulk.add ──► ids of the batch ──► drop ids seen in this bulk or committed (a snapshot read)
//            ──► rows kept go into the bulk's segments, their ids into the bulk's id list
//   commit   ──► ONE transaction: re-check every id (another writer may have committed it since
//                the snapshot: then 40001 and nothing is written), write segment records,
//                record ids (committedAtMs), expire the oldest ids beyond the window
//
// The window is commit (arrival) time, not event time: retries and replays arrive soon after
// the original, whatever time the events carry. An id is its value's text, so 42 and "42" are
// one id; an event without the field (or with null) is never de-duplicated. Ids longer than
// IdKeyBytesMax are keyed by their SHA-256.
import { createHash } from 'node:crypto'
import { PgError, SqlState, type Batch, type Field, type Vector } from '../common/index.js'
import { Keys, decodeRecord, decodeTuple, encodeRecord } from './key-layout.js'
import type { MetadataReader, MetadataTransaction } from './metadata-store.js'

/** How long a committed id keeps its duplicates out by default: 24 hours. */
export const DefaultEventIdWindowMs = 24 * 60 * 60 * 1000

/** Ids of at most this many UTF-8 bytes are keys as they are; longer ones by their hash. */
const IdKeyBytesMax = 256

/** Expired ids one commit clears beyond its own count, so the window shrinks as it grows. */
const ExpiryAllowance = 1024

const decoder = new TextDecoder()

/** The id text of each row of `batch` (null when the row has no id), or null when no field is `idField`. */
export function eventIdsOf(
  fields: readonly Field[],
  batch: Batch,
  idField: string,
): (string | null)[] | null {
  const index = fields.findIndex((field) => field.name === idField)
  const vector = index < 0 ? undefined : batch.columns[index]
  if (vector === undefined) return null
  const ids: (string | null)[] = new Array<string | null>(batch.length)
  for (let row = 0; row < batch.length; row++) ids[row] = idTextAt(vector, row)
  return ids
}

function idTextAt(vector: Vector, row: number): string | null {
  if (vector.validity !== null && vector.validity[row] === 0) return null
  let text: string
  switch (vector.kind) {
    case 'number':
      text = String(vector.values[row])
      break
    case 'bool':
      text = vector.values[row] === 1 ? 'true' : 'false'
      break
    case 'text':
      text = decoder.decode(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1]))
      break
    case 'numeric':
    case 'array':
      return null
  }
  return Buffer.byteLength(text) <= IdKeyBytesMax
    ? text
    : `sha256:${createHash('sha256').update(text).digest('hex')}`
}

/** Whether `id` was committed to the table at or after `windowStartMs`. */
async function committedSince(
  reader: MetadataReader,
  tenant: string,
  table: string,
  id: string,
  windowStartMs: number,
): Promise<boolean> {
  const value = await reader.get(Keys.eventId(tenant, table, id))
  return value !== undefined && decodeRecord<number>(value) >= windowStartMs
}

/**
 * Answers which rows to keep: those without an id, or whose id is neither in `seen` (ids kept
 * earlier in the same bulk; this adds the kept ones) nor committed within the window.
 */
export async function keepNewEventIds(
  reader: MetadataReader,
  tenant: string,
  table: string,
  ids: readonly (string | null)[],
  seen: Set<string>,
  windowStartMs: number,
): Promise<Uint8Array> {
  const keep = new Uint8Array(ids.length)
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row]
    if (id === null || id === undefined) {
      keep[row] = 1
      continue
    }
    if (seen.has(id) || (await committedSince(reader, tenant, table, id, windowStartMs))) continue
    seen.add(id)
    keep[row] = 1
  }
  return keep
}

/** Ids to record for one table in a commit. */
export interface TableEventIds {
  readonly tenant: string
  readonly table: string
  readonly ids: readonly string[]
}

/**
 * Reads for recordEventIds, done before the transaction writes anything (a read after many
 * buffered writes costs more): fails with 40001 when an id was committed since the bulk's
 * snapshot, and answers the expired entries to clear.
 */
export async function checkEventIds(
  tx: MetadataTransaction,
  entry: TableEventIds,
  nowMs: number,
  windowMs: number,
): Promise<{ expired: Uint8Array[]; expiredIds: Uint8Array[] }> {
  const { tenant, table, ids } = entry
  const windowStartMs = nowMs - windowMs
  for (const id of ids) {
    if (await committedSince(tx, tenant, table, id, windowStartMs)) {
      throw new PgError({
        code: SqlState.serializationFailure,
        message: 'could not serialize access due to concurrent update',
        detail: `Event id "${id}" of table "${table}" was committed by another writer meanwhile.`,
      })
    }
  }
  const range = Keys.eventIdsCommittedBefore(tenant, table, windowStartMs)
  const limit = ids.length + ExpiryAllowance
  const expired = (await tx.getRange(range.start, range.end, { limit })).map((kv) => kv.key)
  const expiredIds: Uint8Array[] = []
  for (const key of expired) {
    const [, , committedAtMs, id] = decodeTuple(key).items
    const idKey = Keys.eventId(tenant, table, String(id))
    const current = await tx.get(idKey)
    // The id may have been committed again since: then its newer record stays.
    if (current !== undefined && decodeRecord<number>(current) === committedAtMs)
      expiredIds.push(idKey)
  }
  return { expired, expiredIds }
}

/** Writes what checkEventIds allowed: the new ids, and the expired ones cleared. */
export function recordEventIds(
  tx: MetadataTransaction,
  entry: TableEventIds,
  nowMs: number,
  expiry: { expired: readonly Uint8Array[]; expiredIds: readonly Uint8Array[] },
): void {
  for (const key of expiry.expired) tx.clear(key)
  for (const key of expiry.expiredIds) tx.clear(key)
  const committedAt = encodeRecord(nowMs)
  const empty = new Uint8Array(0)
  for (const id of entry.ids) {
    tx.set(Keys.eventId(entry.tenant, entry.table, id), committedAt)
    tx.set(Keys.eventIdByTime(entry.tenant, entry.table, nowMs, id), empty)
  }
}
