// The decoded-column cache: hits answer the same vector, the byte bound evicts, and a cached
// vector's buffers are never listed for transfer (a transfer would detach them for everyone).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Vector } from '../../common/index.js'
import { DecodedColumnCache } from './decoded-column-cache.js'
import { transferableBuffers } from './transfer.js'

const numbers = (rows: number): Vector => ({
  kind: 'number',
  type: 'float8',
  length: rows,
  validity: null,
  values: new Float64Array(rows),
})

test('cached vectors are shared, bounded and never transferred', () => {
  const cache = new DecodedColumnCache(1024 * 1024)
  const vector = numbers(1000)
  assert.equal(transferableBuffers([{ length: 1000, columns: [vector] }]).length, 1)
  cache.set('a', vector)
  assert.equal(cache.get('a'), vector)
  assert.equal(transferableBuffers([{ length: 1000, columns: [vector] }]).length, 0)
  for (let i = 0; i < 200; i++) cache.set(`b${i}`, numbers(1000))
  assert.equal(cache.get('a'), undefined, 'the oldest entry was evicted past the bound')
  assert.equal(cache.hits, 1)
})

test('a cached array vector keeps its offsets and element buffers from transfer', () => {
  const cache = new DecodedColumnCache(1024 * 1024)
  const array: Vector = {
    kind: 'array',
    type: '_float8',
    length: 2,
    validity: null,
    offsets: Int32Array.of(0, 600, 1000),
    child: numbers(1000),
  }
  assert.equal(transferableBuffers([{ length: 2, columns: [array] }]).length, 2)
  cache.set('segment\u00000\u0000tags', array)
  assert.deepEqual(transferableBuffers([{ length: 2, columns: [array] }]), [])
})
