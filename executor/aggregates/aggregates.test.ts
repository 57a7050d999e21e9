import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType } from '../../common/index.js'
import { decimalToString } from '../decimal.js'
import { concatBatches, sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr, ScalarValue } from '../plan.js'
import { GroupTable } from './group-table.js'
import { GroupedAggregation } from './grouped-aggregation.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const call = (
  fn: string,
  args: Expr[],
  type: SqlType,
  distinct = false,
  filter: Expr | null = null,
): AggregateCall => ({
  fn,
  args,
  distinct,
  filter,
  type,
})

function batchOf(types: readonly SqlType[], columns: readonly ScalarValue[][]): Batch {
  return {
    length: columns[0]?.length ?? 0,
    columns: columns.map((values, i) => vectorFromValues(types[i]!, values)),
  }
}

/** Rows of a batch as scalar arrays, sorted by their JSON text so group order does not matter. */
function rowsOf(batches: readonly Batch[]): string[] {
  const rows: string[] = []
  for (const batch of batches) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((v) => scalarAt(v, row))))
  }
  return rows.sort()
}

// A small deterministic generator, so a failing split can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('GroupTable', () => {
  it('assigns dense ids by first appearance, NULLs equal, text by bytes', () => {
    const table = new GroupTable(['text', 'int4'])
    const batch = batchOf(
      ['text', 'int4'],
      [
        ['a', 'b', 'a', null, null, 'a', 'é'],
        [1, 1, 1, null, null, 2, 1],
      ],
    )
    assert.deepEqual([...table.findOrInsert(batch.columns, batch.length)], [0, 1, 0, 2, 2, 3, 4])
    assert.equal(table.groupCount, 5)
  })

  it('stays correct across rehashing', () => {
    const table = new GroupTable(['int8'])
    const values = Array.from({ length: 5000 }, (_, i) => i % 1234)
    const ids = table.findOrInsert([vectorFromValues('int8', values)], values.length)
    assert.equal(table.groupCount, 1234)
    for (let i = 0; i < values.length; i++) assert.equal(ids[i], i % 1234)
  })
})

describe('GroupedAggregation', () => {
  it('answers one row over no input without GROUP BY: count 0, sum NULL', () => {
    const aggregation = new GroupedAggregation(
      [],
      [call('count_star', [], 'int8'), call('sum', [column(0, 'int4')], 'int8')],
      context,
    )
    assert.deepEqual(rowsOf(aggregation.finalBatches()), ['[0,null]'])
  })

  it('computes avg over integers exactly, as PostgreSQL prints it', () => {
    const input = batchOf(['int4'], [[0, 0, 1]])
    const aggregation = new GroupedAggregation(
      [],
      [call('avg', [column(0, 'int4')], 'numeric')],
      context,
    )
    aggregation.update(input)
    const [result] = aggregation.finalBatches()
    const vector = result!.columns[0]!
    assert.equal(vector.kind, 'numeric')
    if (vector.kind !== 'numeric') return
    assert.equal(
      decimalToString({ unscaled: vector.unscaled[0]!, scale: vector.scales[0]! }),
      '0.33333333333333333333',
    )
  })

  it('sums int8 past 2^53 exactly into numeric', () => {
    const big = 2 ** 53 - 1
    const input = batchOf(['int8'], [[big, big, big]])
    const aggregation = new GroupedAggregation(
      [],
      [call('sum', [column(0, 'int8')], 'numeric')],
      context,
    )
    aggregation.update(input)
    assert.deepEqual(rowsOf(aggregation.finalBatches()), [
      JSON.stringify([(3n * BigInt(big)).toString()]),
    ])
  })

  it('takes min and max of text by bytes, bool, and skips NULLs', () => {
    const input = batchOf(
      ['text', 'bool'],
      [
        ['b', 'B', null, 'ab'],
        [true, null, false, true],
      ],
    )
    const aggregation = new GroupedAggregation(
      [],
      [
        call('min', [column(0, 'text')], 'text'),
        call('max', [column(0, 'text')], 'text'),
        call('min', [column(1, 'bool')], 'bool'),
        call('max', [column(1, 'bool')], 'bool'),
      ],
      context,
    )
    aggregation.update(input)
    assert.deepEqual(rowsOf(aggregation.finalBatches()), ['["B","b",false,true]'])
  })

  it('applies DISTINCT and FILTER', () => {
    const input = batchOf(
      ['int4', 'bool'],
      [
        [1, 1, 2, 2, 3, null],
        [true, true, false, true, true, true],
      ],
    )
    const aggregation = new GroupedAggregation(
      [],
      [
        call('count', [column(0, 'int4')], 'int8', true),
        call('sum', [column(0, 'int4')], 'int8', true),
        call('count_star', [], 'int8', false, column(1, 'bool')),
        call('sum', [column(0, 'int4')], 'int8', true, column(1, 'bool')),
      ],
      context,
    )
    aggregation.update(input)
    assert.deepEqual(rowsOf(aggregation.finalBatches()), ['[3,6,5,6]'])
  })

  it('merging partial states of any split equals one pass', () => {
    const types: SqlType[] = ['text', 'int4', 'int8', 'float8', 'numeric', 'bool']
    const groupBy = [column(0, 'text')]
    const aggregates = [
      call('count_star', [], 'int8'),
      call('count', [column(1, 'int4')], 'int8'),
      call('sum', [column(1, 'int4')], 'int8'),
      call('sum', [column(2, 'int8')], 'numeric'),
      call('sum', [column(3, 'float8')], 'float8'),
      call('sum', [column(4, 'numeric')], 'numeric'),
      call('avg', [column(1, 'int4')], 'numeric'),
      call('avg', [column(3, 'float8')], 'float8'),
      call('avg', [column(4, 'numeric')], 'numeric'),
      call('min', [column(0, 'text')], 'text'),
      call('max', [column(2, 'int8')], 'int8'),
      call('min', [column(4, 'numeric')], 'numeric'),
      call('max', [column(5, 'bool')], 'bool'),
      call('count', [column(1, 'int4')], 'int8', true),
      call('sum', [column(4, 'numeric')], 'numeric', true),
      call('min', [column(0, 'text')], 'text', true),
      call('count_star', [], 'int8', false, column(5, 'bool')),
    ]
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed)
      const rowCount = 1 + Math.floor(next() * 300)
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
      const input = batchOf(types, [
        Array.from({ length: rowCount }, () => pick(['x', 'y', 'zz', '', null, 'é'])),
        Array.from({ length: rowCount }, () => pick([1, 2, -7, 1000, null])),
        Array.from({ length: rowCount }, () => pick([2 ** 52, 5, null, -(2 ** 52)])),
        Array.from({ length: rowCount }, () => pick([0.5, 1.25, null, -3])),
        Array.from({ length: rowCount }, () =>
          pick(['1.5', '1.50', '-0.001', null, '12345678901234567890.1']),
        ),
        Array.from({ length: rowCount }, () => pick([true, false, null])),
      ])
      const single = new GroupedAggregation(groupBy, aggregates, context)
      single.update(input)
      const final = new GroupedAggregation(groupBy, aggregates, context)
      let start = 0
      while (start < rowCount) {
        const end = Math.min(rowCount, start + Math.floor(next() * 100))
        const partial = new GroupedAggregation(groupBy, aggregates, context)
        partial.update(sliceBatch(input, start, end))
        for (const batch of partial.partialBatches()) final.merge(batch)
        start = end
      }
      assert.deepEqual(rowsOf(final.finalBatches()), rowsOf(single.finalBatches()), `seed ${seed}`)
    }
  })

  it('partial output of a keyless aggregate over no rows merges to the empty answer', () => {
    const aggregates = [call('count_star', [], 'int8'), call('max', [column(0, 'text')], 'text')]
    const partial = new GroupedAggregation([], aggregates, context)
    const final = new GroupedAggregation([], aggregates, context)
    for (const batch of partial.partialBatches()) final.merge(batch)
    assert.deepEqual(rowsOf([concatBatches(final.finalBatches())]), ['[0,null]'])
  })
})
