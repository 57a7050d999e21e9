// The coordinator side of a top-k scan over real segments: without a filter it launches one
// task once the tasks in flight hold k rows (the live tail reads one segment), and with a
// filter whose matches are spread thinly it stops once the rows of all finished tasks hold
// k better than the next segment's best, though no single task found k.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Field } from '../../common/index.js'
import { openStorage, type EmbeddedStorage } from '../../storage/index.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr, ScanPipeline, ScanPlan } from '../plan.js'
import { CachedInlineRunner, CoordinatorCacheSizes } from '../pool/cached-inline-runner.js'
import { CachedSegments } from '../pool/cached-segments.js'
import type { FragmentRunner } from '../pool/fragment-runner.js'
import { InlineRunner } from '../pool/inline-runner.js'
import { WorkerPoolRunner } from '../pool/worker-pool.js'
import type { OperatorContext } from './operator.js'
import { ScanOp } from './scan.js'

const fields: Field[] = [
  { name: 'seq', type: 'int8' },
  { name: 'msg', type: 'text' },
]
const SegmentCount = 6
const RowsPerSegment = 100

describe('top-k scans stop across tasks', () => {
  let dataDir = ''
  let storage: EmbeddedStorage
  let pool: WorkerPoolRunner
  let segments: ScanPlan['segments'] = []

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'malamute-top-k-'))
    storage = await openStorage({ dataDir, flushIntervalMs: 0 })
    await storage.catalog.createTable('acme', 'events', fields, false)
    // One segment per append, each holding a disjoint range of seq; every tenth row matches.
    for (let part = 0; part < SegmentCount; part++) {
      const seq = Array.from({ length: RowsPerSegment }, (_, i) => part * RowsPerSegment + i)
      const msg = seq.map((value) => (value % 10 === 0 ? 'a needle here' : 'hay'))
      const columns = [vectorFromValues('int8', seq), vectorFromValues('text', msg)]
      await storage.writer.append('acme', 'events', fields, { length: RowsPerSegment, columns })
    }
    const metas = await storage.catalog.listSegments('acme', 'events')
    // Best-first for seq DESC, as the planner orders them (top-k-rule.ts).
    segments = metas
      .map((m) => ({ ...m, best: Number(m.columns.find((c) => c.name === 'seq')?.max) }))
      .sort((a, b) => b.best - a.best)
      .map(({ segmentId, blobKey, rows, minTs, maxTs, columns }) => ({
        segmentId,
        blobKey,
        rows,
        minTs,
        maxTs,
        columns,
      }))
    pool = new WorkerPoolRunner({ maxThreads: 2 })
  })

  after(async () => {
    await pool.close()
    await storage.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  const context = (fragments: FragmentRunner, small?: FragmentRunner): OperatorContext => ({
    evalContext: { timeZone: 'UTC', nowMicros: 0 },
    signal: new AbortController().signal,
    fragments,
    ...(small === undefined ? {} : { smallFragments: small }),
    dataDir,
  })
  const topK = (limit: number, filter: Expr | null): ScanPlan => {
    const pipeline: ScanPipeline = {
      filter,
      partialAggregate: null,
      project: null,
      limit: null,
      topK: { column: 0, descending: true, nullsFirst: true, limit },
    }
    return { kind: 'scan', tenant: 'acme', table: 'events', columns: fields, segments, pipeline }
  }
  const seqsOf = async (scan: ScanOp): Promise<number[]> => {
    const seqs: number[] = []
    for await (const batch of scan) {
      const column = batch.columns[0]!
      for (let row = 0; row < batch.length; row++) seqs.push(Number(scalarAt(column, row)))
    }
    return seqs.sort((a, b) => b - a)
  }

  it('wrote one segment per append', () => {
    assert.equal(segments.length, SegmentCount)
  })

  it('reads one segment for the live tail, on workers or on the coordinator', async () => {
    const newest = Array.from({ length: 5 }, (_, i) => SegmentCount * RowsPerSegment - 1 - i)
    const small = new CachedInlineRunner(new CachedSegments(undefined, CoordinatorCacheSizes))
    for (const scan of [
      new ScanOp(topK(5, null), context(pool)),
      new ScanOp(topK(5, null), context(pool, small)),
    ]) {
      const seqs = await seqsOf(scan)
      assert.deepEqual(seqs.slice(0, 5), newest)
      assert.equal(scan.tasks, 1)
      assert.equal(scan.metrics.segments, 1)
      assert.equal(scan.metrics.segmentsSkippedByTopK, SegmentCount - 1)
    }
  })

  it('stops once the rows of all finished tasks beat the next segment', async () => {
    const like: Expr = {
      kind: 'call',
      fn: 'like',
      args: [
        { kind: 'column', index: 1, type: 'text' },
        { kind: 'literal', value: '%needle%', type: 'text' },
      ],
      type: 'bool',
    }
    // 10 matches per segment, 15 wanted: two segments hold them, no single one does.
    const scan = new ScanOp(topK(15, like), context(new InlineRunner(storage)))
    const seqs = await seqsOf(scan)
    const expected = Array.from(
      { length: 15 },
      (_, i) => SegmentCount * RowsPerSegment - 10 * (i + 1),
    )
    assert.deepEqual(seqs.slice(0, 15), expected)
    assert.equal(scan.tasks, 2)
    assert.equal(scan.metrics.segmentsSkippedByTopK, SegmentCount - 2)
  })
})
