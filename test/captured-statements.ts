// Replays what real clients sent to PostgreSQL 15 (../shared/clients/captured/<client>.sql,
// see that folder's README) against Malamute, and counts per client how many statements
// succeed: no error where PostgreSQL gave none, or the same SQLSTATE where it gave one.
//
//   node dist/test/captured-statements.js [--host H --port P --user U --database D] [--verbose]
//
// Without --port it starts its own Malamute (test/server-harness.ts). The database gets a
// table `events` (the harness's table) first; the captured table OID 16386 is replaced by
// the real one, read from a RowDescription. Each captured session replays in order on one
// connection, so BEGIN/DECLARE/FETCH/ROLLBACK keep their context. Not replayed: the portal
// fetches of node's cursor (the statement itself is), COPY TO STDOUT (node-postgres has no
// COPY sub-protocol; test/copy.test.ts covers it) and the harness's cancel/timeout checks
// (pg_sleep, 57014).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { repositoryRoot, startMalamute } from './server-harness.js'

export interface CapturedStatement {
  readonly client: string
  /** The captured session: statements of one session replay on one connection. */
  readonly session: string
  /** `#n` as the capture numbers it within the client. */
  readonly number: number
  /** `simple Query`, `extended: execute <unnamed>`, ... */
  readonly protocol: string
  readonly text: string
  /** Text parameters of an extended-protocol execution; null for none. */
  readonly params: readonly (string | null)[] | null
  /** The SQLSTATE PostgreSQL answered with, or null when it succeeded. */
  readonly expectedError: string | null
}

export interface ReplayResult {
  readonly statement: CapturedStatement
  readonly outcome: 'ok' | 'failed' | 'skipped'
  /** Why it failed (SQLSTATE and message) or was skipped. */
  readonly detail: string
}

/** Where the captures live: ../shared/clients/captured beside the repository. */
export const capturedDir = path.resolve(repositoryRoot, '../shared/clients/captured')

const headerPattern = /^-- #(\d+) \[([^\]]*)\](.*)$/
const paramPattern = /\$(\d+) = ('(?:[^']|'')*'|NULL)/g

/** Reads every captured statement of `client` (the file name without .sql). */
export function readCaptured(client: string, dir = capturedDir): CapturedStatement[] {
  const lines = readFileSync(path.join(dir, `${client}.sql`), 'utf8').split('\n')
  const statements: CapturedStatement[] = []
  let session = ''
  let header: RegExpExecArray | null = null
  let body: string[] = []
  const flush = (): void => {
    if (header === null) return
    const [, number = '0', protocol = '', rest = ''] = header
    const error = /\| ERROR (\w{5})/.exec(rest)
    const params = rest.includes('params:')
      ? [...rest.matchAll(paramPattern)].map(([, , value = 'NULL']) =>
          value === 'NULL' ? null : value.slice(1, -1).replaceAll("''", "'"),
        )
      : null
    const text = body.join('\n').trim()
    statements.push({
      client,
      session,
      number: Number(number),
      protocol,
      text,
      params,
      expectedError: error?.[1] ?? null,
    })
    header = null
    body = []
  }
  for (const line of lines) {
    const match = headerPattern.exec(line)
    if (match !== null) {
      flush()
      header = match
    } else if (line.startsWith('-- ===== session ')) {
      flush()
      session = line.slice('-- ===== session '.length).split(':')[0] ?? ''
    } else if (header !== null) {
      body.push(line)
    }
  }
  flush()
  return statements
}

/** The clients that have a capture, by file name. */
export function capturedClients(dir = capturedDir): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => name.slice(0, -'.sql'.length))
    .sort()
}

/** Why a statement is not replayed, or null when it is. */
function skipReason(statement: CapturedStatement): string | null {
  if (statement.protocol.includes('fetch from')) return 'a portal fetch of the statement before'
  if (/\bCOPY\b[\s\S]*\bTO\s+STDOUT\b/i.test(statement.text)) return 'COPY TO STDOUT'
  if (/pg_sleep/i.test(statement.text) || statement.expectedError === '57014')
    return 'cancel/timeout check'
  return null
}

export interface ConnectionOptions {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly database: string
  readonly password?: string
}

/** Creates the harness's `events` table with a few rows; returns its table OID. */
export async function createEvents(options: ConnectionOptions): Promise<number> {
  const client = await connect(options)
  try {
    await client.query('DROP TABLE IF EXISTS events')
    await client.query(
      'CREATE TABLE events (ts timestamptz, service text, status int4, duration_ms float8, tags text)',
    )
    await client.query(`INSERT INTO events VALUES
      ('2024-01-01 00:00:00+00', 'api', 200, 12.5, 'a'),
      ('2024-01-01 00:01:00+00', 'auth', 401, 3.25, 'b'),
      ('2024-01-01 00:02:00+00', 'worker', 500, 120, NULL)`)
    const probe = await client.query('SELECT * FROM events LIMIT 0')
    return probe.fields[0]?.tableID ?? 0
  } finally {
    await client.end()
  }
}

async function connect(options: ConnectionOptions): Promise<pg.Client> {
  const client = new pg.Client({ ...options, query_timeout: 20_000 })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** Replays `statements` session by session; `eventsOid` replaces the captured 16386. */
export async function replay(
  statements: readonly CapturedStatement[],
  options: ConnectionOptions,
  eventsOid: number,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = []
  let client: pg.Client | null = null
  let session: string | null = null
  try {
    for (const statement of statements) {
      const skip = skipReason(statement)
      if (skip !== null) {
        results.push({ statement, outcome: 'skipped', detail: skip })
        continue
      }
      if (client === null || session !== `${statement.client}/${statement.session}`) {
        await client?.end()
        client = await connect(options)
        session = `${statement.client}/${statement.session}`
      }
      results.push(await replayOne(client, statement, eventsOid))
    }
  } finally {
    await client?.end()
  }
  return results
}

async function replayOne(
  client: pg.Client,
  statement: CapturedStatement,
  eventsOid: number,
): Promise<ReplayResult> {
  const text = statement.text.replaceAll('16386', String(eventsOid))
  const params = statement.params?.map((p) => p?.replaceAll('16386', String(eventsOid)) ?? null)
  let code: string | null = null
  let message = ''
  try {
    const name = /^extended: execute ([^<\s/]\S*)$/.exec(statement.protocol)?.[1]
    if (name !== undefined) await client.query({ name, text, values: params ?? [] })
    else if (params === undefined) await client.query(text)
    else await client.query(text, params)
  } catch (error) {
    const e = error as { code?: string; message?: string }
    code = e.code ?? 'XXXXX'
    message = e.message ?? String(error)
  }
  if (code === statement.expectedError) return { statement, outcome: 'ok', detail: '' }
  const wanted = statement.expectedError === null ? 'success' : statement.expectedError
  const got = code === null ? 'success' : `${code} ${message}`
  return { statement, outcome: 'failed', detail: `wanted ${wanted}, got ${got}` }
}

/** One line per client: `psql  12/16 succeed (2 skipped)`. */
export function summarize(results: readonly ReplayResult[]): string[] {
  const clients = [...new Set(results.map((r) => r.statement.client))]
  return clients.map((client) => {
    const mine = results.filter((r) => r.statement.client === client)
    const ok = mine.filter((r) => r.outcome === 'ok').length
    const skipped = mine.filter((r) => r.outcome === 'skipped').length
    return `${client.padEnd(12)} ${ok}/${mine.length - skipped} succeed (${skipped} not replayed)`
  })
}

function argument(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name)
  return index === -1 ? undefined : args[index + 1]
}

async function main(args: readonly string[]): Promise<void> {
  const port = argument(args, '--port')
  const server = port === undefined ? await startMalamute() : null
  const password = argument(args, '--password')
  const options: ConnectionOptions = {
    host: argument(args, '--host') ?? server?.host ?? '127.0.0.1',
    port: Number(port ?? server?.port),
    user: argument(args, '--user') ?? server?.user ?? 'malamute',
    database: argument(args, '--database') ?? 'compat',
    ...(password === undefined ? {} : { password }),
  }
  try {
    const eventsOid = await createEvents(options)
    const statements = capturedClients().flatMap((client) => readCaptured(client))
    const results = await replay(statements, options, eventsOid)
    if (args.includes('--verbose')) {
      for (const r of results) {
        const { client, number } = r.statement
        const head = r.statement.text.replaceAll(/\s+/g, ' ').slice(0, 100)
        console.log(`${client} #${number} ${r.outcome} ${r.detail.slice(0, 160)} | ${head}`)
      }
    }
    for (const line of summarize(results)) console.log(line)
  } finally {
    await server?.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
