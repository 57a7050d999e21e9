// Grafana, Metabase, Superset and DBeaver, by the statements they send (test/bi/bi-statements.ts):
// each runs over the extended protocol (as pgjdbc and pgx send them) against Malamute and
// against PostgreSQL 15 holding the same table, and must succeed on both with the same column
// names and types; where the rows depend only on the user's tables, the rows must match too.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { BiTableDdl, BiTable, biStatements, type BiStatement } from './bi/bi-statements.js'
import { repositoryRoot, startMalamute, type MalamuteServer } from './server-harness.js'

const run = promisify(execFile)
const oracleScript = `${repositoryRoot}/test/pg-oracle.sh`

let server: MalamuteServer
let oraclePort: number
let malamute: pg.Client
let postgres: pg.Client

const rows = `INSERT INTO ${BiTable} VALUES
  ('2024-01-01 00:00:10+00', 'api', 12.5, 200), ('2024-01-01 00:00:50+00', 'web', 3, 500),
  ('2024-01-01 00:01:30+00', 'api', 7.25, 200), ('2024-01-01 02:00:00+00', 'db', 1, 200)`

before(async () => {
  const started = await run('bash', [oracleScript, 'start'], { cwd: repositoryRoot })
  oraclePort = Number(started.stdout.trim())
  server = await startMalamute()
  // The oracle's superuser is postgres: connect to Malamute under the same name.
  malamute = new pg.Client({
    host: server.host,
    port: server.port,
    user: 'postgres',
    database: 'postgres',
    password: server.password,
  })
  await malamute.connect()
  postgres = new pg.Client({
    host: '127.0.0.1',
    port: oraclePort,
    user: 'postgres',
    database: 'postgres',
  })
  await postgres.connect()
  for (const client of [malamute, postgres]) {
    await client.query(BiTableDdl)
    await client.query(rows)
  }
})

after(async () => {
  await malamute?.end()
  await postgres?.end()
  await server?.close()
  if (oraclePort) await run('bash', [oracleScript, 'stop', String(oraclePort)])
})

interface Answer {
  readonly columns: readonly string[]
  readonly rows: readonly unknown[][]
}

async function answer(client: pg.Client, statement: BiStatement): Promise<Answer> {
  const result = await client.query({
    text: statement.sql,
    values: [...(statement.params ?? [])],
    rowMode: 'array',
    queryMode: 'extended',
  } as pg.QueryArrayConfig)
  return {
    columns: (result.fields ?? []).map((f) => `${f.name}:${f.dataTypeID}`),
    rows: result.rows,
  }
}

for (const statement of biStatements) {
  const options = statement.gap === undefined ? {} : { todo: statement.gap }
  test(`${statement.tool}: ${statement.what}`, options, async () => {
    const expected = await answer(postgres, statement)
    const got = await answer(malamute, statement)
    if (statement.command) return
    assert.deepEqual(got.columns, expected.columns, 'column names and type OIDs')
    if (statement.rows === 'same') assert.deepEqual(got.rows, expected.rows)
    else if (statement.rows === 'none') assert.deepEqual(got.rows, [])
    else assert.ok(got.rows.length > 0, 'some rows')
  })
}
