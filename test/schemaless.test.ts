// Schemaless tables against a spawned server (issue 5): the per-table column cap (server
// default --max-columns and ALTER TABLE SET (max_columns)), the `_overflow` jsonb column and
// its count (malamute.tables, GET /metrics), time_field, and the settings surviving a restart.
// Events arrive over HTTP intake (a real socket) and COPY ... (FORMAT ndjson) through psql;
// every answer is read back with SQL over the wire.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { psqlScriptArgs, runPsql } from './psql-client.js'
import { freePort, repositoryRoot, startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client
let httpPort: number

before(async () => {
  httpPort = await freePort()
  server = await startMalamute({
    env: { MALAMUTE_HTTP_PORT: String(httpPort), MALAMUTE_MAX_COLUMNS: '4' },
  })
  client = await server.connect()
})

after(async () => {
  await server?.close()
})

async function post(
  table: string,
  lines: readonly unknown[],
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/v1/ingest/${table}`, {
    method: 'POST',
    body: lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'),
  })
  return { status: response.status, body: await response.json() }
}

async function rows(sql: string): Promise<unknown[][]> {
  const result = await client.query({ text: sql, rowMode: 'array' })
  return result.rows as unknown[][]
}

async function psqlOk(sql: string): Promise<string> {
  const result = await runPsql(server, psqlScriptArgs, sql)
  assert.equal(result.code, 0, `psql failed: ${result.stderr}\nserver log:\n${server.log}`)
  return result.stdout
}

async function tableSettings(table: string): Promise<unknown[]> {
  const found = await rows(
    `SELECT columns, max_columns, time_field, overflow_fields::int FROM malamute.tables WHERE table_name = '${table}'`,
  )
  assert.equal(found.length, 1)
  return found[0]!
}

test('past --max-columns, new fields go to _overflow as jsonb, counted; known columns keep filling', async () => {
  const first = await post('capped', [
    { ts: '2024-01-01T00:00:00Z', service: 'api', status: 200, http: { method: 'GET' }, extra: 1 },
    { ts: '2024-01-01T00:00:01Z', service: 'web', user: { id: 7, tags: ['a', 'b'] } },
  ])
  assert.deepEqual(first, { status: 200, body: { rows: 2 } })
  // ts, service, status and http.method fill the 4 columns; the rest overflows.
  assert.deepEqual(
    await rows(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'capped' ORDER BY ordinal_position`,
    ),
    [
      ['ts', 'timestamp with time zone'],
      ['service', 'text'],
      ['status', 'bigint'],
      ['http.method', 'text'],
      ['_overflow', 'jsonb'],
    ],
  )
  assert.deepEqual(await rows(`SELECT service, _overflow::text FROM capped ORDER BY ts`), [
    ['api', '{"extra": 1}'],
    ['web', '{"user.id": 7, "user.tags": ["a", "b"]}'],
  ])
  // A later request fills the existing columns and overflows only what is new.
  const second = await post('capped', [
    { ts: '2024-01-01T00:00:02Z', service: 'db', status: 500, http: { method: 'PUT' }, zone: 'eu' },
  ])
  assert.equal(second.status, 200)
  assert.deepEqual(
    await rows(
      `SELECT service, status, "http.method", _overflow->>'zone', (_overflow->>'user.id')::int FROM capped ORDER BY ts`,
    ),
    [
      ['api', '200', 'GET', null, null],
      ['web', null, null, null, 7],
      ['db', '500', 'PUT', 'eu', null],
    ],
  )
  assert.deepEqual(await tableSettings('capped'), [5, null, 'ts', 4])
  const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()
  assert.match(metrics, /malamute_overflow_fields_total\{database="malamute",table="capped"\} 4/)
})

test('a malformed request commits nothing: no rows, no columns, no overflow count', async () => {
  const response = await post('capped', [
    { ts: '2024-01-01T00:00:03Z', service: 'x', brand_new: 1, another: 2 },
    '{"ts": ',
  ])
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, {
    error: 'invalid JSON: Unexpected end of JSON input',
    line: 2,
  })
  assert.deepEqual(await rows(`SELECT count(*)::int FROM capped`), [[3]])
  assert.deepEqual(await tableSettings('capped'), [5, null, 'ts', 4])
})

test('ALTER TABLE SET (max_columns) caps COPY FORMAT ndjson; RESET returns to the default', async () => {
  await client.query('CREATE TABLE copied (ts timestamptz)')
  await client.query('ALTER TABLE copied SET (max_columns = 2)')
  const lines = [
    '{"ts":"2024-01-01T00:00:00Z","a":1,"b":"x","c":{"d":true}}',
    '{"ts":"2024-01-01T00:00:01Z","a":2.5,"c":{"d":false},"e":[1,2]}',
  ]
  const out = await psqlOk(
    `COPY copied FROM STDIN (FORMAT ndjson);\n${lines.join('\n')}\n\\.\nSELECT a, _overflow FROM copied ORDER BY ts;`,
  )
  assert.equal(out, '1|{"b": "x", "c.d": true}\n2.5|{"e": [1, 2], "c.d": false}\n')
  assert.deepEqual(await tableSettings('copied'), [3, 2, 'ts', 4])
  await client.query('ALTER TABLE copied RESET (max_columns)')
  assert.deepEqual(await tableSettings('copied'), [3, null, 'ts', 4])
  // Back at the server's default (4 columns beside _overflow): two more fields fit.
  await psqlOk(
    `COPY copied FROM STDIN (FORMAT ndjson);\n{"ts":"2024-01-01T00:00:02Z","f":1,"g":2,"h":3}\n\\.\n`,
  )
  assert.deepEqual(await rows(`SELECT f, g, _overflow::text FROM copied WHERE f IS NOT NULL`), [
    ['1', '2', '{"h": 3}'],
  ])
})

test('time_field names the event time of every intake, and becomes the time column', async () => {
  await client.query('CREATE TABLE timed (service text)')
  await client.query(`ALTER TABLE timed SET (time_field = 'event_time')`)
  const response = await post('timed', [
    { event_time: '2024-03-01T10:00:00+02:00', service: 'api', ts: 'not a time' },
    { event_time: Date.UTC(2024, 2, 1, 9, 0, 0), service: 'web' },
  ])
  assert.deepEqual(response, { status: 200, body: { rows: 2 } })
  await psqlOk(
    `COPY timed FROM STDIN (FORMAT ndjson);\n{"event_time":"2024-03-01T07:00:00Z","service":"db"}\n\\.\n`,
  )
  assert.deepEqual(
    await rows(
      `SELECT service, to_char(event_time AT TIME ZONE 'UTC', 'HH24:MI'), ts FROM timed ORDER BY event_time`,
    ),
    [
      ['db', '07:00', null],
      ['api', '08:00', 'not a time'],
      ['web', '09:00', null],
    ],
  )
  assert.deepEqual(await tableSettings('timed'), [3, null, 'event_time', 0])
  const range = await rows(
    `SELECT min_ts = '2024-03-01 07:00:00+00', max_ts = '2024-03-01 09:00:00+00' FROM malamute.tables WHERE table_name = 'timed'`,
  )
  assert.deepEqual(range, [[true, true]])
  // The table holds rows sorted and pruned by event_time: moving its time column is refused.
  await assert.rejects(client.query(`ALTER TABLE timed SET (time_field = 'at')`), {
    code: '55000',
  })
  await assert.rejects(client.query(`ALTER TABLE timed RESET (time_field)`), { code: '55000' })
  await assert.rejects(client.query(`ALTER TABLE timed SET (time_field = 'ts')`), {
    code: '42804',
  })
  // A bad time in the time field is a 400 naming the line, as for the default field.
  const bad = await post('timed', [{ event_time: 'yesterday', service: 'x' }])
  assert.deepEqual(bad, {
    status: 400,
    body: { error: 'invalid timestamp in field "event_time": "yesterday"', line: 1 },
  })
})

test('without time_field, timestamp then ts then time is read, else the arrival time', async () => {
  const before = Date.now()
  assert.equal((await post('arrivals', [{ service: 'api' }])).status, 200)
  const arrived = await rows(`SELECT extract(epoch FROM "timestamp") * 1000 FROM arrivals`)
  const arrivedMs = Number(arrived[0]![0])
  assert.ok(arrivedMs >= before - 1000 && arrivedMs <= Date.now() + 1000, String(arrivedMs))
  assert.equal(
    (await post('by_ts', [{ ts: 1_700_000_000_000, timestamp: 'a string' }])).status,
    400,
  )
  assert.equal((await post('by_ts2', [{ ts: 1_700_000_000_000 }])).status, 200)
  assert.deepEqual(await tableSettings('by_ts2'), [1, null, 'ts', 0])
})

test('malamute load of NDJSON honours --max-columns and time_field', async () => {
  const work = await mkdtemp(path.join(tmpdir(), 'malamute-schemaless-'))
  try {
    await client.query('CREATE TABLE loaded (service text)')
    await client.query(`ALTER TABLE loaded SET (time_field = 'at')`)
    const file = path.join(work, 'events.ndjson')
    const lines = [
      { at: '2024-05-01T00:00:00Z', service: 'api', region: 'eu', pod: { name: 'p1' } },
      { at: '2024-05-01T00:00:01Z', service: 'web', region: 'us', color: 'red' },
    ]
    await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'))
    const cli = path.join(repositoryRoot, 'dist/bin/malamute.js')
    const args = ['load', file, '--table', 'loaded', '--data-dir', server.dataDir]
    await promisify(execFile)(process.execPath, [cli, ...args, '--max-columns', '3'])
    assert.deepEqual(
      await rows(`SELECT service, region, _overflow::text FROM loaded ORDER BY at`),
      [
        ['api', 'eu', '{"pod.name": "p1"}'],
        ['web', 'us', '{"color": "red"}'],
      ],
    )
    assert.deepEqual(await tableSettings('loaded'), [4, null, 'at', 2])
  } finally {
    await rm(work, { recursive: true, force: true })
  }
})

test('the settings and the overflow count survive a restart', async () => {
  await client.query('ALTER TABLE copied SET (max_columns = 3)')
  const beforeRestart = await rows(
    `SELECT table_name, max_columns, time_field, overflow_fields FROM malamute.tables ORDER BY table_name`,
  )
  await server.restart()
  client = await server.connect()
  const afterRestart = await rows(
    `SELECT table_name, max_columns, time_field, overflow_fields FROM malamute.tables ORDER BY table_name`,
  )
  assert.deepEqual(afterRestart, beforeRestart)
  assert.ok(afterRestart.some((row) => row[0] === 'copied' && row[1] === 3))
  assert.ok(afterRestart.some((row) => row[0] === 'timed' && row[2] === 'event_time'))
  assert.deepEqual(await rows(`SELECT count(*)::int FROM capped WHERE _overflow IS NOT NULL`), [
    [3],
  ])
})

test('a nested object is dotted columns and, by its name, jsonb; arrays are arrays; drift is kept', async () => {
  await client.query('CREATE TABLE shapes (ts timestamptz)')
  await client.query('ALTER TABLE shapes SET (max_columns = 100)')
  const first = await post('shapes', [
    { ts: 1000, attributes: { a: { b: 'x' }, n: 1 }, codes: [1, 2], tags: ['p', 'q'], status: 200 },
    { ts: 2000, attributes: { n: 2 }, codes: [], status: 404 },
  ])
  assert.deepEqual(first, { status: 200, body: { rows: 2 } })
  const second = await post('shapes', [
    { ts: 3000, attributes: { a: { b: 'y' } }, status: 'teapot' },
  ])
  assert.deepEqual(second, { status: 200, body: { rows: 1 } })
  assert.deepEqual(
    await rows(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'shapes' ORDER BY ordinal_position`,
    ),
    [
      ['ts', 'timestamp with time zone'],
      ['attributes.a.b', 'text'],
      ['attributes.n', 'bigint'],
      ['codes', 'ARRAY'],
      ['tags', 'ARRAY'],
      ['status', 'bigint'],
      ['status__text', 'text'],
    ],
  )
  assert.deepEqual(
    await rows(
      `SELECT attributes::text, attributes->'a'->>'b', "attributes.n", codes::text, tags[2], coalesce(status::text, status__text) FROM shapes ORDER BY ts`,
    ),
    [
      ['{"a": {"b": "x"}, "n": 1}', 'x', '1', '{1,2}', 'q', '200'],
      ['{"n": 2}', null, '2', '{}', null, '404'],
      ['{"a": {"b": "y"}}', 'y', null, null, null, 'teapot'],
    ],
  )
  assert.deepEqual(await rows(`SELECT count(*)::int FROM shapes WHERE attributes @> '{"n": 2}'`), [
    [1],
  ])
})
