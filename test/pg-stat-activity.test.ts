// pg_stat_activity, pg_backend_pid(), pg_cancel_backend() and pg_terminate_backend() over the
// wire with several connections: each session's row says who it is and what it runs, the pid
// is the one BackendKeyData sent, and a tenant sees and signals only its own sessions.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer

before(async () => {
  server = await startMalamute()
})

after(async () => {
  await server?.close()
})

/** PostgreSQL 15's pg_stat_activity columns, in order. */
const columns =
  'datid datname pid leader_pid usesysid usename application_name client_addr client_hostname client_port backend_start xact_start query_start state_change wait_event_type wait_event state backend_xid backend_xmin query_id query backend_type'

const connectAs = async (applicationName: string, database = 'activity'): Promise<pg.Client> => {
  const client = new pg.Client({
    ...server.connectionConfig(database),
    application_name: applicationName,
  })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

test('each session has a row: who, from where, what it runs and its state', async () => {
  const a = await connectAs('alpha')
  const b = await connectAs('beta')
  const other = await connectAs('gamma', 'activity_other')
  try {
    await b.query('BEGIN')
    await b.query('SELECT 1 AS one')
    const query = `SELECT * FROM pg_stat_activity ORDER BY pid`
    const result = await a.query(query)
    assert.deepEqual(
      result.fields.map((field) => field.name),
      columns.split(' '),
    )
    const byApp = new Map(result.rows.map((row) => [row.application_name, row]))
    // Only this database's sessions: the other tenant's is not listed.
    assert.deepEqual([...byApp.keys()].sort(), ['alpha', 'beta'])
    const mine = byApp.get('alpha')
    const theirs = byApp.get('beta')
    assert.equal(mine.pid, (a as unknown as { processID: number }).processID)
    assert.equal(theirs.pid, (b as unknown as { processID: number }).processID)
    assert.notEqual(mine.pid, theirs.pid)
    assert.equal(mine.state, 'active')
    assert.equal(mine.query, query)
    assert.equal(mine.datname, 'activity')
    assert.equal(mine.usename, server.user)
    assert.equal(mine.backend_type, 'client backend')
    assert.equal(mine.client_addr, '127.0.0.1')
    assert.ok(mine.client_port > 0)
    assert.ok(mine.backend_start instanceof Date && mine.backend_start <= mine.query_start)
    assert.deepEqual(mine.xact_start, mine.query_start)
    assert.equal(theirs.state, 'idle in transaction')
    assert.equal(theirs.query, 'SELECT 1 AS one')
    assert.equal(theirs.wait_event, 'ClientRead')
    assert.ok(theirs.xact_start instanceof Date && theirs.xact_start <= theirs.query_start)
    await b.query('COMMIT')
    const after = await a.query(
      `SELECT state, query, xact_start FROM pg_stat_activity WHERE application_name = 'beta'`,
    )
    assert.deepEqual(after.rows, [{ state: 'idle', query: 'COMMIT', xact_start: null }])
  } finally {
    await Promise.all([a.end(), b.end(), other.end()])
  }
})

test("pg_backend_pid() is BackendKeyData's pid; sessions signal each other by it", async () => {
  const a = await connectAs('alpha')
  const b = await connectAs('beta')
  const other = await connectAs('gamma', 'activity_other')
  try {
    const pidOf = (client: pg.Client): number =>
      (client as unknown as { processID: number }).processID
    const own = await a.query('SELECT pg_backend_pid() AS pid')
    assert.equal(own.rows[0].pid, pidOf(a))
    // Extended protocol too (a prepared statement).
    const prepared = await b.query({
      name: 'pid',
      text: 'SELECT pg_backend_pid() AS pid',
      values: [],
    })
    assert.equal(prepared.rows[0].pid, pidOf(b))
    // Cancel of an idle session does nothing but answers true; it keeps working.
    const cancel = await a.query('SELECT pg_cancel_backend($1) AS ok', [pidOf(b)])
    assert.equal(cancel.rows[0].ok, true)
    assert.equal((await b.query('SELECT 2 AS two')).rows[0].two, 2)
    // Another tenant's session (or no session) cannot be signalled from here.
    const elsewhere = await a.query('SELECT pg_terminate_backend($1) AS ok', [pidOf(other)])
    assert.equal(elsewhere.rows[0].ok, false)
    assert.equal((await other.query('SELECT 3 AS three')).rows[0].three, 3)
    // Terminate: the session's connection ends with 57P01, and its row goes away.
    const ended = new Promise<unknown>((resolve) => b.once('error', resolve))
    const terminate = await a.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'beta'`,
    )
    assert.deepEqual(terminate.rows, [{ ok: true }])
    assert.equal(((await ended) as { code?: string }).code, '57P01')
    for (let attempt = 0; attempt < 50; attempt++) {
      const left = await a.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'beta'`)
      if (left.rows.length === 0) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.fail('the terminated session is still listed')
  } finally {
    await Promise.all([a.end(), b.end().catch(() => undefined), other.end()])
  }
})
