// The fragment pipeline, the same code on a worker thread and inline: for each segment of a
// task, read only the needed columns a batch at a time, skip batches whose min/max cannot
// satisfy the filter, filter, then partial-aggregate (one state for the whole task),
// project or pass the columns through, stopping after `limit` rows when the plan allows it.
import type { Batch } from '../../common/index.js'
import type { SegmentReader } from '../../storage/api.js'
import { blobStoreCounters } from '../../storage/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { selectTrue } from '../operators/operator.js'
import {
  emptyScanMetrics,
  type FragmentResult,
  type FragmentTask,
  type ScanMetrics,
} from './fragment-runner.js'
import { mayMatch, statsPredicatesOf, type StatsPredicate } from './stats-pruning.js'

export type SegmentOpener = (blobKey: string) => Promise<SegmentReader>

interface ChunkBytes {
  readonly footer: {
    readonly columns: readonly { readonly name: string }[]
    readonly batches: readonly { readonly columns: readonly { readonly storedLength: number }[] }[]
  }
}

/** Stored bytes of the chunks a batch read, when the reader exposes its footer. */
function chunkBytes(reader: SegmentReader, batchIndex: number, names: readonly string[]): number {
  if (!('footer' in reader)) return 0
  const footer = (reader as SegmentReader & ChunkBytes).footer
  const batch = footer.batches[batchIndex]
  if (batch === undefined) return 0
  let bytes = 0
  footer.columns.forEach((column, index) => {
    if (names.includes(column.name)) bytes += batch.columns[index]?.storedLength ?? 0
  })
  return bytes
}

/** False when some predicate proves batch `batchIndex` of `reader` holds no matching row. */
function batchMayMatch(
  reader: SegmentReader,
  batchIndex: number,
  predicates: readonly StatsPredicate[],
  names: readonly string[],
): boolean {
  for (const predicate of predicates) {
    const name = names[predicate.column]
    if (name === undefined) continue
    if (!mayMatch(predicate, reader.batchStats(batchIndex, name))) return false
  }
  return true
}

/** Runs `task` over each of its segments and returns its output batches and metrics. */
export async function runFragment(
  task: FragmentTask,
  open: SegmentOpener,
  isCanceled: () => boolean,
): Promise<FragmentResult> {
  const { pipeline, columns } = task
  const context: EvalContext = { timeZone: task.timeZone, nowMicros: task.nowMicros }
  const partial = pipeline.partialAggregate
  const aggregation =
    partial === null ? null : new GroupedAggregation(partial.groupBy, partial.aggregates, context)
  const predicates = statsPredicatesOf(pipeline.filter)
  const names = columns.map((field) => field.name)
  const metrics: ScanMetrics = emptyScanMetrics()
  const blobBefore = blobStoreCounters()
  const output: Batch[] = []
  let remaining =
    aggregation === null && pipeline.limit !== null ? pipeline.limit : Number.POSITIVE_INFINITY
  for (const blobKey of task.blobKeys) {
    if (remaining <= 0 || isCanceled()) break
    const reader = await open(blobKey)
    metrics.segments++
    metrics.batchesTotal += reader.batchCount
    for (let batchIndex = 0; batchIndex < reader.batchCount && remaining > 0; batchIndex++) {
      if (isCanceled()) break
      if (!batchMayMatch(reader, batchIndex, predicates, names)) {
        metrics.batchesPruned++
        continue
      }
      const length = reader.batchRows(batchIndex)
      const vectors = []
      for (const field of columns)
        vectors.push(await reader.readColumn(batchIndex, field.name, field.type))
      metrics.rowsRead += length
      metrics.bytesRead += chunkBytes(reader, batchIndex, names)
      let batch: Batch = { length, columns: vectors }
      if (pipeline.filter !== null) {
        const selection = selectTrue(evaluate(pipeline.filter, batch, context))
        if (selection.length === 0) continue
        if (selection.length < batch.length) batch = takeRows(batch, selection)
      }
      if (aggregation !== null) {
        aggregation.update(batch)
        continue
      }
      if (pipeline.project !== null) {
        const current = batch
        const projected = pipeline.project.map((expr) => evaluate(expr, current, context))
        batch = { length: current.length, columns: projected }
      }
      if (batch.length > remaining) batch = sliceBatch(batch, 0, remaining)
      remaining -= batch.length
      output.push(batch)
    }
  }
  const batches = aggregation === null ? output : aggregation.partialBatches()
  // This thread's blob traffic during the task: exact on a worker thread (one task at a
  // time); inline, it may include other work of the same thread that overlapped.
  const blobAfter = blobStoreCounters()
  metrics.blobGets = blobAfter.getRequests - blobBefore.getRequests
  metrics.blobGetBytes = blobAfter.bytesRead - blobBefore.bytesRead
  metrics.blobCacheHits = blobAfter.cacheHits - blobBefore.cacheHits
  return { batches, metrics }
}
