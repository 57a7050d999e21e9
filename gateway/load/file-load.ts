// `malamute load FILE --table T`: a bulk load of an NDJSON, CSV or text file (gzip or not)
// straight into segments, resumable after any interruption:
//
//   file ─► (gunzip) ─► chunks cut at record boundaries (~chunkBytes of input each)
//        ─► COPY's parsers and casts (executor/copy) ─► a bulk append per chunk
//        ─► commitBulks(chunk, position = input bytes consumed) ─► ONE metadata transaction
//
// The position is stored under the source `load/<file name>:<size>` in the same transaction as
// the chunk's segments, exactly as Kafka offsets are (storage/source-positions.ts), so a load
// killed at any point and started again skips exactly what was committed: no row twice, none
// lost. A finished load started again loads nothing (`restart` loads the file anew).
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { PgError, SqlState, type Field } from '../../common/index.js'
import { defaultCopyOptions, type CopyFormat } from '../../executor/copy/copy-options.js'
import { copyIntoBulk } from '../../executor/copy/copy-from.js'
import { copyThreads } from '../../executor/copy/copy-pool.js'
import type { BulkAppend, Storage } from '../../storage/api.js'
import { splitAtRecords } from './record-chunks.js'

export interface LoadRequest {
  readonly file: string
  readonly tenant: string
  readonly table: string
  /** Defaults from the extension: .ndjson/.jsonl/.json → ndjson, .csv → csv, else text. */
  readonly format?: CopyFormat
  /** csv and text: the first line names the columns and is skipped. */
  readonly header?: boolean
  /** Input bytes per committed chunk (decompressed). */
  readonly chunkBytes?: number
  /** Ignore a stored position and load the whole file again. */
  readonly restart?: boolean
  readonly timeZone?: string
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: LoadProgress) => void
}

export interface LoadProgress {
  /** Rows committed by this run. */
  readonly rows: number
  /** Bytes of the file (as stored, so compressed for gzip) read so far, and its size. */
  readonly fileBytesRead: number
  readonly fileBytes: number
  /** Decompressed input bytes committed, counting from the file's start (resumed or not). */
  readonly position: number
  /** Where this run started (0, or the stored position it resumed from). */
  readonly resumedFrom: number
}

export interface LoadResult extends LoadProgress {
  readonly chunks: number
}

export const DefaultChunkBytes = 32 * 1024 * 1024

/** A chunk added to its own bulk (maybe still on worker threads), waiting to commit in order. */
interface LoadingChunk {
  readonly bulk: BulkAppend
  /** Rows added, once every one is. */
  readonly added: Promise<number>
  /** Input bytes consumed once this chunk commits: the position stored with it. */
  readonly position: number
  /** Lines of the file before this chunk: errors name lines of the file. */
  readonly linesBefore: number
}

export function formatOfFile(file: string): CopyFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '')
  if (/\.(ndjson|jsonl|json)$/.test(name)) return 'ndjson'
  if (name.endsWith('.csv')) return 'csv'
  return 'text'
}

export async function loadFile(storage: Storage, request: LoadRequest): Promise<LoadResult> {
  const { file, tenant, table } = request
  const format = request.format ?? formatOfFile(file)
  const fileBytes = (await stat(file)).size
  const source = `load/${path.basename(file)}:${fileBytes}`
  const columns = await targetColumns(storage, tenant, table, format)
  const stored = (await storage.writer.readSourcePositions(tenant, table, source)).get(0) ?? null
  const resumedFrom = request.restart === true || stored === null ? 0 : Number(stored)
  let expected = stored
  let fileBytesRead = 0
  let position = 0
  let rows = 0
  let chunks = 0
  let linesBefore = 0
  const signal = request.signal ?? new AbortController().signal
  const report = (): void =>
    request.onProgress?.({ rows, fileBytesRead, fileBytes, position, resumedFrom })

  const raw = createReadStream(file)
  const gzipped = file.toLowerCase().endsWith('.gz')
  // A gzip file's progress is its compressed bytes, counted as the pipe reads them; a plain
  // file's is the position itself (a 'data' listener must not race the iterator below).
  if (gzipped)
    raw.on('data', (chunk) => {
      fileBytesRead += chunk.length
    })
  const input: Readable = gzipped ? raw.pipe(createGunzip()) : raw
  const chunkBytes = request.chunkBytes ?? DefaultChunkBytes
  const timeZone = request.timeZone ?? 'UTC'
  // text and csv chunks parse on worker threads while earlier ones commit, in file order;
  // ndjson ones one at a time, as each de-duplicates against the ids committed before it.
  const depth = format === 'ndjson' ? 1 : copyThreads + 1
  const queue: LoadingChunk[] = []
  const commitOldest = async (): Promise<void> => {
    const loading = queue.shift()!
    try {
      const added = await loading.added
      const next = String(loading.position)
      const update = { tenant, table, source, partition: 0, expected, next }
      await storage.writer.commitBulks([loading.bulk], { sourcePositions: [update] })
      expected = next
      rows += added - loading.bulk.duplicateRows
      chunks++
    } catch (error) {
      await loading.bulk.abort()
      throw atLine(error, loading.linesBefore)
    }
    report()
  }
  try {
    for await (const chunk of splitAtRecords(input, chunkBytes, format === 'csv')) {
      const start = position
      position += chunk.length
      if (!gzipped) fileBytesRead = position
      const lines = countLines(chunk)
      if (position <= resumedFrom) {
        linesBefore += lines
        report()
        continue
      }
      // A chunk straddling the resume point cannot happen (chunks are cut the same way each
      // run) unless the chunk size changed: then its committed head is skipped by bytes.
      const body = start < resumedFrom ? chunk.subarray(resumedFrom - start) : chunk
      const header = request.header === true && start === 0 && resumedFrom === 0
      const target = { tenant, table, columns, options: { ...defaultCopyOptions(format), header } }
      const bulk = await storage.writer.beginBulk(tenant, table)
      const added = copyIntoBulk(storage, target, slices(body), bulk, timeZone, signal)
      added.catch(() => {}) // awaited in commitOldest, or settled before the abort below
      queue.push({ bulk, added, position, linesBefore })
      linesBefore += lines
      while (queue.length >= depth) await commitOldest()
    }
    while (queue.length > 0) await commitOldest()
  } catch (error) {
    // Chunks still parsing may upload until they settle: abort each once it has.
    for (const loading of queue.splice(0)) {
      await loading.added.catch(() => {})
      await loading.bulk.abort()
    }
    throw error
  } finally {
    raw.destroy()
  }
  report()
  return { rows, fileBytesRead, fileBytes, position, resumedFrom, chunks }
}

/** The table's columns for csv and text (it must exist); ndjson creates it schemaless. */
async function targetColumns(
  storage: Storage,
  tenant: string,
  table: string,
  format: CopyFormat,
): Promise<readonly Field[]> {
  const info = await storage.catalog.getTable(tenant, table)
  if (info !== undefined) return info.columns.map((c) => ({ name: c.name, type: c.type }))
  if (format === 'ndjson') {
    await storage.catalog.createTable(tenant, table, [], true)
    return []
  }
  throw new PgError({
    code: SqlState.undefinedTable,
    message: `relation "${table}" does not exist`,
    hint: 'Create the table first, or load NDJSON, which creates it.',
  })
}

/** The chunk in 1 MiB pieces, the size COPY's parsers are fed over the wire. */
async function* slices(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += 1 << 20)
    yield bytes.subarray(start, start + (1 << 20))
}

function countLines(bytes: Uint8Array): number {
  let lines = 0
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines++
  return lines
}

/** COPY's errors name the line within the chunk; make it the line within the file. */
function atLine(error: unknown, linesBefore: number): unknown {
  if (!(error instanceof PgError) || linesBefore === 0) return error
  const detail = error.fields.detail?.replace(
    /\bline (\d+)/,
    (_, line: string) => `line ${Number(line) + linesBefore}`,
  )
  return detail === undefined ? error : new PgError({ ...error.fields, detail })
}
