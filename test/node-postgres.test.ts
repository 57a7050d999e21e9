// node-postgres against a real server: the extended query protocol (Parse/Bind/Execute) with
// text and binary parameters, named prepared statements, and portals read in batches by
// pg-query-stream.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import QueryStream from 'pg-query-stream'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

before(async () => {
  server = await startMalamute()
  client = await server.connect()
})

after(async () => {
  await server?.close()
})

/** An int4 parameter in binary format: node-postgres sends Buffer values with format code 1. */
function int4Binary(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeInt32BE(value)
  return buffer
}

test('text parameters $1..$n with casts', async () => {
  const result = await client.query<{ total: number; label: string; flag: boolean }>(
    'SELECT $1::int4 + $2::int4 AS total, $3::text AS label, $4::boolean AS flag',
    [40, '2', 'hello', true],
  )
  assert.deepEqual(result.rows, [{ total: 42, label: 'hello', flag: true }])
})

test('a NULL parameter stays NULL', async () => {
  const result = await client.query<{ value: string | null }>('SELECT $1::text AS value', [null])
  assert.deepEqual(result.rows, [{ value: null }])
})

test('parameterised INSERT and SELECT', async () => {
  await client.query('CREATE TABLE np_people (id int4, name text, score float8, born timestamptz)')
  const people = [
    { id: 1, name: 'Ada', score: 9.5, born: '1815-12-10T00:00:00.000Z' },
    { id: 2, name: "O'Brien", score: -1.25, born: '1970-01-01T00:00:00.000Z' },
    { id: 3, name: 'Zoë', score: 0, born: '2024-02-29T12:34:56.789Z' },
  ]
  for (const person of people) {
    const values = [person.id, person.name, person.score, person.born]
    const inserted = await client.query('INSERT INTO np_people VALUES ($1, $2, $3, $4)', values)
    assert.equal(inserted.rowCount, 1)
  }
  const result = await client.query<{ id: number; name: string; score: number; born: Date }>(
    'SELECT id, name, score, born FROM np_people WHERE id >= $1 AND name <> $2 ORDER BY id',
    [2, 'nobody'],
  )
  assert.deepEqual(
    result.rows.map((row) => ({ ...row, born: row.born.toISOString() })),
    people.slice(1),
  )
  const byName = await client.query<{ id: number }>('SELECT id FROM np_people WHERE name = $1', [
    "O'Brien",
  ])
  assert.deepEqual(byName.rows, [{ id: 2 }])
})

test('binary int4 parameters through a named prepared statement, executed twice', async () => {
  const statement = { name: 'np-add-int4', text: 'SELECT $1::int4 + $2::int4 AS total' }
  const first = await client.query<{ total: number }>({
    ...statement,
    values: [int4Binary(40), int4Binary(2)],
  })
  assert.deepEqual(first.rows, [{ total: 42 }])
  const second = await client.query<{ total: number }>({
    ...statement,
    values: [int4Binary(-7), int4Binary(2_000_000_000)],
  })
  assert.deepEqual(second.rows, [{ total: 1_999_999_993 }])
})

test('binary int4 parameters filter a table, and binary results decode', async () => {
  await client.query('CREATE TABLE np_numbers (n int4)')
  await client.query('INSERT INTO np_numbers VALUES (1), (2), (3), (4), (5), (NULL)')
  // `binary` asks for binary result columns; node-postgres reads it, @types/pg omits it.
  const query: pg.QueryConfig & { binary: boolean } = {
    name: 'np-between',
    text: 'SELECT n FROM np_numbers WHERE n BETWEEN $1 AND $2 ORDER BY n',
    values: [int4Binary(2), int4Binary(4)],
    binary: true,
  }
  const result = await client.query<{ n: number }>(query)
  assert.deepEqual(result.rows, [{ n: 2 }, { n: 3 }, { n: 4 }])
})

test('pg-query-stream reads 20,000 rows through a portal', async () => {
  const rowCount = 20_000
  await client.query('CREATE TABLE np_stream (id int4, tag text)')
  for (let start = 0; start < rowCount; start += 1_000) {
    const values = Array.from({ length: 1_000 }, (_, offset) => {
      const id = start + offset + 1
      return `(${id}, 'tag-${id % 10}')`
    })
    await client.query(`INSERT INTO np_stream VALUES ${values.join(', ')}`)
  }
  const stream = client.query(
    new QueryStream('SELECT id, tag FROM np_stream WHERE id > $1 ORDER BY id', [0], {
      batchSize: 1_000,
    }),
  )
  let seen = 0
  let previousId = 0
  for await (const row of stream as AsyncIterable<{ id: number; tag: string }>) {
    seen += 1
    assert.equal(row.id, previousId + 1, 'rows arrive in order, none missing')
    assert.equal(row.tag, `tag-${row.id % 10}`)
    previousId = row.id
  }
  assert.equal(seen, rowCount)
  const after = await client.query<{ count: string }>('SELECT count(*) AS count FROM np_stream')
  assert.deepEqual(after.rows, [{ count: String(rowCount) }])
})
