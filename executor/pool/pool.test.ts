import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Batch, Field, SqlType } from '../../common/index.js'
import { openStorage, type EmbeddedStorage } from '../../storage/index.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { explainAnalyze } from '../explain-analyze.js'
import { buildOperator } from '../operators/build.js'
import { groupSegmentsIntoTasks, TaskSegmentsMax } from '../operators/scan.js'
import type { Operator, OperatorContext } from '../operators/operator.js'
import type {
  AggregateCall,
  Expr,
  PhysicalPlan,
  ScalarValue,
  ScanPipeline,
  ScanPlan,
} from '../plan.js'
import type { FragmentRunner } from './fragment-runner.js'
import { InlineRunner } from './inline-runner.js'
import { WorkerPoolRunner } from './worker-pool.js'

const fields: Field[] = [
  { name: 'service', type: 'text' },
  { name: 'status', type: 'int4' },
  { name: 'latency', type: 'float8' },
]
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

async function rowsOf(operator: Operator): Promise<string[]> {
  const rows: string[] = []
  for await (const batch of operator) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((v) => scalarAt(v, row))))
  }
  return rows.sort()
}

describe('scan fragments over real segments', () => {
  let dataDir = ''
  let storage: EmbeddedStorage
  let pool: WorkerPoolRunner
  let segments: ScanPlan['segments'] = []

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'malamute-pool-'))
    storage = await openStorage({ dataDir, flushIntervalMs: 0 })
    await storage.catalog.createTable('acme', 'events', fields, false)
    // Three appends in sequence: three segments.
    for (let part = 0; part < 3; part++) {
      const services: ScalarValue[] = []
      const statuses: ScalarValue[] = []
      const latencies: ScalarValue[] = []
      for (let i = 0; i < 1000; i++) {
        services.push(['api', 'web', 'db', null][(i + part) % 4]!)
        statuses.push(i % 10 === 0 ? null : 200 + (i % 3) * 100)
        latencies.push(i / 4)
      }
      const batch: Batch = {
        length: 1000,
        columns: [
          vectorFromValues('text', services),
          vectorFromValues('int4', statuses),
          vectorFromValues('float8', latencies),
        ],
      }
      await storage.writer.append('acme', 'events', fields, batch)
    }
    const metas = await storage.catalog.listSegments('acme', 'events')
    segments = metas.map((m) => ({
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
  const scan = (pipeline: Partial<ScanPipeline>): ScanPlan => ({
    kind: 'scan',
    tenant: 'acme',
    table: 'events',
    columns: fields,
    segments,
    pipeline: { filter: null, partialAggregate: null, project: null, limit: null, ...pipeline },
  })

  it('wrote several segments', () => {
    assert.ok(segments.length >= 2, `segments: ${segments.length}`)
  })

  it('aggregates through workers exactly as inline and as a single pass', async () => {
    const groupBy = [column(0, 'text')]
    const aggregates: AggregateCall[] = [
      { fn: 'count_star', args: [], distinct: false, filter: null, type: 'int8' },
      { fn: 'sum', args: [column(1, 'int4')], distinct: false, filter: null, type: 'int8' },
      { fn: 'avg', args: [column(2, 'float8')], distinct: false, filter: null, type: 'float8' },
      { fn: 'count', args: [column(1, 'int4')], distinct: true, filter: null, type: 'int8' },
      { fn: 'max', args: [column(0, 'text')], distinct: false, filter: null, type: 'text' },
    ]
    const final: PhysicalPlan = {
      kind: 'aggregate',
      mode: 'final',
      groupBy,
      aggregates,
      input: scan({ partialAggregate: { groupBy, aggregates } }),
    }
    const single: PhysicalPlan = {
      kind: 'aggregate',
      mode: 'single',
      groupBy,
      aggregates,
      input: scan({}),
    }
    const viaPool = await rowsOf(buildOperator(final, context(pool)))
    const inline = await rowsOf(buildOperator(final, context(new InlineRunner(storage))))
    const onePass = await rowsOf(buildOperator(single, context(new InlineRunner(storage))))
    assert.deepEqual(viaPool, onePass)
    assert.deepEqual(inline, onePass)
    assert.equal(viaPool.length, 4)
    assert.ok(viaPool.includes('["api",750,195000,124.91666666666667,3,"api"]'), viaPool.join('\n'))
  })

  it('filters, projects and stops at the pipeline limit', async () => {
    const filter: Expr = {
      kind: 'call',
      fn: 'eq',
      args: [column(1, 'int4'), { kind: 'literal', value: 300, type: 'int4' }],
      type: 'bool',
    }
    const plan = scan({ filter, project: [column(2, 'float8'), column(1, 'int4')] })
    const all = await rowsOf(buildOperator(plan, context(pool)))
    assert.equal(all.length, 3 * 300)
    assert.ok(all.every((row) => row.endsWith(',300]')))
    const limited = await rowsOf(
      buildOperator(
        { kind: 'limit', input: scan({ filter, limit: 5 }), limit: 5, offset: 0 },
        context(pool),
      ),
    )
    assert.equal(limited.length, 5)
  })

  it('skips batches whose min/max cannot match, and EXPLAIN ANALYZE reports it', async () => {
    const needle = (value: number): Expr => ({
      kind: 'call',
      fn: 'ge',
      args: [column(1, 'int4'), { kind: 'literal', value, type: 'int4' }],
      type: 'bool',
    })
    for (const runner of [pool, new InlineRunner(storage)]) {
      const lines = await explainAnalyze(scan({ filter: needle(401) }), context(runner))
      assert.match(lines[0]!, /Scan events .*filter=\(status >= 401\)/)
      assert.match(
        lines[0]!,
        /actual rows=0 .*segments-read=3 batches=3 batches-read=0 batches-pruned-by-time=0 batches-pruned-by-stats=3 batches-pruned-by-tokens=0 rows-read=0 bytes-read=0/,
      )
      const some = await explainAnalyze(scan({ filter: needle(400) }), context(runner))
      assert.match(
        some[0]!,
        /actual rows=900 .*batches-read=3 batches-pruned-by-time=0 batches-pruned-by-stats=0 batches-pruned-by-tokens=0 rows-read=3000 bytes-read=[1-9]/,
      )
      assert.match(some.at(-1)!, /^Execution Time: /)
    }
  })

  it('groups segments into tasks: at least one per slot, at most TaskSegmentsMax each', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      segmentId: `s${i}`,
      blobKey: `s${i}.seg`,
      rows: 2000,
      minTs: i,
      maxTs: i,
    }))
    const tasks = groupSegmentsIntoTasks(many, 4)
    assert.equal(tasks.flat().length, 500)
    assert.ok(tasks.length >= 4 && tasks.every((t) => t.length <= TaskSegmentsMax))
    assert.equal(groupSegmentsIntoTasks(many.slice(0, 3), 4).length, 3)
    const big = many.slice(0, 6).map((s) => ({ ...s, rows: 600_000 }))
    assert.equal(groupSegmentsIntoTasks(big, 1).length, 6)
    assert.deepEqual(groupSegmentsIntoTasks([], 4), [])
  })

  it('carries worker errors back as PgErrors', async () => {
    const missing = {
      ...scan({}),
      segments: [
        { segmentId: 'x', blobKey: 'acme/events/missing.seg', rows: 1, minTs: 0, maxTs: 0 },
      ],
    }
    await assert.rejects(rowsOf(buildOperator(missing, context(pool))), (error: unknown) => {
      return error instanceof Error && error.name === 'PgError'
    })
  })
})
