#!/usr/bin/env node
// The spine's benchmark: multi-row INSERT rate into Malamute over the wire, then count(*),
// sum and GROUP BY over the same rows in Malamute (over the wire) and DuckDB (in-process and
// reading the same CSV), in one run, with medians and ratios. Answers must agree.
//
// Usage: npm run bench [-- --rows 1000000]   (generates the data with ../shared/bench/gen.mjs)
//        node bench/spine.mjs [--csv FILE] [--rows N] [--connections 2] [--batch 1000] [--runs 5]
//        [--threads 2]
// The spine has no arrays or jsonb yet, so the nine scalar columns are loaded (message, tags
// and attributes are left out on both sides).
import { spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { DuckDBInstance } from '@duckdb/node-api'
import {
  explainWith,
  normaliseAnswer,
  parseArgs,
  root,
  settledSegments,
  spineQueries,
  startMalamute,
  timeMedian,
} from './harness.mjs'

const args = parseArgs()
args.csv ??= generatedCsv(Number(args.rows ?? 1_000_000))

/** Generates (once) the shared benchmark's seeded data set and answers its CSV path. */
function generatedCsv(rows) {
  const generator = path.resolve(root, '../shared/bench/gen.mjs')
  const out = path.join(tmpdir(), `malamute-bench-data-${rows}`)
  const csv = path.join(out, 'logs.csv')
  if (existsSync(path.join(out, 'meta.json'))) return csv
  if (!existsSync(generator)) {
    console.error(`no --csv given and no generator at ${generator}`)
    process.exit(2)
  }
  process.stderr.write(`generating ${rows} events into ${out}\n`)
  const run = spawnSync(
    process.execPath,
    [generator, '--rows', String(rows), '--seed', '42', '--out', out, '--formats', 'csv'],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) process.exit(run.status ?? 1)
  return csv
}
const rowsWanted = Number(args.rows ?? Infinity)
const connections = Number(args.connections ?? 2)
const batchRows = Number(args.batch ?? 1000)
const runs = Number(args.runs ?? 5)
const threads = Number(args.threads ?? 2)
const columns = [
  'ts',
  'service',
  'host',
  'env',
  'status',
  'http_status',
  'duration_ms',
  'trace_id',
  'user_id',
]
const queries = spineQueries

const dataDir = mkdtempSync(path.join(tmpdir(), 'malamute-bench-'))

/** Splits one CSV line (RFC 4180 quoting) into fields. */
function splitCsvLine(line) {
  const fields = []
  let i = 0
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const close = line.indexOf('"', i)
        value += line.slice(i, close)
        if (line[close + 1] === '"') {
          value += '"'
          i = close + 2
        } else {
          i = close + 2
          break
        }
      }
      fields.push(value)
    } else {
      const comma = line.indexOf(',', i)
      const end = comma < 0 ? line.length : comma
      fields.push(line.slice(i, end))
      i = end + 1
    }
  }
  return fields
}

const quote = (text) => `'${text.replaceAll("'", "''")}'`

function sqlRow(fields) {
  const [ts, service, host, env, status, httpStatus, durationMs, traceId, userId] = fields
  return `(${quote(ts)},${quote(service)},${quote(host)},${quote(env)},${quote(status)},${httpStatus},${durationMs},${quote(traceId)},${userId === '' ? 'NULL' : userId})`
}

async function loadMalamute(port) {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'malamute',
        database: 'malamute',
      })
      await client.connect()
      return client
    }),
  )
  const first = clients[0]
  await first.query(
    'CREATE TABLE logs (ts timestamptz, service text, host text, env text, status text, http_status int, duration_ms double precision, trace_id text, user_id bigint)',
  )
  const lines = createInterface({ input: createReadStream(args.csv), crlfDelay: Infinity })
  let header = true
  let pending = []
  let rows = 0
  let next = 0
  const inFlight = new Set()
  const started = performance.now()
  let lastReport = started
  const send = async (values) => {
    const client = clients[next++ % clients.length]
    const promise = client.query(
      `INSERT INTO logs (${columns.join(',')}) VALUES ${values.join(',')}`,
    )
    inFlight.add(promise)
    promise.finally(() => inFlight.delete(promise))
    if (inFlight.size >= connections * 2) await Promise.race(inFlight)
  }
  for await (const line of lines) {
    if (header) {
      header = false
      continue
    }
    if (rows >= rowsWanted) break
    pending.push(sqlRow(splitCsvLine(line)))
    rows++
    if (pending.length === batchRows) {
      await send(pending)
      pending = []
      const now = performance.now()
      if (now - lastReport > 5000) {
        lastReport = now
        process.stderr.write(
          `loaded ${rows} rows, ${Math.round(rows / ((now - started) / 1000))} rows/s\n`,
        )
      }
    }
  }
  if (pending.length > 0) await send(pending)
  await Promise.all(inFlight)
  const seconds = (performance.now() - started) / 1000
  return { clients, rows, seconds }
}

async function loadDuckDb(rows) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) })
  const connection = await instance.connect()
  const csv = args.csv.replaceAll("'", "''")
  const started = performance.now()
  await connection.run(`CREATE TABLE logs AS SELECT ${columns.join(', ')} FROM read_csv('${csv}', header = true, quote = '"', escape = '"', columns = {
    'ts': 'TIMESTAMPTZ', 'service': 'VARCHAR', 'host': 'VARCHAR', 'env': 'VARCHAR', 'status': 'VARCHAR',
    'http_status': 'INTEGER', 'duration_ms': 'DOUBLE', 'trace_id': 'VARCHAR', 'user_id': 'BIGINT',
    'message': 'VARCHAR', 'tags': 'VARCHAR', 'attributes': 'VARCHAR'}) ${Number.isFinite(rows) ? `LIMIT ${rows}` : ''}`)
  return { connection, seconds: (performance.now() - started) / 1000 }
}

const time = (run) => timeMedian(run, runs)
const normalise = normaliseAnswer

const { child, port } = await startMalamute(dataDir)
try {
  const load = await loadMalamute(port)
  const settled = await settledSegments(explainWith(load.clients[0]))
  const duck = await loadDuckDb(load.rows)
  console.log(`rows: ${load.rows}`)
  console.log(
    `Malamute INSERT (multi-row, ${batchRows} rows/statement, ${connections} connections): ${Math.round(load.rows / load.seconds)} rows/s`,
  )
  console.log(
    `DuckDB read_csv load (for reference): ${Math.round(load.rows / duck.seconds)} rows/s`,
  )
  console.log(
    `segments after background compaction settled: ${settled.segments} (waited ${settled.waitedSeconds.toFixed(0)} s)`,
  )
  console.log(
    '\n| query | Malamute (wire) ms | DuckDB (in-process) ms | Malamute / DuckDB | answers agree |',
  )
  console.log('|---|---:|---:|---:|---|')
  const client = load.clients[0]
  for (const [name, sql] of queries) {
    const ours = await time(async () => (await client.query({ text: sql, rowMode: 'array' })).rows)
    const theirs = await time(async () => (await duck.connection.runAndReadAll(sql)).getRows())
    const agree = normalise(ours.answer) === normalise(theirs.answer)
    console.log(
      `| ${name} | ${ours.ms.toFixed(1)} | ${theirs.ms.toFixed(1)} | ${(ours.ms / theirs.ms).toFixed(2)} | ${agree ? 'yes' : `NO: ${normalise(ours.answer)} vs ${normalise(theirs.answer)}`} |`,
    )
  }
  await Promise.all(load.clients.map((c) => c.end()))
} finally {
  child.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}
