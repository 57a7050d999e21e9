// Arrays over the wire with node-postgres: text results parse into JS arrays, parameters
// serialized by the driver read back, and binary results follow array_send byte for byte
// (ndim, has-NULL flag, element OID, length and lower bound, then each element).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { startMalamute } from './server-harness.js'
import type { MalamuteServer } from './server-harness.js'

let server: MalamuteServer
let client: pg.Client

before(async () => {
  server = await startMalamute()
  client = await server.connect()
  await client.query('CREATE TABLE np_arrays (id int4, tags text[], nums int8[], ts timestamptz[])')
  await client.query(
    `INSERT INTO np_arrays VALUES (1, '{a,"b c",NULL}', '{1,2}', '{"2024-01-01 00:00:00+00"}'),
       (2, '{}', NULL, '{}')`,
  )
})

after(async () => {
  await server?.close()
})

test('text-format arrays parse into JS arrays, RowDescription carries the array OIDs', async () => {
  const result = await client.query('SELECT id, tags, nums, ts FROM np_arrays ORDER BY id')
  assert.deepEqual(
    result.fields.map((f) => f.dataTypeID),
    [23, 1009, 1016, 1185],
  )
  assert.deepEqual(result.rows[0].tags, ['a', 'b c', null])
  assert.deepEqual(result.rows[0].nums, ['1', '2'])
  assert.equal((result.rows[0].ts as Date[])[0]?.toISOString(), '2024-01-01T00:00:00.000Z')
  assert.deepEqual(result.rows[1], { id: 2, tags: [], nums: null, ts: [] })
})

test('JS array parameters read back through $1::type[]', async () => {
  const result = await client.query(
    'SELECT $1::text[] AS t, $2::int4[] AS n, cardinality($2::int4[]) AS c, $3::text = ANY($1::text[]) AS member',
    [['x', 'y "z"', null], [3, 4, 5], 'x'],
  )
  assert.deepEqual(result.rows, [{ t: ['x', 'y "z"', null], n: [3, 4, 5], c: 3, member: true }])
})

test('binary-format arrays decode with node-postgres binary parsers', async () => {
  // (byte-exact array_send is asserted in gateway/types/binary-formats.test.ts)
  const query: pg.QueryConfig & { binary: boolean } = {
    // A parameter makes node-postgres use the extended protocol, where `binary` applies.
    // (pg-types' binary array reader mishandles NULL, negative and large elements: small ones only)
    text: 'SELECT ARRAY[$1::int4, 8, 9]::int4[] AS a, tags FROM np_arrays WHERE id = 2',
    values: ['7'],
    binary: true,
  }
  const result = await client.query(query)
  assert.deepEqual(result.rows, [{ a: [7, 8, 9], tags: [] }])
})
