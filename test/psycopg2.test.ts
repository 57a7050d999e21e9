// The real psycopg2 (Debian's python3-psycopg2) against a Malamute server: test/clients/
// psycopg2_session.py runs the session and prints what it saw as JSON; the tests assert on it.
// psycopg2 talks the simple query protocol only, interpolates parameters client-side, opens an
// implicit transaction before the first statement and runs named cursors as DECLARE/FETCH/CLOSE.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPythonSession } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

type Session = Record<string, unknown>

let server: MalamuteServer
let session: Session

before(async () => {
  server = await startMalamute()
  session = await runPythonSession(server, 'psycopg2_session.py', 'python3-psycopg2')
})

after(async () => {
  await server?.close()
})

test('psycopg2 creates a table and inserts with parameters (quotes, UTF-8, NULL, timestamptz)', () => {
  assert.deepEqual(session['create'], { status: 'INSERT 0 1' })
})

test('psycopg2 fetches typed values: int, text, float, timestamptz with tzinfo, NULL as None', () => {
  assert.deepEqual(session['select'], {
    columns: ['id', 'name', 'score', 'born'],
    type_codes: [23, 25, 701, 1184],
    rows: [
      [1, "O'Brien", 2.5, { iso: '2024-01-02T03:04:05+00:00', tz: true }],
      [2, 'Zoë', null, null],
      [3, 'c', -1.25, { iso: '2023-06-01T12:00:00.250000+00:00', tz: true }],
      [4, 'd', 1e100, { iso: '1999-12-31T23:59:59+00:00', tz: true }],
    ],
    python_types: [
      ['int', 'str', 'float', 'datetime'],
      ['int', 'str', 'NoneType', 'NoneType'],
      ['int', 'str', 'float', 'datetime'],
      ['int', 'str', 'float', 'datetime'],
    ],
  })
})

test('psycopg2 sends a list parameter and parses array columns into Python lists', () => {
  assert.deepEqual(session['arrays'], {
    rows: [
      [1, ['a', 'b c', null, 'q"'], [1, 2], [1.5, 2], [true, null], 4],
      [2, [], null, [1.5, 2], [true, null], 0],
    ],
    type_codes: [23, 1009, 1007, 1022, 1000, 23],
    unnested: ['a', 'b c', null, 'q"'],
  })
})

test('psycopg2 fetchmany on a client-side cursor', () => {
  assert.deepEqual(session['fetchmany'], [[[1], [2], [3]], [[4]], []])
})

test('psycopg2 named (server-side) cursor: DECLARE / FETCH FORWARD n / CLOSE', () => {
  assert.deepEqual(session['named_cursor'], {
    batches: [
      [
        [1, "O'Brien"],
        [2, 'Zoë'],
        [3, 'c'],
      ],
      [[4, 'd']],
      [],
    ],
  })
})

test('psycopg2 named cursor: fetchmany in a loop over 5,000 rows, resuming mid-batch', () => {
  // 700-row fetches cut the executor's 8,192-row batches at arbitrary offsets.
  assert.deepEqual(session['named_cursor_many'], {
    sizes: [700, 700, 700, 700, 700, 700, 700, 100, 0],
    count: 5000,
    sum: (5000 * 5001) / 2,
    wrong: 0,
  })
})

test('psycopg2 connection is idle after the named cursor is closed and committed', () => {
  assert.deepEqual(session['recovered_after_named_cursor'], {
    closed: 0,
    count: 4,
    sum: 10,
    status_before_rollback: 0,
  })
})

test("psycopg2 maps an undefined table to pgcode '42P01' (UndefinedTable)", () => {
  const error = session['undefined_table'] as Record<string, unknown>
  assert.equal(error['pgcode'], '42P01')
  assert.equal(error['error'], 'UndefinedTable')
  assert.match(String(error['message']), /py_no_such_table/)
})

test('psycopg2 connection is in a failed transaction after the error and usable after rollback', () => {
  // transaction_status 3 is TRANSACTION_STATUS_INERROR: ReadyForQuery said 'E'.
  assert.deepEqual(session['recovered'], {
    closed: 0,
    count: 4,
    sum: 10,
    status_before_rollback: 3,
  })
})
