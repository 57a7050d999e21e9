// One chunk of whole records (record-cutter.ts) of a COPY text or csv stream, parsed, cast and
// encoded as one segment file, with no I/O: the work a copy worker thread does
// (copy-chunk-worker.ts), or the main thread for a small chunk. Everything in and out is plain
// data; an error crosses as a PlainError whose detail already names the line in the stream.
import { BatchRowsTarget, toPlainError, type Field, type PlainError } from '../../common/index.js'
import type { EncodedBulkSegment, TableInfo } from '../../storage/api.js'
import { checkAppend, encodeBulkSegment } from '../../storage/index.js'
import { castRawBatch } from './copy-cast.js'
import type { CopyOptions } from './copy-options.js'
import { CopyParser } from './copy-parser.js'
import { fastCsvApplies, parseCsvChunk } from './csv-chunk-parser.js'

export const CopyChunkProtocolVersion = 1

export interface CopyChunkTask {
  readonly version: number
  readonly bytes: Uint8Array
  /** The line number of the chunk's first record (the header counted). */
  readonly firstLine: number
  /** The chunk starts with the header line, which is skipped. */
  readonly header: boolean
  readonly options: CopyOptions
  readonly table: TableInfo
  /** The COPY's target columns, in the stream's field order. */
  readonly columns: readonly Field[]
  readonly timeZone: string
}

export type CopyChunkReply =
  | {
      readonly version: number
      readonly ok: true
      /** Rows parsed (the header not counted). */
      readonly rows: number
      /** A line holding only \. ended the data inside this chunk: later chunks are not data. */
      readonly ended: boolean
      /** Null when the chunk holds no rows. */
      readonly segment: EncodedBulkSegment | null
    }
  | { readonly version: number; readonly ok: false; readonly error: PlainError }

/** Parses, casts and encodes one chunk; never throws (errors come back as PlainError). */
export function encodeCopyChunk(task: CopyChunkTask): CopyChunkReply {
  const version = CopyChunkProtocolVersion
  try {
    const names = task.columns.map((column) => column.name)
    const options = { ...task.options, header: task.header }
    const target = {
      tenant: task.table.tenant,
      table: task.table.name,
      columns: task.columns,
      options,
    }
    const fast = fastCsvApplies(options)
      ? parseCsvChunk(task.bytes, options, names.length, task.firstLine, BatchRowsTarget)
      : null
    let ended = false
    let batches = fast
    if (batches === null) {
      const parser = new CopyParser(
        options,
        task.table.name,
        names,
        BatchRowsTarget,
        task.firstLine,
      )
      parser.push(task.bytes)
      parser.finish()
      batches = parser.takeReady()
      ended = parser.endedByMarker
    }
    const groups = batches.map((raw) => {
      const batch = castRawBatch(raw, target, task.timeZone)
      checkAppend(task.columns, batch)
      return { fields: task.columns, batch }
    })
    const rows = groups.reduce((sum, group) => sum + group.batch.length, 0)
    const segment = rows === 0 ? null : encodeBulkSegment(task.table, groups)
    return { version, ok: true, rows, ended, segment }
  } catch (error) {
    return { version, ok: false, error: toPlainError(error) }
  }
}
