// array_agg's accumulator: one pass equals partial states merged in any order (ordered and
// DISTINCT forms), NULL elements kept, empty groups NULL.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Vector } from '../../common/index.js'
import { arrayScalarAt } from '../expr/array-values.js'
import { vectorFromValues } from '../expr/vector-builders.js'
import { ArrayAggAccumulator } from './array-agg.js'

function texts(vector: Vector, groups: number): (string | null)[] {
  assert.ok(vector.kind === 'array')
  return Array.from({ length: groups }, (_, g) =>
    vector.validity?.[g] === 0 ? null : arrayScalarAt(vector, g),
  )
}

const values = [5, null, 3, 9, 1, 3, 7, null, 2, 8]
const keys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => 11 - k)
const groups = Int32Array.from([0, 1, 0, 1, 0, 0, 1, 0, 2, 2])

for (const [name, make] of [
  [
    'ordered by another key',
    () => new ArrayAggAccumulator('int4', ['int4'], [{ descending: false, nullsFirst: false }]),
  ],
  ['DISTINCT', () => new ArrayAggAccumulator('int4', [], [], true)],
] as const) {
  test(`array_agg ${name}: partial states merged in any order equal one pass`, () => {
    // DISTINCT without ORDER BY gets the value alone; ordered, the key rides after it.
    const columns = name === 'DISTINCT' ? [values] : [values, keys]
    const args = columns.map((column) => vectorFromValues('int4', column))
    const single = make()
    single.update(args, groups, 4, null)
    const expected = texts(single.evaluate(4), 4)
    for (const split of [1, 4, 7]) {
      const parts = [
        [0, split],
        [split, values.length],
      ] as const
      const states = parts.map(([from, to]) => {
        const partial = make()
        const slice = columns.map((column) => vectorFromValues('int4', column.slice(from, to)))
        partial.update(slice, groups.slice(from, to), 4, null)
        return partial.state(4)
      })
      for (const order of [states, [...states].reverse()]) {
        const final = make()
        for (const state of order) final.merge(state, Int32Array.from([0, 1, 2, 3]), 4)
        assert.deepEqual(texts(final.evaluate(4), 4), expected)
      }
    }
    if (name === 'DISTINCT')
      assert.deepEqual(expected, ['{1,3,5,NULL}', '{7,9,NULL}', '{2,8}', null])
    else assert.deepEqual(expected, ['{NULL,3,1,3,5}', '{7,9,NULL}', '{8,2}', null])
  })
}
