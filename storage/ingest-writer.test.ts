import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { PgError, isNullAt, type Batch, type Field, type Vector } from '../common/index.js'
import { GarbageCollector } from './garbage-collector.js'
import { GroupCommitIngestWriter } from './ingest-writer.js'
import { encodeSegment, openSegmentsForWorker, openStorage, type EmbeddedStorage } from './index.js'

const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'malamute-ingest-'))
const isCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof PgError && error.code === code

const numbers = (
  type: 'int8' | 'timestamptz' | 'float8',
  values: number[],
  validity: Uint8Array | null = null,
): Vector => ({
  kind: 'number',
  type,
  length: values.length,
  validity,
  values: Float64Array.from(values),
})

function texts(values: string[]): Vector {
  const encoded = values.map((value) => new TextEncoder().encode(value))
  const offsets = new Int32Array(values.length + 1)
  encoded.forEach((bytes, row) => (offsets[row + 1] = offsets[row]! + bytes.length))
  const data = new Uint8Array(offsets[values.length]!)
  encoded.forEach((bytes, row) => data.set(bytes, offsets[row]!))
  return { kind: 'text', type: 'text', length: values.length, validity: null, offsets, data }
}

async function readAll(
  storage: EmbeddedStorage,
  tenant: string,
  table: string,
  column: string,
  type: 'int8' | 'timestamptz' | 'text',
): Promise<(number | string | null)[]> {
  const values: (number | string | null)[] = []
  for (const segment of await storage.catalog.listSegments(tenant, table)) {
    const reader = await storage.openSegment(segment.blobKey)
    for (let batch = 0; batch < reader.batchCount; batch++) {
      const vector = await reader.readColumn(batch, column, type)
      for (let row = 0; row < vector.length; row++) {
        if (isNullAt(vector, row)) values.push(null)
        else if (vector.kind === 'number') values.push(vector.values[row]!)
        else if (vector.kind === 'text')
          values.push(
            new TextDecoder().decode(
              vector.data.subarray(vector.offsets[row], vector.offsets[row + 1]),
            ),
          )
      }
    }
  }
  return values
}

const eventFields: Field[] = [
  { name: 'ts', type: 'timestamptz' },
  { name: 'id', type: 'int8' },
]

test('ingest: concurrent appends share segments; every row reads back, sorted by ts', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 20 })
  try {
    await storage.catalog.createTable('acme', 'events', eventFields, false)
    const callers = 12
    const rowsEach = 700
    const appends = Array.from({ length: callers }, (_, caller) => {
      const ids = Array.from({ length: rowsEach }, (_, row) => caller * rowsEach + row)
      const ts = ids.map((id) => 1_700_000_000_000_000 + ((id * 7919) % 10_000))
      const batch: Batch = {
        length: rowsEach,
        columns: [numbers('timestamptz', ts), numbers('int8', ids)],
      }
      return storage.writer.append('acme', 'events', eventFields, batch)
    })
    assert.deepEqual(
      await Promise.all(appends),
      Array.from({ length: callers }, () => rowsEach),
    )
    const segments = await storage.catalog.listSegments('acme', 'events')
    assert.ok(
      segments.length < callers,
      `group commit shares segments (${segments.length} for ${callers} appends)`,
    )
    assert.equal(
      segments.reduce((sum, segment) => sum + segment.rows, 0),
      callers * rowsEach,
    )
    const ids = (await readAll(storage, 'acme', 'events', 'id', 'int8')) as number[]
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: callers * rowsEach }, (_, id) => id),
    )
    for (const segment of segments) {
      const reader = await storage.openSegment(segment.blobKey)
      const ts = await reader.readColumn(0, 'ts', 'timestamptz')
      assert.ok(ts.kind === 'number')
      for (let row = 1; row < ts.length; row++)
        assert.ok(ts.values[row - 1]! <= ts.values[row]!, 'rows are sorted by ts')
      assert.equal(segment.minTs, ts.values[0])
      assert.equal(segment.level, 0)
      assert.deepEqual(
        segment.columns.map((column) => column.name),
        ['ts', 'id'],
      )
    }
  } finally {
    await storage.close()
  }
})

test('ingest: new fields become columns; drifted types are kept as text; missing tables 42P01', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('acme', 'logs', [{ name: 'id', type: 'int8' }], false)
    await storage.writer.append(
      'acme',
      'logs',
      [
        { name: 'msg', type: 'text' },
        { name: 'id', type: 'int8' },
      ],
      {
        length: 2,
        columns: [texts(['hello', 'world']), numbers('int8', [1, 2])],
      },
    )
    await storage.writer.append('acme', 'logs', [{ name: 'ts', type: 'timestamptz' }], {
      length: 1,
      columns: [numbers('timestamptz', [5])],
    })
    const table = await storage.catalog.getTable('acme', 'logs')
    assert.deepEqual(
      table?.columns.map((column) => [column.name, column.type, column.attnum, column.declared]),
      [
        ['id', 'int8', 1, true],
        ['msg', 'text', 2, false],
        ['ts', 'timestamptz', 3, false],
      ],
    )
    assert.equal(table?.timeColumn, 'ts')
    assert.deepEqual(await readAll(storage, 'acme', 'logs', 'msg', 'text'), [
      'hello',
      'world',
      null,
    ])
    // Type drift never rejects: an integer arriving for a text column is stored as its text.
    await storage.writer.append('acme', 'logs', [{ name: 'msg', type: 'int8' }], {
      length: 1,
      columns: [numbers('int8', [1])],
    })
    assert.deepEqual(await readAll(storage, 'acme', 'logs', 'msg', 'text'), [
      'hello',
      'world',
      null,
      '1',
    ])
    await assert.rejects(
      storage.writer.append('acme', 'nope', [], { length: 0, columns: [] }),
      isCode('42P01'),
    )
    await assert.rejects(
      storage.writer.append('acme', 'logs', [{ name: 'id', type: 'int8' }], {
        length: 1,
        columns: [numbers('int8', [2 ** 60])],
      }),
      isCode('22003'),
    )
  } finally {
    await storage.close()
  }
})

test('ingest: two appends racing to add one new column with two types: the second goes to a sibling', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 5 })
  try {
    await storage.catalog.createTable('t', 'x', [], false)
    const first = storage.writer.append('t', 'x', [{ name: 'v', type: 'float8' }], {
      length: 1,
      columns: [numbers('float8', [1.5])],
    })
    const second = storage.writer.append('t', 'x', [{ name: 'v', type: 'text' }], {
      length: 1,
      columns: [texts(['high'])],
    })
    const third = storage.writer.append('t', 'x', [{ name: 'v', type: 'int8' }], {
      length: 1,
      columns: [numbers('int8', [7])],
    })
    assert.deepEqual(await Promise.all([first, second, third]), [1, 1, 1])
    const table = await storage.catalog.getTable('t', 'x')
    assert.deepEqual(
      table?.columns.map((column) => [column.name, column.type]),
      [
        ['v', 'float8'],
        ['v__text', 'text'],
      ],
    )
    assert.deepEqual(await readAll(storage, 't', 'x', 'v__text', 'text'), [null, 'high', null])
  } finally {
    await storage.close()
  }
})

test('ingest: commitBulks commits bulks of two tables in one transaction, or none', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    const id: Field[] = [{ name: 'id', type: 'int8' }]
    const one = (value: number): Batch => ({ length: 1, columns: [numbers('int8', [value])] })
    for (const table of ['a', 'b', 'gone']) await storage.catalog.createTable('t', table, id, false)
    const a = await storage.writer.beginBulk('t', 'a')
    const b = await storage.writer.beginBulk('t', 'b')
    await a.add(id, one(1))
    await b.add(id, one(2))
    await storage.writer.commitBulks([a, b])
    assert.deepEqual(await readAll(storage, 't', 'a', 'id', 'int8'), [1])
    assert.deepEqual(await readAll(storage, 't', 'b', 'id', 'int8'), [2])
    // A table dropped before the commit fails it for every table; the uploads are deleted.
    const blobsBefore = await storage.blobs.list('')
    const again = await storage.writer.beginBulk('t', 'a')
    const gone = await storage.writer.beginBulk('t', 'gone')
    await again.add(id, one(3))
    await gone.add(id, one(4))
    await storage.catalog.dropTable('t', 'gone')
    await assert.rejects(storage.writer.commitBulks([again, gone]), isCode('42P01'))
    assert.deepEqual(await readAll(storage, 't', 'a', 'id', 'int8'), [1])
    assert.deepEqual((await storage.blobs.list('')).sort(), [...blobsBefore].sort())
  } finally {
    await storage.close()
  }
})

test('ingest: a bulk append commits all its segments at once, or none after abort', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'bulk', [{ name: 'id', type: 'int8' }], false)
    const writer = storage.writer
    const aborted = await writer.beginBulk('t', 'bulk')
    await aborted.add([{ name: 'id', type: 'int8' }], {
      length: 2,
      columns: [numbers('int8', [1, 2])],
    })
    await aborted.abort()
    assert.deepEqual(await storage.catalog.listSegments('t', 'bulk'), [])
    assert.deepEqual(await storage.blobs.list(''), [])
    const bulk = await writer.beginBulk('t', 'bulk')
    for (let i = 0; i < 3; i++) {
      await bulk.add([{ name: 'id', type: 'int8' }], { length: 1, columns: [numbers('int8', [i])] })
      await bulk.add([{ name: 'note', type: 'text' }], { length: 1, columns: [texts([`n${i}`])] })
    }
    assert.deepEqual(await storage.catalog.listSegments('t', 'bulk'), [])
    assert.equal(await bulk.commit(), 6)
    assert.deepEqual(await readAll(storage, 't', 'bulk', 'id', 'int8'), [0, null, 1, null, 2, null])
    const table = await storage.catalog.getTable('t', 'bulk')
    assert.deepEqual(
      table?.columns.map((column) => column.name),
      ['id', 'note'],
    )
  } finally {
    await storage.close()
  }
})

test('ingest: a table dropped before the commit rejects the group and commits nothing', async () => {
  const dataDir = newDataDir()
  // The flush waits long enough for the drop to land first, even on a loaded machine.
  const storage = await openStorage({ dataDir, flushIntervalMs: 1_000 })
  try {
    await storage.catalog.createTable('t', 'doomed', [], false)
    const pending = storage.writer.append('t', 'doomed', [{ name: 'id', type: 'int8' }], {
      length: 1,
      columns: [numbers('int8', [1])],
    })
    // Expect the rejection now: it may come before the drops below finish awaiting.
    const rejected = assert.rejects(pending, isCode('42P01'))
    await storage.catalog.dropTable('t', 'doomed')
    await storage.catalog.createTable('t', 'doomed', [], false)
    await rejected
    assert.deepEqual(await storage.catalog.listSegments('t', 'doomed'), [])
    assert.deepEqual(await storage.blobs.list(''), [])
  } finally {
    await storage.close()
  }
})

test('ingest: a blob written but never committed is invisible, before and after restart', async () => {
  const dataDir = newDataDir()
  let storage = await openStorage({ dataDir, flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'x', eventFields, false)
    await storage.writer.append('t', 'x', eventFields, {
      length: 1,
      columns: [numbers('timestamptz', [10]), numbers('int8', [1])],
    })
    // What a writer that crashed between BlobStore.put and the metadata commit leaves behind.
    const orphan = encodeSegment(eventFields, [numbers('timestamptz', [20]), numbers('int8', [2])])
    const table = await storage.catalog.getTable('t', 'x')
    await storage.blobs.put(`t${table?.oid}/zzzz-orphan.seg`, orphan.bytes)
    const visible = async (): Promise<number[]> =>
      (await readAll(storage, 't', 'x', 'id', 'int8')) as number[]
    assert.deepEqual(await visible(), [1])
    await storage.close()
    storage = await openStorage({ dataDir })
    assert.deepEqual(
      await visible(),
      [1],
      'committed rows survive restart; the orphan stays invisible',
    )
    assert.equal((await storage.catalog.listSegments('t', 'x')).length, 1)
  } finally {
    await storage.close()
  }
})

test('ingest: the row threshold cuts flushes; big appends split into 8192-row batches; workers read by dataDir', async () => {
  const dataDir = newDataDir()
  const storage = await openStorage({ dataDir, flushIntervalMs: 1000, flushRowsThreshold: 5000 })
  try {
    await storage.catalog.createTable('t', 'big', eventFields, false)
    const rows = 10_000
    const ids = Array.from({ length: rows }, (_, row) => rows - row)
    const started = Date.now()
    await storage.writer.append('t', 'big', eventFields, {
      length: rows,
      columns: [numbers('timestamptz', ids), numbers('int8', ids)],
    })
    assert.ok(Date.now() - started < 1000, 'reaching the threshold flushes before the interval')
    const [segment] = await storage.catalog.listSegments('t', 'big')
    assert.ok(segment !== undefined)
    assert.deepEqual([segment.minTs, segment.maxTs, segment.rows], [1, rows, rows])
    const worker = openSegmentsForWorker(dataDir)
    const reader = await worker.openSegment(segment.blobKey)
    assert.deepEqual(
      [reader.batchCount, reader.batchRows(0), reader.batchRows(1)],
      [2, 8192, rows - 8192],
    )
    const last = await reader.readColumn(1, 'id', 'int8')
    assert.equal(last.kind === 'number' ? last.values[last.length - 1] : undefined, rows)
  } finally {
    await storage.close()
  }
})

test('ingest: segment records keep non-finite float bounds (JSON has no NaN)', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'f', [{ name: 'v', type: 'float8' }], false)
    const values = numbers('float8', [1, -Infinity, NaN, 2])
    await storage.writer.append('t', 'f', [{ name: 'v', type: 'float8' }], {
      length: 4,
      columns: [values],
    })
    const [segment] = await storage.catalog.listSegments('t', 'f')
    assert.deepEqual(segment?.columns, [
      { name: 'v', type: 'float8', nullCount: 0, min: -Infinity, max: NaN },
    ])
  } finally {
    await storage.close()
  }
})

test('ingest: the uploaded segments of a bulk load survive the orphan scan until their commit', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'slow_copy', [{ name: 'id', type: 'int8' }], false)
    const writer = new GroupCommitIngestWriter(storage.catalog, storage.metadata, storage.blobs, {
      bulkSegmentRows: 1,
    })
    // Safety age 0: without the in-flight registry, any unreferenced file is an orphan.
    const collector = new GarbageCollector(storage.metadata, storage.blobs, { orphanSafetyMs: 0 })
    const bulk = await writer.beginBulk('t', 'slow_copy')
    for (let i = 0; i < 3; i++) {
      await bulk.add([{ name: 'id', type: 'int8' }], { length: 1, columns: [numbers('int8', [i])] })
    }
    assert.equal((await storage.blobs.list('')).length, 3, 'three segments uploaded before commit')
    assert.equal(await collector.collectOrphans(), 0)
    assert.equal(await bulk.commit(), 3)
    assert.deepEqual(await readAll(storage, 't', 'slow_copy', 'id', 'int8'), [0, 1, 2])
    assert.equal(await collector.collectOrphans(), 0, 'committed segments are referenced')
  } finally {
    await storage.close()
  }
})
