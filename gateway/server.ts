// The TCP listener: one Connection per socket, and the table CancelRequest looks sessions up in.
import { randomInt } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import { createSecureContext } from 'node:tls'
import type { Logger } from 'pino'
import { PgError, SqlState } from '../common/index.js'
import { scramVerifier } from './auth/scram.js'
import { BackendRegistry } from './backend-registry.js'
import { Connection } from './connection.js'
import type { Engine } from './engine.js'

export interface ServerOptions {
  readonly host: string
  /** 0 picks a free port; the returned handle says which. */
  readonly port: number
  readonly engine: Engine
  /** When set, clients authenticate with SCRAM-SHA-256; when not, only loopback clients are trusted. */
  readonly password?: string
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer }
  readonly logger: Logger
}

export interface RunningServer {
  readonly port: number
  /** Stops listening, ends every connection with 57P01, and waits for them to finish. */
  close(): Promise<void>
}

/** Starts a PostgreSQL protocol server; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const verifier = options.password === undefined ? null : scramVerifier(options.password)
  const secureContext =
    options.tls === undefined
      ? null
      : createSecureContext({ cert: options.tls.cert, key: options.tls.key })
  const connections = new Map<number, { connection: Connection; secretKey: number }>()
  let nextProcessId = 1000 + randomInt(1000)
  const backends = new BackendRegistry()

  const cancel = (processId: number, secretKey: number): void => {
    const entry = connections.get(processId)
    if (entry === undefined || entry.secretKey !== secretKey) return
    options.logger.debug({ pid: processId }, 'cancel request')
    entry.connection.cancelRunningStatement()
  }

  const server = createServer((socket: Socket) => {
    const processId = nextProcessId++
    const secretKey = randomInt(0x7fffffff)
    const logger = options.logger.child({ pid: processId })
    const connection = new Connection(socket, {
      engine: options.engine,
      logger,
      verifier,
      secureContext,
      processId,
      secretKey,
      cancel,
      backends,
    })
    connections.set(processId, { connection, secretKey })
    void connection.finished.then(() => connections.delete(processId))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  options.logger.info({ host: options.host, port }, 'listening')

  return {
    port,
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      const shutdown = new PgError({
        code: SqlState.adminShutdown,
        message: 'terminating connection due to administrator command',
      })
      const finished = [...connections.values()].map(({ connection }) => {
        connection.terminate(shutdown)
        return connection.finished
      })
      await Promise.all([closed, ...finished])
    },
  }
}
