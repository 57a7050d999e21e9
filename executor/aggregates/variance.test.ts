import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr } from '../plan.js'
import { GroupedAggregation } from './grouped-aggregation.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const call = (fn: string, index: number, type: SqlType, result: SqlType): AggregateCall => ({
  fn,
  args: [{ kind: 'column', index, type }],
  distinct: false,
  filter: null,
  type: result,
})

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function results(batches: readonly Batch[]): unknown[][] {
  const rows: unknown[][] = []
  for (const batch of batches)
    for (let row = 0; row < batch.length; row++)
      rows.push(batch.columns.map((v) => scalarAt(v, row)))
  return rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))
}

describe('variance family', () => {
  it('merging partial states equals one pass: exactly over integers and numeric, to rounding over floats', () => {
    const groupBy: Expr[] = [{ kind: 'column', index: 0, type: 'text' }]
    const aggregates = [
      call('var_samp', 1, 'int4', 'numeric'),
      call('stddev_pop', 1, 'int4', 'numeric'),
      call('stddev_samp', 2, 'numeric', 'numeric'),
      call('var_pop', 3, 'float8', 'float8'),
      call('stddev', 3, 'float8', 'float8'),
    ]
    for (let seed = 1; seed <= 10; seed++) {
      const next = random(seed)
      const n = 1 + Math.floor(next() * 400)
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
      const input: Batch = {
        length: n,
        columns: [
          vectorFromValues(
            'text',
            Array.from({ length: n }, () => pick(['a', 'b', null])),
          ),
          vectorFromValues(
            'int4',
            Array.from({ length: n }, () => pick([1, -7, 1000, 2 ** 30, null])),
          ),
          vectorFromValues(
            'numeric',
            Array.from({ length: n }, () => pick(['1.5', '-0.001', '12345.678', null])),
          ),
          vectorFromValues(
            'float8',
            Array.from({ length: n }, () => pick([0.1, 2.5, -1e6, null])),
          ),
        ],
      }
      const single = new GroupedAggregation(groupBy, aggregates, context)
      single.update(input)
      const final = new GroupedAggregation(groupBy, aggregates, context)
      for (let start = 0; start < n; start += 37) {
        const partial = new GroupedAggregation(groupBy, aggregates, context)
        partial.update(sliceBatch(input, start, Math.min(n, start + 37)))
        for (const batch of partial.partialBatches()) final.merge(batch)
      }
      const expected = results(single.finalBatches())
      const actual = results(final.finalBatches())
      assert.equal(actual.length, expected.length)
      actual.forEach((row, index) => {
        const want = expected[index]!
        assert.deepEqual(row.slice(0, 4), want.slice(0, 4), `seed ${seed} exact columns`)
        for (const column of [4, 5]) {
          const [a, b] = [row[column], want[column]]
          if (a === null || b === null) assert.equal(a, b)
          else assert.ok(Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.abs(Number(b)) + 1e-12)
        }
      })
    }
  })
})
