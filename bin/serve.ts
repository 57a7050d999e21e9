// Runs every role in one process on the embedded default: metadata in lmdb and segments in
// a directory under the data dir, query fragments in piscina workers, the wire gateway in
// front. Each role is a separate object so later they can run as separate processes.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { Executor } from '../executor/index.js'
import { SqlEngine, startIntakeServer, startKafkaIntake, startServer } from '../gateway/index.js'
import {
  compactionFor,
  openStorage,
  startCompactionLoop,
  type BlobLocation,
  type MetadataLocation,
} from '../storage/index.js'

export interface MalamuteOptions {
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
}

export interface RunningMalamute {
  readonly port: number
  /** The HTTP intake port, when it runs. */
  readonly httpPort?: number
  close(): Promise<void>
}

/** Opens storage, starts the query workers and the wire gateway; resolves once listening. */
export async function startMalamute(options: MalamuteOptions): Promise<RunningMalamute> {
  const dataDir = path.resolve(options.dataDir)
  await mkdir(dataDir, { recursive: true })
  const storage = await openStorage({
    dataDir,
    flushIntervalMs: options.flushIntervalMs,
    ...(options.blob === undefined ? {} : { blob: options.blob }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.eventIdWindowMs === undefined ? {} : { eventIdWindowMs: options.eventIdWindowMs }),
  })
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
  const compactionLoop = startCompaction(storage, options)
  const http = options.http
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
  const kafka =
    options.kafka === undefined
      ? undefined
      : startKafkaIntake({ storage, logger: options.logger, ...options.kafka })
  return {
    port: server.port,
    ...(intake === undefined ? {} : { httpPort: intake.port }),
    async close() {
      await kafka?.close()
      await intake?.close()
      await compactionLoop?.stop()
      await server.close()
      await executor.close()
      await storage.close()
    },
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
    onMerge: (result) => options.logger.debug({ merge: result }, 'compaction merge'),
    onError: (error) => options.logger.warn({ err: error }, 'compaction failed'),
  })
}
