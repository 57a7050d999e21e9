// COPY over the wire with psql's \copy: a few thousand generated CSV rows in, counts and sums
// checked; a bad value in the middle commits nothing and names its line and column; COPY TO
// in csv and text round-trips through COPY FROM.
import assert from 'node:assert/strict'
import { psqlScriptArgs, runPsql, type PsqlResult } from './psql-client.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { startMalamute, type MalamuteServer } from './server-harness.js'

const rowCount = 4000
let server: MalamuteServer
let dir: string

async function psql(sql: string): Promise<PsqlResult> {
  return runPsql(server, psqlScriptArgs, sql)
}

async function psqlOk(sql: string): Promise<string> {
  const result = await psql(sql)
  assert.equal(result.code, 0, `psql failed: ${result.stderr}\nserver log:\n${server.log}`)
  return result.stdout
}

/** Rows with quotes, delimiters, newlines and NULLs in them; status is id % 5 * 100. */
function csvRows(count: number, badAt = -1): string {
  let text = 'ts,service,status,duration_ms,msg\n'
  for (let id = 1; id <= count; id++) {
    const ts = new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString()
    const status = id === badAt ? 'abc' : String((id % 5) * 100)
    const duration = id % 7 === 0 ? '' : String(id / 2)
    const msg = id % 3 === 0 ? `"said ""hi"", then\nleft ${id}"` : `plain ${id}`
    text += `${ts},svc-${id % 4},${status},${duration},${msg}\n`
  }
  return text
}

const expectedStatusSum = (count: number): number => {
  let sum = 0
  for (let id = 1; id <= count; id++) sum += (id % 5) * 100
  return sum
}
const expectedDurationSum = (count: number): number => {
  let sum = 0
  for (let id = 1; id <= count; id++) if (id % 7 !== 0) sum += id / 2
  return sum
}

const createLogs = (name: string): string =>
  `CREATE TABLE ${name} (ts timestamptz, service text, status bigint, duration_ms double precision, msg text);`
const summary = (name: string): string =>
  `SELECT count(*), sum(status), sum(duration_ms), count(duration_ms), count(DISTINCT msg) FROM ${name};`

before(async () => {
  server = await startMalamute()
  dir = await mkdtemp(path.join(tmpdir(), 'malamute-copy-'))
})

after(async () => {
  await server?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

test('\\copy FROM a csv file with a header loads every row', async () => {
  const file = path.join(dir, 'logs.csv')
  await writeFile(file, csvRows(rowCount))
  const out = await psqlOk(
    `${createLogs('logs')}\n\\copy logs FROM '${file}' (FORMAT csv, HEADER true)\n${summary('logs')}`,
  )
  const expected = [
    rowCount,
    expectedStatusSum(rowCount),
    expectedDurationSum(rowCount),
    rowCount - Math.floor(rowCount / 7),
    rowCount,
  ].join('|')
  assert.equal(out.trim().split('\n').at(-1), expected)
  const quoted = await psqlOk(`SELECT msg FROM logs WHERE ts = '2024-01-01 00:00:03+00';`)
  assert.equal(quoted, 'said "hi", then\nleft 3\n')
})

test('a bad value in the middle commits nothing and names its line and column', async () => {
  const file = path.join(dir, 'bad.csv')
  await writeFile(file, csvRows(3000, 1500))
  await psqlOk(createLogs('bad_logs'))
  const result = await psql(`\\copy bad_logs FROM '${file}' WITH CSV HEADER`)
  assert.notEqual(result.code, 0)
  assert.match(result.stderr, /invalid input syntax for type bigint: "abc"/)
  assert.match(result.stderr, /COPY bad_logs, line 1501, column status: "abc"/)
  assert.equal(await psqlOk('SELECT count(*) FROM bad_logs;'), '0\n')
  const extra = await psql(`\\copy bad_logs FROM STDIN (FORMAT csv)\n1,2,3,4,5,6\n\\.\n`)
  assert.match(extra.stderr, /extra data after last expected column/)
  assert.equal(await psqlOk('SELECT count(*) FROM bad_logs;'), '0\n')
})

// Issue 5: COPY cuts the stream into chunks of 65,536 records that worker threads parse and
// encode; 140,000 rows make three chunks, with quoted newlines and multi-byte characters
// wherever the cuts fall.
test('a COPY of several worker chunks keeps every row, and a bad late line commits nothing', async () => {
  const bigCount = 140_000
  const rows = csvRows(bigCount).replaceAll('plain ', 'plain é✓😀 ')
  const file = path.join(dir, 'big.csv')
  await writeFile(file, rows)
  const out = await psqlOk(
    `${createLogs('big_logs')}\n\\copy big_logs FROM '${file}' (FORMAT csv, HEADER true)\n${summary('big_logs')}`,
  )
  const expected = [
    bigCount,
    expectedStatusSum(bigCount),
    expectedDurationSum(bigCount),
    bigCount - Math.floor(bigCount / 7),
    bigCount,
  ].join('|')
  assert.equal(out.trim().split('\n').at(-1), expected)
  const at = (id: number): string =>
    `SELECT msg FROM big_logs WHERE ts = '${new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString()}';`
  assert.equal(await psqlOk(at(139_999)), 'plain é✓😀 139999\n')
  assert.equal(await psqlOk(at(65_535)), 'said "hi", then\nleft 65535\n')

  const bad = path.join(dir, 'big-bad.csv')
  await writeFile(bad, csvRows(bigCount, 139_000))
  await psqlOk(createLogs('big_bad'))
  const result = await psql(`\\copy big_bad FROM '${bad}' WITH CSV HEADER`)
  assert.notEqual(result.code, 0)
  assert.match(result.stderr, /COPY big_bad, line 139001, column status: "abc"/)
  assert.equal(await psqlOk('SELECT count(*) FROM big_bad;'), '0\n')
})

test('\\copy TO in csv and text round-trips through \\copy FROM', async () => {
  for (const [format, options] of [
    ['csv', '(FORMAT csv, HEADER true)'],
    ['text', ''],
  ] as const) {
    const file = path.join(dir, `out.${format}`)
    const copy = `copy_${format}`
    const out = await psqlOk(
      `\\copy logs TO '${file}' ${options}\n${createLogs(copy)}\n\\copy ${copy} FROM '${file}' ${options}\n${summary(copy)}`,
    )
    assert.equal(out.trim().split('\n').at(-1), (await psqlOk(summary('logs'))).trim(), format)
  }
  const selected = await psqlOk(
    `\\copy (SELECT service, count(*) FROM logs GROUP BY service ORDER BY service) TO STDOUT WITH CSV`,
  )
  assert.equal(selected, 'svc-0,1000\nsvc-1,1000\nsvc-2,1000\nsvc-3,1000\n')
})

test('COPY FROM STDIN in FORMAT ndjson makes dotted columns from nested fields', async () => {
  const lines = [
    '{"ts":"2024-01-01T00:00:00Z","http":{"method":"GET","status_code":200}}',
    '{"ts":"2024-01-01T00:00:01Z","http":{"method":"POST","status_code":500},"user":{"id":7}}',
  ]
  const out = await psqlOk(
    `CREATE TABLE events (ts timestamptz);\nCOPY events FROM STDIN (FORMAT ndjson);\n${lines.join('\n')}\n\\.\nSELECT "http.method", "http.status_code", "user.id" FROM events ORDER BY ts;`,
  )
  assert.equal(out, 'GET|200|\nPOST|500|7\n')
})
