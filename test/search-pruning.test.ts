// Issue 6: searches read almost nothing. On a real server, a table of 100,000 events in
// 8192-row batches (one segment per INSERT) holds one needle trace id and one rare phrase;
// EXPLAIN ANALYZE must show the batches pruned by token filter (at least 95 % for the needle),
// by time, and skipped by the top-k of a live tail, with the answers a full scan gives.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

const rowsPerSegment = 50_000
const needle = '4bf92f3577b34da6a3ce929d0e0e4736'

before(async () => {
  server = await startMalamute({ env: { MALAMUTE_COMPACTION_INTERVAL_MS: '0' } })
  client = await server.connect()
  await client.query(
    'CREATE TABLE search_logs (ts timestamptz, service text, trace_id text, message text)',
  )
  for (const [first, phrase] of [
    [0, 'deadlock detected'],
    [rowsPerSegment, 'lock wait'],
  ] as const) {
    await client.query(
      `INSERT INTO search_logs SELECT to_timestamp(1704067200 + g), CASE g % 3 WHEN 0 THEN 'api' ELSE 'web' END,
         CASE WHEN g = 77777 THEN '${needle}' ELSE md5(g::text) END,
         CASE WHEN g % 20011 = 0 THEN 'ERROR: ${phrase} on relation ' || g ELSE 'GET /api/v1/items/' || g || ' 200' END
       FROM generate_series(${first + 1}, ${first + rowsPerSegment}) g`,
    )
  }
})

after(async () => {
  await client?.end()
  await server?.close()
})

async function scanActuals(sql: string): Promise<Record<string, number>> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ANALYZE ${sql}`)
  const scan = rows.map((row) => row['QUERY PLAN']).find((line) => line.includes('Scan '))
  assert.ok(scan !== undefined, 'the plan has a scan')
  const actual = scan.slice(scan.indexOf('(actual'))
  return Object.fromEntries(
    [...actual.matchAll(/([a-z-]+)=(\d+)/g)].map((match) => [match[1]!, Number(match[2])]),
  )
}

test('the needle trace id reads only its batch: the value index prunes the rest', async () => {
  const sql = `SELECT ts, service FROM search_logs WHERE trace_id = '${needle}' ORDER BY ts`
  const { rows } = await client.query({ text: sql, rowMode: 'array' })
  assert.equal(rows.length, 1)
  const m = await scanActuals(sql)
  assert.equal(m['batches'], 14)
  // md5 ids are id-like: the exact value index of each full batch prunes it unless it holds
  // the needle; the 848-row tail batches (fewer than ValueIndexDistinctMin ids) keep their ids
  // in the Bloom filter.
  assert.equal(m['batches-pruned-by-value-index'], 11, JSON.stringify(m))
  assert.equal(m['batches-pruned-by-tokens']! + m['batches-read']!, 3, JSON.stringify(m))
  assert.ok(m['batches-read']! <= 1, JSON.stringify(m))
})

test('a rare phrase with LIKE, ILIKE and a regex reads only the batches that hold it', async () => {
  for (const predicate of [
    "message LIKE '%deadlock detected%'",
    "message ILIKE '%DEADLOCK detected%'",
    "message ~ 'dead(lock)? detected on relation [0-9]+'",
  ]) {
    const sql = `SELECT count(*) FROM search_logs WHERE ${predicate}`
    const { rows } = await client.query({ text: sql, rowMode: 'array' })
    assert.equal(Number(rows[0]?.[0]), 2, predicate)
    const m = await scanActuals(sql)
    assert.equal(m['batches-read'], 2, `${predicate}: ${JSON.stringify(m)}`)
    assert.equal(m['batches-pruned-by-tokens'], 12, predicate)
  }
})

test('a time range prunes batches by time inside the segment it cuts', async () => {
  const sql = `SELECT count(*) FROM search_logs WHERE ts >= '2024-01-02 01:00:01+00' AND service = 'api'`
  const m = await scanActuals(sql)
  assert.equal(m['segments-read'], 1)
  assert.equal(m['batches-pruned-by-time'], 4, JSON.stringify(m))
  assert.equal(m['batches-read'], 3)
})

test('the live tail reads the newest batch only', async () => {
  const sql = 'SELECT ts, trace_id FROM search_logs ORDER BY ts DESC LIMIT 100'
  const { rows } = await client.query({ text: sql, rowMode: 'array' })
  assert.equal(rows.length, 100)
  assert.equal(new Date(rows[0]?.[0]).getTime(), (1704067200 + 2 * rowsPerSegment) * 1000)
  const m = await scanActuals(sql)
  assert.ok(m['batches-read']! <= 2, JSON.stringify(m))
  assert.equal(m['rows-read']! <= 2 * 8192, true)
})

test('a value search that many batches hold leaves the coordinator for the workers', async () => {
  // The needle runs on the coordinator in one task. 'api' is in each of 22 batches (two
  // segments): the coordinator's attempt stops after 16 and the workers scan, one task per
  // segment, with the same answers.
  const search = await scanActuals(`SELECT ts FROM search_logs WHERE trace_id = '${needle}'`)
  assert.equal(search['tasks'], 1, JSON.stringify(search))
  await client.query('CREATE TABLE search_many (ts timestamptz, service text)')
  for (const first of [0, 90_000])
    await client.query(
      `INSERT INTO search_many SELECT to_timestamp(1704067200 + g), CASE g % 2 WHEN 0 THEN 'api' ELSE 'web' END
         FROM generate_series(${first + 1}, ${first + 90_000}) g`,
    )
  const sql = "SELECT count(*) FROM search_many WHERE service = 'api'"
  const { rows } = await client.query({ text: sql, rowMode: 'array' })
  assert.equal(Number(rows[0]?.[0]), 90_000)
  const m = await scanActuals(sql)
  assert.equal(m['batches-read'], 22, JSON.stringify(m))
  assert.equal(m['tasks'], 2, JSON.stringify(m))
})
