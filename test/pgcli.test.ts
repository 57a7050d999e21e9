// pgcli 3.5 (Debian's pgcli, over psycopg 3) against a Malamute server: test/clients/
// pgcli_session.py calls the PGExecute methods pgcli's completion refresher calls on connect,
// each running pgcli's own catalog query, then runs statements as its prompt does.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { runPythonSession } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let session: Record<string, unknown>

before(async () => {
  server = await startMalamute()
  session = await runPythonSession(server, 'pgcli_session.py', 'pgcli')
})

after(async () => {
  await server?.close()
})

test('pgcli runs DDL and DML from its prompt', () => {
  assert.deepEqual(session['create'], [[[], 'CREATE TABLE']])
  assert.deepEqual(session['insert'], [[[], 'INSERT 0 1']])
  assert.deepEqual(session['query'], [[['api', 7], ['service', 'n'], 'SELECT 1']])
})

test("pgcli's metadata refresh: search path, schemas, tables, columns, views, types, databases", () => {
  assert.deepEqual(session['search_path'], ['pg_catalog', 'public'])
  assert.deepEqual(session['schemata'], ['information_schema', 'malamute', 'pg_catalog', 'public'])
  assert.deepEqual(session['tables'], [['public', 'pgcli_events']])
  assert.deepEqual(session['table_columns'], [
    ['public', 'pgcli_events', 'ts', 'timestamp with time zone'],
    ['public', 'pgcli_events', 'service', 'text'],
    ['public', 'pgcli_events', 'n', 'bigint'],
  ])
  assert.deepEqual(session['views'], [])
  assert.ok(typeof session['view_columns'] === 'number' && session['view_columns'] > 0)
  assert.deepEqual(session['datatypes'], [])
  assert.equal(session['databases'], true)
})

test("pgcli's function list (reg* casts) and foreign keys (a correlated subquery in unnest), issue 4", () => {
  assert.equal(session['functions'], true)
  assert.deepEqual(session['foreignkeys'], [])
})

test("pgcli's casing query: regexp_split_to_table grouped by its output", () => {
  assert.equal(session['casing'], true)
})
