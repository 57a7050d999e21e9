import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bitsFor, packBits, packedBytes, unpackBits } from './bit-packing.js'

test('bitsFor: fewest bits holding 0..max', () => {
  assert.equal(bitsFor(0), 0)
  assert.equal(bitsFor(1), 1)
  assert.equal(bitsFor(255), 8)
  assert.equal(bitsFor(256), 9)
  assert.equal(bitsFor(0xffffffff), 32)
  assert.throws(() => bitsFor(2 ** 32))
})

test('bit packing round-trips every width, including counts that end mid-word', () => {
  for (let bits = 0; bits <= 32; bits++) {
    for (const count of [0, 1, 31, 32, 33, 1000]) {
      const max = bits === 0 ? 0 : 2 ** bits - 1
      const values = Float64Array.from({ length: count }, (_, i) =>
        i % 3 === 0 ? max : Math.floor(((i * 2654435761) % 4294967296) / 2 ** (32 - bits)),
      )
      const bytes = packBits(values, count, bits)
      assert.equal(bytes.length, packedBytes(count, bits))
      const out = new Float64Array(count)
      unpackBits(new Uint32Array(bytes.buffer), count, bits, out)
      assert.deepEqual(out, values, `bits ${bits}, count ${count}`)
    }
  }
})

test('unpacking checks the word count and target length', () => {
  const bytes = packBits([1, 2, 3], 3, 2)
  assert.throws(() => unpackBits(new Uint32Array(bytes.buffer), 40, 2, new Float64Array(40)))
  assert.throws(() => unpackBits(new Uint32Array(bytes.buffer), 3, 2, new Float64Array(2)))
})
