// Malamute as separate processes, issue 7: `malamute gateway`, `malamute writer` and
// `malamute compactor` run against one s3rver bucket (segment files) and one lmdb metadata
// store (one data dir, shared by the three processes), as a deployment would run them.
//
// * The gateway sees what the writer commits and the catalog changes either makes, at once.
// * 1,000 single-row INSERTs while the compactor merges: a reader's count(*) is never below
//   what was acknowledged nor above what was sent; afterwards malamute.segments shows a
//   handful of segments and the count is exact.
// * kill -9 of the compactor mid-merge and of the writer between upload and commit lose
//   nothing acknowledged, duplicate nothing, and the orphans they leave are collected.
// * S3 going away in the middle of an upload: the writer retries and the intake succeeds.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { S3BlobStore } from '../storage/s3-blob-store.js'
import {
  S3TestCredentials,
  startS3TestServer,
  type S3TestServer,
} from '../storage/s3-test-server.js'
import { FaultyProxy } from './faulty-proxy.js'
import { RoleProcess } from './role-process.js'
import { freePort } from './server-harness.js'

const bucket = 'malamute-roles'
const prefix = 'roles'
const s3Env = {
  AWS_ACCESS_KEY_ID: S3TestCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3TestCredentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
}
const settleDeadlineMs = 40_000

let s3: S3TestServer
let proxy: FaultyProxy
let compactorProxy: FaultyProxy
let dataDir: string
let gateway: RoleProcess
let writer: RoleProcess
let compactor: RoleProcess

function storageArgs(endpoint: string): string[] {
  return ['--data-dir', dataDir, '--blob', `s3://${bucket}/${prefix}`, '--s3-endpoint', endpoint]
}

before(async () => {
  s3 = await startS3TestServer(bucket)
  proxy = new FaultyProxy(await freePort(), s3.port)
  await proxy.listen()
  compactorProxy = new FaultyProxy(await freePort(), s3.port)
  await compactorProxy.listen()
  dataDir = await mkdtemp(path.join(tmpdir(), 'malamute-roles-'))
  // No decoded-column cache in the gateway: every scan then reads through the blob store, so
  // EXPLAIN ANALYZE below shows its GETs even for columns an earlier query read.
  gateway = new RoleProcess(
    'gateway',
    [...storageArgs(s3.endpoint), '--port', String(await freePort()), '--worker-threads', '1'],
    { ...s3Env, MALAMUTE_DECODED_CACHE_BYTES: '0' },
  )
  // The writer reaches S3 through the proxy, so a test can take S3 away under it.
  writer = new RoleProcess(
    'writer',
    [...storageArgs(`http://127.0.0.1:${proxy.port}`), '--http-port', String(await freePort())],
    s3Env,
  )
  // So does the compactor, so a test can kill it between a merge's upload and its commit.
  compactor = new RoleProcess(
    'compactor',
    [
      ...storageArgs(`http://127.0.0.1:${compactorProxy.port}`),
      '--compaction-interval-ms',
      '100',
      '--compaction-grace-ms',
      '300',
      '--orphan-safety-ms',
      '3000',
      '--orphan-scan-interval-ms',
      '500',
    ],
    { ...s3Env, MALAMUTE_LOG_LEVEL: 'debug' },
  )
  await Promise.all([gateway.start(), writer.start(), compactor.start()])
})

after(async () => {
  await Promise.all([gateway?.stop(), writer?.stop(), compactor?.stop()])
  await proxy?.close()
  await compactorProxy?.close()
  await s3?.close()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
})

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: gateway.port(),
    user: 'malamute',
    database: 'malamute',
  })
  await client.connect()
  return client
}

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = await connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

async function count(table: string): Promise<number> {
  const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)
  return Number(rows[0]?.n)
}

/** POSTs NDJSON events to the writer's intake; answers the HTTP status. */
async function ingest(table: string, events: readonly object[]): Promise<number> {
  const body = events.map((event) => JSON.stringify(event)).join('\n')
  const response = await fetch(`http://127.0.0.1:${writer.port()}/v1/ingest/${table}`, {
    method: 'POST',
    body,
  })
  await response.text()
  return response.status
}

function event(id: number, batch = 0): { ts: string; id: number; batch: number } {
  return { ts: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString(), id, batch }
}

/** Polls `check` until it answers true or the deadline passes. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + settleDeadlineMs
  while (!(await check())) {
    if (Date.now() > deadline)
      assert.fail(`timed out waiting for ${what}\n${compactor.log.slice(-2000)}`)
    await sleep(200)
  }
}

async function tableState(table: string): Promise<{ segments: number; backlog: number }> {
  const rows = await query<{ segments: string; compaction_backlog: string }>(
    `SELECT segments, compaction_backlog FROM malamute.tables WHERE table_name = '${table}'`,
  )
  return { segments: Number(rows[0]?.segments), backlog: Number(rows[0]?.compaction_backlog) }
}

/** True once the bucket holds exactly the table's live segment files: no orphan, no leftover. */
async function bucketMatchesSegments(table: string): Promise<boolean> {
  const oid = (
    await query<{ oid: number }>(`SELECT oid FROM pg_class WHERE relname = '${table}'`)
  )[0]?.oid
  const live = await query<{ segment_id: string }>(
    `SELECT segment_id FROM malamute.segments WHERE table_name = '${table}'`,
  )
  const expected = new Set(live.map((row) => `t${oid}/${row.segment_id}.seg`))
  const direct = new S3BlobStore({
    bucket,
    prefix: `${prefix}/`,
    endpoint: s3.endpoint,
    credentials: S3TestCredentials,
  })
  try {
    const stored = (await direct.list(`t${oid}/`)).sort()
    return stored.length === expected.size && stored.every((key) => expected.has(key))
  } finally {
    direct.close()
  }
}

test('roles: the gateway sees what the writer commits, and catalog changes go both ways', async () => {
  await query('CREATE TABLE events (ts timestamptz, id int8, batch int8)')
  const events = Array.from({ length: 100 }, (_, index) => event(100_000 + index))
  assert.equal(await ingest('events', events), 200)
  assert.equal(await count('events'), 100, 'the next statement after the ack sees the rows')

  assert.equal(await ingest('made_by_writer', [event(1)]), 200)
  const tables = await query<{ table_name: string }>('SELECT table_name FROM malamute.tables')
  assert.ok(tables.some((row) => row.table_name === 'made_by_writer'))
  await query('DROP TABLE made_by_writer')
  await query('CREATE TABLE made_by_writer (ts timestamptz, id int8, note text)')
  assert.equal(await ingest('made_by_writer', [{ ...event(2), note: 'again' }]), 200)
  const rows = await query<{ id: string; note: string }>('SELECT id, note FROM made_by_writer')
  assert.deepEqual(rows, [{ id: '2', note: 'again' }], 'the writer saw the drop and the new table')
})

test('roles: 1,000 single-row INSERTs while the compactor merges; counts stay exact', async () => {
  const connections = 8
  const insertsEach = 125
  let sent = 0
  let acknowledged = 0
  let writing = true
  const reader = await connect()
  const reads = (async () => {
    let checks = 0
    while (writing || checks < 3) {
      const ack = acknowledged
      const result = await reader.query<{ n: string }>('SELECT count(*) AS n FROM events')
      const seen = Number(result.rows[0]?.n) - 100
      assert.ok(seen >= ack, `count ${seen} is below the ${ack} rows acknowledged`)
      assert.ok(seen <= sent, `count ${seen} is above the ${sent} rows sent`)
      checks++
    }
    return checks
  })()
  await Promise.all(
    Array.from({ length: connections }, async (_, connection) => {
      const client = await connect()
      for (let index = 0; index < insertsEach; index++) {
        const id = connection * insertsEach + index
        const row = event(id)
        sent++
        await client.query(`INSERT INTO events VALUES ('${row.ts}', ${id}, 0)`)
        acknowledged++
      }
      await client.end()
    }),
  )
  writing = false
  assert.ok((await reads) > 0)
  await eventually('the compactor to settle', async () => {
    const state = await tableState('events')
    return state.backlog === 0 && state.segments <= 5
  })
  await reader.end()
  const [totals] = await query<{ n: string; ids: string }>(
    'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events',
  )
  assert.deepEqual(totals, { n: '1100', ids: '1100' })
  const segments = await query<{ n: string }>(
    "SELECT count(*) AS n FROM malamute.segments WHERE table_name = 'events'",
  )
  assert.ok(Number(segments[0]?.n) <= 5, `a handful of segments, not ${segments[0]?.n}`)
  const merges = await query<{ n: string }>(
    "SELECT count(*) AS n FROM malamute.compactions WHERE table_name = 'events' AND status = 'done' AND kind = 'merge'",
  )
  assert.ok(Number(merges[0]?.n) > 0, 'malamute.compactions lists the merges')

  const plan = await query<{ 'QUERY PLAN': string }>('EXPLAIN ANALYZE SELECT sum(id) FROM events')
  assert.match(plan.map((row) => row['QUERY PLAN']).join('\n'), /blob-gets=\d+ blob-get-bytes=\d+/)
  await eventually('every role to report its blob traffic, in total and per table', async () => {
    const stats = await query<{ role: string; get_requests: string; put_requests: string }>(
      'SELECT role, get_requests, put_requests FROM malamute.blob_stats',
    )
    const byRole = new Map(stats.map((row) => [row.role, row]))
    const [perTable] = await query<{ get_requests: string; put_requests: string }>(
      "SELECT get_requests, put_requests FROM malamute.tables WHERE table_name = 'events'",
    )
    return (
      Number(perTable?.get_requests) > 0 &&
      Number(perTable?.put_requests) > 0 &&
      Number(byRole.get('gateway')?.put_requests) > 0 &&
      Number(byRole.get('writer')?.put_requests) > 0 &&
      Number(byRole.get('compactor')?.get_requests) > 0
    )
  })
})

test('roles: kill -9 of the compactor mid-merge loses and duplicates nothing', async () => {
  await compactor.kill9()
  await query('CREATE TABLE merged (ts timestamptz, id int8, batch int8)')
  await Promise.all(
    Array.from({ length: 4 }, async (_, connection) => {
      const client = await connect()
      for (let index = 0; index < 40; index++) {
        const id = connection * 40 + index
        await client.query(`INSERT INTO merged VALUES ('${event(id).ts}', ${id}, 0)`)
      }
      await client.end()
    }),
  )
  // The first merge output S3 stores: its answer is held, and the compactor dies right there.
  const outputStored = compactorProxy.holdNextPutAnswer()
  await compactor.start()
  const release = await outputStored
  await compactor.kill9()
  release()
  const [totals] = await query<{ n: string; ids: string }>(
    'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM merged',
  )
  assert.deepEqual(totals, { n: '160', ids: '160' })
  assert.equal(await bucketMatchesSegments('merged'), false, 'the merge output is an orphan')
  await compactor.start()
  await eventually('the compactor to settle and collect the orphan', async () => {
    const state = await tableState('merged')
    return state.backlog === 0 && (await bucketMatchesSegments('merged'))
  })
  assert.equal(await count('merged'), 160)
})

test('roles: kill -9 of the writer between upload and commit loses nothing acknowledged', async () => {
  await query('CREATE TABLE intake (ts timestamptz, id int8, batch int8)')
  const rowsPerBatch = 400
  const batchEvents = (batch: number): object[] =>
    Array.from({ length: rowsPerBatch }, (_, index) => event(batch * rowsPerBatch + index, batch))
  for (const batch of [0, 1, 2]) assert.equal(await ingest('intake', batchEvents(batch)), 200)
  // Batch 3's segment is stored in S3; the writer dies before it can commit it.
  const uploaded = proxy.holdNextPutAnswer()
  const lost = ingest('intake', batchEvents(3)).catch(() => 0)
  const release = await uploaded
  await writer.kill9()
  release()
  assert.notEqual(await lost, 200, 'batch 3 was never acknowledged')
  assert.equal(await bucketMatchesSegments('intake'), false, 'batch 3 left an orphan')
  await writer.start()
  const batches = await query<{ batch: string; n: string }>(
    'SELECT batch, count(*) AS n FROM intake GROUP BY batch ORDER BY batch',
  )
  assert.deepEqual(
    batches.map((row) => [Number(row.batch), Number(row.n)]),
    [0, 1, 2].map((batch) => [batch, rowsPerBatch]),
  )
  await eventually('the orphan of the killed writer to be collected', () =>
    bucketMatchesSegments('intake'),
  )
})

test('roles: the compactor enforces a retention set through the gateway', async () => {
  await query('CREATE TABLE aging (ts timestamptz, id int8, batch int8)')
  await query(
    "INSERT INTO aging VALUES ('2024-01-01 00:00:00+00', 1, 0), ('2024-01-02 00:00:00+00', 2, 0)",
  )
  await query('INSERT INTO aging VALUES (now(), 3, 0)')
  await query("ALTER TABLE aging SET (retention = '7 days')")
  await eventually('the old segment to be dropped', async () => (await count('aging')) === 1)
  const [table] = await query<{ retention: string; rows: string }>(
    "SELECT retention, rows FROM malamute.tables WHERE table_name = 'aging'",
  )
  assert.deepEqual(table, { retention: '7 days', rows: '1' })
  const drops = await query<{ inputs: number; rows: string }>(
    "SELECT inputs, rows FROM malamute.compactions WHERE table_name = 'aging' AND kind = 'retention'",
  )
  assert.deepEqual(drops, [{ inputs: 1, rows: '2' }])
  await eventually('the dropped file to be deleted after the grace period', () =>
    bucketMatchesSegments('aging'),
  )
})

test('roles: S3 gone in the middle of an upload; the writer retries and nothing is lost', async () => {
  await query('CREATE TABLE retried (ts timestamptz, id int8, batch int8)')
  proxy.cutNextPutAndGoDownFor(300)
  const events = Array.from({ length: 200 }, (_, index) => event(index, 1))
  assert.equal(await ingest('retried', events), 200)
  await proxy.cut
  assert.equal(await count('retried'), 200)
  await eventually('the writer to report its retries', async () => {
    // The killed writer's record stays until its heartbeat is stale: take every writer's.
    const rows = await query<{ retries: string }>(
      "SELECT max(retries) AS retries FROM malamute.blob_stats WHERE role = 'writer'",
    )
    return Number(rows[0]?.retries) > 0
  })
})
