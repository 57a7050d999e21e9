// Compaction under load, on a real server: single-row INSERTs cut hundreds of tiny segments
// while background compaction merges them. A second connection counts rows the whole time and
// must always see exactly what was acknowledged (never less) and never more than was sent:
// the swap of inputs for outputs is one metadata transaction, so no count sees both or
// neither. Afterwards the data dir holds a handful of segment files. Then the server is killed
// with SIGKILL while compaction runs; after a restart nothing acknowledged is lost and nothing
// is duplicated.

import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

const writerCount = 4
const insertsPerWriter = 250
const segmentFilesHandful = 5
const settleDeadlineMs = 60_000

let server: MalamuteServer

before(async () => {
  server = await startMalamute({
    env: {
      MALAMUTE_COMPACTION_INTERVAL_MS: '100',
      // Short, so replaced files disappear while the test waits; long enough for a query that
      // pinned its segments to read them on a loaded machine (the first query after a restart
      // also waits for worker threads to start).
      MALAMUTE_COMPACTION_GRACE_MS: '3000',
      MALAMUTE_LOG_LEVEL: 'debug',
    },
  })
  const client = await server.connect()
  await client.query('CREATE TABLE compacted (ts timestamptz, id int8, writer int4)')
  await client.end()
})

after(async () => {
  await server?.close()
})

async function segmentFiles(): Promise<number> {
  const entries = await readdir(path.join(server.dataDir, 'segments'), { recursive: true })
  return entries.filter((entry) => entry.endsWith('.seg')).length
}

/** Waits until compaction has brought the segment files down to a handful. */
async function waitForFewSegmentFiles(): Promise<number> {
  const deadline = Date.now() + settleDeadlineMs
  let files = await segmentFiles()
  while (files > segmentFilesHandful && Date.now() < deadline) {
    await sleep(100)
    files = await segmentFiles()
  }
  return files
}

function insertSql(id: number, writer: number): string {
  const second = id % 86_400
  const time = new Date(Date.UTC(2024, 0, 1) + second * 1000).toISOString()
  return `INSERT INTO compacted VALUES ('${time}', ${id}, ${writer})`
}

async function countRows(client: pg.Client): Promise<{ rows: number; ids: number }> {
  const result = await client.query<{ rows: string; ids: string }>(
    'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM compacted',
  )
  return { rows: Number(result.rows[0]?.rows), ids: Number(result.rows[0]?.ids) }
}

test(
  'counts stay exact while compaction swaps segments under single-row INSERTs',
  {
    timeout: 120_000,
  },
  async (t) => {
    let sent = 0
    let acknowledged = 0
    let writing = true
    const writers = Array.from({ length: writerCount }, async (_, writer) => {
      const client = await server.connect()
      for (let index = 0; index < insertsPerWriter; index++) {
        const id = writer * insertsPerWriter + index
        sent++
        await client.query(insertSql(id, writer))
        acknowledged++
      }
      await client.end()
    })
    const counter = await server.connect()
    let counts = 0
    const counting = (async () => {
      while (writing) {
        const floor = acknowledged
        const { rows } = await countRows(counter)
        const ceiling = sent
        assert.ok(rows >= floor, `count ${rows} is below the ${floor} rows acknowledged before it`)
        assert.ok(rows <= ceiling, `count ${rows} is above the ${ceiling} rows sent`)
        counts++
      }
    })()
    await Promise.all(writers)
    writing = false
    await counting
    assert.ok(counts > 0)
    const mergesWhileWriting = server.log.split('compaction merge').length - 1
    assert.ok(mergesWhileWriting > 0, 'compaction merged while the writers wrote')
    t.diagnostic(`${counts} counts checked, ${mergesWhileWriting} merges while writing`)
    const total = writerCount * insertsPerWriter
    assert.deepEqual(await countRows(counter), { rows: total, ids: total })
    const files = await waitForFewSegmentFiles()
    assert.ok(files <= segmentFilesHandful, `${files} segment files remain`)
    t.diagnostic(`${files} segment files after compaction settled`)
    assert.deepEqual(await countRows(counter), { rows: total, ids: total })
    const sums = await counter.query<{ sum: string }>('SELECT sum(id) AS sum FROM compacted')
    assert.equal(Number(sums.rows[0]?.sum), (total * (total - 1)) / 2)
    await counter.end()
  },
)

test(
  'kill -9 during compaction loses nothing and duplicates nothing',
  {
    timeout: 120_000,
  },
  async () => {
    const before = await server.connect()
    const { rows: rowsBefore } = await countRows(before)
    await before.end()
    const acknowledged = new Set<number>()
    const inDoubt = new Set<number>()
    let nextId = 100_000
    const clients = await Promise.all([server.connect(), server.connect()])
    const writers = clients.map(async (client, writer) => {
      for (;;) {
        const id = nextId++
        inDoubt.add(id)
        try {
          await client.query(insertSql(id, writer))
        } catch {
          return
        }
        inDoubt.delete(id)
        acknowledged.add(id)
      }
    })
    // Kill right after a merge finished, with inserts still cutting segments: the next merge of
    // the backlog is then likely under way.
    const merges = (): number => server.log.split('compaction merge').length
    while (acknowledged.size < 200) await sleep(10)
    const seen = merges()
    const deadline = Date.now() + settleDeadlineMs
    while (merges() === seen && Date.now() < deadline) await sleep(5)
    await server.kill9()
    await Promise.all(writers)
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
    await server.restart()

    const client = await server.connect()
    const { rows, ids } = await countRows(client)
    assert.equal(rows, ids, 'some id is stored twice')
    const present = await client.query<{ id: string }>(
      'SELECT id FROM compacted WHERE id >= 100000',
    )
    const presentIds = new Set(present.rows.map((row) => Number(row.id)))
    for (const id of acknowledged) assert.ok(presentIds.has(id), `acknowledged id ${id} was lost`)
    for (const id of presentIds) {
      assert.ok(acknowledged.has(id) || inDoubt.has(id), `id ${id} was never sent`)
    }
    assert.equal(rows, rowsBefore + presentIds.size)
    // The restarted server keeps compacting what the crash left.
    const files = await waitForFewSegmentFiles()
    assert.ok(files <= segmentFilesHandful, `${files} segment files remain after the restart`)
    assert.deepEqual(await countRows(client), { rows, ids })
    await client.end()
  },
)
