// Format compatibility and the format 3 encodings: a segment written by the format 2 writer
// (testdata/format2.seg, from fixtureTable(1000)) still reads back to the same values, and the
// same table written today picks the smaller encodings and reads back identically; so does one
// of the format 3 writer (testdata/format3.seg, fixtureTable(2000), before value indexes).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isNullAt, textDictionaryOf, type Vector } from '../../common/index.js'
import { DirectoryBlobStore } from '../directory-blob-store.js'
import { SegmentFormatVersion } from './footer.js'
import { fixtureTable } from './segment-fixture.js'
import { openSegmentReader } from './segment-reader.js'
import { encodeSegment } from './segment-writer.js'
import { mayContainValue } from './token-filter.js'

const testdata = join(dirname(fileURLToPath(import.meta.url)), '../../../storage/segment/testdata')
const decoder = new TextDecoder()

function valueAt(vector: Vector, row: number): unknown {
  if (isNullAt(vector, row)) return null
  switch (vector.kind) {
    case 'text':
      return decoder.decode(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1]))
    case 'array': {
      const elements: unknown[] = []
      for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
        elements.push(valueAt(vector.child, k))
      return elements
    }
    case 'numeric':
      return String(vector.unscaled[row])
    default:
      return vector.values[row]
  }
}

async function assertReadsFixture(bytes: Uint8Array, formatVersion: number) {
  const blobs = new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-format-')))
  await blobs.put('seg', bytes)
  const reader = await openSegmentReader(blobs, 'seg')
  assert.equal(reader.footer.formatVersion, formatVersion)
  const { fields, columns } = fixtureTable(reader.rows)
  let base = 0
  for (let batch = 0; batch < reader.batchCount; batch++) {
    const rows = reader.batchRows(batch)
    for (const [index, field] of fields.entries()) {
      const vector = await reader.readColumn(batch, field.name, field.type)
      assert.equal(vector.length, rows)
      for (let row = 0; row < rows; row++)
        assert.deepEqual(
          valueAt(vector, row),
          valueAt(columns[index]!, base + row),
          `${field.name} row ${base + row}`,
        )
    }
    // Token filters of the old format still answer (a value that is there may be there).
    const filter = await reader.tokenFilter?.(batch, 'service')
    assert.ok(filter !== undefined && filter.bits.length > 0)
    base += rows
  }
  assert.equal(base, reader.rows)
  return reader
}

test('a format 2 segment (lz4 chunks, 16-bit dictionary codes) still reads', async () => {
  const reader = await assertReadsFixture(readFileSync(join(testdata, 'format2.seg')), 2)
  assert.equal(reader.footer.batches[0]?.columns[4]?.encoding, 'dictionary')
  assert.equal(reader.footer.batches[0]?.columns[4]?.codeBits, undefined)
  const service = await reader.readColumn(0, 'service', 'text')
  assert.ok(textDictionaryOf(service) !== undefined, 'old dictionary chunks keep their codes')
})

test('a format 3 segment (token filters with values in the Bloom bits) still reads', async () => {
  const reader = await assertReadsFixture(readFileSync(join(testdata, 'format3.seg')), 3)
  const { columns } = fixtureTable(reader.rows)
  const traceIds = columns[5]!
  assert.ok(traceIds.kind === 'text')
  const filter = await reader.tokenFilter?.(0, 'trace_id')
  assert.ok(filter !== undefined && filter.values === undefined)
  for (let row = 0; row < reader.rows; row += 7) {
    const value = traceIds.data.subarray(traceIds.offsets[row], traceIds.offsets[row + 1])
    assert.ok(mayContainValue(filter, value), `row ${row}`)
  }
})

test('format 3 picks packed, hex and bit-packed dictionary chunks and reads them back', async () => {
  const { fields, columns } = fixtureTable(9000)
  const { bytes, footer } = encodeSegment(fields, columns)
  const old = readFileSync(join(testdata, 'format2.seg'))
  const encodings = footer.batches[0]!.columns.map((chunk) => chunk.encoding ?? 'plain')
  // user_id spans ±2^53 (too wide to pack): plain.
  assert.deepEqual(encodings, [
    'packed',
    'packed',
    'plain',
    'packed',
    'dictionary',
    'hex',
    'plain',
    'plain',
    'plain',
  ])
  const [ts, status, , duration, service, traceId] = footer.batches[0]!.columns
  assert.equal(ts?.packing?.delta, true)
  assert.equal(ts?.packing?.bits, 0, 'evenly spaced times need no bits')
  assert.equal(status?.packing?.step, 1, 'status codes are packed by frame of reference')
  assert.equal(duration?.packing?.decimals, 3)
  assert.equal(service?.codeBits, 2)
  assert.equal(traceId?.hexBytes, 16)
  assert.equal(footer.formatVersion, SegmentFormatVersion)
  assert.ok(
    bytes.length / 9000 < (old.length / 1000) * 0.8,
    `format 3 is smaller: ${bytes.length / 9000} vs ${old.length / 1000} bytes per row`,
  )
  const reader = await assertReadsFixture(bytes, SegmentFormatVersion)
  assert.equal(reader.batchCount, 2)
  const codes = textDictionaryOf(await reader.readColumn(1, 'service', 'text'))
  assert.ok(codes !== undefined && codes.values.length === 4)
})
