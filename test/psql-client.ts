// Runs the real psql client against a test server: the one place tests spawn psql.
import { spawn } from 'node:child_process'
import type { MalamuteServer } from './server-harness.js'

export interface PsqlResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** psql reading a script on stdin, unaligned tuples-only output with `|` between fields. */
export const psqlScriptArgs: readonly string[] = [
  '-X',
  '-v',
  'ON_ERROR_STOP=1',
  '-q',
  '-A',
  '-t',
  '-F',
  '|',
  '-f',
  '-',
]

/** Runs psql connected to `server` with `args` after the connection options; `stdin` is its input. */
export async function runPsql(
  server: MalamuteServer,
  args: readonly string[],
  stdin?: string,
): Promise<PsqlResult> {
  const connection = ['-h', server.host, '-p', String(server.port), '-U', server.user]
  connection.push('-d', server.database)
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: '10' }
  if (server.password !== undefined) env['PGPASSWORD'] = server.password
  const child = spawn('psql', [...connection, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  child.stdin.end(stdin ?? '')
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  return { code, stdout, stderr }
}
