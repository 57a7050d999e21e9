// Runs Malamute's roles over one blob store and one metadata store: `malamute serve` runs all
// of them in one process; `malamute gateway`, `malamute writer` and `malamute compactor` run
// one each, as separate processes over the same stores (bin/role-commands.ts):
//
//   gateway    the PostgreSQL wire protocol: queries (reading committed segments from the
//              metadata store, never asking a writer) and, as a stateless writer, the
//              INSERT and COPY its clients send, committed by its own ingest writer
//   writer     HTTP intake of JSON events (the --http-port role)
//   compactor  background compaction, retention and garbage collection
//
// Every process records a heartbeat with its role and blob traffic (malamute.blob_stats).
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { Executor, queryWorkerBlobTraffic } from '../executor/index.js'
import { SqlEngine, startIntakeServer, startKafkaIntake, startServer } from '../gateway/index.js'
import {
  blobStoreCounters,
  compactionFor,
  openStorage,
  startCompactionLoop,
  startProcessHeartbeat,
  type BlobStoreCounters,
  type BlobLocation,
  type MetadataLocation,
} from '../storage/index.js'

/** The roles a process can run; serve runs all three. */
export type MalamuteRole = 'gateway' | 'writer' | 'compactor'

export const AllRoles: readonly MalamuteRole[] = ['gateway', 'writer', 'compactor']

export interface MalamuteOptions {
  /** The roles this process runs (every role when unset). */
  readonly roles?: readonly MalamuteRole[]
  /** The name the heartbeat records (malamute.blob_stats.role); the roles joined when unset. */
  readonly roleName?: string
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** Where segment files live; a directory under dataDir when unset. */
  readonly blob?: BlobLocation
  /** Where metadata lives; lmdb under dataDir when unset. */
  readonly metadata?: MetadataLocation
  readonly flushIntervalMs: number
  readonly workerThreads?: number
  readonly password?: string
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer }
  readonly logger: Logger
  /** Background compaction and garbage collection; off when absent or intervalMs is 0. */
  readonly compaction?: ServeCompactionOptions
  /** HTTP intake of JSON events (POST /v1/ingest/{table}); off when absent. */
  readonly http?: ServeHttpOptions
  /** Kafka intake of JSON events from one topic into one table; off when absent. */
  readonly kafka?: ServeKafkaOptions
  /** How long a committed event id keeps its duplicates out; storage's default when absent. */
  readonly eventIdWindowMs?: number
  /** The writers' column cap for tables without max_columns (--max-columns). */
  readonly maxColumnsDefault?: number
}

export interface ServeKafkaOptions {
  readonly brokers: readonly string[]
  readonly topic: string
  readonly table: string
  readonly groupId?: string
  readonly idField?: string
  readonly tenant?: string
  readonly sessionTimeoutMs?: number
  readonly commitIntervalMs?: number
}

export interface ServeHttpOptions {
  readonly port: number
  readonly bodyBytesMax?: number
  readonly requestsInFlightMax?: number
  /** The event id field intake de-duplicates by ('' for none); `id` when absent. */
  readonly idField?: string
}

export interface ServeCompactionOptions {
  readonly intervalMs: number
  readonly graceMs?: number
  readonly orphanSafetyMs?: number
  readonly orphanScanIntervalMs?: number
}

export interface RunningMalamute {
  /** The wire port, when the gateway role runs. */
  readonly port?: number
  /** The HTTP intake port, when it runs. */
  readonly httpPort?: number
  close(): Promise<void>
}

/** Opens storage and starts the roles asked for; resolves once they listen. */
export async function startMalamute(options: MalamuteOptions): Promise<RunningMalamute> {
  const roles = new Set(options.roles ?? AllRoles)
  const dataDir = path.resolve(options.dataDir)
  await mkdir(dataDir, { recursive: true })
  const storage = await openStorage({
    dataDir,
    flushIntervalMs: options.flushIntervalMs,
    ...(options.blob === undefined ? {} : { blob: options.blob }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.eventIdWindowMs === undefined ? {} : { eventIdWindowMs: options.eventIdWindowMs }),
    ...(options.maxColumnsDefault === undefined
      ? {}
      : { maxColumnsDefault: options.maxColumnsDefault }),
  })
  const gateway = roles.has('gateway') ? await startGateway(storage, dataDir, options) : undefined
  const compactionLoop = roles.has('compactor') ? startCompaction(storage, options) : undefined
  const http = roles.has('writer') ? options.http : undefined
  const intake =
    http === undefined
      ? undefined
      : await startIntakeServer({
          storage,
          logger: options.logger,
          host: options.host,
          port: http.port,
          ...(http.bodyBytesMax === undefined ? {} : { bodyBytesMax: http.bodyBytesMax }),
          ...(http.requestsInFlightMax === undefined
            ? {}
            : { requestsInFlightMax: http.requestsInFlightMax }),
          ...(http.idField === undefined ? {} : { idField: http.idField }),
        })
  // Kafka intake is a writer too: it runs where the writer role does.
  const kafka =
    roles.has('writer') && options.kafka !== undefined
      ? startKafkaIntake({ storage, logger: options.logger, ...options.kafka })
      : undefined
  const heartbeat = startProcessHeartbeat(storage.metadata, {
    role: options.roleName ?? (options.roles === undefined ? 'serve' : [...roles].join('+')),
    counters: processBlobCounters,
    onError: (error) => options.logger.warn({ err: error }, 'heartbeat failed'),
  })
  return {
    ...(gateway === undefined ? {} : { port: gateway.server.port }),
    ...(intake === undefined ? {} : { httpPort: intake.port }),
    async close() {
      await kafka?.close()
      await intake?.close()
      await compactionLoop?.stop()
      await gateway?.server.close()
      await gateway?.executor.close()
      await heartbeat.stop()
      await storage.close()
    },
  }
}

/** Starts the query workers and the wire server. */
async function startGateway(
  storage: Awaited<ReturnType<typeof openStorage>>,
  dataDir: string,
  options: MalamuteOptions,
): Promise<{ executor: Executor; server: Awaited<ReturnType<typeof startServer>> }> {
  const executor = new Executor({
    storage,
    dataDir,
    ...(options.workerThreads === undefined ? {} : { workerThreads: options.workerThreads }),
  })
  const engine = new SqlEngine({ storage, executor })
  const server = await startServer({
    host: options.host,
    port: options.port,
    engine,
    logger: options.logger,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  })
  return { executor, server }
}

/** This process's blob traffic: the main thread's counters plus what query workers reported. */
function processBlobCounters(): BlobStoreCounters {
  const main = blobStoreCounters()
  const workers = queryWorkerBlobTraffic()
  return {
    ...main,
    getRequests: main.getRequests + workers.getRequests,
    bytesRead: main.bytesRead + workers.bytesRead,
    cacheHits: main.cacheHits + workers.cacheHits,
  }
}

/** Starts the background compaction loop unless it is off; merges log at debug. */
function startCompaction(
  storage: Awaited<ReturnType<typeof openStorage>>,
  options: MalamuteOptions,
): ReturnType<typeof startCompactionLoop> | undefined {
  const settings = options.compaction
  if (settings === undefined || settings.intervalMs === 0) return undefined
  const { compactor, collector } = compactionFor(storage, {
    ...(settings.graceMs === undefined ? {} : { graceMs: settings.graceMs }),
    ...(settings.orphanSafetyMs === undefined ? {} : { orphanSafetyMs: settings.orphanSafetyMs }),
  })
  return startCompactionLoop(compactor, collector, {
    intervalMs: settings.intervalMs,
    ...(settings.orphanScanIntervalMs === undefined
      ? {}
      : { orphanScanIntervalMs: settings.orphanScanIntervalMs }),
    onMerge: (result) => options.logger.debug({ merge: result }, 'compaction merge'),
    onRetention: (drop) => options.logger.info({ retention: drop }, 'retention dropped segments'),
    onError: (error) => options.logger.warn({ err: error }, 'compaction failed'),
  })
}
