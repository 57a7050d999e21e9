#!/usr/bin/env node
// The `malamute` command: the composition root that wires storage, executor, planner and
// gateway into processes. It holds no logic of its own beyond reading options.
import { Command, InvalidArgumentError } from 'commander'
import { readFileSync } from 'node:fs'
import { pino } from 'pino'
import { startMalamute } from './serve.js'

const program = new Command()
  .name('malamute')
  .description(
    'An event store: schemaless columnar segments, queried with SQL over the PostgreSQL wire protocol',
  )
  .version('0.1.0')

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('not a TCP port')
  }
  return port
}

function parseCount(value: string): number {
  const count = Number(value)
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('not a whole number')
  return count
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
  .action(async (options: ServeOptions) => {
    const logger = pino({ level: process.env['MALAMUTE_LOG_LEVEL'] ?? 'info' }, pino.destination(2))
    const password = process.env['MALAMUTE_PASSWORD']
    const tls = readTls(options)
    const server = await startMalamute({
      host: options.host,
      port: options.port,
      dataDir: options.dataDir,
      flushIntervalMs: options.flushIntervalMs,
      logger,
      ...(options.workerThreads === undefined ? {} : { workerThreads: options.workerThreads }),
      ...(password === undefined || password === '' ? {} : { password }),
      ...(tls === undefined ? {} : { tls }),
    })
    if (password === undefined || password === '') {
      logger.warn('MALAMUTE_PASSWORD is not set: trusting connections from loopback addresses only')
    }
    // Tests and scripts wait for this line on stdout.
    process.stdout.write(
      `malamute listening on ${options.host}:${server.port} (data dir ${options.dataDir})\n`,
    )
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

interface ServeOptions {
  host: string
  port: number
  dataDir: string
  tlsCert?: string
  tlsKey?: string
  workerThreads?: number
  flushIntervalMs: number
}

function readTls(options: ServeOptions): { cert: Buffer; key: Buffer } | undefined {
  if (options.tlsCert === undefined && options.tlsKey === undefined) return undefined
  if (options.tlsCert === undefined || options.tlsKey === undefined) {
    return program.error('--tls-cert and --tls-key go together')
  }
  return { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }
}

await program.parseAsync(process.argv)
