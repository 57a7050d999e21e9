import assert from 'node:assert/strict'
import { test } from 'node:test'
import { scalarAt } from '../executor/expr/vector-builders.js'
import type { ExecutableStatement } from '../executor/plan.js'
import { splitExplain } from './explain.js'
import { describeStatement, planStatement } from './index.js'
import { eventsContext } from './testing/fixtures.js'

function planText(statement: ExecutableStatement): string[] {
  assert.equal(statement.kind, 'query')
  if (statement.kind !== 'query' || statement.plan.kind !== 'batches') return assert.fail('batches')
  const batch = statement.plan.batches[0]!
  return Array.from({ length: batch.length }, (_, row) => String(scalarAt(batch.columns[0]!, row)))
}

test('EXPLAIN [ANALYZE] [VERBOSE] is recognised by its prefix only', () => {
  assert.deepEqual(splitExplain('  explain analyze select 1'), {
    analyze: true,
    query: ' select 1',
  })
  assert.deepEqual(splitExplain('EXPLAIN VERBOSE SELECT 1'), { analyze: false, query: ' SELECT 1' })
  assert.equal(splitExplain('SELECT 1 AS explain'), null)
  assert.equal(splitExplain('explained'), null)
  assert.throws(() => splitExplain('EXPLAIN (ANALYZE) SELECT 1'), { code: '0A000' })
})

test('EXPLAIN answers one QUERY PLAN text column, one line per operator', async () => {
  const ctx = eventsContext()
  const statement = await planStatement(
    "EXPLAIN SELECT service, count(*) FROM events WHERE ts >= '2024-01-03' GROUP BY service ORDER BY 2 DESC LIMIT 5",
    [],
    [],
    ctx,
  )
  assert.deepEqual(
    statement.kind === 'query' ? statement.fields.map((f) => [f.name, f.type]) : [],
    [['QUERY PLAN', 'text']],
  )
  const lines = planText(statement)
  assert.deepEqual(
    lines.map(
      (line) =>
        line
          .trim()
          .replace(/^->\s+/, '')
          .split(' (')[0],
    ),
    ['Limit', 'Sort', 'Project', 'Aggregate', 'Scan events'],
  )
  assert.match(
    lines[4]!,
    /segments=3 read=1 pruned-by-time=2 pruned-by-stats=0 columns=\[ts, service\]/,
  )
  assert.match(lines[3]!, /mode=final/)
  assert.match(lines[1]!, /top-k=5/)
  const described = await describeStatement('EXPLAIN SELECT status FROM events', [], ctx)
  assert.deepEqual(
    described.fields?.map((f) => f.name),
    ['QUERY PLAN'],
  )
})

test('EXPLAIN ANALYZE hands the plan to the executor; EXPLAIN of a non-query is 0A000', async () => {
  const ctx = eventsContext()
  const statement = await planStatement(
    'EXPLAIN ANALYZE SELECT count(status) FROM events',
    [],
    [],
    ctx,
  )
  assert.equal(statement.kind === 'query' && statement.analyze, true)
  await assert.rejects(
    planStatement("EXPLAIN INSERT INTO events (service) VALUES ('a')", [], [], ctx),
    {
      code: '0A000',
    },
  )
})
