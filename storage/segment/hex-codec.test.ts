import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TextVector } from '../../common/index.js'
import { decodeHexChunk, encodeHexChunk } from './hex-codec.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function textVector(
  values: readonly (string | null)[],
  type: 'text' | 'jsonb' = 'text',
): TextVector {
  const parts = values.map((value) => encoder.encode(value ?? ''))
  const offsets = new Int32Array(values.length + 1)
  parts.forEach((part, row) => (offsets[row + 1] = offsets[row]! + part.length))
  const data = new Uint8Array(offsets[values.length]!)
  parts.forEach((part, row) => data.set(part, offsets[row]!))
  const validity = values.includes(null)
    ? Uint8Array.from(values, (v) => (v === null ? 0 : 1))
    : null
  return { kind: 'text', type, length: values.length, validity, offsets, data }
}

function texts(vector: TextVector): (string | null)[] {
  return Array.from({ length: vector.length }, (_, row) =>
    vector.validity !== null && vector.validity[row] === 0
      ? null
      : decoder.decode(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1])),
  )
}

test('hex ids round-trip at half their size, NULLs included', () => {
  const values = [
    '4bf92f3577b34da6a3ce929d0e0e4736',
    null,
    '00000000000000000000000000000000',
    'ffffffffffffffffffffffffffffffff',
  ]
  const chunk = encodeHexChunk(textVector(values), 0, values.length)
  assert.ok(chunk !== null)
  assert.equal(chunk.hexBytes, 16)
  assert.equal(chunk.buffers[1]?.length, 16 * values.length)
  assert.equal(chunk.nullCount, 1)
  assert.equal(chunk.min, '00000000000000000000000000000000')
  assert.equal(chunk.max, 'ffffffffffffffffffffffffffffffff')
  const decoded = decodeHexChunk(chunk.raw, chunk.buffers, 'text', values.length, 16)
  assert.deepEqual(texts(decoded), values)
  assert.equal(decoded.offsets[values.length], decoded.data.length)
})

test('a row range is encoded on its own', () => {
  const values = ['zz', 'ab', 'cd', 'not hex']
  const chunk = encodeHexChunk(textVector(values), 1, 3)
  assert.ok(chunk !== null)
  assert.deepEqual(texts(decodeHexChunk(chunk.raw, chunk.buffers, 'text', 2, 1)), ['ab', 'cd'])
})

test('anything but lowercase hex of one even length stays plain', () => {
  for (const values of [
    ['ab', 'ABCD'],
    ['ab', 'AB'],
    ['abc', 'def'],
    ['', ''],
    ['ab', 'g0'],
    [null, null],
    ['ab', 'abcd'],
    ['a'.repeat(130)],
  ])
    assert.equal(encodeHexChunk(textVector(values), 0, values.length), null, JSON.stringify(values))
  assert.equal(encodeHexChunk(textVector(['ab'], 'jsonb'), 0, 1), null)
})
