import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NumberVector, SqlType } from '../../common/index.js'
import { packNumbers, unpackNumbers } from './number-packing.js'

function vector(type: SqlType, values: readonly number[], nulls: readonly number[] = []) {
  const validity =
    nulls.length === 0 ? null : Uint8Array.from(values, (_, i) => (nulls.includes(i) ? 0 : 1))
  return {
    kind: 'number',
    type,
    length: values.length,
    validity,
    values: Float64Array.from(values),
  } satisfies NumberVector
}

/** Packs rows [start, end), unpacks them, and answers the packing; asserts the round trip. */
function roundTrip(input: NumberVector, start = 0, end = input.length) {
  const packed = packNumbers(input, start, end)
  assert.ok(packed !== null, 'values pack')
  const validity = input.validity?.subarray(start, end) ?? null
  const out = unpackNumbers(packed.bytes, packed.packing, end - start, validity)
  for (let row = start; row < end; row++) {
    const expected = validity !== null && validity[row - start] === 0 ? 0 : input.values[row]
    assert.ok(
      Object.is(out[row - start], expected),
      `row ${row}: ${out[row - start]} vs ${expected}`,
    )
  }
  return packed.packing
}

test('sorted times at millisecond precision pack as deltas with step 1000', () => {
  const times = Array.from(
    { length: 8192 },
    (_, i) => 1_704_067_200_000_000 + i * 8_000 + (i % 5) * 1000,
  )
  const packing = roundTrip(vector('timestamptz', times))
  assert.equal(packing.delta, true)
  assert.equal(packing.step % 1000, 0)
  assert.ok(packing.bits <= 4, `bits ${packing.bits}`)
})

test('unsorted integers pack by frame of reference, with negative deltas in range', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (Math.imul(i, 0x9e3779b1) >>> 22) - 500)
  const packing = roundTrip(vector('int4', values))
  assert.equal(packing.delta, false)
  assert.equal(packing.base, Math.min(...values))
  assert.equal(packing.bits, 10)
  const descending = roundTrip(
    vector(
      'int8',
      Array.from({ length: 100 }, (_, i) => 10_000 - i * 3),
    ),
  )
  assert.equal(descending.delta, true)
  assert.equal(descending.base, -3)
})

test('all-equal, single-row and all-NULL chunks pack in zero bits', () => {
  assert.equal(roundTrip(vector('int4', Array(50).fill(42))).bits, 0)
  assert.equal(roundTrip(vector('int8', [7])).bits, 0)
  assert.equal(roundTrip(vector('int2', [0, 0, 0], [0, 1, 2])).bits, 0)
})

test('NULL rows decode as 0 and do not widen the frame', () => {
  const packing = roundTrip(vector('int8', [5, 999999, 6, 7, 999999, 8], [1, 4]))
  assert.ok(packing.bits <= 2)
})

test('int64 extremes pack when their span fits 32 bits and fall back when not', () => {
  const max = Number.MAX_SAFE_INTEGER
  roundTrip(vector('int8', [max, max - 1, max - 2 ** 31]))
  roundTrip(vector('int8', [-max, -max + 5, -max + 2 ** 32 - 1]))
  assert.equal(packNumbers(vector('int8', [-max, max]), 0, 2), null)
  assert.equal(packNumbers(vector('int8', [-(2 ** 52), 2 ** 52, 1]), 0, 3), null)
  const spread = Array.from({ length: 100 }, (_, i) =>
    Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 44),
  )
  assert.equal(packNumbers(vector('int8', spread), 0, spread.length), null)
})

test('decimal float8 values pack scaled; other floats stay plain', () => {
  const durations = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 100000) / 1000)
  const packing = roundTrip(vector('float8', durations))
  assert.equal(packing.decimals, 3)
  assert.equal(roundTrip(vector('float8', [0.1, 0.2, 0.3, -1.5])).decimals, 1)
  for (const odd of [NaN, Infinity, -0, 1 / 3, 1e300])
    assert.equal(packNumbers(vector('float8', [1, odd]), 0, 2), null, String(odd))
  assert.equal(packNumbers(vector('float4', [1, 2]), 0, 2), null)
})

test('values the plain encoder rejects are left to it', () => {
  assert.equal(packNumbers(vector('int2', [1, 40000]), 0, 2), null)
  assert.equal(packNumbers(vector('int4', [1.5]), 0, 1), null)
  assert.equal(packNumbers(vector('int8', [2 ** 60]), 0, 1), null)
  assert.equal(packNumbers(vector('oid', [-1]), 0, 1), null)
  roundTrip(vector('oid', [0, 4294967295]))
})

test('a row range packs only its own rows', () => {
  const input = vector('int4', [1000000, 1, 2, 3, -1000000], [2])
  const packing = roundTrip(input, 1, 4)
  assert.ok(packing.bits <= 2)
})
