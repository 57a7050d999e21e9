// Round-trips random tables of every stored type through the segment writer and reader, as
// arrow-js's stream-writer tests do, then checks footer statistics and ranged reads.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  AssertionError,
  BatchRowsTarget,
  elementTypeOf,
  isArrayType,
  isNullAt,
  type Field,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import type { BlobStore } from '../blob-store.js'
import { DirectoryBlobStore } from '../directory-blob-store.js'
import { formatDecimal } from './column-codec.js'
import { openSegmentReader, SegmentFooterCache } from './segment-reader.js'
import { encodeSegment, segmentColumnStats } from './segment-writer.js'
import { concatVectors, takeRows, takeRowsFromParts, timeSortPermutation } from './vector-ops.js'

/** mulberry32: a small seeded generator, so a failure reproduces from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const StoredTypes: readonly SqlType[] = [
  'bool',
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'numeric',
  'text',
  'varchar',
  'timestamptz',
  'timestamp',
  'date',
  'jsonb',
  'bytea',
  'oid',
  'interval',
  '_int4',
  '_int8',
  '_float8',
  '_text',
  '_bool',
  '_numeric',
  '_timestamptz',
]

function randomNumber(type: SqlType, next: () => number): number {
  const signed = (span: number): number => Math.floor(next() * span * 2) - span
  switch (type) {
    case 'int2':
      return signed(32768)
    case 'int4':
    case 'date':
      return signed(2 ** 31)
    case 'oid':
      return Math.floor(next() * 2 ** 32)
    case 'int8':
      return next() < 0.1 ? Number.MAX_SAFE_INTEGER * (next() < 0.5 ? -1 : 1) : signed(2 ** 52)
    case 'timestamptz':
    case 'timestamp':
      return 1_700_000_000_000_000 + signed(10 ** 12)
    case 'float4':
      return Math.fround((next() - 0.5) * 1e6)
    default:
      return next() < 0.02
        ? [NaN, Infinity, -Infinity, -0][Math.floor(next() * 4)]!
        : (next() - 0.5) * 1e12
  }
}

function randomVector(
  type: SqlType,
  length: number,
  next: () => number,
  nullRatio: number,
): Vector {
  const validity =
    nullRatio === 0 ? null : Uint8Array.from({ length }, () => (next() < nullRatio ? 0 : 1))
  if (isArrayType(type)) {
    // 0 to 5 elements per array, element NULLs at the same ratio, empty arrays included.
    const offsets = new Int32Array(length + 1)
    for (let row = 0; row < length; row++) offsets[row + 1] = offsets[row]! + Math.floor(next() * 6)
    const child = randomVector(elementTypeOf(type), offsets[length]!, next, nullRatio / 2)
    return { kind: 'array', type, length, validity, offsets, child }
  }
  if (type === 'bool')
    return {
      kind: 'bool',
      type,
      length,
      validity,
      values: Uint8Array.from({ length }, () => (next() < 0.5 ? 1 : 0)),
    }
  if (type === 'numeric') {
    const unscaled = Array.from({ length }, () => BigInt(Math.floor((next() - 0.5) * 1e15)) * 1000n)
    return {
      kind: 'numeric',
      type,
      length,
      validity,
      unscaled,
      scales: Uint16Array.from({ length }, () => Math.floor(next() * 8)),
    }
  }
  if (['text', 'varchar', 'jsonb', 'bytea', 'interval'].includes(type)) {
    const words = ['', 'GET', 'POST /api/v1', 'ümlaut ✓', 'a\u0000b', '{"k":1}', 'error: timeout']
    const parts = Array.from({ length }, () =>
      encoder.encode(
        words[Math.floor(next() * words.length)]! + (next() < 0.3 ? String(next()) : ''),
      ),
    )
    const offsets = new Int32Array(length + 1)
    parts.forEach((part, row) => (offsets[row + 1] = offsets[row]! + part.length))
    const data = new Uint8Array(offsets[length]!)
    parts.forEach((part, row) => data.set(part, offsets[row]!))
    return { kind: 'text', type, length, validity, offsets, data }
  }
  return {
    kind: 'number',
    type,
    length,
    validity,
    values: Float64Array.from({ length }, () => randomNumber(type, next)),
  }
}

/** A row's value as comparable plain data, or null for NULL. */
function valueAt(vector: Vector, row: number): unknown {
  if (isNullAt(vector, row)) return null
  switch (vector.kind) {
    case 'bool':
      return vector.values[row]
    case 'number':
      return Object.is(vector.values[row], -0) ? 0 : vector.values[row]
    case 'text':
      return decoder.decode(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1]))
    case 'numeric':
      return formatDecimal(vector.unscaled[row]!, vector.scales[row]!)
    case 'array': {
      const elements: unknown[] = []
      for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
        elements.push(valueAt(vector.child, k))
      return elements
    }
  }
}

async function writeAndOpen(blobs: BlobStore, key: string, fields: Field[], columns: Vector[]) {
  const { bytes, footer } = encodeSegment(fields, columns)
  await blobs.put(key, bytes)
  return { footer, reader: await openSegmentReader(blobs, key) }
}

const newBlobStore = (): DirectoryBlobStore =>
  new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-seg-')))

for (const [seed, rows, nullRatio] of [
  [1, 1, 0.5],
  [2, 100, 0],
  [3, 8193, 0.3],
  [4, 20000, 0.05],
  [5, 7, 1],
] as const) {
  test(`segment round trip: seed ${seed}, ${rows} rows, NULL ratio ${nullRatio}`, async () => {
    const next = random(seed)
    const fields: Field[] = StoredTypes.map((type) => ({ name: `c_${type}`, type }))
    const columns = fields.map((field) => randomVector(field.type, rows, next, nullRatio))
    const blobs = newBlobStore()
    const { reader } = await writeAndOpen(blobs, 'seg/one', fields, columns)
    assert.equal(reader.rows, rows)
    assert.equal(reader.batchCount, Math.ceil(rows / BatchRowsTarget))
    let base = 0
    for (let batch = 0; batch < reader.batchCount; batch++) {
      const batchRows = reader.batchRows(batch)
      for (const [index, field] of fields.entries()) {
        const vector = await reader.readColumn(batch, field.name, field.type)
        const expected = columns[index]!
        assert.equal(vector.kind, expected.kind)
        assert.equal(vector.type, field.type)
        assert.equal(vector.length, batchRows)
        const nullCount = reader.batchStats(batch, field.name)?.nullCount
        assert.equal(
          vector.validity === null,
          nullCount === 0,
          `${field.name}: validity is null exactly when no NULLs`,
        )
        for (let row = 0; row < batchRows; row++) {
          assert.deepEqual(
            valueAt(vector, row),
            valueAt(expected, base + row),
            `${field.name} row ${base + row}`,
          )
        }
      }
      base += batchRows
    }
  })
}

test('segment stats: per batch and merged per segment', async () => {
  const fields: Field[] = [
    { name: 'n', type: 'int8' },
    { name: 's', type: 'text' },
    { name: 'f', type: 'float8' },
    { name: 'b', type: 'bool' },
  ]
  const rows = BatchRowsTarget + 2
  const n: Vector = {
    kind: 'number',
    type: 'int8',
    length: rows,
    validity: null,
    values: Float64Array.from({ length: rows }, (_, row) => row - 5),
  }
  const words = ['pear', 'apple', 'Zebra', 'äpfel']
  const texts = Array.from({ length: rows }, (_, row) => encoder.encode(words[row % 4]!))
  const offsets = new Int32Array(rows + 1)
  texts.forEach((text, row) => (offsets[row + 1] = offsets[row]! + text.length))
  const data = new Uint8Array(offsets[rows]!)
  texts.forEach((text, row) => data.set(text, offsets[row]!))
  const validity = Uint8Array.from({ length: rows }, (_, row) => (row === 0 ? 0 : 1))
  const s: Vector = { kind: 'text', type: 'text', length: rows, validity, offsets, data }
  const f: Vector = {
    kind: 'number',
    type: 'float8',
    length: rows,
    validity: null,
    values: Float64Array.from({ length: rows }, (_, row) =>
      row === 3 ? NaN : row === 4 ? -Infinity : row,
    ),
  }
  const b: Vector = {
    kind: 'bool',
    type: 'bool',
    length: rows,
    validity: new Uint8Array(rows),
    values: new Uint8Array(rows),
  }
  const { footer, reader } = await writeAndOpen(newBlobStore(), 'stats', fields, [n, s, f, b])
  assert.deepEqual(reader.batchStats(0, 'n'), {
    name: 'n',
    type: 'int8',
    nullCount: 0,
    min: -5,
    max: BatchRowsTarget - 6,
  })
  assert.deepEqual(reader.batchStats(1, 'n'), {
    name: 'n',
    type: 'int8',
    nullCount: 0,
    min: BatchRowsTarget - 5,
    max: BatchRowsTarget - 4,
  })
  assert.deepEqual(reader.batchStats(0, 's'), {
    name: 's',
    type: 'text',
    nullCount: 1,
    min: 'Zebra',
    max: 'äpfel',
  })
  assert.deepEqual(reader.batchStats(0, 'f'), {
    name: 'f',
    type: 'float8',
    nullCount: 0,
    min: -Infinity,
    max: NaN,
  })
  assert.deepEqual(reader.batchStats(0, 'b'), {
    name: 'b',
    type: 'bool',
    nullCount: BatchRowsTarget,
    min: null,
    max: null,
  })
  assert.equal(reader.batchStats(0, 'missing'), undefined)
  const merged = segmentColumnStats(footer)
  assert.deepEqual(merged[0], {
    name: 'n',
    type: 'int8',
    nullCount: 0,
    min: -5,
    max: BatchRowsTarget - 4,
  })
  assert.deepEqual(merged[3], { name: 'b', type: 'bool', nullCount: rows, min: null, max: null })
})

test('segment reader: missing columns read as NULL, types convert within a layout', async () => {
  const fields: Field[] = [{ name: 'x', type: 'int4' }]
  const x: Vector = {
    kind: 'number',
    type: 'int4',
    length: 3,
    validity: null,
    values: Float64Array.of(1, -2, 3),
  }
  const { reader } = await writeAndOpen(newBlobStore(), 'convert', fields, [x])
  const missing = await reader.readColumn(0, 'nope', 'text')
  assert.equal(missing.kind, 'text')
  assert.deepEqual(
    [0, 1, 2].map((row) => isNullAt(missing, row)),
    [true, true, true],
  )
  const asFloat = await reader.readColumn(0, 'x', 'float8')
  assert.equal(asFloat.type, 'float8')
  assert.deepEqual(asFloat.kind === 'number' ? [...asFloat.values] : [], [1, -2, 3])
  const asNumeric = await reader.readColumn(0, 'x', 'numeric')
  assert.deepEqual(asNumeric.kind === 'numeric' ? asNumeric.unscaled : [], [1n, -2n, 3n])
  await assert.rejects(
    reader.readColumn(0, 'x', 'bool'),
    (error: { code?: string }) => error.code === '42804',
  )
})

test('segment reader: footer then ranged chunk reads only, compressed chunks, footer cache', async () => {
  const rows = 5000
  const fields: Field[] = [
    { name: 'msg', type: 'text' },
    { name: 'v', type: 'float8' },
  ]
  // Nearly the same line on every row: too many distinct values for a dictionary.
  const line = (row: number): Uint8Array =>
    encoder.encode(`the same log line over and over again ${String(row % 1000).padStart(3, '0')}`)
  const width = line(0).length
  const offsets = Int32Array.from({ length: rows + 1 }, (_, row) => row * width)
  const data = new Uint8Array(rows * width)
  for (let row = 0; row < rows; row++) data.set(line(row), row * width)
  const msg: Vector = { kind: 'text', type: 'text', length: rows, validity: null, offsets, data }
  const v: Vector = {
    kind: 'number',
    type: 'float8',
    length: rows,
    validity: null,
    values: Float64Array.from({ length: rows }, Math.random),
  }
  const { bytes, footer } = encodeSegment(fields, [msg, v])
  assert.equal(footer.batches[0]?.columns[0]?.compression, 'zstd')
  const textChunk = footer.batches[0]!.columns[0]!
  assert.ok(textChunk.storedLength < textChunk.rawLength / 5, 'repetitive text compresses')
  const directory = newBlobStore()
  await directory.put('ranged', bytes)
  const reads: [number, number][] = []
  const counting: BlobStore = {
    put: (key, value) => directory.put(key, value),
    get: () => Promise.reject(new Error('readers never fetch whole segments')),
    getRange: (key, offset, length) => (
      reads.push([offset, length]),
      directory.getRange(key, offset, length)
    ),
    size: (key) => directory.size(key),
    delete: (key) => directory.delete(key),
    list: (prefix) => directory.list(prefix),
  }
  const cache = new SegmentFooterCache(1)
  const reader = await openSegmentReader(counting, 'ranged', cache)
  assert.equal(reads.length, 1)
  const vector = await reader.readColumn(0, 'v', 'float8')
  assert.deepEqual(vector.kind === 'number' ? [...vector.values] : [], [
    ...(v as { values: Float64Array }).values,
  ])
  const chunk = footer.batches[0]!.columns[1]!
  assert.deepEqual(reads[1], [chunk.offset, chunk.storedLength])
  await openSegmentReader(counting, 'ranged', cache)
  assert.equal(reads.length, 2, 'a cached footer costs no read')
})

test('segment reader: a corrupt trailer fails an assertion', async () => {
  const blobs = newBlobStore()
  const { bytes } = encodeSegment(
    [{ name: 'x', type: 'int4' }],
    [{ kind: 'number', type: 'int4', length: 1, validity: null, values: Float64Array.of(7) }],
  )
  bytes[bytes.length - 1] = 0
  await blobs.put('corrupt', bytes)
  await assert.rejects(openSegmentReader(blobs, 'corrupt'), AssertionError)
})

test('segment writer: integers outside the column type are rejected with 22003', () => {
  const big: Vector = {
    kind: 'number',
    type: 'int2',
    length: 1,
    validity: null,
    values: Float64Array.of(40000),
  }
  assert.throws(
    () => encodeSegment([{ name: 'x', type: 'int2' }], [big]),
    (error: { code?: string }) => error.code === '22003',
  )
})

test('time sort: stable, ascending, NULLs last', () => {
  const times: Vector = {
    kind: 'number',
    type: 'timestamptz',
    length: 6,
    validity: Uint8Array.of(1, 0, 1, 1, 1, 0),
    values: Float64Array.of(5, 0, 3, 5, 1, 0),
  }
  const order = timeSortPermutation(times)
  assert.deepEqual([...order], [4, 2, 0, 3, 1, 5])
  const sorted = takeRows(times, order)
  assert.deepEqual([...(sorted as { values: Float64Array }).values].slice(0, 4), [1, 3, 5, 5])
})

test('numberToDecimalText: no exponents, exact integers', async () => {
  const { numberToDecimalText } = await import('./column-codec.js')
  assert.equal(numberToDecimalText(1e21), '1000000000000000000000')
  assert.equal(numberToDecimalText(-2.5), '-2.5')
  assert.ok(!numberToDecimalText(1e-7).includes('e'))
})

test('takeRowsFromParts gathers as takeRows over the concatenation does, for every type', () => {
  const next = random(7)
  for (const type of StoredTypes) {
    const parts = [5, 1, 40, 17].map((rows) => randomVector(type, rows, next, 0.3))
    parts.push(randomVector(type, 9, next, 0))
    const whole = concatVectors(type, parts)
    const order = new Uint32Array(whole.length * 2)
    for (let i = 0; i < order.length; i++) order[i] = Math.floor(next() * whole.length)
    const expected = takeRows(whole, order)
    const actual = takeRowsFromParts(type, parts, order)
    assert.equal(actual.length, order.length, type)
    for (let row = 0; row < order.length; row++) {
      assert.equal(isNullAt(actual, row), isNullAt(expected, row), `${type} row ${row}`)
      if (!isNullAt(expected, row))
        assert.deepEqual(valueAt(actual, row), valueAt(expected, row), `${type} row ${row}`)
    }
  }
})
