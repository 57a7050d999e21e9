// Small-domain grouping (dense-groups.ts) must give exactly the group ids and keys hashing
// gives: same ids in order of first appearance, NULL keys as their own group, dictionary
// and plain text alike, and the same table once it falls back to hashing (too many cells) or
// is probed with find().
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SqlType, TextVector, Vector } from '../../common/index.js'
import { makeTextVector, scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { MaxDenseCells } from './dense-groups.js'
import { GroupTable } from './group-table.js'

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** Text keys drawn from `entries` (NULL where the draw is below nullShare), dictionary-coded. */
function dictionaryKeys(next: () => number, entries: readonly string[], length: number) {
  const codes = Array.from({ length }, () =>
    next() < 0.1 ? -1 : Math.floor(next() * entries.length),
  )
  const plain = makeTextVector(
    'text',
    codes.map((code) => (code < 0 ? null : entries[code]!)),
  )
  const values = makeTextVector('text', entries)
  const dictionary = { codes: Uint16Array.from(codes, (code) => Math.max(code, 0)), values }
  return { ...plain, dictionary } as TextVector
}

/** Sorted-ish time buckets (runs of equal values) with some NULLs. */
function bucketKeys(next: () => number, start: number, length: number): Vector {
  let bucket = start
  const values = Array.from({ length }, () => {
    if (next() < 0.02) bucket += 3600
    return next() < 0.05 ? null : bucket
  })
  return vectorFromValues('int8', values)
}

function intKeys(next: () => number, distinct: number, length: number): Vector {
  return vectorFromValues(
    'int4',
    Array.from({ length }, () => (next() < 0.05 ? null : Math.floor(next() * distinct))),
  )
}

function keysOf(table: GroupTable): unknown[][] {
  const vectors = table.keyVectors()
  return Array.from({ length: table.groupCount }, (_, group) =>
    vectors.map((vector) => scalarAt(vector, group)),
  )
}

/** Groups each batch of `batches` in a dense table and a hashing one; both must agree. */
function compare(types: readonly SqlType[], batches: readonly Vector[][]): GroupTable {
  const dense = new GroupTable(types, { dense: true })
  const hashed = new GroupTable(types)
  for (const keys of batches) {
    const length = keys[0]!.length
    assert.deepEqual([...dense.findOrInsert(keys, length)], [...hashed.findOrInsert(keys, length)])
  }
  assert.equal(dense.groupCount, hashed.groupCount)
  assert.deepEqual(keysOf(dense), keysOf(hashed))
  return dense
}

describe('GroupTable dense mode', () => {
  it('matches hashing for dictionary text, plain text, time buckets and ints with NULLs', () => {
    const next = random(7)
    const services = ['api', 'web', 'db', 'cache', 'auth']
    const tags = ['env:prod', 'env:dev', 'az:a', 'az:b', 'region:eu']
    const batches = Array.from({ length: 6 }, (_, batch) => {
      const service = dictionaryKeys(next, services, 3000)
      const { dictionary: _codes, ...plainTag } = dictionaryKeys(next, tags, 3000)
      return [
        service,
        plainTag as Vector,
        bucketKeys(next, batch * 7200, 3000),
        intKeys(next, 9, 3000),
      ]
    })
    compare(['text', 'text', 'int8', 'int4'], batches)
    compare(
      ['text', 'int8'],
      batches.map((keys) => [keys[0]!, keys[2]!]),
    )
    compare(
      ['text', 'text', 'int8'],
      batches.map((keys) => keys.slice(0, 3)),
    )
  })

  it('widens its cells as a key grows batch by batch', () => {
    const next = random(11)
    const batches = Array.from({ length: 8 }, (_, batch) => [
      intKeys(next, 4 << batch, 2000),
      intKeys(next, 3, 2000),
    ])
    compare(['int4', 'int4'], batches)
  })

  it('falls back to hashing when the cells would pass MaxDenseCells, and keeps its groups', () => {
    const next = random(13)
    const side = Math.ceil(Math.sqrt(MaxDenseCells)) * 2
    const small = [intKeys(next, 10, 500), intKeys(next, 10, 500)]
    const large = [intKeys(next, side, 20_000), intKeys(next, side, 20_000)]
    const table = compare(['int4', 'int4'], [small, large, small])
    // Keys seen before the fallback are still found by hashing.
    assert.deepEqual([...table.find(small, 500, null)], [...table.findOrInsert(small, 500)])
  })

  it('answers find() after dense inserts (a join build side) and drops rows not included', () => {
    const a = vectorFromValues('text', ['x', 'y', null, 'x'])
    const b = vectorFromValues('int4', [1, 2, 3, 1])
    const table = new GroupTable(['text', 'int4'], { dense: true })
    assert.deepEqual([...table.findOrInsert([a, b], 4)], [0, 1, 2, 0])
    const probeA = vectorFromValues('text', ['y', 'x', null, 'z'])
    const probeB = vectorFromValues('int4', [2, 2, 3, 1])
    assert.deepEqual([...table.find([probeA, probeB], 4, null)], [1, -1, 2, -1])
    const include = Uint8Array.from([1, 0, 1, 1])
    assert.deepEqual([...table.findOrInsert([probeA, probeB], 4, include)], [1, -1, 2, 3])
  })
})
