// COPY FROM STDIN: bytes → rows of raw text (copy-parser) → one cast per column per batch
// (castVector) → a bulk append that commits every segment at once, or none:
//
//   CopyData* ─► parser ─► 8192-row text batches ─► cast per column ─► bulk.add (uploads a
//   segment per ~64k rows) ─► CopyDone ─► bulk.commit: ONE metadata transaction
//   any error, CopyFail or cancel ─► bulk.abort: uploaded segments deleted, nothing visible
//
// Memory stays bounded by one CopyData chunk plus one segment's rows, whatever the input size.
//
// FORMAT ndjson de-duplicates by the events' `id` field as HTTP intake does (a COPY retried
// after its acknowledgement was lost stores nothing twice), except inside a transaction
// block, whose bulk is shared with INSERTs. text and csv store every row, as PostgreSQL does.
import { BatchRowsTarget, PgError, type Field } from '../../common/index.js'
import type { BulkAppend, Storage } from '../../storage/api.js'
import {
  JsonEventBatchBuilder,
  JsonEventError,
  jsonTimeFieldOf,
  type JsonEventsOptions,
} from '../../storage/json-events.js'
import { checkCanceled } from '../operators/operator.js'
import type { CopyOptions } from './copy-options.js'
import { CopyParser } from './copy-parser.js'
import { castRawBatch } from './copy-cast.js'
import { copyDelimitedInChunks } from './chunked-copy.js'
import type { WriteTransaction } from '../write-transaction.js'

/** The event id field COPY ... (FORMAT ndjson) de-duplicates by. */
const NdjsonIdField = 'id'

export interface CopyFromTarget {
  readonly tenant: string
  readonly table: string
  readonly columns: readonly Field[]
  readonly options: CopyOptions
}

/** Where parsed rows go: a bulk append of its own, or the transaction block's. */
export type RowSink = Pick<BulkAppend, 'add'>

/**
 * Consumes a COPY FROM stream into `target`; resolves with the rows committed. Inside a
 * transaction block the rows go to `transaction` instead, and commit or abort with it.
 */
export async function copyFrom(
  storage: Storage,
  target: CopyFromTarget,
  source: AsyncIterable<Uint8Array>,
  timeZone: string,
  signal: AbortSignal,
  transaction: WriteTransaction | null = null,
): Promise<number> {
  const copyInto = (sink: RowSink): Promise<void> =>
    copyRowsInto(storage, target, source, sink, timeZone, signal)
  if (transaction !== null) {
    let rows = 0
    await copyInto({
      add: async (fields, batch) => {
        await transaction.add(target.tenant, target.table, fields, batch)
        rows += batch.length
      },
    })
    return rows
  }
  const bulk = await storage.writer.beginBulk(target.tenant, target.table)
  try {
    await copyIntoBulk(storage, target, source, bulk, timeZone, signal)
    return await bulk.commit()
  } catch (error) {
    await bulk.abort()
    throw error
  }
}

/**
 * Parses `source` as COPY FROM does into `bulk`, committing nothing: the caller commits (COPY
 * at CopyDone, `malamute load` chunk by chunk with its file position). Answers the rows
 * added, duplicates dropped by the bulk included. text and csv are parsed and encoded on
 * worker threads a chunk of records at a time (chunked-copy.ts).
 */
export async function copyIntoBulk(
  storage: Storage,
  target: CopyFromTarget,
  source: AsyncIterable<Uint8Array>,
  bulk: BulkAppend,
  timeZone: string,
  signal: AbortSignal,
): Promise<number> {
  const info = await storage.catalog.getTable(target.tenant, target.table)
  if (target.options.format === 'ndjson' || info === undefined || target.columns.length === 0) {
    let rows = 0
    const sink: RowSink = {
      add: (fields, batch, options) => {
        rows += batch.length
        return bulk.add(fields, batch, options)
      },
    }
    await copyRowsInto(storage, target, source, sink, timeZone, signal)
    return rows
  }
  return copyDelimitedInChunks(target, info, source, bulk, timeZone, signal)
}

/**
 * Parses `source` as COPY FROM does and adds its rows to `sink` a batch at a time on this
 * thread, committing nothing (inside a transaction block, whose rows go to its batches).
 */
export async function copyRowsInto(
  storage: Storage,
  target: CopyFromTarget,
  source: AsyncIterable<Uint8Array>,
  sink: RowSink,
  timeZone: string,
  signal: AbortSignal,
): Promise<void> {
  if (target.options.format === 'ndjson') await copyNdjson(storage, target, source, sink, signal)
  else await copyDelimited(target, source, sink, timeZone, signal)
  checkCanceled(signal)
}

async function copyDelimited(
  target: CopyFromTarget,
  source: AsyncIterable<Uint8Array>,
  bulk: RowSink,
  timeZone: string,
  signal: AbortSignal,
): Promise<void> {
  const names = target.columns.map((column) => column.name)
  const parser = new CopyParser(target.options, target.table, names, BatchRowsTarget)
  const drain = async (): Promise<void> => {
    for (const raw of parser.takeReady()) {
      checkCanceled(signal)
      await bulk.add(target.columns, castRawBatch(raw, target, timeZone))
    }
  }
  for await (const chunk of source) {
    parser.push(chunk)
    await drain()
  }
  parser.finish()
  await drain()
}

async function copyNdjson(
  storage: Storage,
  target: CopyFromTarget,
  source: AsyncIterable<Uint8Array>,
  bulk: RowSink,
  signal: AbortSignal,
): Promise<void> {
  const info = await storage.catalog.getTable(target.tenant, target.table)
  const arrivalMicros = Date.now() * 1000
  // The time field is chosen at the first event (jsonTimeFieldOf), as every JSON intake does.
  let options: JsonEventsOptions | null = null
  let builder = new JsonEventBatchBuilder({ timeField: 'timestamp', arrivalMicros })
  let line = 0
  let carry: Buffer = Buffer.alloc(0)
  const addLine = (bytes: Buffer): void => {
    line++
    try {
      const text = bytes.toString('utf8')
      if (options === null && text.trim() !== '') {
        options = { timeField: jsonTimeFieldOf(info, firstEventOf(text)), arrivalMicros }
        builder = new JsonEventBatchBuilder(options)
      }
      builder.addLine(text, line)
    } catch (error) {
      if (!(error instanceof JsonEventError)) throw error
      const detail = `COPY ${target.table}, line ${line}`
      throw new PgError({ ...error.fields, detail })
    }
  }
  const flush = async (): Promise<void> => {
    checkCanceled(signal)
    const { fields, batch } = builder.finish()
    builder = new JsonEventBatchBuilder(options ?? { timeField: 'timestamp', arrivalMicros })
    await bulk.add(fields, batch, { idField: NdjsonIdField })
  }
  let ended = false
  for await (const chunk of source) {
    if (ended) continue
    let data = carry.length === 0 ? Buffer.from(chunk) : Buffer.concat([carry, chunk])
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10)) {
      const bytes = data.subarray(0, newline)
      // As in text and csv, a line holding only \. ends the data (psql sends it).
      if (bytes.length === 2 && bytes[0] === 92 && bytes[1] === 46) {
        ended = true
        data = Buffer.alloc(0)
        break
      }
      addLine(bytes)
      data = data.subarray(newline + 1)
      if (builder.rows >= BatchRowsTarget) await flush()
    }
    carry = Buffer.from(data)
  }
  if (!ended && carry.length > 0 && carry.toString('utf8').trim() !== '\\.') addLine(carry)
  if (builder.rows > 0) await flush()
}

/** The first line's event, or null when it does not parse (addLine then reports it). */
function firstEventOf(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
