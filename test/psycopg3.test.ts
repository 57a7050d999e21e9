// The real psycopg 3 (Debian's python3-psycopg) against a Malamute server: test/clients/
// psycopg3_session.py runs the session and prints what it saw as JSON; the tests assert on it.
// Unlike psycopg2, psycopg 3 uses the extended protocol: server-side parameters (text and
// binary), binary results, automatic prepared statements, pipelines, COPY one row per CopyData
// message, and server cursors declared with DECLARE and then described as portals.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPythonSession } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let session: Record<string, unknown>

before(async () => {
  server = await startMalamute()
  session = await runPythonSession(server, 'psycopg3_session.py', 'python3-psycopg')
})

after(async () => {
  await server?.close()
})

const rows = [
  [1, 'api', 12.5, true, '2024-01-01T00:00:01+00:00'],
  [2, 'web', null, false, '2024-01-01T00:00:02.500000+00:00'],
  [3, 'api', -0.25, null, null],
  [4, "Zoë's", 1e300, true, '1999-12-31T23:59:59+00:00'],
]

test('psycopg 3 executemany with binary timestamptz parameters', () => {
  assert.deepEqual(session['create'], { rowcount: 4, count: 4 })
})

test('psycopg 3 binary results: int8, text, float8, bool, timestamptz, NULLs', () => {
  assert.deepEqual(session['binary'], { formats: [20, 25, 701, 16, 1184], rows })
})

test('psycopg 3 binary parameter (%b) with text results', () => {
  assert.deepEqual(session['binary_params'], [rows[0], rows[2]])
})

test('psycopg 3 prepared statement reused across executions', () => {
  assert.deepEqual(session['prepared'], ['api', 'web', 'api', "Zoë's"])
})

test('psycopg 3 pipeline of two queries', () => {
  assert.deepEqual(session['pipeline'], [4, 4])
})

test('psycopg 3 server cursor: DECLARE, Describe portal, FETCH in steps', () => {
  assert.deepEqual(session['server_cursor'], {
    columns: ['id'],
    first: [[1], [2], [3]],
    rest: [[4]],
  })
})

test('psycopg 3 COPY FROM STDIN with write_row and COPY TO STDOUT read row by row', () => {
  assert.deepEqual(session['copy'], [
    [5, 'copied 5\ttab'],
    [6, 'copied 6\ttab'],
    [7, 'copied 7\ttab'],
  ])
})

test('psycopg 3 maps SQLSTATE to its exception class and the transaction to INERROR', () => {
  assert.deepEqual(session['error'], {
    sqlstate: '42703',
    class: 'UndefinedColumn',
    status: 'INERROR',
  })
})
