import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr, ScalarValue } from '../plan.js'
import { GroupedAggregation } from './grouped-aggregation.js'
import { continuousPercentile } from './ordered-set.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const ordered = (
  fn: string,
  arg: Expr,
  fraction: number | null,
  descending = false,
): AggregateCall => ({
  fn,
  args: [arg],
  distinct: false,
  filter: null,
  type: fn === 'percentile_cont' ? 'float8' : arg.type,
  withinGroup: { fraction, descending },
})

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function rowsOf(batches: readonly Batch[]): string[] {
  const rows: string[] = []
  for (const batch of batches) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((v) => scalarAt(v, row))))
  }
  return rows.sort()
}

/** Runs `aggregates` over `input` once, and again split into random partials merged. */
function singleAndMerged(
  input: Batch,
  groupBy: readonly Expr[],
  aggregates: readonly AggregateCall[],
  next: () => number,
): { single: string[]; merged: string[] } {
  const single = new GroupedAggregation(groupBy, aggregates, context)
  single.update(input)
  const final = new GroupedAggregation(groupBy, aggregates, context)
  let start = 0
  while (start < input.length) {
    const end = Math.min(input.length, start + 1 + Math.floor(next() * 60))
    const partial = new GroupedAggregation(groupBy, aggregates, context)
    partial.update(sliceBatch(input, start, end))
    for (const batch of partial.partialBatches()) final.merge(batch)
    start = end
  }
  return { single: rowsOf(single.finalBatches()), merged: rowsOf(final.finalBatches()) }
}

describe('ordered-set aggregates', () => {
  it('merging partial states of any split equals one pass, every value type', () => {
    const types: SqlType[] = ['text', 'float8', 'int4', 'numeric', 'bool', 'text']
    const groupBy = [column(0, 'text')]
    const aggregates = [
      ordered('percentile_cont', column(1, 'float8'), 0.5),
      ordered('percentile_cont', column(1, 'float8'), 0.9, true),
      ordered('percentile_disc', column(2, 'int4'), 0.25),
      ordered('percentile_disc', column(3, 'numeric'), 0.75),
      ordered('percentile_disc', column(5, 'text'), 0.5, true),
      ordered('mode', column(2, 'int4'), null),
      ordered('mode', column(3, 'numeric'), null),
      ordered('mode', column(4, 'bool'), null),
      ordered('mode', column(5, 'text'), null, true),
    ]
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed)
      const rowCount = 1 + Math.floor(next() * 300)
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
      const columns: ScalarValue[][] = [
        Array.from({ length: rowCount }, () => pick(['x', 'y', 'zz', null])),
        Array.from({ length: rowCount }, () => pick([0.5, 1.25, null, -3, NaN, next() * 100])),
        Array.from({ length: rowCount }, () => pick([1, 2, -7, 1000, null])),
        Array.from({ length: rowCount }, () => pick(['1.5', '-0.001', null, '99'])),
        Array.from({ length: rowCount }, () => pick([true, false, null])),
        Array.from({ length: rowCount }, () => pick(['pear', 'fig', '', 'é', null])),
      ]
      const input: Batch = {
        length: rowCount,
        columns: columns.map((values, i) => vectorFromValues(types[i]!, values)),
      }
      const { single, merged } = singleAndMerged(input, groupBy, aggregates, next)
      assert.deepEqual(merged, single, `seed ${seed}`)
    }
  })

  it('percentile_cont interpolates as PostgreSQL does', () => {
    const sorted = Float64Array.from([1, 2, 4, 8])
    assert.equal(continuousPercentile(sorted, 0), 1)
    assert.equal(continuousPercentile(sorted, 1), 8)
    assert.equal(continuousPercentile(sorted, 0.5), 3)
    assert.equal(continuousPercentile(sorted, 0.9), 4 + (8 - 4) * (0.9 * 3 - 2))
  })

  it('answers exact percentiles over 200k values in 8 partials', () => {
    const next = random(7)
    const count = 200_000
    const values = Array.from({ length: count }, () => Math.exp(next() * 10))
    const input: Batch = { length: count, columns: [vectorFromValues('float8', values)] }
    const aggregates = [0.5, 0.95, 0.99].map((f) =>
      ordered('percentile_cont', column(0, 'float8'), f),
    )
    const final = new GroupedAggregation([], aggregates, context)
    for (let part = 0; part < 8; part++) {
      const partial = new GroupedAggregation([], aggregates, context)
      partial.update(sliceBatch(input, (part * count) / 8, ((part + 1) * count) / 8))
      for (const batch of partial.partialBatches()) final.merge(batch)
    }
    const sorted = Float64Array.from(values).sort()
    const [result] = final.finalBatches()
    assert.ok(result !== undefined)
    ;[0.5, 0.95, 0.99].forEach((f, index) => {
      assert.equal(scalarAt(result.columns[index]!, 0), continuousPercentile(sorted, f))
    })
  })
})
