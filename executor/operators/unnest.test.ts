// Unnest expansion: zipped arrays padded with NULLs, NULL and empty arrays, outer rows,
// ordinality, and pass-through columns repeated per element.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ArrayVector, Batch, Vector } from '../../common/index.js'
import { arrayVectorFromTexts } from '../expr/array-values.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { unnestBatch, unnestRows } from './unnest.js'

const rowsOf = (batch: Batch): unknown[][] =>
  Array.from({ length: batch.length }, (_, row) =>
    batch.columns.map((c: Vector) => scalarAt(c, row)),
  )

test('unnest zips arrays, pads the shorter with NULLs and skips NULL and empty arrays', () => {
  const ids = vectorFromValues('int4', [1, 2, 3, 4])
  const a = arrayVectorFromTexts('_int4', ['{10,20}', null, '{}', '{40}'])
  const b = arrayVectorFromTexts('_text', ['{x}', '{y,z}', '{}', null])
  const out = unnestBatch({ length: 4, columns: [ids] }, [a, b], true)
  assert.deepEqual(rowsOf(out), [
    [1, 10, 'x', 1],
    [1, 20, null, 2],
    [2, null, 'y', 1],
    [2, null, 'z', 2],
    [4, 40, null, 1],
  ])
})

test('outer unnest keeps rows whose arrays are all NULL or empty', () => {
  const ids = vectorFromValues('int4', [1, 2, 3])
  const a = arrayVectorFromTexts('_int4', ['{5}', null, '{}'])
  const out = unnestBatch({ length: 3, columns: [ids] }, [a], false, true)
  assert.deepEqual(rowsOf(out), [
    [1, 5],
    [2, null],
    [3, null],
  ])
})

test('one array without padding is a slice of its child; pass-through picks input columns', () => {
  const ids = vectorFromValues('int4', [1, 2, 3])
  const a: ArrayVector = arrayVectorFromTexts('_int4', ['{1,2}', '{3}', '{4,5,6}'])
  const counts = Int32Array.of(2, 1, 3)
  const out = unnestRows({ length: 3, columns: [ids, a] }, [a], counts, 1, 3, false, [0])
  assert.deepEqual(rowsOf(out), [
    [2, 3],
    [3, 4],
    [3, 5],
    [3, 6],
  ])
  assert.equal(
    out.columns[1]!.kind === 'number' && out.columns[1]!.values.buffer,
    a.child.kind === 'number' && a.child.values.buffer,
  )
})
