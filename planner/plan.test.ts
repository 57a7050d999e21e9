// Plan shapes: the optimizer rules happen (time pruning, projection and filter pushdown,
// partial/final aggregate split, top-k, limit pushdown) and statements plan to what the
// executor runs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ExecutableStatement, PhysicalPlan, ScanPlan } from '../executor/plan.js'
import { planStatement } from './index.js'
import { day, eventsContext } from './testing/fixtures.js'

async function plan(sql: string): Promise<ExecutableStatement> {
  return planStatement(sql, [], [], eventsContext())
}

async function queryPlan(sql: string): Promise<PhysicalPlan> {
  const statement = await plan(sql)
  return statement.kind === 'query' ? statement.plan : assert.fail(`not a query: ${statement.kind}`)
}

/** The operator kinds from the top down to the scan or values leaf. */
function shape(node: PhysicalPlan): string[] {
  switch (node.kind) {
    case 'scan':
    case 'values':
    case 'batches':
      return [node.kind]
    case 'filter':
    case 'project':
    case 'aggregate':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'window':
    case 'partition-top-k':
    case 'unnest':
      return [
        node.kind === 'aggregate' ? `aggregate(${node.mode})` : node.kind,
        ...shape(node.input),
      ]
    case 'join':
      return [`join(${node.joinType})`, ...shape(node.left), ...shape(node.right)]
  }
}

function scanOf(node: PhysicalPlan): ScanPlan {
  if (node.kind === 'scan') return node
  if (node.kind === 'values' || node.kind === 'batches') return assert.fail('no scan')
  if (node.kind === 'join') return scanOf(node.left)
  return scanOf(node.input)
}

test('time conjuncts prune segments; only referenced columns are read', async () => {
  const scan = scanOf(
    await queryPlan(
      "SELECT service FROM events WHERE ts >= '2024-01-02' AND ts < '2024-01-03' AND status = 500",
    ),
  )
  assert.deepEqual(
    scan.segments.map((s) => s.segmentId),
    ['d2'],
  )
  assert.deepEqual(
    scan.columns.map((c) => c.name),
    ['ts', 'service', 'status'],
  )
  assert.equal(scan.pipeline.filter?.kind, 'call')
  assert.deepEqual(scan.pipeline.project, [{ kind: 'column', index: 1, type: 'text' }])
})

test('BETWEEN, equality and constants on the left prune too; other predicates keep every segment', async () => {
  const between = scanOf(
    await queryPlan(
      "SELECT 1 FROM events WHERE ts BETWEEN '2024-01-01 12:00:00+00' AND '2024-01-02T01:00:00Z'",
    ),
  )
  assert.deepEqual(
    between.segments.map((s) => s.segmentId),
    ['d1', 'd2'],
  )
  const flipped = scanOf(
    await queryPlan(`SELECT 1 FROM events WHERE timestamptz '2024-01-03' <= ts`),
  )
  assert.deepEqual(
    flipped.segments.map((s) => s.segmentId),
    ['d3'],
  )
  const equal = scanOf(await queryPlan(`SELECT 1 FROM events WHERE ts = '2024-01-01 05:00'`))
  assert.deepEqual(
    equal.segments.map((s) => s.segmentId),
    ['d1'],
  )
  const disjunction = scanOf(
    await queryPlan(`SELECT 1 FROM events WHERE ts < '2024-01-02' OR status = 1`),
  )
  assert.equal(disjunction.segments.length, 3)
  assert.equal(day(1), disjunction.segments[0]?.minTs)
})

test('aggregation splits into a partial aggregate in the scan and a final one above it', async () => {
  const root = await queryPlan(
    'SELECT service, count(*) AS n FROM events GROUP BY service HAVING count(*) > 1 ORDER BY n DESC LIMIT 3',
  )
  assert.deepEqual(shape(root), ['limit', 'sort', 'project', 'filter', 'aggregate(final)', 'scan'])
  const scan = scanOf(root)
  assert.deepEqual(
    scan.columns.map((c) => c.name),
    ['service'],
  )
  assert.deepEqual(scan.pipeline.partialAggregate?.groupBy, [
    { kind: 'column', index: 0, type: 'text' },
  ])
  assert.equal(root.kind === 'limit' && root.input.kind === 'sort' ? root.input.limit : null, 3)
})

test('DISTINCT aggregates aggregate in one pass over the scanned rows', async () => {
  const root = await queryPlan('SELECT count(DISTINCT service) FROM events')
  assert.deepEqual(shape(root), ['project', 'aggregate(single)', 'scan'])
  assert.equal(scanOf(root).pipeline.partialAggregate, null)
})

test('LIMIT without ORDER BY is pushed into the scan; with ORDER BY it becomes a top-k sort', async () => {
  const pushed = await queryPlan('SELECT status FROM events LIMIT 5 OFFSET 2')
  assert.deepEqual(shape(pushed), ['limit', 'scan'])
  assert.equal(scanOf(pushed).pipeline.limit, 7)
  const topK = await queryPlan(
    'SELECT status FROM events ORDER BY duration DESC NULLS LAST LIMIT 5',
  )
  assert.deepEqual(shape(topK), ['project', 'limit', 'sort', 'scan'])
  if (topK.kind === 'project' && topK.input.kind === 'limit' && topK.input.input.kind === 'sort') {
    assert.deepEqual(topK.input.input.keys, [
      { expr: { kind: 'column', index: 1, type: 'float8' }, descending: true, nullsFirst: false },
    ])
    assert.equal(topK.input.input.limit, 5)
  }
  assert.equal(scanOf(topK).pipeline.limit, null)
})

test('DISTINCT, ORDER BY ordinals and aliases', async () => {
  const root = await queryPlan(
    'SELECT DISTINCT service AS s, status FROM events ORDER BY s, 2 DESC',
  )
  assert.deepEqual(shape(root), ['sort', 'distinct', 'scan'])
  if (root.kind === 'sort') {
    assert.deepEqual(
      root.keys.map((k) => [k.expr, k.descending, k.nullsFirst]),
      [
        [{ kind: 'column', index: 0, type: 'text' }, false, false],
        [{ kind: 'column', index: 1, type: 'int4' }, true, true],
      ],
    )
  }
})

test('SELECT without FROM is one row of values', async () => {
  const root = await queryPlan("SELECT 1 + 2 AS three, upper('a')")
  assert.equal(root.kind, 'values')
  if (root.kind === 'values')
    assert.deepEqual(root.fields, [
      { name: 'three', type: 'int4' },
      { name: 'upper', type: 'text' },
    ])
  assert.deepEqual(shape(await queryPlan('SELECT count(*)')), [
    'project',
    'aggregate(single)',
    'values',
  ])
})

test('INSERT VALUES casts to the column types by assignment; unlisted columns are left out', async () => {
  const statement = await plan(
    "INSERT INTO events (status, duration, ts) VALUES (1, 2, '2024-01-01'), ('3', 4.5, NULL)",
  )
  assert.equal(statement.kind, 'insert')
  if (statement.kind !== 'insert') return
  assert.deepEqual(statement.columns, [
    { name: 'status', type: 'int4' },
    { name: 'duration', type: 'float8' },
    { name: 'ts', type: 'timestamptz' },
  ])
  assert.equal(statement.source.kind, 'values')
  if (statement.source.kind !== 'values') return
  assert.deepEqual(statement.source.rows, [
    [
      { kind: 'literal', value: 1, type: 'int4' },
      { kind: 'literal', value: 2, type: 'float8' },
      { kind: 'literal', value: day(1), type: 'timestamptz' },
    ],
    [
      { kind: 'literal', value: 3, type: 'int4' },
      { kind: 'literal', value: 4.5, type: 'float8' },
      { kind: 'literal', value: null, type: 'timestamptz' },
    ],
  ])
})

test('INSERT SELECT projects casts over the query', async () => {
  const statement = await plan(
    'INSERT INTO events (status, service) SELECT bytes, status FROM events',
  )
  assert.equal(statement.kind, 'insert')
  if (statement.kind !== 'insert') return
  assert.equal(statement.source.kind, 'project')
  if (statement.source.kind !== 'project') return
  assert.deepEqual(statement.source.exprs, [
    { kind: 'cast', arg: { kind: 'column', index: 0, type: 'int8' }, type: 'int4' },
    { kind: 'cast', arg: { kind: 'column', index: 1, type: 'int4' }, type: 'text' },
  ])
})

test('DDL and utility statements', async () => {
  assert.deepEqual(
    await plan(
      'CREATE TABLE IF NOT EXISTS logs (ts timestamptz, "Level" text, n double precision)',
    ),
    {
      kind: 'create-table',
      tenant: 'acme',
      table: 'logs',
      ifNotExists: true,
      columns: [
        { name: 'ts', type: 'timestamptz' },
        { name: 'Level', type: 'text' },
        { name: 'n', type: 'float8' },
      ],
    },
  )
  assert.deepEqual(await plan('CREATE TABLE empty ()'), {
    kind: 'create-table',
    tenant: 'acme',
    table: 'empty',
    ifNotExists: false,
    columns: [],
  })
  assert.deepEqual(await plan('DROP TABLE IF EXISTS nope, events'), {
    kind: 'drop-table',
    tenant: 'acme',
    tables: ['nope', 'events'],
    ifExists: true,
  })
  assert.deepEqual(await plan('BEGIN'), { kind: 'transaction', action: 'begin' })
  assert.deepEqual(await plan('START TRANSACTION ISOLATION LEVEL REPEATABLE READ'), {
    kind: 'transaction',
    action: 'begin',
  })
  assert.deepEqual(await plan('END'), { kind: 'transaction', action: 'commit' })
  assert.deepEqual(await plan('ROLLBACK WORK'), { kind: 'transaction', action: 'rollback' })
  assert.deepEqual(await plan("SET SESSION timezone TO 'UTC'"), {
    kind: 'set',
    name: 'timezone',
    value: 'UTC',
    local: false,
  })
  assert.deepEqual(await plan('SET LOCAL statement_timeout = 5000'), {
    kind: 'set',
    name: 'statement_timeout',
    value: '5000',
    local: true,
  })
  assert.deepEqual(await plan("SET TIME ZONE 'Europe/Paris'"), {
    kind: 'set',
    name: 'timezone',
    value: 'Europe/Paris',
    local: false,
  })
  assert.deepEqual(await plan('SHOW server_version'), { kind: 'show', name: 'server_version' })
  assert.deepEqual(await plan('  -- nothing\n'), { kind: 'empty' })
})
