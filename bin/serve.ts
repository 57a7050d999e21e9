// Runs every role in one process on the embedded default: metadata in lmdb and segments in
// a directory under the data dir, query fragments in piscina workers, the wire gateway in
// front. Each role is a separate object so later they can run as separate processes.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { Executor } from '../executor/index.js'
import { SqlEngine, startServer } from '../gateway/index.js'
import { openStorage } from '../storage/index.js'

export interface MalamuteOptions {
  readonly host: string
  readonly port: number
  readonly dataDir: string
  readonly flushIntervalMs: number
  readonly workerThreads?: number
  readonly password?: string
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer }
  readonly logger: Logger
}

export interface RunningMalamute {
  readonly port: number
  close(): Promise<void>
}

/** Opens storage, starts the query workers and the wire gateway; resolves once listening. */
export async function startMalamute(options: MalamuteOptions): Promise<RunningMalamute> {
  const dataDir = path.resolve(options.dataDir)
  await mkdir(dataDir, { recursive: true })
  const storage = await openStorage({ dataDir, flushIntervalMs: options.flushIntervalMs })
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
  return {
    port: server.port,
    async close() {
      await server.close()
      await executor.close()
      await storage.close()
    },
  }
}
