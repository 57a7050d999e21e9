// SQLAlchemy 1.4 (Debian's python3-sqlalchemy, over psycopg2) and pandas against a Malamute
// server: test/clients/sqlalchemy_session.py inspects, reflects and reads as Superset and
// notebooks do. The dialect's catalog queries need correlated subqueries in the select list,
// computed regclass casts, json_build_object, generate_subscripts and the pg_*_is_visible
// functions; pandas' to_sql creates a table and inserts with executemany.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPythonSession } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let session: Record<string, unknown>

before(async () => {
  server = await startMalamute()
  session = await runPythonSession(
    server,
    'sqlalchemy_session.py',
    'python3-sqlalchemy and python3-pandas',
  )
})

after(async () => {
  await server?.close()
})

test('SQLAlchemy inspector: tables, columns with types, and the empty constraint lists', () => {
  assert.equal(session['create'], 'ok')
  assert.deepEqual(session['inspection'], {
    has_table: true,
    schemas: true,
    tables: true,
    columns: [
      { name: 'ts', type: 'TIMESTAMP', nullable: true, default: null },
      { name: 'service', type: 'TEXT', nullable: true, default: null },
      { name: 'duration', type: 'DOUBLE_PRECISION', nullable: true, default: null },
      { name: 'n', type: 'BIGINT', nullable: true, default: null },
      { name: 'ok', type: 'BOOLEAN', nullable: true, default: null },
    ],
    pk: { constrained_columns: [], name: null },
    foreign_keys: [],
    indexes: [],
    unique: [],
    checks: [],
    comment: { text: null },
    views: [],
  })
})

test('SQLAlchemy reflects a table and runs a GROUP BY built with its expression language', () => {
  assert.deepEqual(session['reflected_query'], [['api', 2, 5.5]])
})

test('pandas.read_sql types the columns (tz-aware datetime64, float64, int64, bool)', () => {
  assert.deepEqual(session['read_sql'], {
    dtypes: {
      ts: 'datetime64[ns, UTC]',
      service: 'object',
      duration: 'float64',
      n: 'int64',
      ok: 'bool',
    },
    services: ['api', 'web', 'api'],
    duration_sum: 5.5,
    first_ts: '2024-01-01T00:00:00+00:00',
  })
})

test('pandas.read_sql_table reflects the table first', () => {
  assert.deepEqual(session['read_sql_table'], {
    columns: ['ts', 'service', 'duration', 'n', 'ok'],
    rows: 3,
  })
})

test('pandas.to_sql creates a table and inserts a frame with NULLs', () => {
  assert.deepEqual(session['to_sql'], {
    written: 3,
    rows: [
      [1, 'a', 0.5],
      [2, 'b', null],
      [3, null, 2.5],
    ],
  })
})
