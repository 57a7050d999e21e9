// `malamute gateway`, `malamute writer` and `malamute compactor`: one role per process, over
// the blob store and metadata store every process of a deployment shares (--blob, --metadata;
// with lmdb, the same --data-dir on one machine: lmdb lets several processes share one
// environment, with one writer at a time under its lock file).
//
// Who does what (bin/serve.ts runs all three in one process):
//   gateway    PostgreSQL wire protocol. Queries read the committed segments from the metadata
//              store when they start, so a commit by any process is seen by the next statement;
//              INSERT and COPY are written by the gateway itself (a stateless writer: segments
//              go to the blob store, the commit to the metadata store), never forwarded.
//   writer     HTTP intake (--http-port) and Kafka intake (--kafka-*); add writers for more.
//   compactor  merges, retention and garbage collection; run one per deployment (two would
//              only waste work: a merge whose inputs changed meanwhile aborts and is retried).
import type { Command } from 'commander'
import { pino } from 'pino'
import { describeBlobLocation } from '../storage/index.js'
import {
  addStorageLocationOptions,
  kafkaOptions,
  parseCount,
  parsePort,
  readTls,
  startupFailure,
  storageLocations,
  type KafkaFlags,
} from './cli-options.js'
import { startMalamute, type MalamuteOptions, type MalamuteRole } from './serve.js'

const env = process.env

function addSharedOptions(command: Command): Command {
  const withDataDir = command.option(
    '--data-dir <dir>',
    'the data dir',
    env['MALAMUTE_DATA_DIR'] ?? './malamute-data',
  )
  return addStorageLocationOptions(withDataDir).option(
    '--host <host>',
    'address to listen on',
    env['MALAMUTE_HOST'] ?? '127.0.0.1',
  )
}

interface RoleCommandOptions extends Partial<KafkaFlags> {
  dataDir: string
  blob: string
  s3Endpoint?: string
  s3CacheBytes?: number
  metadata: string
  host: string
  port?: number
  tlsCert?: string
  tlsKey?: string
  workerThreads?: number
  flushIntervalMs?: number
  httpPort?: number
  httpBodyBytesMax?: number
  httpRequestsInFlightMax?: number
  compactionIntervalMs?: number
  compactionGraceMs?: number
  orphanSafetyMs?: number
  orphanScanIntervalMs?: number
}

/** Adds the three role commands to `program`. */
export function addRoleCommands(program: Command): void {
  addSharedOptions(
    program
      .command('gateway')
      .description('the PostgreSQL wire gateway: queries, and INSERT/COPY as a stateless writer'),
  )
    .option(
      '--port <port>',
      'PostgreSQL wire port',
      parsePort,
      Number(env['MALAMUTE_PORT'] ?? 5433),
    )
    .option('--tls-cert <file>', 'PEM certificate: answer SSLRequest with TLS')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--worker-threads <n>', 'query worker threads (0: the main thread)', parseCount)
    .option('--flush-interval-ms <ms>', 'how long INSERTs gather before a segment', parseCount, 10)
    .action((options: RoleCommandOptions) => runRole(program, 'gateway', options))

  addSharedOptions(
    program
      .command('writer')
      .description('a writer: HTTP intake and Kafka intake of JSON events into segments'),
  )
    .option(
      '--http-port <port>',
      'HTTP intake port (POST /v1/ingest/{table})',
      parsePort,
      Number(env['MALAMUTE_HTTP_PORT'] ?? 8080),
    )
    .option('--http-body-bytes-max <bytes>', 'largest intake body, after gunzip', parseCount)
    .option('--http-requests-in-flight-max <n>', 'intake requests ingested at once', parseCount)
    .option('--flush-interval-ms <ms>', 'how long appends gather before a segment', parseCount, 10)
    .action((options: RoleCommandOptions) => runRole(program, 'writer', options))

  addSharedOptions(
    program
      .command('compactor')
      .description('the compactor: merges, retention and garbage collection, in the background'),
  )
    .option(
      '--compaction-interval-ms <ms>',
      'how often compaction, retention and garbage collection run',
      parseCount,
      Number(env['MALAMUTE_COMPACTION_INTERVAL_MS'] ?? 1000),
    )
    .option(
      '--compaction-grace-ms <ms>',
      'how long replaced segments stay readable',
      parseCount,
      Number(env['MALAMUTE_COMPACTION_GRACE_MS'] ?? 60_000),
    )
    .option(
      '--orphan-safety-ms <ms>',
      'how old an uncommitted segment file must be before it is deleted',
      parseCount,
      Number(env['MALAMUTE_ORPHAN_SAFETY_MS'] ?? 600_000),
    )
    .option('--orphan-scan-interval-ms <ms>', 'how often the orphan scan runs', parseCount, 60_000)
    .action((options: RoleCommandOptions) => runRole(program, 'compactor', options))
}

async function runRole(
  program: Command,
  role: MalamuteRole,
  options: RoleCommandOptions,
): Promise<void> {
  const logger = pino({ level: env['MALAMUTE_LOG_LEVEL'] ?? 'info' }, pino.destination(2))
  const fail = (message: string): never => program.error(message)
  const locations = storageLocations(options, fail)
  const password = env['MALAMUTE_PASSWORD']
  const tls = readTls(options, fail)
  const kafka = role === 'writer' ? kafkaOptions(options as KafkaFlags, fail) : undefined
  const settings: MalamuteOptions = {
    roles: [role],
    roleName: role,
    host: options.host,
    port: options.port ?? 0,
    dataDir: options.dataDir,
    ...locations,
    flushIntervalMs: options.flushIntervalMs ?? 10,
    logger,
    ...(options.workerThreads === undefined ? {} : { workerThreads: options.workerThreads }),
    ...(password === undefined || password === '' ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
    ...(kafka === undefined ? {} : { kafka }),
    ...(options.httpPort === undefined
      ? {}
      : {
          http: {
            port: options.httpPort,
            ...(options.httpBodyBytesMax === undefined
              ? {}
              : { bodyBytesMax: options.httpBodyBytesMax }),
            ...(options.httpRequestsInFlightMax === undefined
              ? {}
              : { requestsInFlightMax: options.httpRequestsInFlightMax }),
          },
        }),
    ...(options.compactionIntervalMs === undefined
      ? {}
      : {
          compaction: {
            intervalMs: options.compactionIntervalMs,
            ...(options.compactionGraceMs === undefined
              ? {}
              : { graceMs: options.compactionGraceMs }),
            ...(options.orphanSafetyMs === undefined
              ? {}
              : { orphanSafetyMs: options.orphanSafetyMs }),
            ...(options.orphanScanIntervalMs === undefined
              ? {}
              : { orphanScanIntervalMs: options.orphanScanIntervalMs }),
          },
        }),
  }
  const running = await startMalamute(settings).catch((error: unknown) =>
    program.error(startupFailure(error)),
  )
  const blobs = describeBlobLocation(locations.blob, options.dataDir)
  // Tests and scripts wait for these lines on stdout.
  if (running.port !== undefined) {
    process.stdout.write(
      `malamute gateway listening on ${options.host}:${running.port} ` +
        `(data dir ${options.dataDir}, blobs ${blobs})\n`,
    )
  }
  if (running.httpPort !== undefined) {
    process.stdout.write(
      `malamute writer listening: http intake on ${options.host}:${running.httpPort}\n`,
    )
  }
  if (role === 'compactor') {
    process.stdout.write(
      `malamute compactor running every ${options.compactionIntervalMs} ms ` +
        `(data dir ${options.dataDir}, blobs ${blobs})\n`,
    )
  }
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
