// The catalog clients read (pg_catalog, information_schema, SHOW, DISCARD, DEALLOCATE) against
// a real server: the captured client statements that work today keep working, and the
// virtual tables agree with what RowDescription says about a table's columns.

import assert from 'node:assert/strict'
import { runPsql } from './psql-client.js'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import {
  capturedClients,
  createEvents,
  readCaptured,
  replay,
  type ReplayResult,
} from './captured-statements.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

before(async () => {
  server = await startMalamute()
  client = await server.connect()
})

after(async () => {
  await server?.close()
})

/**
 * Captured statements (client: `#n` numbers) that succeed now, as PostgreSQL answered them.
 * Among them the catalog probes: odbc #2/#13 (pg_type 'lo'), #9/#10 (pg_class × pg_namespace),
 * #6/#15 (DEALLOCATE), sqlalchemy #2 (hstore in pg_type JOIN pg_namespace), #17, #20, #59, #62,
 * pgcli #4 (pg_namespace), #11 (pg_database); psql's \dt (#2), \l (#11), \dn (#12) and the
 * first queries of \d (#3, #4: OPERATOR(pg_catalog.~), COLLATE, reg* casts), pgjdbc's
 * getTables (#22: 'pg_class'::regclass), getSchemas (#24: current_schemas(true)[1]), pgcli's `relkind = ANY($1)` (#5, #8).
 * \d's column list (psql #5) and pgcli #10, #16: correlated scalar subqueries on several keys;
 * node #11: generate_series in FROM. pgcli #7: a correlated subquery in a select-list unnest;
 * #12: `prorettype::regtype <> 'pg_catalog.trigger'::regtype`, `proallargtypes::regtype[]`.
 */
const workingNow: Readonly<Record<string, readonly number[]>> = {
  jdbc: [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 27, 28,
    29,
  ],
  node: [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 113, 115, 116, 117, 118],
  odbc: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  pgcli: [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
  psql: [1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16],
  psycopg2: [1, 2, 3, 4, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 30],
  psycopg3: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22],
  sqlalchemy: [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 27, 28, 29,
    40, 41, 42, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65,
    66, 67,
  ],
}

test('captured client statements that work keep working', async (t) => {
  const clients = capturedClients()
  if (clients.length === 0) {
    t.skip('../shared/clients/captured is not here')
    return
  }
  const options = {
    host: server.host,
    port: server.port,
    user: server.user,
    database: 'compat',
  }
  const eventsOid = await createEvents(options)
  const results = await replay(
    clients.flatMap((c) => readCaptured(c)),
    options,
    eventsOid,
  )
  const byKey = new Map<string, ReplayResult>(
    results.map((r) => [`${r.statement.client} #${r.statement.number}`, r]),
  )
  const broken: string[] = []
  for (const [clientName, numbers] of Object.entries(workingNow)) {
    for (const number of numbers) {
      const result = byKey.get(`${clientName} #${number}`)
      if (result?.outcome !== 'ok')
        broken.push(`${clientName} #${number}: ${result?.detail ?? 'missing'}`)
    }
  }
  assert.deepEqual(broken, [])
})

test('pg_class and pg_attribute agree with RowDescription', async () => {
  await client.query('CREATE TABLE catalog_probe (ts timestamptz, service text, n int8)')
  const probe = await client.query('SELECT * FROM catalog_probe')
  const tableOid = probe.fields[0]?.tableID
  assert.ok(tableOid !== undefined && tableOid > 0)
  const classRow = await client.query(
    `SELECT c.relname, c.relkind, c.relnatts, n.nspname
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
    [tableOid],
  )
  assert.deepEqual(classRow.rows, [
    { relname: 'catalog_probe', relkind: 'r', relnatts: 3, nspname: 'public' },
  ])
  const attributes = await client.query(
    `SELECT a.attname, a.attnum, t.typname FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1 ORDER BY a.attnum`,
    [tableOid],
  )
  const described = probe.fields.map((f) => ({ attname: f.name, attnum: f.columnID }))
  assert.deepEqual(
    attributes.rows.map((r: { attname: string; attnum: number }) => ({
      attname: r.attname,
      attnum: r.attnum,
    })),
    described,
  )
  assert.deepEqual(
    attributes.rows.map((r: { typname: string }) => r.typname),
    ['timestamptz', 'text', 'int8'],
  )
})

test('information_schema.columns spells types as PostgreSQL does', async () => {
  await client.query('CREATE TABLE info_probe (ts timestamptz, flag boolean, v varchar)')
  const result = await client.query(
    `SELECT column_name, data_type, ordinal_position FROM information_schema.columns
      WHERE table_name = 'info_probe' ORDER BY ordinal_position`,
  )
  assert.deepEqual(result.rows, [
    { column_name: 'ts', data_type: 'timestamp with time zone', ordinal_position: 1 },
    { column_name: 'flag', data_type: 'boolean', ordinal_position: 2 },
    { column_name: 'v', data_type: 'character varying', ordinal_position: 3 },
  ])
})

test('SHOW ALL, SHOW TRANSACTION ISOLATION LEVEL and pg_settings', async () => {
  const all = await client.query('SHOW ALL')
  assert.deepEqual(
    all.fields.map((f) => f.name),
    ['name', 'setting', 'description'],
  )
  const conforming = all.rows.find(
    (r: { name: string }) => r.name === 'standard_conforming_strings',
  ) as { setting: string } | undefined
  assert.equal(conforming?.setting, 'on')
  const isolation = await client.query('SHOW TRANSACTION ISOLATION LEVEL')
  assert.deepEqual(isolation.rows, [{ transaction_isolation: 'read committed' }])
  await client.query("SET application_name = 'catalog-test'")
  const setting = await client.query(
    "SELECT setting, source FROM pg_settings WHERE name = 'application_name'",
  )
  assert.deepEqual(setting.rows, [{ setting: 'catalog-test', source: 'session' }])
})

test('DEALLOCATE drops a named statement; DISCARD ALL drops them all', async () => {
  await client.query({ name: 'catalog_named', text: 'SELECT 1 AS one' })
  const dropped = await client.query('DEALLOCATE PREPARE catalog_named')
  assert.equal(dropped.command, 'DEALLOCATE')
  await assert.rejects(client.query('DEALLOCATE catalog_named'), { code: '26000' })
  const discarded = await client.query('DISCARD ALL')
  assert.equal(discarded.command, 'DISCARD')
})

test('catalog relations are read-only', async () => {
  await assert.rejects(client.query("INSERT INTO pg_namespace (nspname) VALUES ('x')"), {
    code: '42501',
  })
})

/** Runs psql's backslash commands (aligned output, as a user sees it) and returns stdout. */
async function psqlCommands(commands: readonly string[]): Promise<string> {
  const args = ['-X', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((command) => ['-c', command])]
  const { code, stdout, stderr } = await runPsql(server, args)
  assert.equal(code, 0, `psql exited with ${code}: ${stderr}`)
  return stdout
}

/** The data rows of psql's aligned table output, cells trimmed. */
function tableRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.includes('|') && !/^\s*(Schema|Name)\s*\|/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()))
}

test("psql's \\dt, \\l and \\dn list the tables, the database and the schema", async () => {
  await client.query('CREATE TABLE psql_listed (ts timestamptz, service text)')
  const tables = tableRows(await psqlCommands(['\\dt']))
  assert.ok(
    tables.some((r) => r[0] === 'public' && r[1] === 'psql_listed' && r[2] === 'table'),
    JSON.stringify(tables),
  )
  assert.ok(tables.every((r) => r[0] === 'public'))
  const databases = tableRows(await psqlCommands(['\\l']))
  assert.deepEqual(
    databases.map((r) => [r[0], r[2]]),
    [[server.database, 'UTF8']],
  )
  // malamute holds the system views (malamute.tables, .segments, ...), as a schema of its own.
  const schemas = tableRows(await psqlCommands(['\\dn']))
  assert.deepEqual(
    schemas.map((r) => r[0]),
    ['malamute', 'public'],
  )
})

test("psql's \\d describes a table with array columns", async () => {
  await client.query('CREATE TABLE psql_arrays (id int4, tags text[], nums bigint[])')
  const described = tableRows(await psqlCommands(['\\d psql_arrays']))
  assert.deepEqual(
    described.map((r) => r.slice(0, 2)),
    [
      ['Column', 'Type'],
      ['id', 'integer'],
      ['tags', 'text[]'],
      ['nums', 'bigint[]'],
    ],
  )
})
