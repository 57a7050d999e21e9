// reg* names belong to the statement's own database: two sessions on different databases
// (tenants), interleaved, each read and print their own relations' names, never the other's.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let alpha: pg.Client
let beta: pg.Client

before(async () => {
  server = await startMalamute()
  alpha = await server.connect('tenant_alpha')
  beta = await server.connect('tenant_beta')
  await alpha.query('CREATE TABLE alpha_events (ts timestamptz, n int8)')
  await beta.query('CREATE TABLE beta_metrics (ts timestamptz, v float8)')
})

after(async () => {
  await server?.close()
})

const regclassOf = async (client: pg.Client, name: string): Promise<unknown> =>
  (await client.query(`SELECT '${name}'::regclass::oid AS oid`)).rows[0]?.oid

test('a cursor opened on one database prints its names after the other database binds', async () => {
  const alphaOid = await regclassOf(alpha, 'alpha_events')
  await alpha.query('BEGIN')
  await alpha.query(
    `DECLARE c CURSOR FOR SELECT oid::regclass AS r FROM pg_class WHERE relname = 'alpha_events'`,
  )
  // The other tenant binds and prints its own names in between.
  const betaRow = await beta.query(
    `SELECT oid::regclass AS r, 'beta_metrics'::regclass::oid AS o FROM pg_class WHERE relname = 'beta_metrics'`,
  )
  assert.equal(betaRow.rows[0]?.r, 'beta_metrics')
  const fetched = await alpha.query('FETCH ALL FROM c')
  assert.deepEqual(fetched.rows, [{ r: 'alpha_events' }])
  await alpha.query('COMMIT')
  // Each database reads only its own relation names.
  await assert.rejects(beta.query(`SELECT 'alpha_events'::regclass`), { code: '42P01' })
  await assert.rejects(alpha.query(`SELECT 'beta_metrics'::regclass`), { code: '42P01' })
  assert.equal(await regclassOf(alpha, 'alpha_events'), alphaOid)
})

test('concurrent sessions on two databases print their own reg names', async () => {
  const query = (client: pg.Client, table: string): Promise<pg.QueryResult> =>
    client.query(
      `SELECT c.oid::regclass AS r, c.oid::regclass::text AS t FROM pg_class c WHERE c.relname = $1`,
      [table],
    )
  const runs = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? query(alpha, 'alpha_events') : query(beta, 'beta_metrics'),
    ),
  )
  for (const [i, result] of runs.entries()) {
    const name = i % 2 === 0 ? 'alpha_events' : 'beta_metrics'
    assert.deepEqual(result.rows, [{ r: name, t: name }])
  }
})
