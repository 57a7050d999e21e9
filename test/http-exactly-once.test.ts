// HTTP intake, exactly once by event id: writers POST NDJSON requests of events with ids while
// the server is killed with SIGKILL; a request whose answer was lost is retried after the
// restart (it may or may not have been committed), and some acknowledged requests are sent
// again. Afterwards every id is stored exactly once, and each retry's answer counts its
// events as rows or duplicates. COPY ... (FORMAT ndjson) gives the same guarantee.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, startMalamute, type MalamuteServer } from './server-harness.js'
import { runPsql } from './psql-client.js'

const requestCount = 60
const writerCount = 2
/** Every fifth request is larger than one 8,192-row batch, so it commits as a bulk of several. */
const eventsIn = (request: number): number => (request % 5 === 4 ? 10_000 : 1_000)

let server: MalamuteServer
let httpPort: number

before(async () => {
  httpPort = await freePort()
  server = await startMalamute({ env: { MALAMUTE_HTTP_PORT: String(httpPort) } })
  await intakeListening()
})

after(async () => {
  await server?.close()
})

function firstIdOf(request: number): number {
  let id = 0
  for (let earlier = 0; earlier < request; earlier++) id += eventsIn(earlier)
  return id
}

function body(request: number): string {
  const first = firstIdOf(request)
  const lines: string[] = []
  for (let id = first; id < first + eventsIn(request); id++)
    lines.push(JSON.stringify({ id, ts: 1_700_000_000_000 + id, request, v: id % 10 }))
  return lines.join('\n')
}

interface Answer {
  rows: number
  duplicates?: number
}

async function post(request: number): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/v1/ingest/http_events`, {
    method: 'POST',
    body: body(request),
  })
  assert.equal(response.status, 200, await response.clone().text())
  return (await response.json()) as Answer
}

/** Waits for the intake port: the server says `listening` when its wire port is up, a moment before. */
async function intakeListening(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${httpPort}/`)
      return
    } catch (error) {
      const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
      if (!refused || attempt >= 100) throw error
      await sleep(100)
    }
  }
}

test('HTTP intake: requests retried after kill -9 store every id exactly once', async () => {
  let next = 0
  const unanswered = new Set<number>()
  const acknowledged: number[] = []
  const writer = async (): Promise<void> => {
    while (next < requestCount) {
      const request = next++
      unanswered.add(request)
      try {
        const answer = await post(request)
        assert.equal(answer.rows, eventsIn(request))
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error
        return
      }
      unanswered.delete(request)
      acknowledged.push(request)
    }
  }
  for (let round = 0; round < 2; round++) {
    const writers = Array.from({ length: writerCount }, () => writer())
    await sleep(300 + Math.random() * 700)
    await server.kill9()
    await Promise.all(writers)
    await server.restart()
    await intakeListening()
    // The lost answers: retried until answered; each was committed wholly or not at all.
    for (const request of [...unanswered].sort((a, b) => a - b)) {
      const answer = await post(request)
      assert.equal(answer.rows + (answer.duplicates ?? 0), eventsIn(request))
      assert.ok(answer.rows === 0 || answer.rows === eventsIn(request), `request ${request}`)
      unanswered.delete(request)
    }
  }
  await Promise.all(Array.from({ length: writerCount }, () => writer()))
  // Acknowledged requests sent again are all duplicates.
  for (const request of acknowledged.slice(0, 3)) {
    assert.deepEqual(await post(request), { rows: 0, duplicates: eventsIn(request) })
  }
  const total = firstIdOf(requestCount)
  const client = await server.connect()
  const result = await client.query<Record<string, string>>(
    'SELECT count(*) AS n, count(DISTINCT id) AS ids, max(id) AS hi FROM http_events',
  )
  assert.deepEqual(result.rows[0], { n: String(total), ids: String(total), hi: String(total - 1) })
  await client.end()
})

test('COPY FORMAT ndjson drops ids it already stored; text and csv keep every row', async () => {
  const lines = ['{"id": 1, "v": "a"}', '{"id": 2, "v": "b"}', '{"id": 1, "v": "again"}']
  const copy = `COPY copy_events FROM STDIN (FORMAT ndjson);\n${lines.join('\n')}\n\\.\n`
  const script =
    `CREATE TABLE copy_events (ts timestamptz);\n${copy}${copy}` +
    `SELECT id, v FROM copy_events ORDER BY id;\n` +
    `CREATE TABLE copy_plain (id int8);\nCOPY copy_plain FROM STDIN;\n1\n1\n\\.\n` +
    `SELECT count(*) FROM copy_plain;\n`
  const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-A', '-t', '-F', '|', '-f', '-']
  const result = await runPsql(server, args, script)
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stdout, 'CREATE TABLE\nCOPY 2\nCOPY 0\n1|a\n2|b\nCREATE TABLE\nCOPY 2\n2\n')
})
