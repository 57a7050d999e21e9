#!/usr/bin/env node
// COPY and scan benchmark: loads a CSV of the shared data set into Malamute with COPY FROM
// STDIN (psql's \copy) and into DuckDB with read_csv, then times the spine's scan queries on
// both in one run. Reports COPY rows/s and per-query medians with the Malamute/DuckDB ratio.
//
// Usage: node bench/copy-scan.mjs --csv FILE [--runs 5] [--threads 2] [--profile DIR]
//   --profile DIR   starts the server with --cpu-prof into DIR (profiles land on exit)
//   --compaction-interval-ms MS   passed to the server (0: no background compaction)
// Besides wall-clock rows/s it reports the server's CPU seconds during COPY (from /proc), which a
// shared, busy machine disturbs far less than wall-clock time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { DuckDBInstance } from '@duckdb/node-api'
import { normaliseAnswer, parseArgs, spineQueries, startMalamute, timeMedian } from './harness.mjs'
import { copyFileCommand, logsTableDdl, psql } from './wire.mjs'

const login = { user: 'malamute', database: 'malamute' }

const args = parseArgs()
if (args.csv === undefined) {
  console.error('usage: node bench/copy-scan.mjs --csv FILE [--runs 5]')
  process.exit(2)
}
const runs = Number(args.runs ?? 5)
const threads = Number(args.threads ?? 2)
const queries = spineQueries
// The shared data set's columns; tags and attributes stay text here.
const createTable = logsTableDdl('text', 'text')

const dataDir = mkdtempSync(path.join(tmpdir(), 'malamute-copy-bench-'))

/** CPU seconds (user + system) process `pid` has used so far (Linux /proc, 100 ticks/s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const time = (run) => timeMedian(run, runs)
const normalise = normaliseAnswer

const { child, port } = await startMalamute(dataDir, {
  nodeArgs: args.profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', args.profile],
  serveArgs:
    args['compaction-interval-ms'] === undefined
      ? []
      : ['--compaction-interval-ms', args['compaction-interval-ms']],
})
try {
  const client = new pg.Client({ host: '127.0.0.1', port, ...login })
  await client.connect()
  await client.query(createTable)
  const csv = path.resolve(args.csv)
  const cpuBefore = cpuSeconds(child.pid)
  const started = performance.now()
  await psql({ ...login, port, commands: [copyFileCommand(csv)] })
  const copySeconds = (performance.now() - started) / 1000
  const copyCpu = cpuSeconds(child.pid) - cpuBefore
  const { rows } = await client.query({ text: 'SELECT count(*) FROM logs', rowMode: 'array' })
  const loaded = Number(rows[0][0])
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) })
  const duck = await instance.connect()
  const duckStarted = performance.now()
  await duck.run(`CREATE TABLE logs AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true, quote = '"', escape = '"', columns = {
    'ts': 'TIMESTAMPTZ', 'service': 'VARCHAR', 'host': 'VARCHAR', 'env': 'VARCHAR', 'status': 'VARCHAR',
    'http_status': 'INTEGER', 'duration_ms': 'DOUBLE', 'trace_id': 'VARCHAR', 'user_id': 'BIGINT',
    'message': 'VARCHAR', 'tags': 'VARCHAR', 'attributes': 'VARCHAR'})`)
  const duckSeconds = (performance.now() - duckStarted) / 1000
  console.log(`rows: ${loaded}`)
  console.log(
    `Malamute COPY FROM STDIN (csv, psql \\copy): ${Math.round(loaded / copySeconds)} rows/s`,
  )
  console.log(
    `Malamute server CPU during COPY: ${copyCpu.toFixed(2)} s (${Math.round(loaded / copyCpu)} rows per CPU-second)`,
  )
  console.log(`DuckDB read_csv load (same run): ${Math.round(loaded / duckSeconds)} rows/s`)
  console.log(
    '\n| query | Malamute (wire) ms | DuckDB (in-process) ms | Malamute / DuckDB | answers agree |',
  )
  console.log('|---|---:|---:|---:|---|')
  for (const [name, sql] of queries) {
    const ours = await time(async () => (await client.query({ text: sql, rowMode: 'array' })).rows)
    const theirs = await time(async () => (await duck.runAndReadAll(sql)).getRows())
    const agree = normalise(ours.answer) === normalise(theirs.answer)
    console.log(
      `| ${name} | ${ours.ms.toFixed(1)} | ${theirs.ms.toFixed(1)} | ${(ours.ms / theirs.ms).toFixed(2)} | ${agree ? 'yes' : `NO: ${normalise(ours.answer)} vs ${normalise(theirs.answer)}`} |`,
    )
  }
  await client.end()
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  rmSync(dataDir, { recursive: true, force: true })
}
