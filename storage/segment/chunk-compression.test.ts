import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compressSync } from 'lz4-napi'
import { compressChunk, decompressChunk } from './chunk-compression.js'

/** Bytes of a seeded xorshift generator: nothing for a compressor to find. */
function noise(length: number): Uint8Array {
  let state = 0x9e3779b9
  return Uint8Array.from({ length }, () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state & 0xff
  })
}

const repetitive = new TextEncoder().encode('GET /api/v1/users 200 12ms '.repeat(400))

test('compressible chunks are stored as zstd and decompress to their bytes', () => {
  const { stored, compression } = compressChunk(repetitive)
  assert.equal(compression, 'zstd')
  assert.ok(stored.length < repetitive.length / 8)
  assert.deepEqual(decompressChunk(stored, compression, repetitive.length), Buffer.from(repetitive))
})

test('short, empty and incompressible chunks are stored as they are', () => {
  for (const raw of [new Uint8Array(0), repetitive.subarray(0, 63), noise(4096)]) {
    const { stored, compression } = compressChunk(raw)
    assert.equal(compression, 'none')
    assert.equal(stored, raw)
    assert.equal(decompressChunk(stored, 'none', raw.length), raw)
  }
})

test('lz4 chunks of formats 1 and 2 still decompress; a wrong raw length is caught', () => {
  const lz4 = compressSync(Buffer.from(repetitive))
  assert.deepEqual(decompressChunk(lz4, 'lz4', repetitive.length), Buffer.from(repetitive))
  assert.throws(() => decompressChunk(lz4, 'lz4', repetitive.length + 1))
  const { stored } = compressChunk(repetitive)
  assert.throws(() => decompressChunk(stored, 'zstd', 5))
})
