// HTTP intake against a spawned server: NDJSON and JSON arrays in, nested fields queryable as
// dotted columns, a malformed line answered 400 with its line and nothing committed, gzip
// bodies, and 413 for bodies over the limit.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { gzipSync } from 'node:zlib'
import type pg from 'pg'
import { freePort, startMalamute, type MalamuteServer } from './server-harness.js'

const bodyBytesMax = 256 * 1024
let server: MalamuteServer
let client: pg.Client
let httpPort: number

before(async () => {
  httpPort = await freePort()
  server = await startMalamute({
    env: {
      MALAMUTE_HTTP_PORT: String(httpPort),
      MALAMUTE_HTTP_BODY_BYTES_MAX: String(bodyBytesMax),
    },
  })
  client = await server.connect()
})

after(async () => {
  await server?.close()
})

async function post(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method: 'POST',
    body,
    headers,
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

const events = (count: number, offset = 0): string =>
  Array.from({ length: count }, (_, i) => {
    const id = i + offset
    const method = id % 2 === 0 ? 'GET' : 'POST'
    return JSON.stringify({
      timestamp: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString(),
      http: { method, status_code: 200 + (id % 3) * 100 },
      duration: id / 4,
      ok: id % 5 !== 0,
    })
  }).join('\n')

test('POST NDJSON creates the table; nested fields are dotted columns', async () => {
  const response = await post('/v1/ingest/web', events(100))
  assert.deepEqual(response, { status: 200, json: { rows: 100 } })
  const result = await client.query(
    'SELECT "http.method" AS method, count(*)::int AS n, sum("http.status_code")::int AS s FROM web GROUP BY 1 ORDER BY 1',
  )
  const expected = new Map<string, { n: number; s: number }>()
  for (let id = 0; id < 100; id++) {
    const entry = expected.get(id % 2 === 0 ? 'GET' : 'POST') ?? { n: 0, s: 0 }
    entry.n += 1
    entry.s += 200 + (id % 3) * 100
    expected.set(id % 2 === 0 ? 'GET' : 'POST', entry)
  }
  assert.deepEqual(result.rows, [
    { method: 'GET', ...expected.get('GET') },
    { method: 'POST', ...expected.get('POST') },
  ])
  const types = await client.query(
    'SELECT min(timestamp) AS first, count(*) FILTER (WHERE ok) AS ok FROM web',
  )
  assert.equal((types.rows[0] as { first: Date }).first.toISOString(), '2024-01-01T00:00:00.000Z')
  assert.equal(Number((types.rows[0] as { ok: string }).ok), 80)
})

test('a malformed line is 400 naming the line, and nothing of the request is committed', async () => {
  const body = `${events(5, 1000)}\n{"http": {"method": }\n${events(5, 2000)}`
  const response = await post('/v1/ingest/web', body)
  assert.equal(response.status, 400)
  assert.equal(response.json['line'], 6)
  const bad = await post('/v1/ingest/web', `${events(2, 3000)}\n{"timestamp": "not a time"}`)
  assert.equal(bad.status, 400)
  assert.equal(bad.json['line'], 3)
  const count = await client.query('SELECT count(*)::int AS n FROM web')
  assert.deepEqual(count.rows, [{ n: 100 }])
})

test('gzip bodies, JSON arrays and ?database= are accepted; type drift never rejects', async () => {
  const gzipped = await post('/v1/ingest/zipped', gzipSync(events(20)), {
    'Content-Encoding': 'gzip',
  })
  assert.deepEqual(gzipped, { status: 200, json: { rows: 20 } })
  const array = JSON.stringify([{ v: 1 }, { v: 2.5 }, { v: 'high', tags: ['a', 'b'] }])
  assert.deepEqual(await post('/v1/ingest/drift', array), { status: 200, json: { rows: 3 } })
  assert.deepEqual(await post('/v1/ingest/drift', '{"v": 3}\n{"v": true}'), {
    status: 200,
    json: { rows: 2 },
  })
  const drift = await client.query('SELECT v, tags FROM drift ORDER BY v')
  assert.deepEqual(
    drift.rows.map((row: { v: string; tags: string[] | null }) => [row.v, row.tags]),
    [
      ['1', null],
      ['2.5', null],
      ['3', null],
      // A JSON array becomes a text[] column; node-postgres parses it into a JS array.
      ['high', ['a', 'b']],
      ['true', null],
    ],
  )
  assert.deepEqual(await post('/v1/ingest/other?database=acme', '{"a": 1}'), {
    status: 200,
    json: { rows: 1 },
  })
  const acme = await server.connect('acme')
  assert.deepEqual((await acme.query('SELECT a FROM other')).rows, [{ a: '1' }])
})

test('bodies over the limit get 413, before or after gunzip', async () => {
  const big = events(5000)
  assert.ok(big.length > bodyBytesMax)
  const plain = await post('/v1/ingest/big', big)
  assert.equal(plain.status, 413)
  const zipped = await post('/v1/ingest/big', gzipSync(big), { 'Content-Encoding': 'gzip' })
  assert.equal(zipped.status, 413)
})
