// Crash durability: writers INSERT batches in a loop while the server is killed with SIGKILL at
// a random moment; after a restart on the same data dir, every acknowledged batch is there,
// nothing is duplicated, and each batch is all-or-nothing (an INSERT commits atomically, so a
// batch whose acknowledgement was lost in the crash is either wholly present or wholly absent).
// Two crash rounds run against the same data dir, so recovery itself is crashed into too.

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

const rowsPerBatch = 200
const writerCount = 2
const killAfterMsMin = 300
const killAfterMsMax = 1_500

let server: MalamuteServer
let nextBatch = 0
const acknowledged = new Set<number>()
/** Batches sent whose outcome the crash hid: each may be present or absent, but never partial. */
const inDoubt = new Set<number>()

before(async () => {
  server = await startMalamute()
  const client = await server.connect()
  await client.query('CREATE TABLE durable_events (id int8, batch int4, payload text)')
  await client.end()
})

after(async () => {
  await server?.close()
})

function batchInsert(batch: number): string {
  const values = Array.from({ length: rowsPerBatch }, (_, offset) => {
    const id = batch * rowsPerBatch + offset
    return `(${id}, ${batch}, 'event ${id} of batch ${batch}')`
  })
  return `INSERT INTO durable_events VALUES ${values.join(', ')}`
}

/** Inserts batches until the connection dies; records which ones the server acknowledged. */
async function writeUntilCrash(client: pg.Client): Promise<void> {
  for (;;) {
    const batch = nextBatch
    nextBatch += 1
    inDoubt.add(batch)
    try {
      await client.query(batchInsert(batch))
    } catch {
      return
    }
    inDoubt.delete(batch)
    acknowledged.add(batch)
  }
}

async function crashRound(): Promise<void> {
  const clients = await Promise.all(Array.from({ length: writerCount }, () => server.connect()))
  const writers = clients.map((client) => writeUntilCrash(client))
  const killAfterMs = killAfterMsMin + Math.random() * (killAfterMsMax - killAfterMsMin)
  await sleep(killAfterMs)
  await server.kill9()
  await Promise.all(writers)
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
  await server.restart()
}

async function verify(round: number): Promise<void> {
  const client = await server.connect()
  try {
    const totals = await client.query<{ rows: string; ids: string }>(
      'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM durable_events',
    )
    const total = totals.rows[0]
    assert.ok(total !== undefined)
    assert.equal(total.rows, total.ids, `round ${round}: some event id is stored twice`)
    const perBatch = await client.query<{ batch: number; rows: string }>(
      'SELECT batch, count(*) AS rows FROM durable_events GROUP BY batch',
    )
    const present = new Map(perBatch.rows.map((row) => [row.batch, Number(row.rows)]))
    for (const batch of acknowledged) {
      const message = `round ${round}: acknowledged batch ${batch} lost rows`
      assert.equal(present.get(batch), rowsPerBatch, message)
    }
    for (const [batch, rows] of present) {
      assert.equal(rows, rowsPerBatch, `round ${round}: batch ${batch} is partial (${rows} rows)`)
      assert.ok(
        acknowledged.has(batch) || inDoubt.has(batch),
        `round ${round}: batch ${batch} was never sent`,
      )
    }
    // A batch in doubt that did commit is acknowledged from now on: later rounds must keep it.
    for (const batch of inDoubt) {
      if (present.has(batch)) acknowledged.add(batch)
    }
    inDoubt.clear()
  } finally {
    await client.end()
  }
}

const testName = 'acknowledged INSERTs survive kill -9, twice, without duplicates'
test(testName, { timeout: 180_000 }, async () => {
  for (const round of [1, 2]) {
    await crashRound()
    assert.ok(acknowledged.size > 0, `round ${round}: no batch was acknowledged before the kill`)
    await verify(round)
  }
  // The restarted server still takes writes and counts them.
  const client = await server.connect()
  const countSql = 'SELECT count(*) AS rows FROM durable_events'
  const before = await client.query<{ rows: string }>(countSql)
  await client.query(batchInsert(nextBatch))
  const afterInsert = await client.query<{ rows: string }>(countSql)
  assert.equal(Number(afterInsert.rows[0]?.rows), Number(before.rows[0]?.rows) + rowsPerBatch)
  await client.end()
})
