// `malamute load FILE --table T`: the CLI of gateway/load/file-load.ts. On a terminal a progress
// bar (rows, MB/s, ETA); otherwise one plain progress line every two seconds, for logs.
import { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { PgError } from '../common/index.js'
import type { CopyFormat } from '../executor/copy/copy-options.js'
import { closeCopyPool } from '../executor/copy/copy-pool.js'
import { loadFile, type LoadProgress } from '../gateway/load/file-load.js'
import type { Storage } from '../storage/api.js'

export interface LoadOptions {
  table: string
  database: string
  format?: CopyFormat
  header?: boolean
  chunkMb: number
  restart?: boolean
}

/** Adds `load` to `program`; `open` opens the storage the command's options name. */
export function addLoadCommand(
  program: Command,
  open: (
    options: LoadOptions & Record<string, unknown>,
  ) => Promise<Storage & { close(): Promise<void> }>,
): Command {
  return program
    .command('load')
    .description('bulk-load an NDJSON, CSV or text file (gzip too) into a table; resumable')
    .argument('<file>', 'the file: .ndjson/.jsonl/.json, .csv, or text; .gz decompressed')
    .requiredOption('--table <table>', 'the table (NDJSON creates it; CSV and text need it)')
    .option('--database <name>', 'the database (tenant)', 'malamute')
    .option('--format <format>', 'ndjson, csv or text (default: from the extension)')
    .option('--header', 'csv/text: the first line names the columns')
    .option('--chunk-mb <mb>', 'input committed per metadata transaction', Number, 32)
    .option('--restart', 'load the whole file again, ignoring where an earlier load stopped')
    .action(async (file: string, options: LoadOptions & Record<string, unknown>) => {
      const storage = await open(options)
      const progress = progressReporter()
      const started = Date.now()
      try {
        await load()
      } catch (error) {
        progress.stop()
        if (!(error instanceof PgError)) throw error
        // Like psql: the message, then DETAIL (the file's line) and HINT; nothing was half-committed.
        const { message, detail, hint } = error.fields
        const lines = [`malamute load: ${message}`]
        if (detail !== undefined) lines.push(`DETAIL: ${detail}`)
        if (hint !== undefined) lines.push(`HINT: ${hint}`)
        process.stderr.write(`${lines.join('\n')}\n`)
        process.exitCode = 1
      } finally {
        progress.stop()
        await closeCopyPool()
        await storage.close()
      }

      async function load(): Promise<void> {
        const result = await loadFile(storage, {
          file,
          tenant: options.database,
          table: options.table,
          ...(options.format === undefined ? {} : { format: options.format }),
          header: options.header === true,
          chunkBytes: Math.max(1, options.chunkMb) * 1024 * 1024,
          restart: options.restart === true,
          onProgress: progress.update,
        })
        progress.stop()
        const seconds = Math.max(Date.now() - started, 1) / 1000
        const resumed = result.resumedFrom > 0 ? `, resumed at byte ${result.resumedFrom}` : ''
        process.stderr.write(
          `loaded ${result.rows} rows into ${options.table} in ${seconds.toFixed(1)} s ` +
            `(${Math.round(result.rows / seconds)} rows/s, ${result.chunks} commits${resumed})\n`,
        )
      }
    })
}

interface Reporter {
  update(progress: LoadProgress): void
  stop(): void
}

function progressReporter(): Reporter {
  const started = Date.now()
  const rate = (p: LoadProgress): number =>
    p.fileBytesRead / 1e6 / Math.max((Date.now() - started) / 1000, 0.001)
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'loading [{bar}] {percentage}% | {rows} rows | {mbps} MB/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    })
    let begun = false
    return {
      update(p) {
        if (!begun) bar.start(p.fileBytes, 0, { rows: 0, mbps: '0.0' })
        begun = true
        bar.update(p.fileBytesRead, { rows: p.rows, mbps: rate(p).toFixed(1) })
      },
      stop: () => bar.stop(),
    }
  }
  // Every two seconds by default; MALAMUTE_PROGRESS_INTERVAL_MS=0 reports every commit.
  const intervalMs = Number(process.env['MALAMUTE_PROGRESS_INTERVAL_MS'] ?? 2000)
  let last = 0
  return {
    update(p) {
      if (Date.now() - last < intervalMs) return
      last = Date.now()
      const percent = p.fileBytes === 0 ? 100 : (100 * p.fileBytesRead) / p.fileBytes
      const mbps = rate(p)
      const etaSeconds = mbps > 0 ? (p.fileBytes - p.fileBytesRead) / 1e6 / mbps : 0
      process.stderr.write(
        `loading: ${p.rows} rows, ${(p.fileBytesRead / 1e6).toFixed(1)} of ` +
          `${(p.fileBytes / 1e6).toFixed(1)} MB (${percent.toFixed(1)}%), ${mbps.toFixed(1)} MB/s, ` +
          `ETA ${Math.round(etaSeconds)} s\n`,
      )
    },
    stop: () => undefined,
  }
}
