import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Batch, Field, SqlType } from '../../common/index.js'
import { openStorage, type EmbeddedStorage } from '../../storage/index.js'
import { explainAnalyze } from '../explain-analyze.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { buildOperator } from '../operators/build.js'
import type { Operator, OperatorContext } from '../operators/operator.js'
import type {
  AggregateCall,
  Expr,
  GroupTopK,
  PhysicalPlan,
  ScalarValue,
  ScanPlan,
  SortKey,
} from '../plan.js'
import type { FragmentRunner } from './fragment-runner.js'
import { InlineRunner } from './inline-runner.js'
import { WorkerPoolRunner } from './worker-pool.js'

const fields: Field[] = [
  { name: 'trace', type: 'text' },
  { name: 'service', type: 'text' },
  { name: 'ms', type: 'int4' },
]
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

async function rowsOf(operator: Operator): Promise<string[]> {
  const rows: string[] = []
  for await (const batch of operator) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((v) => scalarAt(v, row))))
  }
  return rows
}

describe('group top-k over key partitions', () => {
  let dataDir = ''
  let storage: EmbeddedStorage
  let pool: WorkerPoolRunner
  let segments: ScanPlan['segments'] = []

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'malamute-group-top-k-'))
    storage = await openStorage({ dataDir, flushIntervalMs: 0 })
    await storage.catalog.createTable('acme', 'spans', fields, false)
    // Four segments of mostly distinct traces; some traces span segments, some are NULL.
    for (let part = 0; part < 4; part++) {
      const traces: ScalarValue[] = []
      const services: ScalarValue[] = []
      const ms: ScalarValue[] = []
      for (let i = 0; i < 3000; i++) {
        const id = i % 7 === 0 ? i % 50 : part * 3000 + i
        traces.push(i % 101 === 0 ? null : `t${id.toString(16).padStart(8, '0')}`)
        services.push(['api', 'web', 'db'][i % 3]!)
        ms.push((i * 37 + part) % 1000)
      }
      const batch: Batch = {
        length: 3000,
        columns: [
          vectorFromValues('text', traces),
          vectorFromValues('text', services),
          vectorFromValues('int4', ms),
        ],
      }
      await storage.writer.append('acme', 'spans', fields, batch)
    }
    segments = (await storage.catalog.listSegments('acme', 'spans')).map((m) => ({
      segmentId: m.segmentId,
      blobKey: m.blobKey,
      rows: m.rows,
      minTs: m.minTs,
      maxTs: m.maxTs,
    }))
    pool = new WorkerPoolRunner({ maxThreads: 2 })
  })

  after(async () => {
    await pool.close()
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const context = (fragments: FragmentRunner): OperatorContext => ({
    evalContext: { timeZone: 'UTC', nowMicros: 0 },
    signal: new AbortController().signal,
    fragments,
    dataDir,
  })
  const aggregates: AggregateCall[] = [
    { fn: 'count_star', args: [], distinct: false, filter: null, type: 'int8' },
    { fn: 'sum', args: [column(2, 'int4')], distinct: false, filter: null, type: 'int8' },
  ]
  // SELECT key, count(*) AS n, sum(ms) ... ORDER BY n DESC, s DESC, key LIMIT 7
  const outputs = (keyType: SqlType): Expr[] => [
    column(0, keyType),
    column(1, 'int8'),
    column(2, 'int8'),
  ]
  const keys = (keyType: SqlType): SortKey[] => [
    { expr: column(1, 'int8'), descending: true, nullsFirst: true },
    { expr: column(2, 'int8'), descending: true, nullsFirst: true },
    { expr: column(0, keyType), descending: false, nullsFirst: false },
  ]
  const plan = (key: number, keyType: SqlType, groupTopK: boolean): PhysicalPlan => {
    const groupBy = [column(key, keyType)]
    const topK: GroupTopK = {
      outputs: outputs(keyType),
      having: null,
      keys: keys(keyType),
      limit: 7,
    }
    const scan: ScanPlan = {
      kind: 'scan',
      tenant: 'acme',
      table: 'spans',
      columns: fields,
      segments,
      pipeline: {
        filter: null,
        partialAggregate: { groupBy, aggregates },
        project: null,
        limit: null,
        ...(groupTopK ? { groupTopK: topK } : {}),
      },
    }
    const aggregate: PhysicalPlan = {
      kind: 'aggregate',
      mode: 'final',
      input: scan,
      groupBy,
      aggregates,
    }
    const project: PhysicalPlan = { kind: 'project', input: aggregate, exprs: outputs(keyType) }
    const sort: PhysicalPlan = { kind: 'sort', input: project, keys: keys(keyType), limit: 7 }
    return { kind: 'limit', input: sort, limit: 7, offset: 0 }
  }

  it('ranks many groups per key partition as one coordinator merge ranks them', async () => {
    assert.ok(segments.length >= 2, `segments: ${segments.length}`)
    const partitioned = await rowsOf(buildOperator(plan(0, 'text', true), context(pool)))
    const merged = await rowsOf(buildOperator(plan(0, 'text', false), context(pool)))
    const inline = await rowsOf(
      buildOperator(plan(0, 'text', true), context(new InlineRunner(storage))),
    )
    assert.equal(partitioned.length, 7)
    assert.deepEqual(partitioned, merged)
    assert.deepEqual(inline, merged)
    // The NULL trace (every 101st row of each segment) has the most spans.
    assert.match(partitioned[0]!, /^\[null,/)
    const lines = await explainAnalyze(plan(0, 'text', true), context(pool))
    const scanLine = lines.find((line) => line.includes('Scan spans'))!
    assert.match(scanLine, /group-top-k=\(limit=7\)/)
    assert.match(scanLine, /key-partitions=2 /)
    // Every partition reads every segment; only its best groups come back.
    assert.match(scanLine, /actual rows=(\d+) /)
    assert.ok(Number(/actual rows=(\d+) /.exec(scanLine)![1]) <= 2 * 7, scanLine)
  })

  it('keeps merging per segment when the groups are few', async () => {
    const few = await rowsOf(buildOperator(plan(1, 'text', true), context(pool)))
    const merged = await rowsOf(buildOperator(plan(1, 'text', false), context(pool)))
    assert.deepEqual(few, merged)
    const lines = await explainAnalyze(plan(1, 'text', true), context(pool))
    assert.doesNotMatch(lines.join('\n'), /key-partitions/)
  })
})
