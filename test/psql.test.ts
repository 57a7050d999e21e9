// psql, the reference client, against a real server: DDL, 10,000 rows in multi-row INSERTs of
// 1,000, then aggregates whose answers the test computes itself.

import assert from 'node:assert/strict'
import { psqlScriptArgs, runPsql } from './psql-client.js'
import { after, before, test } from 'node:test'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

const rowCount = 10_000
const rowsPerInsert = 1_000
const groupCount = 7

interface Row {
  readonly id: number
  readonly grp: string
  readonly v: number
  readonly ok: boolean
}

function makeRows(): Row[] {
  return Array.from({ length: rowCount }, (_, index) => {
    const id = index + 1
    return { id, grp: `g${id % groupCount}`, v: (id * 37) % 1000, ok: id % 3 === 0 }
  })
}

/** Runs SQL through psql (unaligned, tuples only, `|`-separated) and returns its stdout. */
async function psql(server: MalamuteServer, sql: string): Promise<string> {
  const { code, stdout, stderr } = await runPsql(server, psqlScriptArgs, sql)
  assert.equal(code, 0, `psql exited with ${code}: ${stderr}\nserver log:\n${server.log}`)
  return stdout
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '')
}

let server: MalamuteServer
const rows = makeRows()

before(async () => {
  server = await startMalamute()
})

after(async () => {
  await server?.close()
})

test('psql creates a table and inserts 10,000 rows in statements of 1,000', async () => {
  const statements = ['CREATE TABLE psql_events (id int8, grp text, v int8, ok boolean);']
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    const values = rows
      .slice(start, start + rowsPerInsert)
      .map((row) => `(${row.id}, '${row.grp}', ${row.v}, ${row.ok})`)
    statements.push(`INSERT INTO psql_events VALUES ${values.join(', ')};`)
  }
  await psql(server, statements.join('\n'))
  assert.deepEqual(lines(await psql(server, 'SELECT count(*) FROM psql_events;')), [
    String(rowCount),
  ])
})

test('psql reads count, sum, min and max over all rows', async () => {
  const sum = rows.reduce((total, row) => total + row.v, 0)
  const min = Math.min(...rows.map((row) => row.v))
  const max = Math.max(...rows.map((row) => row.v))
  const sql = 'SELECT count(*), sum(v), min(v), max(v), sum(id) FROM psql_events;'
  const output = await psql(server, sql)
  const idSum = (rowCount * (rowCount + 1)) / 2
  assert.deepEqual(lines(output), [`${rowCount}|${sum}|${min}|${max}|${idSum}`])
})

test('psql reads GROUP BY answers', async () => {
  const expected = new Map<string, { count: number; sum: number }>()
  for (const row of rows) {
    const group = expected.get(row.grp) ?? { count: 0, sum: 0 }
    expected.set(row.grp, { count: group.count + 1, sum: group.sum + row.v })
  }
  const expectedLines = [...expected.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([grp, { count, sum }]) => `${grp}|${count}|${sum}`)
  const output = await psql(
    server,
    'SELECT grp, count(*), sum(v) FROM psql_events GROUP BY grp ORDER BY grp;',
  )
  assert.deepEqual(lines(output), expectedLines)
})

test('psql reads count(*) FILTER (WHERE …)', async () => {
  const okCount = rows.filter((row) => row.ok).length
  const bigCount = rows.filter((row) => row.v > 500).length
  const bothCount = rows.filter((row) => row.ok && row.v > 500 && row.grp === 'g1').length
  const sql =
    'SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE v > 500), ' +
    "count(*) FILTER (WHERE ok AND v > 500 AND grp = 'g1') FROM psql_events;"
  assert.deepEqual(lines(await psql(server, sql)), [`${okCount}|${bigCount}|${bothCount}`])
})

test('psql reports a failed statement and exits non-zero with ON_ERROR_STOP', async () => {
  await assert.rejects(psql(server, 'SELECT * FROM psql_no_such_table;'), /psql exited with 3/)
})
