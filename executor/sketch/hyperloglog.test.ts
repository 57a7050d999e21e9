import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch } from '../../common/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr } from '../plan.js'
import { HyperLogLog, murmur3, murmur3Words } from './hyperloglog.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const approx = (arg: Expr): AggregateCall => ({
  fn: 'approx_count_distinct',
  args: [arg],
  distinct: false,
  filter: null,
  type: 'int8',
})

function estimateOf(values: Batch, arg: Expr, parts: number): number {
  const final = new GroupedAggregation([], [approx(arg)], context)
  const size = Math.ceil(values.length / parts)
  for (let start = 0; start < values.length; start += size) {
    const partial = new GroupedAggregation([], [approx(arg)], context)
    partial.update(sliceBatch(values, start, Math.min(values.length, start + size)))
    for (const batch of partial.partialBatches()) final.merge(batch)
  }
  const [result] = final.finalBatches()
  assert.ok(result !== undefined)
  return Number(scalarAt(result.columns[0]!, 0))
}

describe('HyperLogLog', () => {
  it('murmur3 matches the reference vectors', () => {
    const bytes = new TextEncoder().encode('Hello, world!')
    assert.equal(murmur3(bytes, 0, bytes.length, 1234), 0xfaf6cdb3)
    assert.equal(murmur3(new Uint8Array(0), 0, 0, 0), 0)
    assert.equal(murmur3(new Uint8Array(0), 0, 0, 1), 0x514e28b7)
    const words = Uint32Array.of(0xdeadbeef, 0x01234567)
    const wordBytes = new Uint8Array(words.buffer)
    assert.equal(murmur3Words(words[0]!, words[1]!, 42), murmur3(wordBytes, 0, 8, 42))
  })

  it('estimates 1M distinct numbers and strings within 2%, in 1 and 16 partials', () => {
    const n = 1_000_000
    const numbers: Batch = {
      length: n,
      columns: [
        vectorFromValues(
          'int8',
          Array.from({ length: n }, (_, i) => i * 7 - 3_000_000),
        ),
      ],
    }
    const strings: Batch = {
      length: n,
      columns: [
        vectorFromValues(
          'text',
          Array.from({ length: n }, (_, i) => `user-${i}`),
        ),
      ],
    }
    for (const [name, batch, type] of [
      ['int8', numbers, 'int8'],
      ['text', strings, 'text'],
    ] as const) {
      const arg: Expr = { kind: 'column', index: 0, type }
      const one = estimateOf(batch, arg, 1)
      assert.ok(Math.abs(one - n) / n < 0.02, `${name}: estimate ${one}`)
      assert.equal(estimateOf(batch, arg, 16), one, `${name}: merging partials changes nothing`)
    }
  })

  it('counts small sets exactly and ignores duplicates, NULLs, -0 and NaN payloads', () => {
    const values = [1, 2, 3, 2, 1, null, 0, -0, NaN, NaN, 1e300]
    const batch: Batch = { length: values.length, columns: [vectorFromValues('float8', values)] }
    assert.equal(estimateOf(batch, { kind: 'column', index: 0, type: 'float8' }, 3), 6)
  })

  it('goes dense past 2,048 registers and round-trips both forms', () => {
    const hll = new HyperLogLog()
    for (let i = 0; i < 100; i++) hll.addHash(Math.imul(i, 2654435761) >>> 0, i)
    assert.equal(HyperLogLog.decode(hll.encode()).estimate(), hll.estimate())
    for (let i = 0; i < 100_000; i++) hll.addHash(Math.imul(i, 2654435761) >>> 0, i)
    const encoded = hll.encode()
    assert.equal(encoded[0], 1)
    assert.equal(HyperLogLog.decode(encoded).estimate(), hll.estimate())
  })
})
