import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { PgError, type Field, type SqlType } from '../common/index.js'
import { openStorage, type EmbeddedStorage } from '../storage/index.js'
import { Executor, type ExecutionResult } from './executor.js'
import { scalarAt } from './expr/vector-builders.js'
import type { Expr, OutputField, ScalarValue } from './plan.js'

const literal = (value: ScalarValue, type: SqlType): Expr => ({ kind: 'literal', value, type })
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

async function drain(result: ExecutionResult): Promise<ScalarValue[][]> {
  const rows: ScalarValue[][] = []
  for await (const batch of result.batches) {
    for (let row = 0; row < batch.length; row++)
      rows.push(batch.columns.map((v) => scalarAt(v, row)))
  }
  return rows
}

describe('Executor', () => {
  let dataDir = ''
  let storage: EmbeddedStorage
  let executor: Executor
  const session = { timeZone: 'UTC', settings: new Map<string, string>() }
  const signal = new AbortController().signal
  const fields: Field[] = [
    { name: 'name', type: 'text' },
    { name: 'n', type: 'int4' },
  ]

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'malamute-executor-'))
    storage = await openStorage({ dataDir, flushIntervalMs: 0 })
    executor = new Executor({ storage, dataDir, workerThreads: 0 })
  })

  after(async () => {
    await executor.close()
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('creates a table, inserts rows and reads them back', async () => {
    const created = await executor.run(
      { kind: 'create-table', tenant: 't', table: 'items', columns: fields, ifNotExists: false },
      session,
      signal,
    )
    assert.equal(created.commandTag(), 'CREATE TABLE')
    const source = {
      kind: 'values' as const,
      fields,
      rows: [
        [literal('a', 'text'), literal(1, 'int4')],
        [literal('b', 'text'), literal(2, 'int4')],
        [literal(null, 'text'), literal(3, 'int4')],
      ],
    }
    const inserted = await executor.run(
      { kind: 'insert', tenant: 't', table: 'items', source, columns: fields },
      session,
      signal,
    )
    assert.equal(inserted.commandTag(), 'INSERT 0 3')
    const segments = (await storage.catalog.listSegments('t', 'items')).map((m) => ({
      segmentId: m.segmentId,
      blobKey: m.blobKey,
      rows: m.rows,
      minTs: m.minTs,
      maxTs: m.maxTs,
    }))
    const outputFields: OutputField[] = [
      { name: 'total', type: 'int8', tableOid: 0, columnNumber: 0 },
    ]
    const result = await executor.run(
      {
        kind: 'query',
        fields: outputFields,
        plan: {
          kind: 'aggregate',
          mode: 'single',
          groupBy: [],
          aggregates: [
            { fn: 'sum', args: [column(1, 'int4')], distinct: false, filter: null, type: 'int8' },
          ],
          input: {
            kind: 'scan',
            tenant: 't',
            table: 'items',
            columns: fields,
            segments,
            pipeline: { filter: null, partialAggregate: null, project: null, limit: null },
          },
        },
      },
      session,
      signal,
    )
    assert.deepEqual(result.fields, outputFields)
    assert.deepEqual(await drain(result), [[6]])
    assert.equal(result.commandTag(), 'SELECT 1')
  })

  it('drops tables, answering 42P01 for a missing one unless IF EXISTS', async () => {
    await assert.rejects(
      executor.run(
        { kind: 'drop-table', tenant: 't', tables: ['items', 'nope'], ifExists: false },
        session,
        signal,
      ),
      (error: unknown) =>
        error instanceof PgError &&
        error.code === '42P01' &&
        error.message === 'table "nope" does not exist',
    )
    assert.ok(
      (await storage.catalog.getTable('t', 'items')) !== undefined,
      'nothing dropped on error',
    )
    const dropped = await executor.run(
      { kind: 'drop-table', tenant: 't', tables: ['items', 'nope'], ifExists: true },
      session,
      signal,
    )
    assert.equal(dropped.commandTag(), 'DROP TABLE')
    assert.equal(await storage.catalog.getTable('t', 'items'), undefined)
  })

  it('answers SET, SHOW and transaction control from the session', async () => {
    const shown = await executor.run({ kind: 'show', name: 'timezone' }, session, signal)
    assert.equal(shown.fields?.[0]?.name, 'TimeZone')
    assert.deepEqual(await drain(shown), [['UTC']])
    assert.equal(shown.commandTag(), 'SHOW')
    await executor.run(
      { kind: 'set', name: 'TimeZone', value: 'Europe/Paris', local: false },
      session,
      signal,
    )
    assert.deepEqual(
      await drain(await executor.run({ kind: 'show', name: 'TIMEZONE' }, session, signal)),
      [['Europe/Paris']],
    )
    await executor.run(
      { kind: 'set', name: 'timezone', value: null, local: false },
      session,
      signal,
    )
    assert.deepEqual(
      await drain(await executor.run({ kind: 'show', name: 'server_version' }, session, signal)),
      [['15.0']],
    )
    await assert.rejects(
      executor.run({ kind: 'show', name: 'no_such' }, session, signal),
      (error: unknown) => error instanceof PgError && error.code === '42704',
    )
    const begin = await executor.run({ kind: 'transaction', action: 'begin' }, session, signal)
    assert.equal(begin.commandTag(), 'BEGIN')
    assert.equal(begin.transaction, 'begin')
    assert.equal((await executor.run({ kind: 'empty' }, session, signal)).commandTag(), '')
  })
})
