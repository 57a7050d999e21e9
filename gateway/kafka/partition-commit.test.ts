// One partition commit against real embedded storage: events, dead letters and the next
// offset land together; a commit from a stale offset lands nothing; ids de-duplicate.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { KafkaMessage } from 'kafkajs'
import { PgError } from '../../common/index.js'
import { openStorage, type EmbeddedStorage } from '../../storage/index.js'
import { commitPartitionMessages, type PartitionTarget } from './partition-commit.js'

function message(offset: number, value: string | null): KafkaMessage {
  return {
    key: null,
    value: value === null ? null : Buffer.from(value),
    timestamp: '0',
    attributes: 0,
    offset: String(offset),
    headers: {},
  }
}

async function rowsOf(storage: EmbeddedStorage, table: string): Promise<number> {
  const segments = await storage.catalog.listSegments('malamute', table)
  return segments.reduce((sum, segment) => sum + segment.rows, 0)
}

test('kafka partition commit: events, dead letters and the next offset in one commit', async () => {
  const storage = await openStorage({
    dataDir: mkdtempSync(join(tmpdir(), 'malamute-kafka-')),
    flushIntervalMs: 1,
  })
  const target: PartitionTarget = {
    storage,
    tenant: 'malamute',
    table: 'ev',
    topic: 'events',
    source: 'kafka/events',
    idField: 'id',
  }
  try {
    const first = await commitPartitionMessages(
      target,
      2,
      [
        message(10, '{"id": 1, "ts": "2024-01-01T00:00:00Z"}'),
        message(11, 'not json'),
        message(12, '{"id": 1}'),
        message(13, '"a string"'),
        message(14, null),
        message(15, '{"id": 2, "ts": "yesterday"}'),
        message(16, '{"id": 3, "nested": {"a": true}}'),
      ],
      null,
    )
    assert.equal(first.rows, 2)
    assert.equal(first.duplicates, 1)
    assert.equal(first.next, '17')
    assert.deepEqual(
      first.deadLetters.map((letter) => letter.offset),
      ['11', '13', '14', '15'],
    )
    assert.equal(await rowsOf(storage, 'ev'), 2)
    assert.equal(await rowsOf(storage, 'ev_dead_letter'), 4)
    const stored = await storage.writer.readSourcePositions('malamute', 'ev', 'kafka/events')
    assert.equal(stored.get(2), '17')
    // A writer still at the old offset (a rebalance race) commits nothing, dead letters included.
    await assert.rejects(
      commitPartitionMessages(target, 2, [message(10, 'junk'), message(11, '{"id": 9}')], null),
      (error: unknown) => error instanceof PgError && error.code === '40001',
    )
    assert.equal(await rowsOf(storage, 'ev'), 2)
    assert.equal(await rowsOf(storage, 'ev_dead_letter'), 4)
    // Only duplicates: the offset still moves on.
    const again = await commitPartitionMessages(target, 2, [message(17, '{"id": 3}')], '17')
    assert.deepEqual({ rows: again.rows, duplicates: again.duplicates }, { rows: 0, duplicates: 1 })
    assert.equal(
      (await storage.writer.readSourcePositions('malamute', 'ev', 'kafka/events')).get(2),
      '18',
    )
  } finally {
    await storage.close()
  }
})

test('kafka partition commit: time_field and max_columns of the table apply (issue 5)', async () => {
  const storage = await openStorage({
    dataDir: mkdtempSync(join(tmpdir(), 'malamute-kafka-')),
    flushIntervalMs: 1,
    maxColumnsDefault: 1000,
  })
  const target: PartitionTarget = {
    storage,
    tenant: 'malamute',
    table: 'capped',
    topic: 'events',
    source: 'kafka/events',
    idField: 'id',
  }
  try {
    await storage.catalog.createTable('malamute', 'capped', [], false, {
      timeField: 'at',
      maxColumns: 3,
    })
    const result = await commitPartitionMessages(
      target,
      0,
      [
        message(0, '{"id": 1, "at": "2024-02-01T00:00:00Z", "ts": "not the time", "a": 1}'),
        message(1, '{"id": 2, "at": 1706745600000, "b": {"c": 2}}'),
        message(2, '{"id": 3, "at": "never"}'),
      ],
      null,
    )
    assert.equal(result.rows, 2)
    assert.deepEqual(
      result.deadLetters.map((letter) => letter.error),
      ['invalid timestamp in field "at": "never"'],
    )
    const table = await storage.catalog.getTable('malamute', 'capped')
    assert.deepEqual(
      table?.columns.map((column) => `${column.name}:${column.type}`),
      ['at:timestamptz', 'id:int8', 'ts:text', '_overflow:jsonb'],
    )
    assert.equal(table?.timeColumn, 'at')
    assert.equal(table?.overflowFields, 2)
    const [segment] = await storage.catalog.listSegments('malamute', 'capped')
    assert.deepEqual(
      [segment?.minTs, segment?.maxTs],
      [Date.UTC(2024, 1, 1) * 1000, Date.UTC(2024, 1, 1) * 1000],
    )
  } finally {
    await storage.close()
  }
})
