// Process heartbeats (malamute.blob_stats) on a real lmdb environment: a beat records the role
// and the counters, listProcesses answers fresh records only, and stop removes the record.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { emptyBlobStoreCounters } from './blob-counters.js'
import { Keys, encodeRecord } from './key-layout.js'
import { openStorage, ProcessStaleMs, startProcessHeartbeat } from './index.js'

test('heartbeats list running processes with their blob counters, and stop removes them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'malamute-heartbeat-'))
  const storage = await openStorage({ dataDir })
  try {
    const counters = { ...emptyBlobStoreCounters(), getRequests: 7, bytesWritten: 99 }
    const heartbeat = startProcessHeartbeat(storage.metadata, {
      role: 'compactor',
      counters: () => counters,
      intervalMs: 60_000,
    })
    // A process killed long ago left its record behind.
    const goneAtMs = Date.now() - 2 * ProcessStaleMs
    await storage.metadata.transact(async (tx) =>
      tx.set(Keys.process('gone'), encodeRecord({ processId: 'gone', updatedAtMs: goneAtMs })),
    )
    await heartbeat.beat()
    const [listed, ...others] = await storage.catalog.listProcesses()
    assert.deepEqual(others, [], 'the stale record is not listed')
    assert.equal(listed?.processId, heartbeat.processId)
    assert.equal(listed?.role, 'compactor')
    assert.equal(listed?.pid, process.pid)
    assert.equal(listed?.blob.getRequests, 7)
    assert.equal(listed?.blob.bytesWritten, 99)

    counters.getRequests = 8
    await heartbeat.beat()
    assert.equal((await storage.catalog.listProcesses())[0]?.blob.getRequests, 8)
    await heartbeat.stop()
    assert.deepEqual(await storage.catalog.listProcesses(), [])
  } finally {
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
