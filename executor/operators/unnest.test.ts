// Unnest expansion: zipped arrays padded with NULLs, NULL and empty arrays, outer rows,
// ordinality, and pass-through columns repeated per element.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ArrayVector, Batch, Vector } from '../../common/index.js'
import { arrayVectorFromTexts } from '../expr/array-values.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { expandBatch, unnestBatch, unnestRows } from './unnest.js'

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

test('expandBatch cuts a large expansion into batches without splitting an input row', () => {
  // 40 rows of 2,000 elements: 80,000 output rows, more than one output batch holds.
  const rowCount = 40
  const ids = vectorFromValues(
    'int4',
    Array.from({ length: rowCount }, (_, i) => i),
  )
  const texts = Array.from({ length: rowCount }, (_, row) =>
    row === 7 ? null : `{${Array.from({ length: 2000 }, (_, i) => row * 10_000 + i).join(',')}}`,
  )
  const arrays = arrayVectorFromTexts('_int4', texts)
  const batch: Batch = { length: rowCount, columns: [ids, arrays] }
  const spec = {
    passthrough: [0],
    arrays: [{ kind: 'column', index: 1, type: '_int4' }] as const,
    ordinality: true,
    outer: false,
  }
  const context = { timeZone: 'UTC', nowMicros: 0 }
  const out = [...expandBatch(batch, spec, context)]
  assert.ok(out.length > 1)
  assert.equal(
    out.reduce((sum, b) => sum + b.length, 0),
    (rowCount - 1) * 2000,
  )
  for (const part of out) {
    // Every batch starts at an input row's first element and ends at a row's last one.
    assert.equal(scalarAt(part.columns[2]!, 0), 1)
    assert.equal(scalarAt(part.columns[2]!, part.length - 1), 2000)
    const id = scalarAt(part.columns[0]!, 0) as number
    assert.equal(scalarAt(part.columns[1]!, 0), id * 10_000)
  }
})
