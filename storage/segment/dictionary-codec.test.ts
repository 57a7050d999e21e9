// Dictionary-encoded text chunks: low-cardinality batches are stored as codes and distinct
// values, read back byte-identical with their codes, and high-cardinality ones stay plain.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { textDictionaryOf, type TextVector } from '../../common/index.js'
import { DirectoryBlobStore } from '../directory-blob-store.js'
import { openSegmentReader } from './segment-reader.js'
import { encodeSegment } from './segment-writer.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function textVector(values: readonly (string | null)[]): TextVector {
  const parts = values.map((value) => encoder.encode(value ?? ''))
  const offsets = new Int32Array(values.length + 1)
  parts.forEach((part, index) => (offsets[index + 1] = offsets[index]! + part.length))
  const data = new Uint8Array(offsets[values.length]!)
  parts.forEach((part, index) => data.set(part, offsets[index]!))
  const validity = Uint8Array.from(values, (value) => (value === null ? 0 : 1))
  return { kind: 'text', type: 'text', length: values.length, validity, offsets, data }
}

const read = (vector: TextVector, row: number): string | null =>
  vector.validity !== null && vector.validity[row] === 0
    ? null
    : decoder.decode(vector.data.subarray(vector.offsets[row]!, vector.offsets[row + 1]!))

test('low-cardinality text round-trips through dictionary chunks; unique text stays plain', async () => {
  const rows = 20_000
  const services = ['checkout', 'api', 'web', 'Straße', '', null]
  const service = Array.from({ length: rows }, (_, i) => services[(i * 7) % services.length]!)
  const unique = Array.from({ length: rows }, (_, i) => `request ${i}`)
  const { bytes, footer } = encodeSegment(
    [
      { name: 'service', type: 'text' },
      { name: 'message', type: 'text' },
    ],
    [textVector(service), textVector(unique)],
  )
  assert.deepEqual(
    footer.batches.map((batch) => batch.columns.map((chunk) => chunk.encoding ?? 'plain')),
    [
      ['dictionary', 'plain'],
      ['dictionary', 'plain'],
      ['dictionary', 'plain'],
    ],
  )
  assert.equal(footer.batches[0]?.columns[0]?.min, '')
  assert.equal(footer.batches[0]?.columns[0]?.max, 'web')
  const store = new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-dictionary-')))
  await store.put('s.seg', bytes)
  const reader = await openSegmentReader(store, 's.seg')
  let row = 0
  for (let batch = 0; batch < reader.batchCount; batch++) {
    const vector = await reader.readColumn(batch, 'service', 'text')
    assert.ok(vector.kind === 'text')
    const dictionary = textDictionaryOf(vector)
    assert.ok(dictionary !== undefined, 'the vector keeps its codes')
    for (let i = 0; i < vector.length; i++, row++) {
      assert.equal(read(vector, i), service[row])
      if (service[row] !== null)
        assert.equal(read(dictionary.values, dictionary.codes[i]!), service[row])
    }
    const plain = await reader.readColumn(batch, 'message', 'text')
    assert.equal(textDictionaryOf(plain), undefined)
  }
  assert.equal(row, rows)
})
