import type { Batch } from '../../common/index.js'
import {
  FragmentProtocolVersion,
  addScanMetrics,
  emptyScanMetrics,
  type FragmentResult,
  type FragmentTask,
  type ScanMetrics,
} from '../pool/fragment-runner.js'
import { blobsInUse } from '../../storage/blob-pins.js'
import type { KeyPartition, ScanPlan, SegmentRef } from '../plan.js'
import { groupsAreMany } from '../pool/partition-top-k.js'
import { RankBound, bestRankOf } from '../pool/scan-top-k.js'
import { tokenPredicatesOf } from '../pool/token-pruning.js'
import { checkCanceled, type OperatorContext } from './operator.js'

/** Segments one task covers at most: a worker hop and one partial state per task. */
export const TaskSegmentsMax = 64
/** Batches a value search may leave to be read on the coordinator (needleOnCoordinator). */
export const NeedleBatchesMax = 16
/** Rows past which a task takes no further segment. */
export const TaskRowsTarget = 1_000_000

/**
 * Groups `segments` into tasks of consecutive segments: at most TaskSegmentsMax segments and
 * about `rowsTarget` rows each, and at least `minTasks` tasks when there are that many
 * segments, so every thread of the pool gets work.
 */
export function groupSegmentsIntoTasks(
  segments: readonly SegmentRef[],
  minTasks: number,
  rowsTarget = TaskRowsTarget,
): SegmentRef[][] {
  const perTask = Math.max(
    1,
    Math.min(TaskSegmentsMax, Math.ceil(segments.length / Math.max(1, minTasks))),
  )
  const tasks: SegmentRef[][] = []
  let current: SegmentRef[] = []
  let rows = 0
  for (const segment of segments) {
    if (current.length > 0 && (current.length >= perTask || rows + segment.rows > rowsTarget)) {
      tasks.push(current)
      current = []
      rows = 0
    }
    current.push(segment)
    rows += segment.rows
  }
  if (current.length > 0) tasks.push(current)
  return tasks
}

interface Settled {
  readonly id: number
  readonly result: FragmentResult | null
  readonly error: unknown
}

/**
 * Fans a ScanPlan out as tasks of several segments (to the worker pool, or inline) and
 * streams each task's batches as it completes, keeping `concurrency` tasks in flight.
 * Without a partial aggregate, it stops launching tasks once pipeline.limit rows arrived,
 * and cancels the rest. `metrics` sums what the finished tasks report (EXPLAIN ANALYZE).
 */
export class ScanOp implements AsyncIterable<Batch> {
  readonly metrics: ScanMetrics = emptyScanMetrics()
  tasks = 0
  /** Key partitions a group top-k switched to (0: it ran per segment). */
  partitions = 0

  constructor(
    private readonly plan: ScanPlan,
    private readonly context: OperatorContext,
  ) {}

  private task(
    segments: readonly SegmentRef[],
    topKBound: number,
    partition: KeyPartition | undefined,
  ): FragmentTask {
    const task: FragmentTask = {
      version: FragmentProtocolVersion,
      dataDir: this.context.dataDir,
      blobKeys: segments.map((segment) => segment.blobKey),
      columns: this.plan.columns,
      pipeline: this.plan.pipeline,
      timeZone: this.context.evalContext.timeZone,
      nowMicros: this.context.evalContext.nowMicros,
      timeColumn: this.plan.timeColumn ?? null,
      ...(this.context.evalContext.regNames === undefined
        ? {}
        : { regNames: this.context.evalContext.regNames }),
      ...(partition === undefined ? {} : { partition }),
    }
    return this.plan.pipeline.topK === undefined ? task : { ...task, topKBound }
  }

  /** For a top-k scan: the best rank a row of `segments` can have (scan-top-k.ts). */
  private bestRank(segments: readonly SegmentRef[]): number {
    const topK = this.plan.pipeline.topK
    const name = topK === undefined ? undefined : this.plan.columns[topK.column]?.name
    if (topK === undefined || name === undefined) return Infinity
    let best = -Infinity
    for (const segment of segments) {
      const stats = segment.columns?.find((column) => column.name === name)
      best = Math.max(best, bestRankOf(topK, stats, segment.rows))
    }
    return best
  }

  /**
   * A scan for a value (`text_col = 'v'`, IN) whose value indexes and token filters leave a
   * handful of batches runs on the coordinator, which probes them from its own caches: no hop
   * to a worker thread. Null when it is not such a scan (the attempt then read nothing).
   */
  private async needleOnCoordinator(signal: AbortSignal): Promise<FragmentResult | null> {
    const { pipeline } = this.plan
    const small = this.context.smallFragments
    if (small === undefined || pipeline.topK !== undefined || pipeline.unnest !== undefined)
      return null
    if (!tokenPredicatesOf(pipeline.filter).some((predicate) => predicate.kind === 'values'))
      return null
    const task = {
      ...this.task(this.plan.segments, -Infinity, undefined),
      batchesReadMax: NeedleBatchesMax,
    }
    const result = await small.run(task, signal)
    if (result.overBudget === true) return null
    this.tasks++
    return result
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { signal } = this.context
    const { pipeline } = this.plan
    // A top-k without a filter reads about one batch: not worth a hop to a worker thread.
    const small = pipeline.topK !== undefined && pipeline.filter === null
    const fragments = (small ? this.context.smallFragments : undefined) ?? this.context.fragments
    // A top-k reads segments best-first (the planner ordered them), one per task, and stops
    // launching once the k-th best rank among the rows of every finished task beats the next
    // segment's best. Without a filter every row counts, so once the tasks in flight hold k
    // rows it waits for their bound instead of launching more (the live tail reads one segment).
    const topK = pipeline.topK !== undefined
    // A filter that token filters can refute (a needle) skips most batches unread: a task per
    // thread then costs less than a task per million rows.
    // So does a window top-N: each task's survivors are few once its boundaries are sharp.
    const needle =
      tokenPredicatesOf(pipeline.filter).length > 0 || pipeline.partitionTopK !== undefined
    let groups = topK
      ? this.plan.segments.map((segment) => [segment])
      : groupSegmentsIntoTasks(
          this.plan.segments,
          fragments.concurrency,
          needle ? Infinity : TaskRowsTarget,
        )
    const ranks = new RankBound(pipeline.topK?.limit ?? 0)
    const everyRowCounts = topK && pipeline.filter === null
    const rowsInFlight = new Map<number, number>()
    // A top-k task's rows sharpen the bound for the next: one task per thread, not two.
    const threads = fragments.threads ?? fragments.concurrency
    let inFlightMax = topK
      ? Math.max(1, Math.ceil(fragments.concurrency / 2))
      : fragments.concurrency
    let topKBound = -Infinity
    const rowsWanted =
      pipeline.partialAggregate === null && pipeline.limit !== null ? pipeline.limit : Infinity
    let controller = new AbortController()
    const abort = (): void => controller.abort()
    // A group top-k (partition-top-k.ts) first runs as usual; when the first task's groups
    // are many, its tasks are dropped and one task per thread aggregates a key partition.
    // While it probes, one task per thread: a dropped task still runs to its end.
    let probing = pipeline.groupTopK !== undefined && groups.length > 1 && threads > 1
    if (probing) inFlightMax = threads
    let partitions = 0
    signal.addEventListener('abort', abort)
    // Each promise settles to a value, never rejects: one may fail while the consumer is
    // busy with an earlier batch, and a rejection nobody awaits yet would crash the process.
    const inFlight = new Map<number, Promise<Settled>>()
    let next = 0
    const launch = (): void => {
      while (next < groups.length && inFlight.size < inFlightMax) {
        if (topK && this.bestRank(groups[next]!) < topKBound) {
          for (const group of groups.slice(next)) this.metrics.segmentsSkippedByTopK += group.length
          next = groups.length
          break
        }
        let rowsPromised = 0
        for (const rows of rowsInFlight.values()) rowsPromised += rows
        if (everyRowCounts && rowsPromised >= (pipeline.topK?.limit ?? 0)) break
        const id = next++
        this.tasks++
        rowsInFlight.set(
          id,
          groups[id]!.reduce((sum, segment) => sum + segment.rows, 0),
        )
        const partition = partitions > 0 ? { index: id, count: partitions } : undefined
        const task = this.task(groups[id]!, topKBound, partition)
        const settled = fragments.run(task, controller.signal).then(
          (result) => ({ id, result, error: null }),
          (error: unknown) => ({ id, result: null, error }),
        )
        inFlight.set(id, settled)
      }
    }
    let rows = 0
    // The snapshot's blobs stay until the scan ends, even if compaction replaced them.
    const release = blobsInUse.pin(this.plan.segments.map((segment) => segment.blobKey))
    try {
      checkCanceled(signal)
      const attempt = await this.needleOnCoordinator(controller.signal)
      if (attempt !== null) {
        addScanMetrics(this.metrics, attempt.metrics)
        for (const batch of attempt.batches) if (batch.length > 0) yield batch
        return
      }
      launch()
      while (inFlight.size > 0 && rows < rowsWanted) {
        const settled = await Promise.race(inFlight.values())
        inFlight.delete(settled.id)
        rowsInFlight.delete(settled.id)
        checkCanceled(signal)
        if (settled.error !== null || settled.result === null) throw settled.error
        addScanMetrics(this.metrics, settled.result.metrics)
        if (probing) {
          probing = false
          inFlightMax = fragments.concurrency
          const groupRows = settled.result.batches.reduce((sum, batch) => sum + batch.length, 0)
          if (groupsAreMany(groupRows, settled.result.metrics.rowsRead)) {
            // Drop the per-segment tasks (their threads finish, their rows are not read).
            controller.abort()
            controller = new AbortController()
            inFlight.clear()
            rowsInFlight.clear()
            partitions = threads
            groups = Array.from({ length: partitions }, () => [...this.plan.segments])
            next = 0
            this.partitions = partitions
            launch()
            continue
          }
        }
        ranks.addRanks(settled.result.topKRanks ?? [])
        topKBound = Math.max(topKBound, settled.result.topKBound ?? -Infinity, ranks.bound)
        launch()
        for (const batch of settled.result.batches) {
          if (batch.length === 0) continue
          rows += batch.length
          yield batch
          checkCanceled(signal)
        }
      }
    } finally {
      release()
      controller.abort()
      signal.removeEventListener('abort', abort)
    }
  }
}
