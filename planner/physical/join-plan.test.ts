// Plan shapes of joins: equi conjuncts become hash keys (from ON and from WHERE of a comma
// join), single-table WHERE conjuncts sink into the scans (and prune segments) unless an
// outer join NULL-extends that side, and each scan reads only the columns used.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { JoinPlan, PhysicalPlan, ScanPlan } from '../../executor/plan.js'
import { describeStatement, planStatement } from '../index.js'
import { eventsContext } from '../testing/fixtures.js'

async function queryPlan(sql: string): Promise<PhysicalPlan> {
  const ctx = eventsContext()
  ctx.catalog.addTable(
    'acme',
    'services',
    [
      { name: 'service', type: 'text' },
      { name: 'team', type: 'text' },
    ],
    null,
  )
  const statement = await planStatement(sql, [], [], ctx)
  return statement.kind === 'query' ? statement.plan : assert.fail(`not a query: ${statement.kind}`)
}

function find<K extends PhysicalPlan['kind']>(
  node: PhysicalPlan,
  kind: K,
): Extract<PhysicalPlan, { kind: K }>[] {
  const here = node.kind === kind ? [node as Extract<PhysicalPlan, { kind: K }>] : []
  switch (node.kind) {
    case 'scan':
    case 'values':
    case 'batches':
      return here
    case 'join':
      return [...here, ...find(node.left, kind), ...find(node.right, kind)]
    default:
      return [...here, ...find(node.input, kind)]
  }
}

const onlyJoin = (plan: PhysicalPlan): JoinPlan => {
  const joins = find(plan, 'join')
  assert.equal(joins.length, 1)
  return joins[0]!
}
const scans = (plan: PhysicalPlan): ScanPlan[] => find(plan, 'scan')

test('a comma join with an equality in WHERE is a hash join; one-table conjuncts sink', async () => {
  const plan = await queryPlan(
    "SELECT e.status, s.team FROM events e, services s WHERE e.service = s.service AND s.team = 'db' AND e.ts >= '2024-01-03'",
  )
  const join = onlyJoin(plan)
  assert.equal(join.joinType, 'inner')
  assert.equal(join.leftKeys.length, 1)
  assert.equal(join.residual, null)
  const [events, services] = scans(plan)
  assert.deepEqual(
    events?.columns.map((c) => c.name),
    ['ts', 'service', 'status'],
  )
  assert.deepEqual(
    events?.segments.map((s) => s.segmentId),
    ['d3'],
  )
  assert.notEqual(events?.pipeline.filter, null)
  assert.notEqual(services?.pipeline.filter, null)
})

test('WHERE on the NULL-extended side of a LEFT JOIN stays above the join', async () => {
  const plan = await queryPlan(
    'SELECT e.status FROM events e LEFT JOIN services s ON e.service = s.service WHERE s.team IS NULL AND e.status = 500',
  )
  assert.equal(plan.kind, 'project')
  const filter = plan.kind === 'project' ? plan.input : plan
  assert.equal(filter.kind, 'filter')
  const join = onlyJoin(plan)
  assert.equal(join.joinType, 'left')
  const [events, services] = scans(plan)
  assert.notEqual(events?.pipeline.filter, null)
  assert.equal(services?.pipeline.filter, null)
})

test('non-equi and cross joins are nested loops', async () => {
  const nonEqui = onlyJoin(
    await queryPlan('SELECT 1 FROM events e JOIN services s ON e.service < s.service'),
  )
  assert.equal(nonEqui.leftKeys.length, 0)
  assert.notEqual(nonEqui.residual, null)
  const cross = onlyJoin(await queryPlan('SELECT count(*) FROM events CROSS JOIN services'))
  assert.equal(cross.leftKeys.length, 0)
  assert.equal(cross.residual, null)
})

test('names resolve as PostgreSQL resolves them', async () => {
  const ctx = eventsContext()
  ctx.catalog.addTable(
    'acme',
    'services',
    [
      { name: 'service', type: 'text' },
      { name: 'team', type: 'text' },
    ],
    null,
  )
  const fields = async (sql: string): Promise<string[]> =>
    ((await describeStatement(sql, [], ctx)).fields ?? []).map((f) => f.name)
  assert.deepEqual(await fields('SELECT * FROM events e JOIN services USING (service)'), [
    'service',
    'ts',
    'status',
    'duration',
    'bytes',
    'http.method',
    'team',
  ])
  assert.deepEqual(await fields('SELECT s.* FROM events, services s'), ['service', 'team'])
  await assert.rejects(fields('SELECT service FROM events, services'), {
    code: '42702',
    message: 'column reference "service" is ambiguous',
  })
  await assert.rejects(fields('SELECT events.status FROM events e'), {
    code: '42P01',
    message: 'missing FROM-clause entry for table "events"',
  })
})
