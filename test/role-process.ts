// One Malamute role (`malamute gateway|writer|compactor ...`) as a real child process for
// integration tests: spawned detached, ready once its start line is on stdout, killable
// with SIGKILL and restartable with the same arguments. Every process it starts is killed
// when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { repositoryRoot } from './server-harness.js'

const liveChildren = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of liveChildren) killGroup(child, 'SIGKILL')
})

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    child.kill(signal)
  }
}

export class RoleProcess {
  private child: ChildProcess | undefined
  /** Everything the process printed (stdout and stderr), for assertion messages. */
  log = ''

  constructor(
    readonly role: 'gateway' | 'writer' | 'compactor',
    private readonly args: readonly string[],
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}

  /** Starts the process and resolves once it printed its start line. */
  async start(): Promise<void> {
    this.log = ''
    const child = spawn(
      process.execPath,
      [path.join(repositoryRoot, 'dist/bin/malamute.js'), this.role, ...this.args],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } },
    )
    this.child = child
    liveChildren.add(child)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.role} did not start:\n${this.log}`)),
        30_000,
      )
      const onData = (chunk: Buffer): void => {
        this.log += chunk.toString()
        if (/malamute (gateway listening|writer listening|compactor running)/.test(this.log)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('exit', (code) => {
        clearTimeout(timer)
        liveChildren.delete(child)
        reject(new Error(`${this.role} exited with ${code}:\n${this.log}`))
      })
    })
  }

  /** The wire or HTTP port the process printed. */
  port(): number {
    const match = /listening[^\n]*? on 127\.0\.0\.1:(\d+)/.exec(this.log)
    if (match?.[1] === undefined) throw new Error(`no port in the ${this.role} log:\n${this.log}`)
    return Number(match[1])
  }

  /** SIGKILL: no shutdown of any kind. */
  async kill9(): Promise<void> {
    await this.signalAndWait('SIGKILL')
  }

  /** SIGTERM (a clean shutdown), then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const child = this.child
    if (child === undefined) return
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000)
    await this.signalAndWait('SIGTERM')
    clearTimeout(killer)
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    child.removeAllListeners('exit')
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.once('exit', () => liveChildren.delete(child))
    killGroup(child, signal)
    await exited
    this.child = undefined
  }
}
