#!/usr/bin/env node
// Search and scan benchmark for the engine work of issue 6: loads a CSV of the shared data
// set into Malamute (COPY FROM STDIN via psql) and DuckDB (read_csv), then times the spine's
// dashboard queries and the shared search queries (needle trace id, rare LIKE / ILIKE, live
// tail) on both in one run, with medians, ratios and agreement, and prints EXPLAIN ANALYZE of
// the search queries (batches pruned by time / statistics / token filter, bytes read).
//
// Usage: node bench/search-scan.mjs --csv FILE [--runs 5] [--threads 2] [--root DIR]
//   --root DIR   the Malamute checkout whose dist/ to run (default: this one), to compare builds
//   --profile DIR  starts the server with --cpu-prof into DIR
//   --data-dir DIR keeps the server's data in DIR, and loads the CSV only when DIR has no table
//                  (to time several builds over one load)
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
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
import { copyFileCommand, logsTableDdl, psql } from './wire.mjs'

const login = { user: 'malamute', database: 'malamute' }

const args = parseArgs()
if (args.csv === undefined) {
  console.error('usage: node bench/search-scan.mjs --csv FILE [--runs 5] [--root DIR]')
  process.exit(2)
}
const runs = Number(args.runs ?? 5)
const threads = Number(args.threads ?? 2)
const malamuteRoot = path.resolve(args.root ?? root)
// The shared data set's columns; tags and attributes stay text here.
const createTable = logsTableDdl('text', 'text')

export const searchQueries = [
  [
    'q06 needle',
    "SELECT ts, service, host, status, duration_ms, message FROM logs WHERE trace_id = '4bf92f3577b34da6a3ce929d0e0e4736' ORDER BY ts",
  ],
  [
    'q07 rare LIKE',
    "SELECT ts, service, host, message FROM logs WHERE message LIKE '%deadlock detected%' ORDER BY ts DESC LIMIT 100",
  ],
  [
    'q08 ILIKE',
    "SELECT service, count(*) AS n FROM logs WHERE message ILIKE '%connection reset%' GROUP BY service ORDER BY n DESC, service",
  ],
  [
    'q14 live tail',
    'SELECT ts, service, host, status, trace_id FROM logs ORDER BY ts DESC LIMIT 100',
  ],
  // DuckDB's ~ is a full match: it runs regexp_matches (a search), as PostgreSQL's ~ is.
  [
    'regex',
    "SELECT count(*) FROM logs WHERE message ~ 'dead(lock)? detected'",
    "SELECT count(*) FROM logs WHERE regexp_matches(message, 'dead(lock)? detected')",
  ],
  [
    'q04 errors by host',
    "SELECT host, count(*) AS errors FROM logs WHERE status = 'error' GROUP BY host ORDER BY errors DESC, host LIMIT 10",
  ],
  [
    'q05 distinct users',
    'SELECT service, count(DISTINCT user_id) AS users FROM logs GROUP BY service ORDER BY users DESC, service',
  ],
]

const keepData = args['data-dir'] !== undefined
const reuse = keepData && existsSync(path.join(args['data-dir'], 'meta'))
const dataDir = keepData
  ? path.resolve(args['data-dir'])
  : mkdtempSync(path.join(tmpdir(), 'malamute-search-bench-'))
const { child, port } = await startMalamute(dataDir, {
  build: malamuteRoot,
  nodeArgs: args.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', args.profile],
})
try {
  const client = new pg.Client({ host: '127.0.0.1', port, ...login })
  await client.connect()
  const csv = path.resolve(args.csv)
  const started = performance.now()
  if (!reuse) await client.query(createTable)
  if (!reuse) await psql({ ...login, port, commands: [copyFileCommand(csv)] })
  const copySeconds = (performance.now() - started) / 1000
  const settled = await settledSegments(explainWith(client), { steadyChecks: 5 })
  console.log(
    `segments after background compaction settled: ${settled.segments} (waited ${settled.waitedSeconds.toFixed(0)} s)`,
  )
  const { rows } = await client.query({ text: 'SELECT count(*) FROM logs', rowMode: 'array' })
  const loaded = Number(rows[0][0])
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) })
  const duck = await instance.connect()
  await duck.run(`CREATE TABLE logs AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true, quote = '"', escape = '"', columns = {
    'ts': 'TIMESTAMPTZ', 'service': 'VARCHAR', 'host': 'VARCHAR', 'env': 'VARCHAR', 'status': 'VARCHAR',
    'http_status': 'INTEGER', 'duration_ms': 'DOUBLE', 'trace_id': 'VARCHAR', 'user_id': 'BIGINT',
    'message': 'VARCHAR', 'tags': 'VARCHAR', 'attributes': 'VARCHAR'})`)
  await duck.run("SET TimeZone = 'UTC'")
  console.log(`build: ${malamuteRoot}`)
  console.log(
    `rows: ${loaded}, ${reuse ? 'data reused' : `Malamute COPY ${Math.round(loaded / copySeconds)} rows/s`}`,
  )
  console.log(
    '\n| query | Malamute (wire) ms | DuckDB (in-process) ms | Malamute / DuckDB | answers agree |',
  )
  console.log('|---|---:|---:|---:|---|')
  const wanted = new RegExp(args.queries ?? '.')
  for (const [name, sql, duckSql] of [...spineQueries, ...searchQueries]) {
    if (!wanted.test(name)) continue
    const ours = await timeMedian(
      async () => (await client.query({ text: sql, rowMode: 'array' })).rows,
      runs,
    )
    const theirs = await timeMedian(
      async () => (await duck.runAndReadAll(duckSql ?? sql)).getRows(),
      runs,
    )
    // The live tail has ties on ts: any 100 of the newest rows are right, so compare ts only.
    if (name.startsWith('q14')) {
      ours.answer = ours.answer.map((row) => [row[0]])
      theirs.answer = theirs.answer.map((row) => [row[0]])
    }
    const a = normaliseAnswer(
      ours.answer.map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : v))),
    )
    const b = normaliseAnswer(
      theirs.answer.map((row) =>
        row.map((v) =>
          v !== null && typeof v === 'object' && 'micros' in v
            ? new Date(Number(v.micros / 1000n)).toISOString()
            : v,
        ),
      ),
    )
    console.log(
      `| ${name} | ${ours.ms.toFixed(1)} | ${theirs.ms.toFixed(1)} | ${(ours.ms / theirs.ms).toFixed(2)} | ${a === b ? 'yes' : `NO (${ours.answer.length} vs ${theirs.answer.length} rows)`} |`,
    )
  }
  for (const [name, sql] of searchQueries.slice(0, 4)) {
    const plan = await client.query({ text: `EXPLAIN ANALYZE ${sql}`, rowMode: 'array' })
    const scan = plan.rows.map((row) => row[0]).find((line) => line.includes('Scan logs'))
    const actual = scan?.slice(scan.indexOf('(actual')) ?? '(no scan)'
    console.log(`\n${name}: ${actual}`)
  }
  await client.end()
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  if (!keepData) rmSync(dataDir, { recursive: true, force: true })
}
