import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Field, SqlType } from '../../common/index.js'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import type { AggregateCall, Expr, ScalarValue, SegmentRef } from '../../executor/plan.js'
import type { ColumnStats } from '../../storage/api.js'
import { answerFromMetadata, pruneByStats } from './stats-rules.js'

const columns: Field[] = [
  { name: 'ts', type: 'timestamptz' },
  { name: 'service', type: 'text' },
  { name: 'status', type: 'int4' },
]
const column = (index: number): Expr => ({ kind: 'column', index, type: columns[index]!.type })
const literal = (value: ScalarValue, type: SqlType): Expr => ({ kind: 'literal', value, type })
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: 'call', fn, args, type: 'bool' })
const aggregate = (fn: string, arg: number | null, type: SqlType): AggregateCall => ({
  fn,
  args: arg === null ? [] : [column(arg)],
  distinct: false,
  filter: null,
  type,
})

function segment(
  id: string,
  rows: number,
  ts: [number, number],
  service: [string | null, string | null, number],
  status: [number | null, number | null, number] | null,
): SegmentRef {
  const stats: ColumnStats[] = [
    { name: 'ts', type: 'timestamptz', nullCount: 0, min: ts[0], max: ts[1] },
    { name: 'service', type: 'text', nullCount: service[2], min: service[0], max: service[1] },
  ]
  if (status !== null)
    stats.push({
      name: 'status',
      type: 'int4',
      nullCount: status[2],
      min: status[0],
      max: status[1],
    })
  return { segmentId: id, blobKey: `${id}.seg`, rows, minTs: ts[0], maxTs: ts[1], columns: stats }
}

const segments = [
  segment('s1', 10, [100, 199], ['api', 'web', 0], [200, 500, 0]),
  segment('s2', 20, [200, 299], ['db', 'db', 5], [200, 404, 2]),
  segment('s3', 30, [300, 399], [null, null, 30], [null, null, 30]),
]

function answer(
  aggregates: AggregateCall[],
  where: Expr | null,
  from = segments,
): ScalarValue[] | null {
  const plan = answerFromMetadata(aggregates, where, from, columns)
  if (plan === null) return null
  const batch = plan.batches[0]!
  return batch.columns.map((vector) => scalarAt(vector, 0))
}

test('segments whose stats exclude a conjunct on any column are pruned', () => {
  const ids = (where: Expr) => pruneByStats(segments, where, columns).map((s) => s.segmentId)
  assert.deepEqual(ids(call('ge', column(2), literal(500, 'int4'))), ['s1'])
  assert.deepEqual(ids(call('eq', column(1), literal('db', 'text'))), ['s1', 's2'])
  assert.deepEqual(ids(call('gt', column(1), literal('x', 'text'))), [])
  assert.deepEqual(ids(call('lt', column(0), literal(200, 'timestamptz'))), ['s1'])
  // A segment without stats for the column is kept.
  const bare = { ...segments[0]!, segmentId: 'bare', columns: [] }
  assert.deepEqual(
    pruneByStats([bare], call('ge', column(2), literal(900, 'int4')), columns).map(
      (s) => s.segmentId,
    ),
    ['bare'],
  )
})

test('count(*), count(x), min and max come from stats exactly as a scan would answer', () => {
  const calls = [
    aggregate('count_star', null, 'int8'),
    aggregate('count', 2, 'int8'),
    aggregate('min', 2, 'int4'),
    aggregate('max', 1, 'text'),
    aggregate('min', 0, 'timestamptz'),
  ]
  assert.deepEqual(answer(calls, null), [60, 28, 200, 'web', 100])
  // No segments: count 0, min/max NULL, as PostgreSQL answers over an empty table.
  assert.deepEqual(answer(calls, null, []), [0, 0, null, null, null])
})

test('a WHERE must hold for every row of every segment left, else the scan runs', () => {
  const count = [aggregate('count_star', null, 'int8')]
  assert.deepEqual(
    answer(count, call('ge', column(0), literal(200, 'timestamptz')), segments.slice(1)),
    [50],
  )
  assert.equal(
    answer(count, call('ge', column(0), literal(250, 'timestamptz')), segments.slice(1)),
    null,
  )
  // status has NULLs in s2: `status >= 0` is not true for every row.
  assert.equal(answer(count, call('ge', column(2), literal(0, 'int4')), segments.slice(1, 2)), null)
  assert.equal(answer(count, call('ne', column(2), literal(0, 'int4'))), null)
})

test('unknown stats, DISTINCT and FILTER are left to the scan', () => {
  const noStatus = [segment('x', 5, [0, 1], ['a', 'b', 0], null)]
  assert.equal(answer([aggregate('max', 2, 'int4')], null, noStatus), null)
  assert.equal(answer([aggregate('count', 2, 'int8')], null, noStatus), null)
  // min NULL although the column has values: inconsistent stats, no answer.
  const odd = [segment('y', 5, [0, 1], ['a', 'b', 0], [null, null, 1])]
  assert.equal(answer([aggregate('min', 2, 'int4')], null, odd), null)
  assert.equal(answer([{ ...aggregate('count', 2, 'int8'), distinct: true }], null), null)
  const filtered = { ...aggregate('count_star', null, 'int8'), filter: literal(true, 'bool') }
  assert.equal(answer([filtered], null), null)
  assert.equal(answer([aggregate('sum', 2, 'int8')], null), null)
})
