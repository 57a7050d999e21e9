// The real psqlODBC (Debian's odbc-postgresql, "PostgreSQL Unicode") through unixODBC and pyodbc
// against a Malamute server: test/clients/pyodbc_session.py runs the session and prints what it
// saw as JSON; the tests assert on it. psqlODBC sends `?` parameters through named statements
// (`_PLAN0x…`, then DEALLOCATE) and looks up a result's columns by the table OID in RowDescription.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPythonSession } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

type Session = Record<string, unknown>

let server: MalamuteServer
let session: Session

before(async () => {
  server = await startMalamute()
  session = await runPythonSession(server, 'pyodbc_session.py', 'python3-pyodbc')
})

after(async () => {
  await server?.close()
})

test('psqlODBC connects (autocommit) and inserts with ? parameters', () => {
  assert.deepEqual(session['dbms'], ['PostgreSQL', 'psqlodbcw.so'])
  assert.equal(session['create'], 1)
})

test('psqlODBC SQLTables and SQLColumns through cursor.tables() and cursor.columns()', () => {
  assert.deepEqual(session['tables'], [['public', 'odbc_events', 'TABLE']])
  // ODBC types: SQL_INTEGER 4, SQL_WLONGVARCHAR -10 (text), SQL_FLOAT 6, SQL_TYPE_TIMESTAMP 93.
  assert.deepEqual(session['columns'], [
    [1, 'id', 4, 'int4', 1],
    [2, 'service', -10, 'text', 1],
    [3, 'latency', 6, 'float8', 1],
    [4, 'at', 93, 'timestamptz', 1],
  ])
})

test('psqlODBC parameterised SELECT: description and typed rows', () => {
  assert.deepEqual(session['parameterised'], {
    description: [
      ['id', 'int'],
      ['service', 'str'],
      ['latency', 'float'],
      ['at', 'datetime'],
    ],
    rows: [
      [1, 'api', 1.5, '2024-01-01T00:00:00'],
      [3, 'api', null, null],
    ],
  })
  assert.deepEqual(session['aggregate'], [2, 3.75])
})

test('psqlODBC reports SQLSTATE 42P01 and the connection stays usable', () => {
  const error = session['undefined_table'] as { error: string; args: string[] }
  assert.equal(error.error, 'ProgrammingError')
  assert.equal(error.args[0], '42P01')
  assert.match(error.args[1] ?? '', /odbc_no_such_table/)
  assert.deepEqual(session['after_error'], [2, 3.75])
})

test("psqlODBC with pyodbc's default autocommit off: SAVEPOINT per statement, on after an error", () => {
  // psqlODBC's statement-level rollback (Protocol=7.4-2): SAVEPOINT before each statement,
  // RELEASE after it, ROLLBACK TO after the failing SELECT; the block then goes on and commits.
  assert.deepEqual(session['manual_commit'], {
    count: 4,
    failed: '42P01',
    rows: [
      [4, 0.5],
      [5, 0.25],
      [6, 0.125],
    ],
  })
})
