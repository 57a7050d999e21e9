// `malamute load` as a user runs it: a real process over a real data dir, killed with -9 in
// the middle of a load and started again, then queried through a Malamute server.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { after, before, test } from 'node:test'
import { repositoryRoot, startMalamute } from './server-harness.js'

const cli = path.join(repositoryRoot, 'dist/bin/malamute.js')
let work: string

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'malamute-load-'))
})

after(async () => {
  await rm(work, { recursive: true, force: true })
})

interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/** Runs `malamute load`; `killWhen` sees stderr as it grows and may ask for a kill -9. */
function load(args: readonly string[], killWhen?: (stderr: string) => boolean): Promise<Run> {
  const env = { ...process.env, MALAMUTE_PROGRESS_INTERVAL_MS: '0' }
  const child = spawn(process.execPath, [cli, 'load', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
    if (killWhen?.(stderr) === true) child.kill('SIGKILL')
  })
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  )
}

function events(count: number): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const ts = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString()
    lines.push(
      JSON.stringify({
        id: i,
        ts,
        service: `svc-${i % 7}`,
        duration_ms: i % 1000,
        http: { status: 200 + (i % 3) },
      }),
    )
  }
  return `${lines.join('\n')}\n`
}

test('an NDJSON.gz load killed with -9 mid-way resumes where its last commit ended: every row once', async () => {
  const dataDir = path.join(work, 'ndjson')
  const file = path.join(work, 'events.ndjson.gz')
  const rows = 60_000
  await writeFile(file, gzipSync(events(rows)))
  const common = [file, '--table', 'events', '--data-dir', dataDir, '--chunk-mb', '1']
  // Kill once a few chunks have committed (a progress line per commit reports the rows).
  const first = await load(common, (stderr) => /loading: [1-9]\d{4,} rows/.test(stderr))
  assert.equal(first.signal, 'SIGKILL', `the first load ran to its end:\n${first.stderr}`)
  const second = await load(common)
  assert.equal(second.code, 0, second.stderr)
  assert.match(second.stderr, /resumed at byte \d+/)
  const third = await load(common)
  assert.match(third.stderr, /loaded 0 rows/, 'a finished load loads nothing again')

  const server = await startMalamute({ dataDir })
  try {
    const client = await server.connect()
    const result = await client.query(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id)::int AS lo, max(id)::int AS hi, sum(duration_ms)::int8 AS total FROM events',
    )
    assert.deepEqual(result.rows[0], {
      n: rows,
      ids: rows,
      lo: 0,
      hi: rows - 1,
      total: String(60 * 499500),
    })
    const nested = await client.query(
      'SELECT count(*)::int AS n FROM events WHERE "http.status" = 201',
    )
    assert.equal(nested.rows[0].n, rows / 3)
    await client.end()
  } finally {
    await server.close()
  }
})

test('a CSV load names the bad line in the file and commits nothing of that chunk', async () => {
  const dataDir = path.join(work, 'csv')
  const server = await startMalamute({ dataDir })
  try {
    const client = await server.connect()
    await client.query('CREATE TABLE metrics (ts timestamptz, name text, value float8)')
    await client.end()
  } finally {
    await server.close()
  }
  const file = path.join(work, 'metrics.csv')
  const good = Array.from(
    { length: 2000 },
    (_, i) => `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}+00,"m,${i}",${i}.5`,
  )
  await writeFile(
    file,
    ['ts,name,value', ...good, '2024-01-01 00:00:00+00,bad,not-a-number', ''].join('\n'),
  )
  const failed = await load([file, '--table', 'metrics', '--header', '--data-dir', dataDir])
  assert.equal(failed.code, 1)
  assert.match(
    failed.stderr,
    /malamute load: invalid input syntax for type double precision: "not-a-number"/,
  )
  assert.match(failed.stderr, /DETAIL: COPY metrics, line 2002, column value/)

  await writeFile(file, ['ts,name,value', ...good, ''].join('\n'))
  const loaded = await load([file, '--table', 'metrics', '--header', '--data-dir', dataDir])
  assert.equal(loaded.code, 0, loaded.stderr)
  const again = await startMalamute({ dataDir })
  try {
    const client = await again.connect()
    const result = await client.query(
      "SELECT count(*)::int AS n, sum(value) AS s, count(*) FILTER (WHERE name LIKE 'm,%')::int AS quoted FROM metrics",
    )
    assert.deepEqual(result.rows[0], { n: 2000, s: (2000 * 1999) / 2 + 1000, quoted: 2000 })
    await client.end()
  } finally {
    await again.close()
  }
})
