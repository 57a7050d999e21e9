// Runs one .slt file over one PostgreSQL-wire connection and reports each record's outcome.
//
// The `pg` client sends every record with the simple query protocol (no parameters), and the
// type parser is replaced so every value stays the raw text the server sent: the comparison
// is over exactly what a psql user would see, never over JavaScript numbers or Dates.

import pg from 'pg'
import type { CustomTypesConfig, QueryArrayResult } from 'pg'
import { formatRows, diffLines, sortLines, typeCharForOid } from './result-format.js'
import { renderQuery, renderStatement } from './slt-file.js'
import type { QueryRecord, Replacement, SltRecord, StatementRecord } from './slt-file.js'

export interface ConnectionSettings {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string | undefined
  readonly database: string
  readonly queryTimeoutMs: number
}

export interface Failure {
  /** 1-based line of the record's header. */
  readonly line: number
  readonly sql: string
  readonly message: string
  readonly expected: readonly string[] | undefined
  readonly actual: readonly string[] | undefined
}

export interface FileOutcome {
  readonly passed: number
  readonly skipped: number
  readonly failures: readonly Failure[]
  /** Completion mode only: records whose text changes. */
  readonly replacements: readonly Replacement[]
  /** Completion mode only: changes worth a human's look (an expected error code replaced). */
  readonly notes: readonly string[]
  /** Records left unrun because the connection broke or a query timed out; they count as failed. */
  readonly notRun: number
}

const rawText: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as CustomTypesConfig['getTypeParser'],
}

/** Opens a client whose values stay raw wire text. */
export async function connectRaw(settings: ConnectionSettings): Promise<pg.Client> {
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    ...(settings.password === undefined ? {} : { password: settings.password }),
    types: rawText,
    query_timeout: settings.queryTimeoutMs,
    connectionTimeoutMillis: 10_000,
    application_name: 'malamute-sqllogic',
  })
  // An error event on an idle client (server gone) must not crash the runner.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Says whether a record runs on this engine, given its skipif/onlyif conditions. */
export function recordApplies(record: SltRecord, engine: string): boolean {
  return record.conditions.every((condition) =>
    condition.kind === 'skipif' ? condition.engine !== engine : condition.engine === engine,
  )
}

/** Runs the records in order on the client; stops at `halt`. */
export async function runRecords(
  client: pg.Client,
  records: readonly SltRecord[],
  engine: string,
  complete: boolean,
): Promise<FileOutcome> {
  let passed = 0
  let skipped = 0
  const failures: Failure[] = []
  const replacements: Replacement[] = []
  const notes: string[] = []
  let connectionBroken = false
  client.once('end', () => (connectionBroken = true))
  for (const [index, record] of records.entries()) {
    if (!recordApplies(record, engine)) {
      skipped += 1
      continue
    }
    if (record.kind === 'halt') break
    const outcome =
      record.kind === 'statement'
        ? await runStatement(client, record, complete)
        : await runQuery(client, record, complete)
    if (outcome.failure === undefined) passed += 1
    else failures.push(outcome.failure)
    if (outcome.replacement !== undefined) replacements.push(outcome.replacement)
    if (outcome.note !== undefined) notes.push(outcome.note)
    // A dead connection or a timed-out query (no SQLSTATE) would fail every later record
    // slowly, one timeout at a time: stop the file and count the rest as failed.
    if (connectionBroken || outcome.timedOut === true) {
      const rest = records.slice(index + 1).filter((later) => later.kind !== 'halt').length
      if (rest === 0) break
      const message = `connection lost or query timed out: ${rest} later records not run`
      failures.push({ line: record.line, sql: '', message, expected: undefined, actual: undefined })
      // That failure stands for the first record not run; notRun counts the others.
      return { passed, skipped, failures, replacements, notes, notRun: rest - 1 }
    }
  }
  return { passed, skipped, failures, replacements, notes, notRun: 0 }
}

interface RecordOutcome {
  readonly failure: Failure | undefined
  readonly replacement: Replacement | undefined
  readonly note?: string
  readonly timedOut?: boolean
}

interface ServerError {
  readonly code: string | undefined
  readonly message: string
}

function asServerError(error: unknown): ServerError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { code: typeof code === 'string' ? code : undefined, message: error.message }
  }
  return { code: undefined, message: String(error) }
}

function describeError(error: ServerError): string {
  return error.code === undefined ? error.message : `${error.code}: ${error.message}`
}

/** node-postgres's own query_timeout error: the server never answered. */
function isTimeout(error: ServerError): boolean {
  return error.code === undefined && /timeout/i.test(error.message)
}

function errorMatches(expected: string, error: ServerError): boolean {
  if (/^[0-9A-Z]{5}$/.test(expected)) return error.code === expected
  return new RegExp(expected).test(error.message)
}

async function runStatement(
  client: pg.Client,
  record: StatementRecord,
  complete: boolean,
): Promise<RecordOutcome> {
  const fail = (message: string): RecordOutcome => ({
    failure: {
      line: record.line,
      sql: record.sql,
      message,
      expected: undefined,
      actual: undefined,
    },
    replacement: undefined,
  })
  let caught: ServerError | undefined
  try {
    await client.query(record.sql)
  } catch (error) {
    caught = asServerError(error)
  }
  if (caught !== undefined && isTimeout(caught)) {
    return { ...fail(`statement timed out: ${caught.message}`), timedOut: true }
  }
  if (record.expectedError === undefined) {
    if (caught === undefined) return { failure: undefined, replacement: undefined }
    return fail(`statement failed: ${describeError(caught)}`)
  }
  if (caught === undefined) {
    return fail(`statement succeeded, expected error ${record.expectedError}`)
  }
  if (errorMatches(record.expectedError, caught)) {
    return { failure: undefined, replacement: undefined }
  }
  if (complete && caught.code !== undefined) {
    const lines = renderStatement(record, caught.code)
    const replacement = { headerIndex: record.headerIndex, endIndex: record.endIndex, lines }
    const note = `line ${record.line}: expected error ${record.expectedError} became ${caught.code}`
    return { failure: undefined, replacement, note }
  }
  return fail(`expected error ${record.expectedError}, got ${describeError(caught)}`)
}

function lastResult(result: QueryArrayResult | QueryArrayResult[]): QueryArrayResult | undefined {
  return Array.isArray(result) ? result[result.length - 1] : result
}

async function runQuery(
  client: pg.Client,
  record: QueryRecord,
  complete: boolean,
): Promise<RecordOutcome> {
  const failure = (message: string, actual?: readonly string[]): RecordOutcome => ({
    failure: {
      line: record.line,
      sql: record.sql,
      message,
      expected: record.expectedLines,
      actual,
    },
    replacement: undefined,
  })
  let result: QueryArrayResult | undefined
  try {
    const answer = (await client.query({ text: record.sql, rowMode: 'array' })) as
      QueryArrayResult | QueryArrayResult[]
    result = lastResult(answer)
  } catch (error) {
    const caught = asServerError(error)
    const outcome = failure(`query failed: ${describeError(caught)}`)
    return { ...outcome, timedOut: isTimeout(caught) }
  }
  if (result === undefined || result.fields === undefined) {
    return failure('query returned no result set')
  }
  const typeChars = result.fields.map((field) => typeCharForOid(field.dataTypeID)).join('')
  const actualLines = formatRows(result.rows, record.sortMode)
  if (complete) {
    const lines = renderQuery(record, typeChars, actualLines)
    const replacement = { headerIndex: record.headerIndex, endIndex: record.endIndex, lines }
    return { failure: undefined, replacement }
  }
  if (typeChars !== record.typeChars) {
    const message = `column types ${typeChars} differ from the expected ${record.typeChars}`
    return failure(message, actualLines)
  }
  if (record.expectedLines === undefined) {
    return failure('the record has no expected result (run with --complete)', actualLines)
  }
  const expectedLines = sortLines(record.expectedLines, record.sortMode)
  const difference = diffLines(expectedLines, actualLines)
  if (difference === undefined) return { failure: undefined, replacement: undefined }
  return failure(difference, actualLines)
}
