// The sqllogictest runner: runs .slt files against any PostgreSQL-wire server.
//
//   node dist/sqllogic/runner.js --host H --port P --user U --database-prefix X
//        [--engine postgresql|malamute] [--complete] [--jobs N] files-or-folders...
//
// Each file gets its own database, so files share nothing and run in parallel:
//
//   postgresql  CREATE DATABASE <prefix>_<file> through --admin-database, dropped afterwards
//   malamute    connect to database <prefix>_<file>: any database name is a tenant there
//
// --complete rewrites each file's expected output with the engine's answers (run it against
// PostgreSQL 15, the oracle). The last line printed is `sqllogic: N passed, N failed`; the exit
// code is 1 when any record failed.

import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { connectRaw, runRecords } from './run-file.js'
import type { ConnectionSettings, Failure, FileOutcome } from './run-file.js'
import { SltParseError, applyReplacements, parseSlt } from './slt-file.js'

const engines = ['postgresql', 'malamute'] as const
type Engine = (typeof engines)[number]

interface RunnerOptions {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string | undefined
  readonly databasePrefix: string
  readonly adminDatabase: string
  readonly engine: Engine
  readonly complete: boolean
  readonly jobs: number
  readonly queryTimeoutMs: number
  readonly files: readonly string[]
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: runner.js --host H --port P --user U --database-prefix X ` +
      '[--engine postgresql|malamute] [--complete] [--jobs N] files...\n',
  )
  process.exit(2)
}

function parseOptions(argv: readonly string[]): RunnerOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5432' },
      user: { type: 'string', default: 'malamute' },
      password: { type: 'string' },
      'database-prefix': { type: 'string', default: 'slt' },
      'admin-database': { type: 'string', default: 'postgres' },
      engine: { type: 'string', default: 'malamute' },
      complete: { type: 'boolean', default: false },
      jobs: { type: 'string', default: '4' },
      'query-timeout-ms': { type: 'string', default: '60000' },
    },
  })
  const engine = values.engine as Engine
  if (!engines.includes(engine)) usage(`unknown engine: ${values.engine}`)
  const port = Number(values.port)
  const jobs = Number(values.jobs)
  const queryTimeoutMs = Number(values['query-timeout-ms'])
  if (!Number.isInteger(port) || port <= 0) usage(`bad port: ${values.port}`)
  if (!Number.isInteger(jobs) || jobs <= 0) usage(`bad jobs: ${values.jobs}`)
  if (positionals.length === 0) usage('no files given')
  return {
    host: values.host,
    port,
    user: values.user,
    password: values.password ?? process.env['PGPASSWORD'],
    databasePrefix: values['database-prefix'],
    adminDatabase: values['admin-database'],
    engine,
    complete: values.complete,
    jobs,
    queryTimeoutMs,
    files: positionals,
  }
}

/** Expands folders into the .slt files below them, sorted, without duplicates. */
async function expandFiles(inputs: readonly string[]): Promise<string[]> {
  const found = new Set<string>()
  for (const input of inputs) {
    const info = await stat(input)
    if (info.isDirectory()) {
      const entries = await readdir(input, { recursive: true })
      for (const entry of entries) {
        if (entry.endsWith('.slt')) found.add(path.join(input, entry))
      }
    } else {
      found.add(input)
    }
  }
  return [...found].sort()
}

/** Names a file's database: prefix plus its path, lowercase, within PostgreSQL's 63 bytes. */
export function databaseNameFor(prefix: string, file: string): string {
  const relative = path.relative(process.cwd(), file).replace(/^sqllogic[/\\]/, '')
  const stem = relative.replace(/\.slt$/, '')
  const name = `${prefix}_${stem}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  return name.slice(0, 63)
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

function settingsFor(options: RunnerOptions, database: string): ConnectionSettings {
  return {
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    database,
    queryTimeoutMs: options.queryTimeoutMs,
  }
}

async function adminQuery(options: RunnerOptions, sql: string): Promise<void> {
  const admin = await connectRaw(settingsFor(options, options.adminDatabase))
  try {
    await admin.query(sql)
  } finally {
    await admin.end()
  }
}

interface FileReport extends FileOutcome {
  readonly file: string
}

function brokenFile(file: string, line: number, message: string): FileReport {
  const failure: Failure = { line, sql: '', message, expected: undefined, actual: undefined }
  const failures = [failure]
  return { file, passed: 0, skipped: 0, failures, replacements: [], notes: [], notRun: 0 }
}

async function runFile(options: RunnerOptions, file: string): Promise<FileReport> {
  const text = await readFile(file, 'utf8')
  let records
  try {
    records = parseSlt(text)
  } catch (error) {
    if (error instanceof SltParseError) return brokenFile(file, error.line, error.message)
    throw error
  }
  const database = databaseNameFor(options.databasePrefix, file)
  const ownsDatabase = options.engine === 'postgresql'
  let client: pg.Client | undefined
  try {
    if (ownsDatabase) {
      await adminQuery(options, `DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`)
      await adminQuery(options, `CREATE DATABASE ${quoteIdentifier(database)}`)
    }
    client = await connectRaw(settingsFor(options, database))
    const outcome = await runRecords(client, records, options.engine, options.complete)
    if (options.complete && outcome.replacements.length > 0) {
      await writeFile(file, applyReplacements(text, outcome.replacements))
    }
    return { file, ...outcome }
  } catch (error) {
    return brokenFile(file, 0, `cannot run file: ${(error as Error).message}`)
  } finally {
    await client?.end().catch(() => undefined)
    if (ownsDatabase) {
      const drop = `DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`
      await adminQuery(options, drop).catch(() => undefined)
    }
  }
}

function indent(lines: readonly string[] | undefined): string {
  if (lines === undefined) return '    (none)\n'
  if (lines.length === 0) return '    (no rows)\n'
  return lines.map((line) => `    ${line}\n`).join('')
}

function printFailure(file: string, failure: Failure): void {
  let text = `\nFAIL ${file}:${failure.line}: ${failure.message}\n`
  if (failure.sql !== '')
    text += failure.sql
      .split('\n')
      .map((l) => `  | ${l}\n`)
      .join('')
  if (failure.actual !== undefined) {
    text += `  expected:\n${indent(failure.expected)}  actual:\n${indent(failure.actual)}`
  }
  process.stdout.write(text)
}

/** Runs items with at most `limit` in flight, keeping results in input order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next
      next += 1
      results[index] = await work(items[index] as T)
    }
  })
  await Promise.all(lanes)
  return results
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const files = await expandFiles(options.files)
  const reports = await mapConcurrently(files, options.jobs, (file) => runFile(options, file))
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const report of reports) {
    passed += report.passed
    failed += report.failures.length + report.notRun
    skipped += report.skipped
    for (const failure of report.failures) printFailure(report.file, failure)
    if (options.complete && report.replacements.length > 0) {
      process.stdout.write(`completed ${report.file} (${report.replacements.length} records)\n`)
      for (const note of report.notes) process.stdout.write(`  ${report.file}:${note}\n`)
    }
  }
  process.stdout.write(
    `\n${files.length} files on ${options.engine}, ${skipped} records skipped\n` +
      `sqllogic: ${passed} passed, ${failed} failed\n`,
  )
  process.exitCode = failed > 0 ? 1 : 0
}

await main()
