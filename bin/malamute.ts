#!/usr/bin/env node
// The `malamute` command: the composition root that wires storage, executor, planner and
// gateway into processes. It holds no logic of its own beyond reading options.
import { Command } from 'commander'
import { pino } from 'pino'
import {
  compactionFor,
  describeBlobLocation,
  openStorage,
  type MergeResult,
} from '../storage/index.js'
import { addLoadCommand } from './load-command.js'
import { addRoleCommands } from './role-commands.js'
import {
  addKafkaOptions,
  addStorageLocationOptions,
  kafkaOptions,
  parseCount,
  parsePort,
  readTls,
  startupFailure,
  storageLocations,
  type KafkaFlags,
  type StorageLocationOptions,
} from './cli-options.js'
import { startMalamute } from './serve.js'

const program = new Command()
  .name('malamute')
  .description(
    'An event store: schemaless columnar segments, queried with SQL over the PostgreSQL wire protocol',
  )
  .version('0.1.0')

const fail = (message: string): never => program.error(message)

/** Exits with a PgError's message, detail and hint (a missing FoundationDB client, say). */
function failToStart(error: unknown): never {
  return program.error(startupFailure(error))
}

program
  .command('serve', { isDefault: true })
  .description(
    'run every role in one process: gateway, query workers and writers, on the embedded default',
  )
  .option('--host <host>', 'address to listen on', process.env['MALAMUTE_HOST'] ?? '127.0.0.1')
  .option(
    '--port <port>',
    'PostgreSQL wire port',
    parsePort,
    Number(process.env['MALAMUTE_PORT'] ?? 5433),
  )
  .option(
    '--data-dir <dir>',
    'where segments and metadata live',
    process.env['MALAMUTE_DATA_DIR'] ?? './malamute-data',
  )
  .option('--tls-cert <file>', 'PEM certificate: answer SSLRequest with TLS')
  .option('--tls-key <file>', 'PEM private key for --tls-cert')
  .option(
    '--worker-threads <n>',
    'query worker threads (0 runs fragments on the main thread)',
    parseCount,
  )
  .option(
    '--flush-interval-ms <ms>',
    'how long writers gather rows before cutting a segment',
    parseCount,
    10,
  )
  .option(
    '--compaction-interval-ms <ms>',
    'how often background compaction and garbage collection run (0 turns them off)',
    parseCount,
    Number(process.env['MALAMUTE_COMPACTION_INTERVAL_MS'] ?? 1000),
  )
  .option(
    '--compaction-grace-ms <ms>',
    'how long segments replaced by compaction stay readable for queries already running',
    parseCount,
    Number(process.env['MALAMUTE_COMPACTION_GRACE_MS'] ?? 60_000),
  )
  .option(
    '--orphan-safety-ms <ms>',
    'how old an uncommitted segment file must be before it is deleted as an orphan',
    parseCount,
    Number(process.env['MALAMUTE_ORPHAN_SAFETY_MS'] ?? 600_000),
  )
  .option(
    '--http-port <port>',
    'serve HTTP intake of JSON events (POST /v1/ingest/{table}) on this port',
    parsePort,
    process.env['MALAMUTE_HTTP_PORT'] === undefined
      ? undefined
      : Number(process.env['MALAMUTE_HTTP_PORT']),
  )
  .option(
    '--http-body-bytes-max <bytes>',
    'largest HTTP intake body, after gunzip (413 beyond)',
    parseCount,
    Number(process.env['MALAMUTE_HTTP_BODY_BYTES_MAX'] ?? 64 * 1024 * 1024),
  )
  .option(
    '--http-requests-in-flight-max <n>',
    'HTTP intake requests ingested at once (429 beyond)',
    parseCount,
    Number(process.env['MALAMUTE_HTTP_REQUESTS_IN_FLIGHT_MAX'] ?? 16),
  )
  .option(
    '--http-id-field <field>',
    "event id field HTTP intake de-duplicates by ('' for none)",
    process.env['MALAMUTE_HTTP_ID_FIELD'] ?? 'id',
  )
  .option(
    '--event-id-window-hours <hours>',
    'how long a committed event id keeps its duplicates out',
    parseCount,
    Number(process.env['MALAMUTE_EVENT_ID_WINDOW_HOURS'] ?? 24),
  )
  .action(async (options: ServeOptions) => {
    const logger = pino({ level: process.env['MALAMUTE_LOG_LEVEL'] ?? 'info' }, pino.destination(2))
    const password = process.env['MALAMUTE_PASSWORD']
    const tls = readTls(options, fail)
    const locations = storageLocations(options, fail)
    const kafka = kafkaOptions(options, fail)
    const server = await startMalamute({
      host: options.host,
      port: options.port,
      dataDir: options.dataDir,
      ...locations,
      flushIntervalMs: options.flushIntervalMs,
      logger,
      compaction: {
        intervalMs: options.compactionIntervalMs,
        graceMs: options.compactionGraceMs,
        orphanSafetyMs: options.orphanSafetyMs,
      },
      ...(options.workerThreads === undefined ? {} : { workerThreads: options.workerThreads }),
      ...(password === undefined || password === '' ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
      ...(options.httpPort === undefined
        ? {}
        : {
            http: {
              port: options.httpPort,
              bodyBytesMax: options.httpBodyBytesMax,
              requestsInFlightMax: options.httpRequestsInFlightMax,
              idField: options.httpIdField,
            },
          }),
      ...(kafka === undefined ? {} : { kafka }),
      eventIdWindowMs: options.eventIdWindowHours * 3_600_000,
    }).catch(failToStart)
    if (password === undefined || password === '') {
      logger.warn('MALAMUTE_PASSWORD is not set: trusting connections from loopback addresses only')
    }
    // Tests and scripts wait for this line on stdout.
    process.stdout.write(
      `malamute listening on ${options.host}:${server.port} (data dir ${options.dataDir}, ` +
        `blobs ${describeBlobLocation(locations.blob, options.dataDir)})\n`,
    )
    if (server.httpPort !== undefined)
      process.stdout.write(`malamute http intake on ${options.host}:${server.httpPort}\n`)
    const stop = (): void => {
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })

interface ServeOptions extends StorageLocationOptions, KafkaFlags {
  host: string
  port: number
  dataDir: string
  tlsCert?: string
  tlsKey?: string
  workerThreads?: number
  flushIntervalMs: number
  compactionIntervalMs: number
  compactionGraceMs: number
  orphanSafetyMs: number
  httpPort?: number
  httpBodyBytesMax: number
  httpRequestsInFlightMax: number
  httpIdField: string
  eventIdWindowHours: number
}

program
  .command('compact')
  .description(
    'merge small segments until no merge is left, then collect garbage (stderr: progress)',
  )
  .option('--data-dir <dir>', 'the data dir', process.env['MALAMUTE_DATA_DIR'] ?? './malamute-data')
  .option('--tenant <tenant>', 'only this tenant (database)')
  .option('--table <table>', 'only tables of this name')
  .option('--grace-ms <ms>', 'how long replaced segments stay readable', parseCount, 60_000)
  .option(
    '--orphan-safety-ms <ms>',
    'age before an uncommitted file is deleted',
    parseCount,
    600_000,
  )
  .action(async (options: CompactOptions) => {
    const storage = await openStorage({
      dataDir: options.dataDir,
      ...storageLocations(options, fail),
    })
    try {
      const { compactor, collector } = compactionFor(storage, {
        graceMs: options.graceMs,
        orphanSafetyMs: options.orphanSafetyMs,
      })
      const filter = {
        ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        ...(options.table === undefined ? {} : { table: options.table }),
      }
      for (const drop of await compactor.enforceRetention(filter)) {
        process.stderr.write(
          `${drop.tenant}.${drop.table}: retention dropped ${drop.segments} segments, ${drop.rows} rows\n`,
        )
      }
      const results = await compactor.compactUntilIdle(
        {
          ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
          ...(options.table === undefined ? {} : { table: options.table }),
        },
        {
          onMerge: (result) => process.stderr.write(`${describeMerge(result)}\n`),
          onError: (error) => process.stderr.write(`merge failed: ${String(error)}\n`),
        },
      )
      const replaced = await collector.collectReplaced()
      const orphans = await collector.collectOrphans(compactor.inProgressBlobKeys())
      const committed = results.filter((result) => result.committed)
      const merged = committed.reduce((sum, result) => sum + result.inputs, 0)
      process.stderr.write(
        `compaction done: ${committed.length} merges of ${merged} segments; ` +
          `deleted ${replaced} replaced and ${orphans} orphan segment files\n`,
      )
    } finally {
      await storage.close()
    }
  })

interface CompactOptions extends StorageLocationOptions {
  dataDir: string
  tenant?: string
  table?: string
  graceMs: number
  orphanSafetyMs: number
}

/** One progress line: `acme.logs: 32 segments -> 1, 1200 rows, 0.1 MB in 15 ms (6.4 MB/s)`. */
function describeMerge(result: MergeResult): string {
  const megabytes = result.inputBytes / 1e6
  const seconds = Math.max(result.durationMs, 1) / 1000
  const outcome = result.committed ? '' : ' (aborted: inputs changed meanwhile)'
  return (
    `${result.tenant}.${result.table}: ${result.inputs} segments -> ${result.outputs}, ` +
    `${result.rows} rows, ${megabytes.toFixed(2)} MB in ${result.durationMs} ms ` +
    `(${(megabytes / seconds).toFixed(1)} MB/s)${outcome}`
  )
}

addLoadCommand(program, async (options) => {
  const locations = storageLocations(options as unknown as StorageLocationOptions, fail)
  return openStorage({ dataDir: String(options['dataDir']), ...locations })
}).option('--data-dir <dir>', 'the data dir', process.env['MALAMUTE_DATA_DIR'] ?? './malamute-data')

addRoleCommands(program)

for (const command of program.commands) {
  if (['serve', 'compact', 'load'].includes(command.name())) addStorageLocationOptions(command)
  if (['serve', 'writer'].includes(command.name())) addKafkaOptions(command)
}

await program.parseAsync(process.argv)
