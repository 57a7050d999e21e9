// Name and type resolution as PostgreSQL does it: literal types, numeric widening, unknown
// literals and parameters taking their context's type, output column names and table OIDs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Expr, PhysicalPlan } from '../executor/plan.js'
import { describeStatement, planStatement } from './index.js'
import { eventsContext } from './testing/fixtures.js'

async function fieldsOf(sql: string): Promise<[string, string][]> {
  const { fields } = await describeStatement(sql, [], eventsContext())
  return (fields ?? []).map((f) => [f.name, f.type])
}

async function planOf(
  sql: string,
  params: readonly (string | number | null)[] = [],
): Promise<PhysicalPlan> {
  const statement = await planStatement(sql, params, [], eventsContext())
  assert.equal(statement.kind, 'query')
  return statement.kind === 'query' ? statement.plan : assert.fail('not a query')
}

test('literal types and output names follow PostgreSQL', async () => {
  assert.deepEqual(
    await fieldsOf("SELECT 1, 3000000000, 99999999999999999999, 1.5, 'x', NULL, true"),
    [
      ['?column?', 'int4'],
      ['?column?', 'int8'],
      ['?column?', 'numeric'],
      ['?column?', 'numeric'],
      ['?column?', 'text'],
      ['?column?', 'text'],
      ['bool', 'bool'],
    ],
  )
  assert.deepEqual(
    await fieldsOf(
      "SELECT CAST(1 AS int8), 1::text, timestamptz '2024-01-01', status::text, CASE WHEN true THEN 1 END, now() FROM events",
    ),
    [
      ['int8', 'int8'],
      ['text', 'text'],
      ['timestamptz', 'timestamptz'],
      ['status', 'text'],
      ['case', 'int4'],
      ['now', 'timestamptz'],
    ],
  )
})

test('numbers widen along int2 < int4 < int8 < numeric < float4 < float8', async () => {
  assert.deepEqual(
    await fieldsOf(
      'SELECT 1 + 1.5, status + bytes, bytes + duration, 1.5 * duration, -status, 7 % 2 FROM events',
    ),
    [
      ['?column?', 'numeric'],
      ['?column?', 'int8'],
      ['?column?', 'float8'],
      ['?column?', 'float8'],
      ['?column?', 'int4'],
      ['?column?', 'int4'],
    ],
  )
  assert.deepEqual(
    await fieldsOf(
      'SELECT coalesce(status, 2.5), greatest(1, bytes), round(1), abs(status) FROM events',
    ),
    [
      ['coalesce', 'numeric'],
      ['greatest', 'int8'],
      ['round', 'float8'],
      ['abs', 'int4'],
    ],
  )
})

test('aggregates take their signatures result types and names', async () => {
  assert.deepEqual(
    await fieldsOf(
      'SELECT count(*), count(service), sum(status), sum(bytes), avg(status), avg(duration), min(service), max(ts) FROM events',
    ),
    [
      ['count', 'int8'],
      ['count', 'int8'],
      ['sum', 'int8'],
      ['sum', 'numeric'],
      ['avg', 'numeric'],
      ['avg', 'float8'],
      ['min', 'text'],
      ['max', 'timestamptz'],
    ],
  )
})

test('plain column refs carry table oid and attnum; aliases rename; quoted names keep case', async () => {
  const ctx = eventsContext()
  const { fields } = await describeStatement(
    'SELECT "http.method", status AS code, status + 1 FROM events',
    [],
    ctx,
  )
  const table = await ctx.catalog.getTable('acme', 'events')
  assert.deepEqual(fields, [
    { name: 'http.method', type: 'text', tableOid: table?.oid, columnNumber: 6 },
    { name: 'code', type: 'int4', tableOid: table?.oid, columnNumber: 3 },
    { name: '?column?', type: 'int4', tableOid: 0, columnNumber: 0 },
  ])
  assert.deepEqual(await fieldsOf('SELECT * FROM events'), [
    ['ts', 'timestamptz'],
    ['service', 'text'],
    ['status', 'int4'],
    ['duration', 'float8'],
    ['bytes', 'int8'],
    ['http.method', 'text'],
  ])
  assert.deepEqual(await fieldsOf('SELECT e.status, E.SERVICE FROM events AS e'), [
    ['status', 'int4'],
    ['service', 'text'],
  ])
})

test('unknown parameters take their context type, text otherwise', async () => {
  const ctx = eventsContext()
  const described = await describeStatement(
    'SELECT $4 FROM events WHERE status = $1 AND duration > $2 LIMIT $3',
    [],
    ctx,
  )
  assert.deepEqual(described.paramTypes, ['int4', 'float8', 'int8', 'text'])
  const given = await describeStatement('SELECT $1 + 1', ['int8'], ctx)
  assert.deepEqual(given.paramTypes, ['int8'])
  assert.deepEqual(
    given.fields?.map((f) => f.type),
    ['int8'],
  )
})

test('text-format parameter values are read as the parameter type', async () => {
  const limited = await planOf('SELECT service FROM events WHERE status = $1 LIMIT $2', [
    '404',
    '10',
  ])
  assert.equal(limited.kind, 'limit')
  const plan = limited.kind === 'limit' ? limited.input : limited
  assert.equal(plan.kind, 'scan')
  if (plan.kind !== 'scan') return
  const filter = plan.pipeline.filter
  assert.deepEqual(filter?.kind === 'call' ? filter.args[1] : null, {
    kind: 'literal',
    value: 404,
    type: 'int4',
  })
  assert.equal(plan.pipeline.limit, 10)
})

test('IN, BETWEEN, LIKE, IS DISTINCT FROM and CASE bind to registry calls', async () => {
  const plan = await planOf(
    "SELECT CASE status WHEN 200 THEN 'ok' ELSE 'bad' END FROM events WHERE status IN (200, 404) AND duration BETWEEN 1 AND 2 AND service NOT LIKE 'a%' AND bytes IS DISTINCT FROM 3 AND service IS NOT NULL",
  )
  assert.equal(plan.kind, 'scan')
  if (plan.kind !== 'scan') return
  const fns: string[] = []
  const walk = (e: Expr): void => {
    if (e.kind === 'call') {
      fns.push(e.fn)
      e.args.forEach(walk)
    }
    if (e.kind === 'in-list') fns.push(`in-list:${e.values.join(',')}`)
  }
  if (plan.pipeline.filter !== null) walk(plan.pipeline.filter)
  assert.deepEqual(
    fns.filter((f) => f !== 'and'),
    ['in-list:200,404', 'ge', 'le', 'not_like', 'is_distinct_from', 'is_not_null'],
  )
  const project = plan.pipeline.project?.[0]
  assert.equal(project?.kind, 'case')
  assert.equal(project?.type, 'text')
})
