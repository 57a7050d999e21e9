// Transaction blocks make writes atomic: rows INSERTed (or COPied) between BEGIN and COMMIT
// become visible together at COMMIT, and ROLLBACK, an error followed by ROLLBACK, a closed
// connection or a kill -9 before COMMIT leave nothing. Files a killed block uploaded are
// deleted by the orphan scan (run here by `malamute compact` before the restart).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { psqlScriptArgs, runPsql } from './psql-client.js'
import { repositoryRoot, startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

before(async () => {
  server = await startMalamute()
  client = await server.connect()
})

after(async () => {
  await server?.close()
})

async function count(table: string, on: pg.Client = client): Promise<number> {
  const result = await on.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)
  return Number(result.rows[0]?.n)
}

async function createTable(name: string): Promise<void> {
  await client.query(`CREATE TABLE ${name} (n int4, s text)`)
}

/** Segment files under the data dir (null when the server keeps none there, e.g. PostgreSQL). */
async function segmentFiles(): Promise<Set<string> | null> {
  const dir = path.join(server.dataDir, 'segments')
  if (!existsSync(dir)) return null
  const entries = await readdir(dir, { recursive: true })
  return new Set(entries.filter((entry) => entry.endsWith('.seg')))
}

test('BEGIN, INSERT, ROLLBACK leaves nothing', async () => {
  await createTable('tx_rollback')
  await client.query('BEGIN')
  const inserted = await client.query(`INSERT INTO tx_rollback VALUES (1, 'a'), (2, 'b')`)
  assert.equal(inserted.command, 'INSERT')
  assert.equal(inserted.rowCount, 2)
  await client.query('INSERT INTO tx_rollback VALUES ($1, $2)', [3, 'c'])
  await client.query('INSERT INTO tx_rollback SELECT n + 10, s FROM tx_rollback')
  await client.query('ROLLBACK')
  assert.equal(await count('tx_rollback'), 0)
  // Autocommit is unchanged afterwards.
  await client.query(`INSERT INTO tx_rollback VALUES (4, 'd')`)
  assert.equal(await count('tx_rollback'), 1)
})

test('BEGIN, INSERTs into two tables, COMMIT makes all visible at once', async () => {
  await createTable('tx_left')
  await createTable('tx_right')
  const other = await server.connect()
  try {
    await client.query('BEGIN')
    await client.query(`INSERT INTO tx_left VALUES (1, 'a'), (2, 'b')`)
    await client.query('INSERT INTO tx_right VALUES ($1, $2)', [3, 'c'])
    await client.query(`INSERT INTO tx_left VALUES (4, 'd')`)
    assert.equal(await count('tx_left', other), 0)
    assert.equal(await count('tx_right', other), 0)
    const committed = await client.query('COMMIT')
    assert.equal(committed.command, 'COMMIT')
    assert.equal(await count('tx_left', other), 3)
    assert.equal(await count('tx_right', other), 1)
    const sum = await other.query<{ total: string }>('SELECT sum(n) AS total FROM tx_left')
    assert.equal(Number(sum.rows[0]?.total), 7)
  } finally {
    await other.end()
  }
})

test('an error inside the block, then ROLLBACK (or COMMIT), leaves nothing', async () => {
  await createTable('tx_failed')
  for (const end of ['ROLLBACK', 'COMMIT']) {
    await client.query('BEGIN')
    await client.query(`INSERT INTO tx_failed VALUES (1, 'a')`)
    await assert.rejects(client.query('SELECT * FROM tx_no_such_table'), { code: '42P01' })
    await assert.rejects(client.query(`INSERT INTO tx_failed VALUES (2, 'b')`), {
      code: '25P02',
    })
    const ended = await client.query(end)
    assert.equal(ended.command, 'ROLLBACK')
    assert.equal(await count('tx_failed'), 0)
  }
})

test('a connection closed inside an open block leaves nothing', async () => {
  await createTable('tx_closed')
  const doomed = await server.connect()
  await doomed.query('BEGIN')
  await doomed.query(`INSERT INTO tx_closed VALUES (1, 'a'), (2, 'b')`)
  await doomed.end()
  assert.equal(await count('tx_closed'), 0)
  await client.query(`INSERT INTO tx_closed VALUES (3, 'c')`)
  assert.equal(await count('tx_closed'), 1)
})

test('COPY FROM inside a block commits and rolls back with it', async () => {
  await createTable('tx_copy')
  const script = (end: string): string =>
    `BEGIN;\n\\copy tx_copy FROM STDIN WITH (FORMAT csv)\n1,a\n2,b\n\\.\n${end};\n`
  for (const [end, expected] of [
    ['ROLLBACK', 0],
    ['COMMIT', 2],
  ] as const) {
    const result = await runPsql(server, psqlScriptArgs, script(end))
    assert.equal(result.code, 0, `psql failed: ${result.stderr}`)
    assert.equal(await count('tx_copy'), expected)
  }
})

test('kill -9 inside an open block: nothing visible after restart, its files collected', async () => {
  await createTable('tx_killed')
  await client.query(`INSERT INTO tx_killed VALUES (0, 'committed before')`)
  const filesBefore = await segmentFiles()
  // More rows than one bulk segment holds, so the block uploads a file before COMMIT.
  const rows = 70_000
  const values = Array.from({ length: rows }, (_, i) => `(${i + 1}, 'r')`).join(', ')
  const doomed = await server.connect()
  await doomed.query('BEGIN')
  const inserted = await doomed.query(`INSERT INTO tx_killed VALUES ${values}`)
  assert.equal(inserted.rowCount, rows)
  const filesInBlock = await segmentFiles()
  const uploaded = [...(filesInBlock ?? [])].filter((file) => !filesBefore?.has(file))
  if (filesBefore !== null) assert.ok(uploaded.length > 0, 'the block uploaded a segment')
  await server.kill9()
  if (filesBefore !== null) {
    // The orphan scan, run now by `malamute compact` on the dead server's data dir.
    const compact = spawnSync(
      process.execPath,
      [
        path.join(repositoryRoot, 'dist/bin/malamute.js'),
        'compact',
        '--data-dir',
        server.dataDir,
        '--orphan-safety-ms',
        '0',
      ],
      { encoding: 'utf8' },
    )
    assert.equal(compact.status, 0, compact.stderr)
    const files = (await segmentFiles())!
    assert.deepEqual(
      uploaded.filter((file) => files.has(file)),
      [],
      'the killed block left no file',
    )
  }
  await server.restart()
  client = await server.connect()
  assert.equal(await count('tx_killed'), 1)
})
