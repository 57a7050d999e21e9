// Exactly-once ingest in storage: event ids de-duplicate within a bulk, against committed ids
// and against a writer racing on another bulk; source positions commit with their segments
// and refuse a stale expected position; DROP TABLE forgets both.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { PgError, type Batch, type Field } from '../common/index.js'
import { JsonEventBatchBuilder } from './json-events.js'
import { openStorage, type EmbeddedStorage } from './index.js'

const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'malamute-exactly-once-'))
const isCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof PgError && error.code === code

function events(ids: (number | string | null)[]): { fields: Field[]; batch: Batch } {
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  ids.forEach((id, index) =>
    builder.addEvent(id === null ? { n: index } : { id, n: index }, index + 1),
  )
  return builder.finish()
}

async function storedRows(storage: EmbeddedStorage, table: string): Promise<number> {
  const segments = await storage.catalog.listSegments('t', table)
  return segments.reduce((sum, segment) => sum + segment.rows, 0)
}

async function bulkOf(storage: EmbeddedStorage, ids: (number | string | null)[]) {
  const bulk = await storage.writer.beginBulk('t', 'e')
  const { fields, batch } = events(ids)
  await bulk.add(fields, batch, { idField: 'id' })
  return bulk
}

test('event ids: duplicates within a bulk and of committed ids are dropped', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'e', [], false)
    const first = await bulkOf(storage, [1, 2, 2, '3', null, null])
    assert.equal(first.duplicateRows, 1)
    assert.equal(await first.commit(), 5)
    // 3 and "3" are one id; rows without an id are never de-duplicated.
    const second = await bulkOf(storage, [3, 4, 1, null])
    assert.equal(second.duplicateRows, 2)
    assert.equal(await second.commit(), 2)
    assert.equal(await storedRows(storage, 'e'), 7)
    // Without idField nothing is de-duplicated.
    const plain = await storage.writer.beginBulk('t', 'e')
    const { fields, batch } = events([1, 2])
    await plain.add(fields, batch)
    assert.equal(await plain.commit(), 2)
  } finally {
    await storage.close()
  }
})

test('event ids: of two racing bulks with one id, the second commit fails with 40001', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'e', [], false)
    const a = await bulkOf(storage, [10, 11])
    const b = await bulkOf(storage, [12, 11])
    await a.commit()
    const blobsBefore = await storage.blobs.list('')
    await assert.rejects(b.commit(), isCode('40001'))
    assert.equal(await storedRows(storage, 'e'), 2)
    assert.deepEqual((await storage.blobs.list('')).sort(), [...blobsBefore].sort())
  } finally {
    await storage.close()
  }
})

test('event ids: ids older than the window expire and are accepted again', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'e', [], false)
    await (await bulkOf(storage, [1, 2])).commit()
  } finally {
    await storage.close()
  }
  // The same data dir with a 1 ms window: after 5 ms, ids 1 and 2 are out of it.
  const { GroupCommitIngestWriter } = await import('./ingest-writer.js')
  const reopened = await openStorage({ dataDir: storage.config.dataDir, flushIntervalMs: 1 })
  try {
    const writer = new GroupCommitIngestWriter(
      reopened.catalog,
      reopened.metadata,
      reopened.blobs,
      {
        eventIdWindowMs: 1,
      },
    )
    await new Promise((resolve) => setTimeout(resolve, 5))
    const bulk = await writer.beginBulk('t', 'e')
    const { fields, batch } = events([1, 2, 3])
    await bulk.add(fields, batch, { idField: 'id' })
    assert.equal(bulk.duplicateRows, 0)
    await bulk.commit()
    assert.equal(await storedRows(reopened, 'e'), 5)
    // The default writer (24 h window) sees 1, 2 and 3 as committed.
    const again = await bulkOf(reopened, [1, 2, 3, 4])
    assert.equal(again.duplicateRows, 3)
    await again.abort()
  } finally {
    await reopened.close()
  }
})

test('source positions: committed with the segments, checked against the expected one', async () => {
  const storage = await openStorage({ dataDir: newDataDir(), flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'e', [], false)
    const position = (expected: string | null, next: string, partition = 0) => ({
      tenant: 't',
      table: 'e',
      source: 'kafka/events',
      partition,
      expected,
      next,
    })
    const bulk = await bulkOf(storage, [1])
    await storage.writer.commitBulks([bulk], {
      sourcePositions: [position(null, '100'), position(null, '7', 3)],
    })
    const stored = await storage.writer.readSourcePositions('t', 'e', 'kafka/events')
    assert.deepEqual([...stored].sort(), [
      [0, '100'],
      [3, '7'],
    ])
    // A writer that read an older position loses: nothing of its bulk becomes visible.
    const stale = await bulkOf(storage, [2])
    await assert.rejects(
      storage.writer.commitBulks([stale], { sourcePositions: [position(null, '50')] }),
      isCode('40001'),
    )
    assert.equal(await storedRows(storage, 'e'), 1)
    // Positions alone (a batch of only duplicates) still commit.
    await storage.writer.commitBulks([], { sourcePositions: [position('100', '150')] })
    assert.equal((await storage.writer.readSourcePositions('t', 'e', 'kafka/events')).get(0), '150')
    await storage.catalog.dropTable('t', 'e')
    await storage.catalog.createTable('t', 'e', [], false)
    assert.equal((await storage.writer.readSourcePositions('t', 'e', 'kafka/events')).size, 0)
    const fresh = await bulkOf(storage, [1])
    assert.equal(fresh.duplicateRows, 0)
    await fresh.abort()
  } finally {
    await storage.close()
  }
})
