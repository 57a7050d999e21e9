// Starts real Malamute servers for integration tests, through the CLI contract:
//
//   node dist/bin/malamute.js serve --host 127.0.0.1 --port PORT --data-dir DIR
//
// prints a line containing `listening` (stdout or stderr) once it accepts connections. The
// superuser is `malamute`, the database `malamute`; with MALAMUTE_PASSWORD unset, loopback
// connections are trusted. The harness picks a free port, makes a temporary data dir, can
// kill -9 the server and restart it on the same data dir and port, and hands out connected
// node-postgres clients. Every server it starts is killed when the test process exits.

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

/** The repository root: this file runs as dist/test/server-harness.js. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

// MALAMUTE_BIN may name another server that follows the same CLI contract: a .js file runs
// under node, anything else runs as an executable (test/postgres-as-malamute.sh runs these
// tests against PostgreSQL itself, which checks the tests).
const serverEntry = process.env['MALAMUTE_BIN'] ?? path.join(repositoryRoot, 'dist/bin/malamute.js')
const startTimeoutMs = 30_000
const outputKeptBytesMax = 64 * 1024
const connectAttemptsMax = 100

const liveChildren = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of liveChildren) signalGroup(child, 'SIGKILL')
})

/** Signals the server's whole process group (it runs detached), so helpers die with it. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    child.kill(signal)
  }
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export interface StartOptions {
  /** Reuse this data dir instead of making a temporary one (it is then not deleted). */
  readonly dataDir?: string
  /** Extra environment for the server process. */
  readonly env?: Readonly<Record<string, string>>
  /** Extra `serve` arguments, after the host, port and data dir (e.g. --blob s3://...). */
  readonly args?: readonly string[]
}

export class MalamuteServer {
  readonly host = '127.0.0.1'
  readonly user = 'malamute'
  readonly database = 'malamute'
  private child: ChildProcess | undefined
  private output = ''
  private readonly clients = new Set<pg.Client>()

  private constructor(
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private currentPort: number,
    private readonly env: Readonly<Record<string, string>>,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  /** Starts a server on a free port and waits until it says `listening`. */
  static async start(options: StartOptions = {}): Promise<MalamuteServer> {
    if (!existsSync(serverEntry)) {
      throw new Error(`${serverEntry} does not exist: build the server first (npx tsc -b)`)
    }
    const ownsDataDir = options.dataDir === undefined
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'malamute-test-')))
    const port = await freePort()
    const server = new MalamuteServer(dataDir, ownsDataDir, port, options.env ?? {}, options.args)
    try {
      await server.spawnAndWait()
    } catch (error) {
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true })
      throw error
    }
    return server
  }

  get port(): number {
    return this.currentPort
  }

  get password(): string | undefined {
    return this.env['MALAMUTE_PASSWORD'] ?? process.env['MALAMUTE_PASSWORD']
  }

  /** What the server wrote on stdout and stderr (the last 64 KiB), for failure messages. */
  get log(): string {
    return this.output
  }

  /** Connection settings for node-postgres and friends. */
  connectionConfig(database = this.database): pg.ClientConfig {
    const password = this.password
    return {
      host: this.host,
      port: this.port,
      user: this.user,
      database,
      ...(password === undefined ? {} : { password }),
      connectionTimeoutMillis: 10_000,
    }
  }

  /**
   * Opens a connected node-postgres client; `close` ends every client still open. Retries for
   * a while on 57P03 (cannot_connect_now: the server is still starting up or recovering).
   */
  async connect(database = this.database): Promise<pg.Client> {
    for (let attempt = 1; ; attempt += 1) {
      const client = new pg.Client(this.connectionConfig(database))
      // A server killed under an idle client emits 'error'; the test sees it on its next query.
      client.on('error', () => undefined)
      try {
        await client.connect()
      } catch (error) {
        const startingUp = (error as { code?: unknown }).code === '57P03'
        if (!startingUp || attempt >= connectAttemptsMax) throw error
        await sleep(100)
        continue
      }
      this.clients.add(client)
      client.once('end', () => this.clients.delete(client))
      return client
    }
  }

  /** Kills the server with SIGKILL, as a crash would, and waits for the process to end. */
  async kill9(): Promise<void> {
    await this.signalAndWait('SIGKILL')
  }

  /** Starts the server again on the same data dir and port. */
  async restart(): Promise<void> {
    if (this.child !== undefined) await this.signalAndWait('SIGKILL')
    await this.spawnAndWait()
  }

  /** Ends clients, stops the server (SIGTERM, then SIGKILL after 10 s), removes its data dir. */
  async close(): Promise<void> {
    await Promise.all([...this.clients].map((client) => client.end().catch(() => undefined)))
    this.clients.clear()
    if (this.child !== undefined) {
      const child = this.child
      const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000)
      await this.signalAndWait('SIGTERM')
      clearTimeout(killer)
    }
    if (this.ownsDataDir) {
      await rm(this.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
    }
  }

  private remember(chunk: Buffer): void {
    this.output = (this.output + chunk.toString('utf8')).slice(-outputKeptBytesMax)
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (child === undefined) return
    this.child = undefined
    if (child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      signalGroup(child, signal)
    })
  }

  private async spawnAndWait(): Promise<void> {
    const args = ['serve', '--host', this.host, '--port', String(this.currentPort)]
    args.push('--data-dir', this.dataDir, ...this.extraArgs)
    const runsUnderNode = serverEntry.endsWith('.js')
    const command = runsUnderNode ? process.execPath : serverEntry
    const child = spawn(command, runsUnderNode ? [serverEntry, ...args] : args, {
      cwd: repositoryRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    this.child = child
    liveChildren.add(child)
    child.once('exit', () => liveChildren.delete(child))
    await new Promise<void>((resolve, reject) => {
      let settled = false
      const settle = (error?: Error): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error === undefined) resolve()
        else reject(error)
      }
      const timer = setTimeout(() => {
        signalGroup(child, 'SIGKILL')
        settle(new Error(`server did not say 'listening' in ${startTimeoutMs} ms:\n${this.output}`))
      }, startTimeoutMs)
      // Only this start's output counts: a previous run's line must not satisfy the wait.
      let thisStartOutput = ''
      const watch = (chunk: Buffer): void => {
        this.remember(chunk)
        thisStartOutput = (thisStartOutput + chunk.toString('utf8')).slice(-outputKeptBytesMax)
        if (/listening/i.test(thisStartOutput)) settle()
      }
      this.output += `\n--- malamute started on port ${this.currentPort} ---\n`
      child.stdout?.on('data', watch)
      child.stderr?.on('data', watch)
      child.once('error', (error) => settle(error))
      child.once('exit', (code, signal) => {
        const how = `code ${code}, signal ${signal}`
        settle(new Error(`server exited (${how}) before listening:\n${this.output}`))
      })
    })
  }
}

/** Starts a server for a test file; pair with `after(() => server.close())`. */
export async function startMalamute(options: StartOptions = {}): Promise<MalamuteServer> {
  return MalamuteServer.start(options)
}
