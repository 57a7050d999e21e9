// Errors over the wire, seen by node-postgres: the SQLSTATE and position fields, and that the
// connection stays usable after each error (the server sends ReadyForQuery and carries on).

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

before(async () => {
  server = await startMalamute()
  client = await server.connect()
  await client.query('CREATE TABLE errors_known (id int4, name text)')
  await client.query("INSERT INTO errors_known VALUES (1, 'one')")
})

after(async () => {
  await server?.close()
})

interface WireError {
  readonly code?: string
  readonly position?: string
  readonly severity?: string
  readonly message: string
}

async function expectError(sql: string): Promise<WireError> {
  try {
    await client.query(sql)
  } catch (error) {
    return error as WireError
  }
  assert.fail(`expected ${sql} to fail`)
}

async function assertStillAnswers(): Promise<void> {
  const result = await client.query<{ answer: number }>('SELECT 1 AS answer')
  assert.deepEqual(result.rows, [{ answer: 1 }])
}

test('a syntax error reports 42601 with the position of the bad token', async () => {
  const error = await expectError('SELEC 1')
  assert.equal(error.code, '42601')
  assert.equal(error.position, '1')
  assert.equal(error.severity, 'ERROR')
  await assertStillAnswers()
})

test('an unknown table reports 42P01', async () => {
  const error = await expectError('SELECT * FROM errors_no_such_table')
  assert.equal(error.code, '42P01')
  assert.match(error.message, /errors_no_such_table/)
  await assertStillAnswers()
})

test('an unknown column reports 42703', async () => {
  const error = await expectError('SELECT no_such_column FROM errors_known')
  assert.equal(error.code, '42703')
  assert.match(error.message, /no_such_column/)
  await assertStillAnswers()
})

test('division by zero reports 22012 at run time', async () => {
  const error = await expectError('SELECT id / 0 FROM errors_known')
  assert.equal(error.code, '22012')
  await assertStillAnswers()
})

test('errors inside the extended protocol also leave the connection usable', async () => {
  await assert.rejects(client.query('SELECT $1::int4 FROM errors_missing', [1]), {
    code: '42P01',
  })
  await assert.rejects(client.query('SELECT $1::int4', ['not a number']), { code: '22P02' })
  const sql = 'SELECT id FROM errors_known WHERE id = $1'
  const result = await client.query<{ id: number }>(sql, [1])
  assert.deepEqual(result.rows, [{ id: 1 }])
})

test('several errors in a row on one connection', async () => {
  for (const sql of ['SELEC 1', 'SELECT * FROM nope', 'SELECT nope FROM errors_known']) {
    await expectError(sql)
  }
  await assertStillAnswers()
  const count = await client.query<{ count: string }>('SELECT count(*) AS count FROM errors_known')
  assert.deepEqual(count.rows, [{ count: '1' }])
})
