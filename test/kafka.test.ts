// Kafka intake, exactly once, against librdkafka's mock cluster (a real Kafka wire protocol
// server, test/kafka/mock-kafka.ts) with a kafkajs producer: 100,000 events over 4 partitions,
// 1 % of them sent again (same id, another partition, later) and 0.1 % malformed messages,
// while the server is killed with SIGKILL twice mid-stream and restarted on the same data dir.
// Afterwards every id is stored exactly once and every malformed message is in the
// dead-letter table once, with its error. Then two servers share a consumer group (and a data
// dir): a rebalance splits the partitions, one server is killed, the other takes its
// partitions over from the offsets stored with the segments.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs'
import type pg from 'pg'
import { startMockKafka, type MockKafka } from './kafka/mock-kafka.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

const topic = 'events'
const partitions = 4
const eventCount = 100_000
const chunkMessages = 2_000
/** Events whose id is sent a second time: 1 %. */
const isResent = (id: number): boolean => id % 100 === 37
/** A malformed message follows these events: 0.1 %. */
const isFollowedByMalformed = (id: number): boolean => id % 1000 === 500

let kafka: MockKafka
let server: MalamuteServer
let producer: Producer

before(async () => {
  kafka = await startMockKafka({ [topic]: partitions, rebalance: partitions })
  server = await startMalamute({
    args: [
      '--kafka-brokers',
      kafka.bootstrap,
      '--kafka-topic',
      topic,
      '--kafka-table',
      'events',
      '--kafka-session-timeout-ms',
      '6000',
    ],
  })
  const client = new Kafka({
    clientId: 'test',
    brokers: [kafka.bootstrap],
    logLevel: logLevel.NOTHING,
  })
  producer = client.producer()
  await producer.connect()
})

after(async () => {
  await producer?.disconnect()
  await server?.close()
  await kafka?.stop()
})

/** Three kinds of malformed message, each with a unique marker in its payload. */
function malformed(index: number): string {
  switch (index % 3) {
    case 0:
      return `not json ${index}`
    case 1:
      return JSON.stringify([index, 'an array, not an object'])
    default:
      return JSON.stringify({ id: `bad-${index}`, ts: `not a time ${index}` })
  }
}

/** Every message in send order, with its partition; and the malformed payloads. */
function messages(): { stream: (Message & { partition: number })[]; malformedPayloads: string[] } {
  const stream: (Message & { partition: number })[] = []
  const malformedPayloads: string[] = []
  const resends: (Message & { partition: number })[] = []
  const base = Date.UTC(2024, 0, 1)
  for (let id = 0; id < eventCount; id++) {
    const event = {
      id,
      ts: new Date(base + id).toISOString(),
      service: `svc-${id % 7}`,
      n: id % 13,
    }
    const value = JSON.stringify(event)
    stream.push({ value, partition: id % partitions })
    if (isResent(id)) resends.push({ value, partition: (id + 1) % partitions })
    if (isFollowedByMalformed(id)) {
      const payload = malformed(malformedPayloads.length)
      malformedPayloads.push(payload)
      stream.push({ value: payload, partition: id % partitions })
    }
    // Re-sends go out a while after their originals, as a producer's retries would.
    if (id % 5000 === 4999) stream.push(...resends.splice(0))
  }
  stream.push(...resends)
  return { stream, malformedPayloads }
}

async function countOf(client: pg.Client, sql: string): Promise<number> {
  try {
    const result = await client.query<{ n: string }>(sql)
    return Number(result.rows[0]?.n ?? 0)
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return 0
    throw error
  }
}

/** Waits until the server has committed more than `rows` events, then kills and restarts it. */
async function crashAfterProgress(rows: number): Promise<number> {
  const client = await server.connect()
  let seen = 0
  for (let waited = 0; waited < 60_000; waited += 100) {
    seen = await countOf(client, 'SELECT count(*) AS n FROM events')
    if (seen > rows) break
    await sleep(100)
  }
  await client.end()
  assert.ok(seen > rows, `the server committed no events in 60 s:\n${server.log}`)
  await server.kill9()
  await server.restart()
  return seen
}

test('100,000 events, 1 % re-sent and 0.1 % malformed, two kill -9: each id exactly once', async () => {
  const { stream, malformedPayloads } = messages()
  const crashAtChunks = new Set([
    Math.floor(stream.length / chunkMessages / 3),
    Math.floor((stream.length / chunkMessages) * (2 / 3)),
  ])
  let committedBeforeCrash = 0
  for (let start = 0, chunk = 0; start < stream.length; start += chunkMessages, chunk++) {
    const slice = stream.slice(start, start + chunkMessages)
    await producer.send({ topic, messages: slice })
    if (crashAtChunks.has(chunk))
      committedBeforeCrash = await crashAfterProgress(committedBeforeCrash)
  }
  const client = await server.connect()
  let rows = 0
  let deadLetters = 0
  for (let waited = 0; waited < 90_000; waited += 200) {
    rows = await countOf(client, 'SELECT count(*) AS n FROM events')
    deadLetters = await countOf(client, 'SELECT count(*) AS n FROM events_dead_letter')
    if (rows >= eventCount && deadLetters >= malformedPayloads.length) break
    await sleep(200)
  }
  // A little longer: anything stored twice would show up now.
  await sleep(1_000)
  const totals = await client.query<Record<string, string>>(
    'SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi, sum(id) AS total FROM events',
  )
  assert.deepEqual(totals.rows[0], {
    n: String(eventCount),
    ids: String(eventCount),
    lo: '0',
    hi: String(eventCount - 1),
    total: String((eventCount * (eventCount - 1)) / 2),
  })
  const dead = await client.query<{ payload: string; error: string; topic: string }>(
    'SELECT payload, error, topic FROM events_dead_letter',
  )
  assert.deepEqual(dead.rows.map((row) => row.payload).sort(), [...malformedPayloads].sort())
  const errors = new Set(dead.rows.map((row) => row.error.replace(/[:"].*$/, '')))
  assert.deepEqual([...errors].sort(), [
    'event is not a JSON object',
    'invalid JSON',
    'invalid timestamp in field ',
  ])
  assert.ok(dead.rows.every((row) => row.topic === topic))
  const positions = await client.query<{ n: string }>(
    'SELECT count(DISTINCT partition * 1000000 + message_offset) AS n FROM events_dead_letter',
  )
  assert.equal(positions.rows[0]?.n, String(malformedPayloads.length))
  // The restarts resumed from the offsets stored with the segments.
  assert.match(server.log, /"stored":\{"\d+":"\d+"/)
  await client.end()
})

function serverArgs(topicName: string): string[] {
  return [
    '--kafka-brokers',
    kafka.bootstrap,
    '--kafka-topic',
    topicName,
    '--kafka-table',
    topicName,
    '--kafka-session-timeout-ms',
    '6000',
  ]
}

async function waitForCount(client: pg.Client, sql: string, wanted: number): Promise<number> {
  let count = 0
  for (let waited = 0; waited < 60_000 && count < wanted; waited += 200) {
    count = await countOf(client, sql)
    if (count < wanted) await sleep(200)
  }
  return count
}

test('a rebalance between two servers and a kill -9 of one: each id exactly once', async () => {
  const events = 24_000
  const sendRange = async (from: number, to: number): Promise<void> => {
    const batch: (Message & { partition: number })[] = []
    for (let id = from; id < to; id++) {
      const value = JSON.stringify({ id, ts: 1_700_000_000_000 + id, n: id % 5 })
      batch.push({ value, partition: id % partitions })
      // 1 % re-sent to another partition.
      if (isResent(id)) batch.push({ value, partition: (id + 1) % partitions })
    }
    await producer.send({ topic: 'rebalance', messages: batch })
  }
  const first = await startMalamute({ args: serverArgs('rebalance') })
  const second = await startMalamute({ dataDir: first.dataDir, args: serverArgs('rebalance') })
  try {
    const client = await second.connect()
    await sendRange(0, events / 3)
    await waitForCount(client, 'SELECT count(*) AS n FROM rebalance', 1)
    // The second server's join made the group rebalance: each server holds two partitions.
    const twoPartitions = /"partitions":\[\d,\d\],/
    for (let waited = 0; waited < 30_000; waited += 200) {
      if (twoPartitions.test(first.log) && twoPartitions.test(second.log)) break
      await sleep(200)
    }
    assert.match(first.log, twoPartitions)
    assert.match(second.log, twoPartitions)
    await sendRange(events / 3, (2 * events) / 3)
    await waitForCount(client, 'SELECT count(*) AS n FROM rebalance', events / 3 + 1)
    await first.kill9()
    await sendRange((2 * events) / 3, events)
    const count = await waitForCount(client, 'SELECT count(*) AS n FROM rebalance', events)
    await sleep(1_000)
    const totals = await client.query<Record<string, string>>(
      'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM rebalance',
    )
    assert.equal(count, events, second.log)
    assert.deepEqual(totals.rows[0], { n: String(events), ids: String(events) })
    // The survivor took all four partitions over, from the offsets stored so far.
    assert.match(second.log, /"partitions":\[0,1,2,3\],"stored":\{"\d":"\d+"/)
    await client.end()
  } finally {
    await second.close()
    await first.close()
  }
})
