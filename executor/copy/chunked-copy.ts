// COPY FROM in text and csv on every core: the calling thread only cuts the stream into
// chunks of whole records and uploads; worker threads parse, cast and encode a segment per
// chunk. Segments are added to the bulk in stream order, so errors name the first bad line
// and nothing is uploaded after one:
//
//   bytes ─► RecordCutter ─► chunk 1 ─► worker: parse, cast, encode ─┐
//                         ─► chunk 2 ─► worker: parse, cast, encode ─┼─► in order: addEncoded
//                         ─► chunk 3 ─► (waits: at most threads + 1 in flight)
//
// Memory stays bounded by the chunks in flight (each at most ~chunkBytesTarget of input).
import { fromPlainError } from '../../common/index.js'
import type { BulkAppend, TableInfo } from '../../storage/api.js'
import { checkCanceled } from '../operators/operator.js'
import { CopyChunkProtocolVersion, type CopyChunkReply } from './copy-chunk.js'
import type { CopyFromTarget } from './copy-from.js'
import { copyThreads, runCopyChunk } from './copy-pool.js'
import { RecordCutter, type RecordChunk, type RecordCutterLimits } from './record-cutter.js'

/** A chunk per bulk segment: its row count is the bulk's default segment size. */
export const DefaultChunkLimits: ChunkLimits = {
  chunkRecords: 65_536,
  chunkBytesTarget: 64 << 20,
  inlineChunkBytesMax: 1 << 20,
}

export interface ChunkLimits extends RecordCutterLimits {
  /** Chunks smaller than this are encoded on the calling thread: a worker is not worth it. */
  readonly inlineChunkBytesMax: number
}

/** Where encoded chunks go: a bulk append (not a transaction block's, which takes batches). */
export type SegmentSink = Pick<BulkAppend, 'addEncoded'>

/** Parses `source` as COPY FROM text or csv into `sink`; answers the rows added. */
export async function copyDelimitedInChunks(
  target: CopyFromTarget,
  table: TableInfo,
  source: AsyncIterable<Uint8Array>,
  sink: SegmentSink,
  timeZone: string,
  signal: AbortSignal,
  limits: ChunkLimits = DefaultChunkLimits,
): Promise<number> {
  const cutter = new RecordCutter(target.options, limits)
  const inFlight: Promise<CopyChunkReply>[] = []
  let rows = 0
  let ended = false
  let header = target.options.header
  const dispatch = (chunk: RecordChunk): void => {
    const task = {
      version: CopyChunkProtocolVersion,
      bytes: chunk.bytes,
      firstLine: chunk.firstLine,
      header,
      options: target.options,
      table,
      columns: target.columns,
      timeZone,
    }
    header = false
    const reply = runCopyChunk(task, chunk.bytes.length < limits.inlineChunkBytesMax)
    reply.catch(() => {}) // awaited in order below; an earlier failure may leave it unawaited
    inFlight.push(reply)
  }
  const settleOldest = async (): Promise<void> => {
    const reply = await inFlight.shift()!
    if (ended) return // after a \. line: not data
    if (!reply.ok) throw fromPlainError(reply.error)
    checkCanceled(signal)
    if (reply.segment !== null) await sink.addEncoded(reply.segment)
    rows += reply.rows
    ended = reply.ended
  }
  for await (const piece of source) {
    checkCanceled(signal)
    if (ended) continue // the client still sends until CopyDone
    for (const chunk of cutter.push(piece)) dispatch(chunk)
    while (inFlight.length > copyThreads) await settleOldest()
  }
  const last = cutter.finish()
  if (last !== null && !ended) dispatch(last)
  while (inFlight.length > 0) await settleOldest()
  checkCanceled(signal)
  return rows
}
