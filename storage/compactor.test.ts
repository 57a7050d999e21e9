import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isNullAt, type Field, type Vector } from '../common/index.js'
import type { SegmentMeta } from './api.js'
import { blobsInUse } from './blob-pins.js'
import { mergeOrder } from './merge-order.js'
import {
  compactionFor,
  openStorage,
  uploadsInFlight,
  type CompactionConfig,
  type EmbeddedStorage,
} from './index.js'

const Jan1Us = Date.UTC(2024, 0, 1) * 1000
const DayUs = 86_400_000_000
const tenant = 'acme'
const table = 'events'

/** Everything in one tier, so merges go all the way down to one segment per bucket. */
const oneTier: CompactionConfig = { policy: { tierBaseRows: 1_000_000 } }

interface Row {
  ts: number
  id: number
  message: string | null
  score: number | null
  /** A column only some appends carry (schemaless). */
  extra: string | null
}

function numbers(type: 'int8' | 'timestamptz' | 'float8', values: (number | null)[]): Vector {
  const validity = values.some((value) => value === null)
    ? Uint8Array.from(values, (value) => (value === null ? 0 : 1))
    : null
  return {
    kind: 'number',
    type,
    length: values.length,
    validity,
    values: Float64Array.from(values, (value) => value ?? 0),
  }
}

function texts(values: (string | null)[]): Vector {
  const encoded = values.map((value) => new TextEncoder().encode(value ?? ''))
  const offsets = new Int32Array(values.length + 1)
  encoded.forEach((bytes, row) => (offsets[row + 1] = offsets[row]! + bytes.length))
  const data = new Uint8Array(offsets[values.length]!)
  encoded.forEach((bytes, row) => data.set(bytes, offsets[row]!))
  const validity = values.some((value) => value === null)
    ? Uint8Array.from(values, (value) => (value === null ? 0 : 1))
    : null
  return { kind: 'text', type: 'text', length: values.length, validity, offsets, data }
}

async function withStorage(run: (storage: EmbeddedStorage) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'malamute-compact-'))
  const storage = await openStorage({ dataDir, flushIntervalMs: 0 })
  try {
    await storage.catalog.createTable(
      tenant,
      table,
      [
        { name: 'ts', type: 'timestamptz' },
        { name: 'id', type: 'int8' },
        { name: 'message', type: 'text' },
        { name: 'score', type: 'float8' },
      ],
      false,
    )
    await run(storage)
  } finally {
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Appends rows as one append (one segment); `withExtra` adds the schemaless column. */
async function append(storage: EmbeddedStorage, rows: Row[], withExtra: boolean): Promise<void> {
  const fields: Field[] = [
    { name: 'ts', type: 'timestamptz' },
    { name: 'id', type: 'int8' },
    { name: 'message', type: 'text' },
    { name: 'score', type: 'float8' },
  ]
  const columns = [
    numbers(
      'timestamptz',
      rows.map((row) => row.ts),
    ),
    numbers(
      'int8',
      rows.map((row) => row.id),
    ),
    texts(rows.map((row) => row.message)),
    numbers(
      'float8',
      rows.map((row) => row.score),
    ),
  ]
  if (withExtra) {
    fields.push({ name: 'extra', type: 'text' })
    columns.push(texts(rows.map((row) => row.extra)))
  }
  await storage.writer.append(tenant, table, fields, { length: rows.length, columns })
}

/** Appends `appends` small batches with out-of-order times; answers every row appended. */
async function appendMany(storage: EmbeddedStorage, appends: number, dayUs = 0): Promise<Row[]> {
  const all: Row[] = []
  let id = all.length
  for (let index = 0; index < appends; index++) {
    const withExtra = index % 3 === 0
    const rows: Row[] = Array.from({ length: 1 + (index % 7) }, () => {
      id++
      return {
        // Times interleave across appends, with ties.
        ts: dayUs + Jan1Us + ((id * 7919) % 500) * 1_000_000,
        id: id + (dayUs / DayUs) * 100_000,
        message: id % 5 === 0 ? null : `event ${id} ${'x'.repeat(id % 11)}`,
        score: id % 4 === 0 ? null : id / 8,
        extra: withExtra && id % 2 === 0 ? `extra ${id}` : null,
      }
    })
    await append(storage, rows, withExtra)
    all.push(...rows)
  }
  return all
}

/** Reads every visible row of `segments` in segment order. */
async function readRows(
  storage: EmbeddedStorage,
  segments: readonly SegmentMeta[],
): Promise<Row[]> {
  const rows: Row[] = []
  const decoder = new TextDecoder()
  const value = (vector: Vector, row: number): number | string | null => {
    if (isNullAt(vector, row)) return null
    if (vector.kind === 'number') return vector.values[row]!
    assert(vector.kind === 'text')
    return decoder.decode(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1]))
  }
  for (const segment of segments) {
    const reader = await storage.openSegment(segment.blobKey)
    for (let batch = 0; batch < reader.batchCount; batch++) {
      const ts = await reader.readColumn(batch, 'ts', 'timestamptz')
      const id = await reader.readColumn(batch, 'id', 'int8')
      const message = await reader.readColumn(batch, 'message', 'text')
      const score = await reader.readColumn(batch, 'score', 'float8')
      const extra = await reader.readColumn(batch, 'extra', 'text')
      for (let row = 0; row < ts.length; row++) {
        rows.push({
          ts: value(ts, row) as number,
          id: value(id, row) as number,
          message: value(message, row) as string | null,
          score: value(score, row) as number | null,
          extra: value(extra, row) as string | null,
        })
      }
    }
  }
  return rows
}

const byId = (rows: readonly Row[]): Row[] => [...rows].sort((a, b) => a.id - b.id)

function assertSortedByTime(rows: readonly Row[]): void {
  for (let index = 1; index < rows.length; index++) {
    assert.ok(rows[index - 1]!.ts <= rows[index]!.ts, `row ${index} is out of time order`)
  }
}

test('compaction merges many small segments into one time-sorted segment, every value kept', async () => {
  await withStorage(async (storage) => {
    const appended = await appendMany(storage, 70)
    const before = await storage.catalog.listSegments(tenant, table)
    assert.equal(before.length, 70)
    const { compactor } = compactionFor(storage, oneTier)
    const results = await compactor.compactUntilIdle()
    assert.ok(results.every((result) => result.committed))
    const after = await storage.catalog.listSegments(tenant, table)
    assert.equal(after.length, 1)
    const [output] = after
    assert.equal(output?.rows, appended.length)
    assert.ok((output?.level ?? 0) >= 2, 'the output went through two rounds of merges')
    assert.equal(output?.minTs, Math.min(...before.map((segment) => segment.minTs)))
    assert.equal(output?.maxTs, Math.max(...before.map((segment) => segment.maxTs)))
    const rows = await readRows(storage, after)
    assertSortedByTime(rows)
    assert.deepEqual(byId(rows), byId(appended))
    assert.equal(
      results.reduce((sum, result) => sum + result.inputs, 0),
      70 + results.length - 1,
      'every merge but the last feeds one later merge',
    )
  })
})

test('segments of different days merge separately; a multi-batch input merges whole', async () => {
  await withStorage(async (storage) => {
    const day0 = await appendMany(storage, 5)
    const day1 = await appendMany(storage, 5, DayUs)
    const big: Row[] = Array.from({ length: 10_000 }, (_, index) => ({
      ts: Jan1Us + (10_000 - index) * 1000,
      id: 1_000_000 + index,
      message: index % 9 === 0 ? null : `big ${index}`,
      score: index,
      extra: null,
    }))
    await append(storage, big, false)
    const { compactor } = compactionFor(storage, oneTier)
    await compactor.compactUntilIdle()
    const after = await storage.catalog.listSegments(tenant, table)
    assert.equal(after.length, 2)
    const rows = await readRows(storage, after)
    assert.deepEqual(byId(rows), byId([...day0, ...day1, ...big]))
    for (const segment of after) assertSortedByTime(await readRows(storage, [segment]))
  })
})

test('a reader holding the pre-swap snapshot reads every segment during the grace period', async () => {
  await withStorage(async (storage) => {
    const appended = await appendMany(storage, 10)
    const snapshot = await storage.catalog.listSegments(tenant, table)
    let nowMs = Date.now()
    const config: CompactionConfig = { ...oneTier, graceMs: 60_000, now: () => nowMs }
    const { compactor, collector } = compactionFor(storage, config)
    await compactor.compactUntilIdle()
    assert.equal((await storage.catalog.listSegments(tenant, table)).length, 1)
    // Within the grace period, the collector keeps the replaced blobs.
    assert.equal(await collector.collectReplaced(), 0)
    assert.deepEqual(byId(await readRows(storage, snapshot)), byId(appended))
    nowMs += 60_001
    assert.equal(await collector.collectReplaced(), snapshot.length)
    for (const segment of snapshot)
      assert.equal(await storage.blobs.size(segment.blobKey), undefined)
    const current = await storage.catalog.listSegments(tenant, table)
    assert.deepEqual(byId(await readRows(storage, current)), byId(appended))
    assert.equal(await collector.collectReplaced(), 0, 'records of deleted blobs are cleared')
  })
})

test('a replaced blob a running query has pinned outlives the grace period until released', async () => {
  await withStorage(async (storage) => {
    await appendMany(storage, 4)
    const snapshot = await storage.catalog.listSegments(tenant, table)
    let nowMs = Date.now()
    const config: CompactionConfig = { ...oneTier, graceMs: 1_000, now: () => nowMs }
    const { compactor, collector } = compactionFor(storage, config)
    const release = blobsInUse.pin(snapshot.slice(0, 1).map((segment) => segment.blobKey))
    await compactor.compactUntilIdle()
    nowMs += 1_001
    assert.equal(await collector.collectReplaced(), snapshot.length - 1, 'the pinned blob stays')
    const pinned = snapshot[0]!
    assert.equal((await readRows(storage, [pinned])).length, pinned.rows, 'the pinned blob reads')
    release()
    assert.equal(await collector.collectReplaced(), 1, 'deleted once released')
    assert.equal(await storage.blobs.size(snapshot[0]!.blobKey), undefined)
  })
})

test('an aborted commit changes nothing and its output is collected as an orphan', async () => {
  await withStorage(async (storage) => {
    const appended = await appendMany(storage, 6)
    const segments = await storage.catalog.listSegments(tenant, table)
    const [info] = await compactionFor(storage).compactor.listTables()
    assert.ok(info !== undefined)
    const config: CompactionConfig = { ...oneTier, orphanSafetyMs: 0 }
    const { compactor, collector } = compactionFor(storage, config)
    const prepared = await compactor.prepareMerge(info, segments.slice(0, 4))
    assert.ok((await storage.blobs.size(prepared.output.blobKey)) !== undefined)
    // While in progress, the collector leaves the uncommitted output alone.
    assert.equal(await collector.collectOrphans(compactor.inProgressBlobKeys()), 0)
    // Another compaction takes two of the inputs first.
    const other = await compactor.merge(info, segments.slice(2, 6))
    assert.ok(other.committed)
    const visible = await storage.catalog.listSegments(tenant, table)
    assert.equal(await compactor.commitMerge(prepared), false)
    compactor.release(prepared)
    assert.deepEqual(await storage.catalog.listSegments(tenant, table), visible)
    assert.deepEqual(byId(await readRows(storage, visible)), byId(appended))
    // The "crash": an output written, never committed, no longer in progress.
    assert.equal(await collector.collectOrphans(compactor.inProgressBlobKeys()), 1)
    assert.equal(await storage.blobs.size(prepared.output.blobKey), undefined)
    // Replaced inputs are not orphans: their records keep them until the grace period ends.
    for (const segment of segments.slice(2, 6)) {
      assert.ok((await storage.blobs.size(segment.blobKey)) !== undefined)
    }
    assert.deepEqual(byId(await readRows(storage, visible)), byId(appended))
  })
})

test('the merge order is a stable k-way merge with NULLs last', () => {
  const run = (
    values: number[],
    nulls: number[] = [],
  ): {
    values: Float64Array
    validity: Uint8Array | null
  } => ({
    values: Float64Array.from(values),
    validity:
      nulls.length === 0
        ? null
        : Uint8Array.from(values, (_, row) => (nulls.includes(row) ? 0 : 1)),
  })
  assert.deepEqual(
    [...mergeOrder([run([1, 3, 5, 0], [3]), run([2, 3, 6]), run([0, 3], [1])])],
    [7, 0, 4, 1, 5, 2, 6, 3, 8],
  )
  // An unsorted run falls back to one stable sort over everything.
  assert.deepEqual([...mergeOrder([run([3, 1]), run([2, 1])])], [1, 3, 2, 0])
})

test('the orphan scan spares uploads in flight and files whose age it cannot read', async () => {
  await withStorage(async (storage) => {
    const { collector } = compactionFor(storage, { orphanSafetyMs: 60_000 })
    const oldKey = `t1/${(Date.now() - 120_000).toString(36).padStart(9, '0')}-00ff.seg`
    const newKey = `t1/${Date.now().toString(36).padStart(9, '0')}-00fe.seg`
    const foreignKey = 't1/not-a-segment.bin'
    for (const key of [oldKey, newKey, foreignKey]) await storage.blobs.put(key, Uint8Array.of(1))
    uploadsInFlight.add(oldKey)
    try {
      assert.equal(await collector.collectOrphans(), 0)
    } finally {
      uploadsInFlight.delete(oldKey)
    }
    assert.equal(await collector.collectOrphans(), 1)
    assert.equal(await storage.blobs.size(oldKey), undefined)
    assert.equal(await storage.blobs.size(newKey), 1)
    assert.equal(await storage.blobs.size(foreignKey), 1)
  })
})
