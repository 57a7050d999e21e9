#!/usr/bin/env node
// Kafka ingestion rate: the shared benchmark's events (NDJSON, one per message) are produced into
// librdkafka's mock cluster first; then `malamute serve --kafka-...` consumes them and the clock
// runs from the partition assignment to the moment `count(*)` shows every event. Reported:
// events/s (wall) and events per CPU-second of the server process (user + system, from
// /proc), i.e. events/s per core. Runs twice: as the data is (no `id` field, so nothing to
// de-duplicate) and with an `id` added to every event (the id window is checked and written).
//
// Usage: node bench/ingest-kafka.mjs [--rows 200000] [--partitions N] [--generator gen.mjs]
// librdkafka 2.0.2's mock keeps at most 5 MB per partition (older message sets are dropped),
// so the topic gets enough partitions to hold the whole file (about 4 MB each) unless told.
// Needs Debian's librdkafka-dev and cc (the test setup installs them), and the shared
// generator at ../shared/bench/gen.mjs.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import kafkajs from 'kafkajs'
import pg from 'pg'
import { parseArgs, root } from './harness.mjs'

const { Kafka, logLevel } = kafkajs
const args = parseArgs()
const rows = Number(args.rows ?? 200_000)
const work = mkdtempSync(path.join(tmpdir(), 'malamute-bench-kafka-'))
const children = []
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
})

/** Generates (once) the shared data set's NDJSON and answers its path. */
function generatedNdjson() {
  const out = path.join(tmpdir(), `malamute-bench-ndjson-${rows}`)
  const file = path.join(out, 'logs.ndjson')
  if (existsSync(path.join(out, 'meta.json'))) return file
  const generator = args.generator ?? path.resolve(root, '../shared/bench/gen.mjs')
  process.stderr.write(`generating ${rows} events into ${out}\n`)
  const run = spawnSync(
    process.execPath,
    [generator, '--rows', String(rows), '--seed', '42', '--out', out, '--formats', 'ndjson'],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) process.exit(run.status ?? 1)
  return file
}

async function startMockCluster(topics) {
  const binary = path.join(work, 'mock-cluster')
  execFileSync('cc', [
    '-O1',
    '-o',
    binary,
    path.join(root, 'test/kafka/mock-cluster.c'),
    '-lrdkafka',
  ])
  const child = spawn(
    binary,
    topics.flatMap((topic) => ['--topic', `${topic}:${partitions}`]),
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  children.push(child)
  const { value } = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()
  return value
}

async function produce(bootstrap, topic, file, withIds) {
  const producer = new Kafka({ brokers: [bootstrap], logLevel: logLevel.ERROR }).producer()
  await producer.connect()
  let batch = []
  let id = 0
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line === '') continue
    const value = withIds ? `{"id":${id},${line.slice(1)}` : line
    batch.push({ value, partition: id % partitions })
    id++
    if (batch.length === 1000) {
      await producer.send({ topic, messages: batch })
      batch = []
    }
  }
  if (batch.length > 0) await producer.send({ topic, messages: batch })
  await producer.disconnect()
  return id
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / 100
}

async function consume(bootstrap, topic, events) {
  const dataDir = path.join(work, `data-${topic}`)
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'dist/bin/malamute.js'),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--kafka-brokers',
      bootstrap,
      '--kafka-topic',
      topic,
      '--kafka-table',
      'logs',
      '--compaction-interval-ms',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let port
  let assignedAt
  let cpuAtAssignment
  const ready = new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line)
      if (match) port = Number(match[1])
    })
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (assignedAt === undefined && line.includes('partitions assigned')) {
        assignedAt = performance.now()
        cpuAtAssignment = cpuSeconds(child.pid)
        resolve()
      }
    })
  })
  await ready
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'malamute', database: 'malamute' })
  await client.connect()
  let count = 0
  while (count < events) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    try {
      count = Number((await client.query('SELECT count(*) AS n FROM logs')).rows[0].n)
    } catch {
      count = 0
    }
  }
  const seconds = (performance.now() - assignedAt) / 1000
  const cpu = cpuSeconds(child.pid) - cpuAtAssignment
  await client.end()
  child.kill('SIGKILL')
  return { seconds, cpu }
}

const file = generatedNdjson()
const partitions = Number(args.partitions ?? Math.max(4, Math.ceil(statSync(file).size / 4e6)))
const bootstrap = await startMockCluster(['plain', 'with_ids'])
for (const [topic, withIds] of [
  ['plain', false],
  ['with_ids', true],
]) {
  const events = await produce(bootstrap, topic, file, withIds)
  process.stderr.write(`produced ${events} events into ${partitions} partitions of ${topic}\n`)
  const { seconds, cpu } = await consume(bootstrap, topic, events)
  console.log(
    `kafka ${withIds ? 'with ids (de-duplicated)' : 'without ids'}: ${events} events in ` +
      `${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s; ` +
      `${cpu.toFixed(2)} CPU-s = ${Math.round(events / cpu)} events/s per core`,
  )
}
process.exit(0)
