// One commit of a Kafka partition's messages: the events, the dead letters and the partition's
// next offset, in ONE metadata transaction.
//
//   messages at or after the stored offset ──► JSON.parse + JsonEventBatchBuilder (8192 rows a
//   batch) ──► bulk.add(idField): ids already committed or earlier in the bulk are dropped
//   malformed ones ──► DeadLetterBuilder ──► the dead-letter table's bulk
//   commitBulks([events, dead letters], next offset expected at the stored one) ──► visible
//
// A crash before the commit leaves nothing visible and the stored offset where it was: the
// restarted consumer reads the same messages again. A crash after it finds the offset moved
// and the ids recorded. Either way every message is stored exactly once.
import type { KafkaMessage } from 'kafkajs'
import { BatchRowsTarget } from '../../common/index.js'
import type { BulkAppend, Storage, TableInfo } from '../../storage/api.js'
import {
  JsonEventBatchBuilder,
  JsonEventError,
  jsonTimeFieldOf,
} from '../../storage/json-events.js'
import { DeadLetterBuilder, deadLetterTableOf, ensureDeadLetterTable } from './dead-letters.js'

export interface PartitionTarget {
  readonly storage: Storage
  readonly tenant: string
  readonly table: string
  readonly topic: string
  /** The source name positions are stored under: `kafka/<topic>`. */
  readonly source: string
  /** The event id field ('' turns de-duplication off). */
  readonly idField: string
}

export interface PartitionCommitResult {
  readonly rows: number
  readonly duplicates: number
  readonly deadLetters: readonly { offset: string; error: string }[]
  /** The stored offset after the commit. */
  readonly next: string
}

/** Commits `messages` (all at or after `expected`, in offset order) of one partition. */
export async function commitPartitionMessages(
  target: PartitionTarget,
  partition: number,
  messages: readonly KafkaMessage[],
  expected: string | null,
): Promise<PartitionCommitResult> {
  const last = messages[messages.length - 1]
  if (last === undefined) throw new RangeError('commitPartitionMessages needs a message')
  const { storage, tenant, table } = target
  const info = await tableFor(storage, tenant, table)
  const receivedAtMicros = Date.now() * 1000
  const deadLetters = new DeadLetterBuilder(target.topic, partition, receivedAtMicros)
  const deadLetterErrors: { offset: string; error: string }[] = []
  const bulks: BulkAppend[] = []
  let builder: JsonEventBatchBuilder | null = null
  let timeField: string | undefined
  let events: BulkAppend | null = null
  let rows = 0
  const addOptions = target.idField === '' ? {} : { idField: target.idField }
  const flush = async (): Promise<void> => {
    if (builder === null || builder.rows === 0) return
    const { fields, batch } = builder.finish()
    builder = null
    if (events === null) {
      events = await storage.writer.beginBulk(tenant, table)
      bulks.push(events)
    }
    await events.add(fields, batch, addOptions)
    rows += batch.length
  }
  try {
    for (const message of messages) {
      const event = parseEvent(message)
      if (typeof event === 'string') {
        deadLetters.add(message.offset, event, message.value)
        deadLetterErrors.push({ offset: message.offset, error: event })
        continue
      }
      // One time field for the whole commit, so its batches agree on the time column.
      timeField ??= jsonTimeFieldOf(info, event)
      builder ??= new JsonEventBatchBuilder({ timeField, arrivalMicros: receivedAtMicros })
      try {
        builder.addEvent(event, 1)
      } catch (error) {
        if (!(error instanceof JsonEventError)) throw error
        deadLetters.add(message.offset, error.message, message.value)
        deadLetterErrors.push({ offset: message.offset, error: error.message })
        continue
      }
      if (builder.rows >= BatchRowsTarget) await flush()
    }
    await flush()
    if (deadLetters.rows > 0) {
      const deadLetterTable = deadLetterTableOf(table)
      await ensureDeadLetterTable(storage.catalog, tenant, deadLetterTable)
      const bulk = await storage.writer.beginBulk(tenant, deadLetterTable)
      bulks.push(bulk)
      const { fields, batch } = deadLetters.finish()
      await bulk.add(fields, batch)
    }
    const next = (BigInt(last.offset) + 1n).toString()
    const position = { tenant, table, source: target.source, partition, expected, next }
    await storage.writer.commitBulks(bulks, { sourcePositions: [position] })
    const duplicates = bulks.reduce((sum, bulk) => sum + bulk.duplicateRows, 0)
    return { rows: rows - duplicates, duplicates, deadLetters: deadLetterErrors, next }
  } catch (error) {
    for (const bulk of bulks) await bulk.abort()
    throw error
  }
}

/** The event a message holds, or why it holds none. */
function parseEvent(message: KafkaMessage): Record<string, unknown> | string {
  if (message.value === null) return 'message has no value'
  let value: unknown
  try {
    value = JSON.parse(message.value.toString('utf8'))
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'event is not a JSON object'
  return value as Record<string, unknown>
}

async function tableFor(storage: Storage, tenant: string, table: string): Promise<TableInfo> {
  const existing = await storage.catalog.getTable(tenant, table)
  if (existing !== undefined) return existing
  await storage.catalog.createTable(tenant, table, [], true)
  const created = await storage.catalog.getTable(tenant, table)
  if (created === undefined) throw new Error(`table "${table}" was dropped while it was created`)
  return created
}
