// repeatRows builds, kind by kind, the vector takeVector builds from the run index vector.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { takeVector, type TextVector, type Vector } from '../../common/index.js'
import { arrayVectorFromTexts } from '../expr/array-values.js'
import { vectorFromValues } from '../expr/vector-builders.js'
import { repeatRows } from './repeat-rows.js'

const long = 'a value longer than thirty-two bytes, copied as a subarray'

function withDictionary(vector: Vector): TextVector {
  assert.ok(vector.kind === 'text')
  const values = vectorFromValues('text', ['x', long, 'y'])
  assert.ok(values.kind === 'text')
  const codes = Uint16Array.of(0, 1, 2, 0, 1, 2)
  return { ...vector, dictionary: { codes, values } }
}

test('repeatRows equals takeVector over the run indexes for every vector kind', () => {
  const vectors: Vector[] = [
    vectorFromValues('float8', [1.5, null, -3, 4, 5, 6]),
    vectorFromValues('int8', [1, 2, 3, 4, 5, 6]),
    vectorFromValues('bool', [true, false, null, true, false, true]),
    vectorFromValues('text', ['x', long, null, 'x', long, 'y']),
    withDictionary(vectorFromValues('text', ['x', long, 'y', 'x', long, 'y'])),
    vectorFromValues('numeric', ['1.50', null, '-2', '3', '4', '5']),
    arrayVectorFromTexts('_int4', ['{1,2}', null, '{}', '{3}', '{4,5,6}', '{7}']),
  ]
  const counts = Int32Array.of(2, 0, 3, 1, 0, 4)
  for (const [from, to] of [
    [0, 6],
    [1, 4],
    [2, 3],
    [3, 3],
  ] as const) {
    const indexes: number[] = []
    for (let row = from; row < to; row++) for (let i = 0; i < counts[row]!; i++) indexes.push(row)
    for (const vector of vectors) {
      const repeated = repeatRows(vector, counts, from, to, indexes.length)
      assert.deepEqual(
        repeated,
        takeVector(vector, Int32Array.from(indexes)),
        `${vector.type} rows ${from}..${to}`,
      )
    }
  }
})
