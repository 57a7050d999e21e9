#!/usr/bin/env node
// The spine's queries with segment files in S3 (s3rver, in this process) next to the same data
// in a directory: one server per blob store, both loaded with COPY from the shared benchmark's
// CSV and compacted, then each query's answer (they must agree), its median time, and the GETs
// it made: cold (the first run, empty range cache) and warm (the timed runs, from EXPLAIN
// ANALYZE's blob-gets). s3rver is a local HTTP server on the same machine, so the times show
// request overhead, not a network's latency.
//
// Usage: node bench/s3.mjs [--csv FILE | --rows 1000000] [--runs 5] [--worker-threads 2]
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import {
  normaliseAnswer,
  parseArgs,
  root,
  spineQueries,
  startMalamute,
  timeMedian,
} from './harness.mjs'
import { logsTableDdl } from './wire.mjs'
import { S3TestCredentials, startS3TestServer } from '../dist/storage/s3-test-server.js'

const args = parseArgs()
const runs = Number(args.runs ?? 5)
const workerThreads = String(args['worker-threads'] ?? 2)
const csv = path.resolve(args.csv ?? generatedCsv(Number(args.rows ?? 1_000_000)))
// The shared data set's columns; tags and attributes stay text here.
const createTable = logsTableDdl('text', 'text')

/** Generates (once) the shared benchmark's seeded data set and answers its CSV path. */
function generatedCsv(rows) {
  const generator = path.resolve(root, '../shared/bench/gen.mjs')
  const out = path.join(tmpdir(), `malamute-bench-data-${rows}`)
  if (existsSync(path.join(out, 'meta.json'))) return path.join(out, 'logs.csv')
  process.stderr.write(`generating ${rows} events into ${out}\n`)
  const run = spawnSync(
    process.execPath,
    [generator, '--rows', String(rows), '--seed', '42', '--out', out, '--formats', 'csv'],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) process.exit(run.status ?? 1)
  return path.join(out, 'logs.csv')
}

/**
 * Loads the CSV with psql's \copy; answers the seconds it took. Asynchronous: s3rver runs in
 * this process, so blocking the event loop would stall the server's uploads.
 */
async function copyCsv(port) {
  const started = performance.now()
  const copy = spawn(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'malamute']
      .concat(['-d', 'malamute', '-c'])
      .concat([`\\copy logs FROM '${csv.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`]),
    { stdio: ['ignore', 'inherit', 'inherit'] },
  )
  const status = await new Promise((resolve) => copy.once('exit', resolve))
  if (status !== 0) throw new Error(`psql \\copy exited with ${status}`)
  return (performance.now() - started) / 1000
}

/** Waits until compaction has nothing left to merge. */
async function settle(client) {
  for (;;) {
    const { rows } = await client.query(
      "SELECT segments, compaction_backlog FROM malamute.tables WHERE table_name = 'logs'",
    )
    if (Number(rows[0].compaction_backlog) === 0) return Number(rows[0].segments)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** The GETs an EXPLAIN ANALYZE run of `sql` made, summed over its scans. */
async function getsOf(client, sql) {
  const { rows } = await client.query(`EXPLAIN ANALYZE ${sql}`)
  let gets = 0
  let bytes = 0
  for (const row of rows) {
    const line = row['QUERY PLAN']
    gets += Number(/blob-gets=(\d+)/.exec(line)?.[1] ?? 0)
    bytes += Number(/blob-get-bytes=(\d+)/.exec(line)?.[1] ?? 0)
  }
  return { gets, bytes }
}

async function runOn(label, serveArgs, env) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `malamute-s3-bench-${label}-`))
  Object.assign(process.env, env)
  const { child, port } = await startMalamute(dataDir, {
    serveArgs: ['--worker-threads', workerThreads, '--compaction-interval-ms', '200', ...serveArgs],
  })
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'malamute', database: 'malamute' })
  try {
    await client.connect()
    await client.query(createTable)
    const copySeconds = await copyCsv(port)
    const segments = await settle(client)
    const results = []
    for (const [name, sql] of spineQueries) {
      const cold = await getsOf(client, sql)
      const timed = await timeMedian(
        async () => (await client.query({ text: sql, rowMode: 'array' })).rows,
        runs,
      )
      const warm = await getsOf(client, sql)
      results.push({ name, ms: timed.ms, answer: normaliseAnswer(timed.answer), cold, warm })
    }
    return { label, copySeconds, segments, results }
  } finally {
    await client.end().catch(() => undefined)
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const s3 = await startS3TestServer('malamute-bench')
try {
  const directory = await runOn('directory', [], {})
  const bucket = await runOn(
    's3',
    ['--blob', 's3://malamute-bench/logs', '--s3-endpoint', s3.endpoint],
    {
      AWS_ACCESS_KEY_ID: S3TestCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3TestCredentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
  )
  console.log(`data: ${csv}`)
  for (const run of [directory, bucket]) {
    console.log(
      `${run.label}: COPY ${run.copySeconds.toFixed(1)} s, ${run.segments} segments after compaction`,
    )
  }
  console.log(
    '\n| query | directory ms | S3 (s3rver) ms | S3 GETs cold | S3 MB cold | S3 GETs warm | answers agree |',
  )
  console.log('|---|---:|---:|---:|---:|---:|---|')
  directory.results.forEach((ours, index) => {
    const theirs = bucket.results[index]
    const agree = ours.answer === theirs.answer ? 'yes' : `NO: ${ours.answer} vs ${theirs.answer}`
    console.log(
      `| ${ours.name} | ${ours.ms.toFixed(1)} | ${theirs.ms.toFixed(1)} | ${theirs.cold.gets} | ` +
        `${(theirs.cold.bytes / 1e6).toFixed(1)} | ${theirs.warm.gets} | ${agree} |`,
    )
  })
} finally {
  await s3.close()
}
