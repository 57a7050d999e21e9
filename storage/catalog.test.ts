import assert from 'node:assert/strict'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { PgError, type Field } from '../common/index.js'
import { openStorage } from './index.js'
import { Keys, decodeTuple } from './key-layout.js'
import { compareKeys } from './metadata-store.js'

const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'malamute-catalog-'))
const isCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof PgError && error.code === code

test('key layout: tuples round trip and tenant ranges do not overlap', () => {
  const key = Keys.segment('acme\u0000x', 'logs', 'seg-1')
  assert.deepEqual(decodeTuple(key).items, ['acme\u0000x', 'logs', 'seg-1'])
  assert.deepEqual(decodeTuple(Keys.column('a', 'b', 2 ** 40 + 7)).items, ['a', 'b', 2 ** 40 + 7])
  const range = Keys.tablesOf('a')
  const inside = Keys.table('a', 'zzz')
  const outside = Keys.table('ab', 'x')
  assert.ok(compareKeys(range.start, inside) < 0 && compareKeys(inside, range.end) < 0)
  assert.ok(compareKeys(outside, range.end) >= 0 || compareKeys(outside, range.start) < 0)
  assert.ok(
    compareKeys(Keys.column('t', 'x', 2), Keys.column('t', 'x', 10)) < 0,
    'attnums order numerically',
  )
})

test('catalog: create, get, list, oids, attnums and the time column', async () => {
  const storage = await openStorage({ dataDir: newDataDir() })
  try {
    const fields: Field[] = [
      { name: 'time', type: 'text' },
      { name: 'ts', type: 'timestamptz' },
      { name: 'n', type: 'int8' },
    ]
    const logs = await storage.catalog.createTable('acme', 'logs', fields, false)
    assert.ok(logs !== undefined)
    assert.equal(logs.oid, 16384)
    assert.equal(logs.timeColumn, 'ts')
    assert.deepEqual(
      logs.columns.map((column) => [column.name, column.attnum, column.declared]),
      [
        ['time', 1, true],
        ['ts', 2, true],
        ['n', 3, true],
      ],
    )
    const other = await storage.catalog.createTable('other', 'logs', [], false)
    assert.equal(other?.oid, 16385)
    assert.equal(other?.timeColumn, null)
    assert.deepEqual(await storage.catalog.getTable('acme', 'logs'), logs)
    assert.equal(await storage.catalog.getTable('acme', 'nope'), undefined)
    await storage.catalog.createTable(
      'acme',
      'events',
      [{ name: 'timestamp', type: 'timestamp' }],
      false,
    )
    const names = (await storage.catalog.listTables('acme')).map((table) => [
      table.name,
      table.timeColumn,
    ])
    assert.deepEqual(names, [
      ['events', 'timestamp'],
      ['logs', 'ts'],
    ])
  } finally {
    await storage.close()
  }
})

test('catalog: 42P07 for an existing table unless ifNotExists, 42701 for repeated columns', async () => {
  const storage = await openStorage({ dataDir: newDataDir() })
  try {
    await storage.catalog.createTable('t', 'x', [], false)
    await assert.rejects(
      storage.catalog.createTable('t', 'x', [], false),
      (error: unknown) =>
        isCode('42P07')(error) && (error as PgError).message === 'relation "x" already exists',
    )
    assert.equal(await storage.catalog.createTable('t', 'x', [], true), undefined)
    const repeated: Field[] = [
      { name: 'a', type: 'int4' },
      { name: 'a', type: 'text' },
    ]
    await assert.rejects(storage.catalog.createTable('t', 'y', repeated, false), isCode('42701'))
  } finally {
    await storage.close()
  }
})

test('catalog: concurrent creates of one table: one wins, oids stay unique', async () => {
  const storage = await openStorage({ dataDir: newDataDir() })
  try {
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, () => storage.catalog.createTable('t', 'same', [], false)),
    )
    assert.equal(attempts.filter((attempt) => attempt.status === 'fulfilled').length, 1)
    const oids = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => storage.catalog.createTable('t', name, [], false)),
    )
    assert.equal(new Set(oids.map((table) => table?.oid)).size, 4)
  } finally {
    await storage.close()
  }
})

test('catalog: drop removes the table, its segments and their files; survives reopen', async () => {
  const dataDir = newDataDir()
  let storage = await openStorage({ dataDir, flushIntervalMs: 1 })
  try {
    await storage.catalog.createTable('t', 'gone', [{ name: 'n', type: 'int4' }], false)
    await storage.catalog.createTable('t', 'kept', [], false)
    await storage.writer.append('t', 'gone', [{ name: 'n', type: 'int4' }], {
      length: 2,
      columns: [
        { kind: 'number', type: 'int4', length: 2, validity: null, values: Float64Array.of(1, 2) },
      ],
    })
    const [segment] = await storage.catalog.listSegments('t', 'gone')
    assert.ok(segment !== undefined)
    assert.ok(existsSync(join(dataDir, 'segments', segment.blobKey)))
    assert.equal(await storage.catalog.dropTable('t', 'gone'), true)
    assert.equal(await storage.catalog.dropTable('t', 'gone'), false)
    assert.equal(await storage.catalog.getTable('t', 'gone'), undefined)
    assert.deepEqual(await storage.catalog.listSegments('t', 'gone'), [])
    assert.equal(existsSync(join(dataDir, 'segments', segment.blobKey)), false)
    await storage.close()
    storage = await openStorage({ dataDir })
    assert.deepEqual(
      (await storage.catalog.listTables('t')).map((table) => table.name),
      ['kept'],
    )
    const recreated = await storage.catalog.createTable('t', 'gone', [], false)
    assert.deepEqual(recreated?.columns, [])
  } finally {
    await storage.close()
  }
})

test('catalog: listSegments decodes each record once and follows commits and drops', async () => {
  const dataDir = newDataDir()
  const storage = await openStorage({ dataDir, flushIntervalMs: 1 })
  const fields: Field[] = [{ name: 'n', type: 'int4' }]
  const append = (value: number) =>
    storage.writer.append('t', 'logs', fields, {
      length: 1,
      columns: [
        { kind: 'number', type: 'int4', length: 1, validity: null, values: Float64Array.of(value) },
      ],
    })
  try {
    await storage.catalog.createTable('t', 'logs', fields, false)
    await append(1)
    const [first] = await storage.catalog.listSegments('t', 'logs')
    assert.ok(first !== undefined)
    await append(2)
    const listed = await storage.catalog.listSegments('t', 'logs')
    assert.equal(listed.length, 2)
    assert.equal(listed[0], first, 'an unchanged record keeps its decoded form')
    assert.deepEqual(
      listed.map((segment) => segment.columns[0]?.max),
      [1, 2],
    )
    await storage.catalog.dropTable('t', 'logs')
    assert.deepEqual(await storage.catalog.listSegments('t', 'logs'), [])
    await storage.catalog.createTable('t', 'logs', fields, false)
    await append(3)
    const again = await storage.catalog.listSegments('t', 'logs')
    assert.deepEqual(
      again.map((segment) => segment.columns[0]?.max),
      [3],
    )
  } finally {
    await storage.close()
  }
})
