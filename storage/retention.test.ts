// Retention (issue 7) on real storage: lmdb metadata and segment files in a directory.
// Segments whose newest row is older than now − retention are dropped whole in one
// transaction, recorded in the compaction history, and their files deleted by the garbage
// collector once the grace period has passed; younger segments, and tables without a
// retention, are untouched.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Vector } from '../common/index.js'
import { compactionFor, openStorage } from './index.js'

const DayMs = 86_400_000
const tenant = 'acme'

function timestamps(values: number[]): Vector {
  return {
    kind: 'number',
    type: 'timestamptz',
    length: values.length,
    validity: null,
    values: Float64Array.from(values),
  }
}

test('retention drops whole expired segments, records them, and the collector deletes their files', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'malamute-retention-'))
  const nowMs = Date.UTC(2024, 5, 1)
  const storage = await openStorage({ dataDir, flushIntervalMs: 0 })
  try {
    const fields = [{ name: 'ts', type: 'timestamptz' as const }]
    for (const name of ['kept', 'unbounded']) {
      await storage.catalog.createTable(tenant, name, fields, false)
    }
    // Three segments per table: 40 days old, one straddling the 30-day cutoff, 1 day old.
    const ages = [[40, 41], [29, 31], [1]]
    for (const name of ['kept', 'unbounded']) {
      for (const daysAgo of ages) {
        const micros = daysAgo.map((days) => (nowMs - days * DayMs) * 1000)
        await storage.writer.append(tenant, name, fields, {
          length: micros.length,
          columns: [timestamps(micros)],
        })
      }
    }
    const retention = { text: '30 days', micros: 30 * DayMs * 1000 }
    assert.equal(await storage.catalog.alterTableSettings(tenant, 'kept', { retention }), true)
    assert.equal(await storage.catalog.alterTableSettings(tenant, 'missing', { retention }), false)
    assert.deepEqual((await storage.catalog.getTable(tenant, 'kept'))?.retention, retention)

    let clockMs = nowMs
    const { compactor, collector } = compactionFor(storage, { graceMs: 1000, now: () => clockMs })
    const expiredKey = (await storage.catalog.listSegments(tenant, 'kept')).find(
      (segment) => segment.rows === 2 && segment.maxTs < (nowMs - 35 * DayMs) * 1000,
    )?.blobKey
    assert.ok(expiredKey !== undefined)

    const drops = await compactor.enforceRetention()
    assert.deepEqual(drops, [
      { tenant, table: 'kept', segments: 1, rows: 2, bytes: drops[0]?.bytes ?? 0 },
    ])
    const kept = await storage.catalog.listSegments(tenant, 'kept')
    assert.deepEqual(kept.map((segment) => segment.rows).sort(), [1, 2], 'the straddler stays')
    assert.equal((await storage.catalog.listSegments(tenant, 'unbounded')).length, 3)
    assert.deepEqual(await compactor.enforceRetention(), [], 'a second pass finds nothing')

    const [record] = await storage.catalog.listCompactions(tenant)
    assert.equal(record?.kind, 'retention')
    assert.equal(record?.table, 'kept')
    assert.equal(record?.inputs, 1)
    assert.equal(record?.outputs, 0)

    assert.notEqual(await storage.blobs.size(expiredKey), undefined, 'readable in the grace period')
    assert.equal(await collector.collectReplaced(), 0)
    clockMs += 1001
    assert.equal(await collector.collectReplaced(), 1)
    assert.equal(await storage.blobs.size(expiredKey), undefined, 'deleted after it')

    assert.equal(
      await storage.catalog.alterTableSettings(tenant, 'kept', { retention: null }),
      true,
    )
    assert.equal((await storage.catalog.getTable(tenant, 'kept'))?.retention, undefined)
  } finally {
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
