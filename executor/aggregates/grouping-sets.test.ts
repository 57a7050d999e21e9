import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr } from '../plan.js'
import { GroupedAggregation } from './grouped-aggregation.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const setIndexKey: Expr = { kind: 'literal', value: 'grouping set', type: 'int4' }
const aggregate = (fn: string, args: Expr[], type: SqlType, distinct = false): AggregateCall => ({
  fn,
  args,
  distinct,
  filter: null,
  type,
})

function rowsOf(batches: readonly Batch[]): string[] {
  const rows: string[] = []
  for (const batch of batches) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((v) => scalarAt(v, row))))
  }
  return rows.sort()
}

describe('grouping sets', () => {
  const groupBy = [column(0, 'text'), column(1, 'int4'), setIndexKey]
  const sets = [[0, 1], [0], [], [0]]
  const aggregates = [
    aggregate('count_star', [], 'int8'),
    aggregate('sum', [column(1, 'int4')], 'int8'),
  ]
  const input: Batch = {
    length: 6,
    columns: [
      vectorFromValues('text', ['a', 'a', 'b', null, 'b', 'a']),
      vectorFromValues('int4', [1, 2, 1, 1, null, 1]),
    ],
  }

  it('groups each row once per set, NULL outside the set, duplicates kept apart', () => {
    const single = new GroupedAggregation(groupBy, aggregates, context, sets)
    single.update(input)
    assert.deepEqual(rowsOf(single.finalBatches()), [
      '["a",1,0,2,2]',
      '["a",2,0,1,2]',
      '["a",null,1,3,4]',
      '["a",null,3,3,4]',
      '["b",1,0,1,1]',
      '["b",null,0,1,null]',
      '["b",null,1,2,1]',
      '["b",null,3,2,1]',
      '[null,1,0,1,1]',
      '[null,null,1,1,1]',
      '[null,null,2,6,6]',
      '[null,null,3,1,1]',
    ])
  })

  it('merging partials of any split equals one pass; the empty set answers over no rows', () => {
    const single = new GroupedAggregation(groupBy, aggregates, context, sets)
    single.update(input)
    for (let size = 1; size <= 6; size++) {
      const final = new GroupedAggregation(groupBy, aggregates, context, sets)
      for (let start = 0; start < input.length; start += size) {
        const partial = new GroupedAggregation(groupBy, aggregates, context, sets)
        partial.update(sliceBatch(input, start, Math.min(input.length, start + size)))
        for (const batch of partial.partialBatches()) final.merge(batch)
      }
      assert.deepEqual(rowsOf(final.finalBatches()), rowsOf(single.finalBatches()), `size ${size}`)
    }
    const empty = new GroupedAggregation(groupBy, aggregates, context, sets)
    assert.deepEqual(rowsOf(empty.finalBatches()), ['[null,null,2,0,null]'])
  })
})
