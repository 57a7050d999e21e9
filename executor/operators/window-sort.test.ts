import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SqlType, Vector } from '../../common/index.js'
import { vectorFromValues } from '../expr/vector-builders.js'
import type { ScalarValue, SortKey } from '../plan.js'
import { keyComparator, rowComparator } from './sort.js'
import { sortForWindow } from './window-sort.js'

function random(seed: number): (bound: number) => number {
  let state = seed
  return (bound) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % bound
  }
}

const specials = [0, -0, NaN, Infinity, -Infinity, 1e-300, -1e-300, 2.5, -2.5]

/** A vector of `type` with NULLs, ties and, for float8, -0, NaN and infinities. */
function randomVector(type: SqlType, length: number, next: (bound: number) => number): Vector {
  const values: ScalarValue[] = Array.from({ length }, () => {
    if (next(6) === 0) return null
    switch (type) {
      case 'float8':
        return next(3) === 0 ? specials[next(specials.length)]! : (next(2000) - 1000) / 8
      case 'int8':
        return next(40) - 20
      case 'text':
        return ['', 'a', 'ab', 'b', 'B', 'é', 'zz'][next(7)]!
      case 'numeric':
        return ['1.0', '1', '-2.50', '0', '10.01', '3'][next(6)]!
      case 'bool':
        return next(2) === 0
      default:
        return null
    }
  })
  return vectorFromValues(type, values)
}

describe('sortForWindow', () => {
  const types: SqlType[] = ['float8', 'int8', 'text', 'numeric', 'bool']
  for (let seed = 1; seed <= 40; seed++) {
    it(`orders as the comparator sort does (seed ${seed})`, () => {
      const next = random(seed)
      const length = 1 + next(600)
      const keyCount = 1 + next(3)
      const keys: SortKey[] = []
      const vectors: Vector[] = []
      for (let k = 0; k < keyCount; k++) {
        const type = types[next(types.length)]!
        vectors.push(randomVector(type, length, next))
        keys.push({
          expr: { kind: 'column', index: k, type },
          descending: next(2) === 0,
          nullsFirst: next(2) === 0,
        })
      }
      const partition = next(2) === 0 ? [] : [randomVector('text', length, next)]
      const sorted = sortForWindow(partition, keys, vectors, length)
      // Expected: partitions grouped (in any order), each in comparator order, stable.
      const partitionKeys: SortKey[] = partition.map((vector) => ({
        expr: { kind: 'column', index: 0, type: vector.type },
        descending: false,
        nullsFirst: false,
      }))
      const samePartition = keyComparator(partitionKeys, partition)
      const peers = keyComparator(keys, vectors)
      const expected = Int32Array.from({ length }, (_, row) => row).sort(
        rowComparator([...partitionKeys, ...keys], [...partition, ...vectors]),
      )
      // Reorder the expected partitions as they appear in the actual order.
      const firstSeen = new Map<number, number>()
      sorted.order.forEach((row, position) => {
        const head = expected.find((other) => samePartition(other, row) === 0)!
        if (!firstSeen.has(head)) firstSeen.set(head, position)
      })
      const rank = (row: number): number =>
        firstSeen.get(expected.find((other) => samePartition(other, row) === 0)!)!
      const regrouped = Array.from(expected).sort((a, b) => rank(a) - rank(b))
      assert.deepEqual(Array.from(sorted.order), regrouped)
      for (let i = 1; i < length; i++) {
        const [a, b] = [sorted.order[i - 1]!, sorted.order[i]!]
        const newPartition = samePartition(a, b) !== 0
        assert.equal(sorted.partitionStarts[i], newPartition ? 1 : 0, `partition start at ${i}`)
        assert.equal(
          sorted.peerStarts[i],
          newPartition || peers(a, b) !== 0 ? 1 : 0,
          `peer start at ${i}`,
        )
      }
    })
  }
})
