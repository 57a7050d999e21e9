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

test('SAVEPOINT, RELEASE and ROLLBACK TO outside a block answer 25P01', async () => {
  for (const [sql, message] of [
    ['SAVEPOINT a', 'SAVEPOINT can only be used in transaction blocks'],
    ['RELEASE SAVEPOINT a', 'RELEASE SAVEPOINT can only be used in transaction blocks'],
    ['ROLLBACK TO SAVEPOINT a', 'ROLLBACK TO SAVEPOINT can only be used in transaction blocks'],
  ] as const) {
    await assert.rejects(client.query(sql), { code: '25P01', message })
  }
})

test('ROLLBACK TO a savepoint after a failed read returns the block to its writes', async () => {
  // psqlODBC's statement-level rollback: SAVEPOINT before each statement, RELEASE after it.
  await createTable('tx_savepoint')
  await client.query('BEGIN')
  await client.query('SAVEPOINT s1')
  await client.query(`INSERT INTO tx_savepoint VALUES (1, 'a')`)
  const released = await client.query('RELEASE s1')
  assert.equal(released.command, 'RELEASE')
  const set = await client.query('SAVEPOINT s2')
  assert.equal(set.command, 'SAVEPOINT')
  await assert.rejects(client.query('SELECT * FROM tx_no_such_table'), { code: '42P01' })
  await assert.rejects(client.query('SELECT 1'), { code: '25P02' })
  const rolledBack = await client.query('ROLLBACK TO SAVEPOINT s2')
  assert.equal(rolledBack.command, 'ROLLBACK')
  // The savepoint stays after ROLLBACK TO, so it can be used again.
  await client.query('ROLLBACK TO s2')
  await client.query(`INSERT INTO tx_savepoint VALUES (2, 'b')`)
  await client.query('RELEASE SAVEPOINT s2')
  await client.query('COMMIT')
  assert.equal(await count('tx_savepoint'), 2)
})

test('RELEASE drops later savepoints; an unknown name is 3B001 and fails the block', async () => {
  await client.query('BEGIN')
  await client.query('SAVEPOINT a')
  await client.query('SAVEPOINT b')
  await client.query('RELEASE a')
  await assert.rejects(client.query('ROLLBACK TO b'), {
    code: '3B001',
    message: 'savepoint "b" does not exist',
  })
  await assert.rejects(client.query('SELECT 1'), { code: '25P02' })
  // In a failed block, ROLLBACK TO an unknown name fails again and the block stays failed.
  await assert.rejects(client.query('ROLLBACK TO nope'), { code: '3B001' })
  await assert.rejects(client.query('SELECT 1'), { code: '25P02' })
  await client.query('ROLLBACK')
})

test('ROLLBACK TO a savepoint with rows written since: 0A000 on Malamute, only ROLLBACK ends it', async () => {
  await createTable('tx_savepoint_writes')
  const malamute = (await segmentFiles()) !== null
  await client.query('BEGIN')
  await client.query(`INSERT INTO tx_savepoint_writes VALUES (1, 'a')`)
  await client.query('SAVEPOINT a')
  await client.query(`INSERT INTO tx_savepoint_writes VALUES (2, 'b')`)
  if (malamute) {
    await assert.rejects(client.query('ROLLBACK TO a'), {
      code: '0A000',
      message: 'ROLLBACK TO SAVEPOINT after writes is not supported yet',
    })
    await assert.rejects(client.query(`INSERT INTO tx_savepoint_writes VALUES (3, 'c')`), {
      code: '25P02',
    })
    await client.query('ROLLBACK')
    assert.equal(await count('tx_savepoint_writes'), 0)
  } else {
    await client.query('ROLLBACK TO a')
    await client.query('COMMIT')
    assert.equal(await count('tx_savepoint_writes'), 1)
  }
})

test('DECLARE, FETCH, MOVE and CLOSE a cursor inside a block', async () => {
  await createTable('tx_cursor')
  const values = Array.from({ length: 10 }, (_, i) => `(${i + 1}, 'r${i + 1}')`).join(', ')
  await client.query(`INSERT INTO tx_cursor VALUES ${values}`)
  await assert.rejects(client.query('DECLARE c CURSOR FOR SELECT n FROM tx_cursor'), {
    code: '25P01',
    message: 'DECLARE CURSOR can only be used in transaction blocks',
  })
  await client.query('BEGIN')
  const declared = await client.query(
    'DECLARE "C" NO SCROLL CURSOR WITHOUT HOLD FOR SELECT n, s FROM tx_cursor WHERE n > $1 ORDER BY n',
    [2],
  )
  assert.equal(declared.command, 'DECLARE')
  await assert.rejects(client.query('DECLARE "C" CURSOR FOR SELECT 1'), { code: '42P03' })
  await client.query('ROLLBACK')
  await client.query('BEGIN')
  await client.query(
    'DECLARE c NO SCROLL CURSOR FOR SELECT n, s FROM tx_cursor WHERE n > 2 ORDER BY n',
  )
  const first = await client.query('FETCH 2 FROM c')
  assert.equal(first.command, 'FETCH')
  assert.equal(first.rowCount, 2)
  assert.deepEqual(
    first.fields.map((field) => field.name),
    ['n', 's'],
  )
  assert.deepEqual(first.rows, [
    { n: 3, s: 'r3' },
    { n: 4, s: 'r4' },
  ])
  const moved = await client.query('MOVE FORWARD 3 IN c')
  assert.equal(moved.command, 'MOVE')
  assert.equal(moved.rowCount, 3)
  const next = await client.query('FETCH NEXT FROM c')
  assert.deepEqual(next.rows, [{ n: 8, s: 'r8' }])
  const rest = await client.query('FETCH ALL c')
  assert.deepEqual(
    rest.rows.map((row: { n: number }) => row.n),
    [9, 10],
  )
  const none = await client.query('FETCH FORWARD 5 FROM c')
  assert.equal(none.rowCount, 0)
  await assert.rejects(client.query('FETCH BACKWARD 1 FROM c'), { code: '55000' })
  await client.query('ROLLBACK')
  await client.query('BEGIN')
  await client.query('DECLARE c CURSOR FOR SELECT n FROM tx_cursor')
  const closed = await client.query('CLOSE c')
  assert.equal(closed.command, 'CLOSE')
  await assert.rejects(client.query('FETCH 1 FROM c'), {
    code: '34000',
    message: 'cursor "c" does not exist',
  })
  await client.query('ROLLBACK')
})

test('cursors close at COMMIT, except WITH HOLD ones', async () => {
  await createTable('tx_cursor_hold')
  await client.query(`INSERT INTO tx_cursor_hold VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
  await client.query('BEGIN')
  await client.query('DECLARE plain CURSOR FOR SELECT n FROM tx_cursor_hold ORDER BY n')
  await client.query('DECLARE held CURSOR WITH HOLD FOR SELECT n FROM tx_cursor_hold ORDER BY n')
  await client.query('COMMIT')
  await assert.rejects(client.query('FETCH 1 FROM plain'), { code: '34000' })
  const held = await client.query('FETCH 2 FROM held')
  assert.deepEqual(held.rows, [{ n: 1 }, { n: 2 }])
  await client.query('CLOSE ALL')
  await assert.rejects(client.query('FETCH 1 FROM held'), { code: '34000' })
})
