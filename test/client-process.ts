// Runs a real client program (Python, Java) against a test server and collects its output: the
// driver tests (psycopg2, pgjdbc, psqlODBC) share it. The programs live in test/clients/.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { repositoryRoot, type MalamuteServer } from './server-harness.js'

export interface ProcessResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMs: number
}

/** Debian's python3: the python3-psycopg2 and python3-pyodbc packages install for it only. */
export const debianPython = '/usr/bin/python3'

/** Absolute path of a program in test/clients/. */
export function clientProgram(name: string): string {
  return path.join(repositoryRoot, 'test', 'clients', name)
}

/** Whether `command` (an absolute path or a name on PATH) exists. */
export function commandExists(command: string): boolean {
  if (command.includes('/')) return existsSync(command)
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter)
  return dirs.some((dir) => dir !== '' && existsSync(path.join(dir, command)))
}

/** Runs `command args` with MALAMUTE_PASSWORD set from the server; kills it after `timeoutMs`. */
export async function runClient(
  server: MalamuteServer,
  command: string,
  args: readonly string[],
  timeoutMs = 120_000,
): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (server.password !== undefined) env['MALAMUTE_PASSWORD'] = server.password
  const started = Date.now()
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode) => resolve(exitCode))
  }).finally(() => clearTimeout(timer))
  return { code, stdout, stderr, elapsedMs: Date.now() - started }
}

/** Parses the last stdout line as JSON, with the whole output in the error when it is not. */
export function lastJsonLine(result: ProcessResult): unknown {
  const lines = result.stdout.trim().split('\n')
  const last = lines[lines.length - 1] ?? ''
  try {
    return JSON.parse(last) as unknown
  } catch {
    throw new Error(
      `client exited with ${result.code}, no JSON on its last line\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    )
  }
}

/**
 * Runs a Python client session (test/clients/`program`, with Debian's python3 and its
 * `debianPackage`) against `server`, and answers the JSON object it printed last.
 */
export async function runPythonSession(
  server: MalamuteServer,
  program: string,
  debianPackage: string,
): Promise<Record<string, unknown>> {
  assert.ok(
    commandExists(debianPython),
    `${debianPython} is missing: test/run-all.sh installs ${debianPackage}`,
  )
  const result = await runClient(server, debianPython, [
    clientProgram(program),
    server.host,
    String(server.port),
    server.user,
    server.database,
  ])
  assert.equal(result.code, 0, `${program} failed:\n${result.stderr}\n${server.log}`)
  return lastJsonLine(result) as Record<string, unknown>
}
