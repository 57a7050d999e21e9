// string_agg_join over bytea: the bytes of each value, preceded (after the first) by the
// bytes of its row's delimiter; NULL values skip their delimiter; no value gives NULL.
// (Malamute has no text → bytea input yet, so the sqllogic files cover the text form.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ArrayVector, TextVector } from '../../common/index.js'
import { stringAggJoinKernels } from './string-agg-join.js'

function bytea(values: (number[] | null)[]): TextVector {
  const offsets = new Int32Array(values.length + 1)
  const data: number[] = []
  values.forEach((v, i) => {
    data.push(...(v ?? []))
    offsets[i + 1] = data.length
  })
  const validity = Uint8Array.from(values.map((v) => (v === null ? 0 : 1)))
  return {
    kind: 'text',
    type: 'bytea',
    length: values.length,
    validity,
    offsets,
    data: Uint8Array.from(data),
  }
}

function rows(child: TextVector, sizes: number[]): ArrayVector {
  const offsets = new Int32Array(sizes.length + 1)
  sizes.forEach((size, i) => (offsets[i + 1] = offsets[i]! + size))
  return { kind: 'array', type: '_bytea', length: sizes.length, validity: null, offsets, child }
}

test('string_agg_join joins bytea values with each following row delimiter', () => {
  const values = rows(bytea([[0x61], [0x00, 0xff], null, [0x63], null]), [4, 1])
  const delimiters = rows(bytea([[0x2c], [0x3b], [0x23], null, [0x21]]), [4, 1])
  const kernel = stringAggJoinKernels['string_agg_join']!
  const ctx = { timeZone: 'UTC', nowMicros: 0 }
  const call = {
    args: [values, delimiters],
    constantArgs: [false, false],
    type: 'bytea',
    length: 2,
    ctx,
  } as const
  const out = kernel(call) as TextVector
  assert.deepEqual(
    [...out.data.subarray(out.offsets[0]!, out.offsets[1]!)],
    [0x61, 0x3b, 0x00, 0xff, 0x63],
  )
  assert.equal(out.validity?.[1], 0)

  const constant = bytea([
    [0x2c, 0x20],
    [0x2c, 0x20],
  ])
  const single = kernel({ ...call, args: [values, constant] }) as TextVector
  assert.deepEqual(
    [...single.data.subarray(0, single.offsets[1]!)],
    [0x61, 0x2c, 0x20, 0x00, 0xff, 0x2c, 0x20, 0x63],
  )
})
