// A scan fragment under the window top-N rewrite (executor/operators/partition-top-k.ts): per
// batch, the filter's and the keys' columns are read first; the keys decide which rows may
// still rank within the limit of their partition, and only when some row may are the other
// columns read, gathered for those rows and projected. The task answers its survivors, at
// most about k rows per partition, for the coordinator's PartitionTopK to merge.
import type { Batch } from '../../common/index.js'
import { blobStoreCounters } from '../../storage/index.js'
import { takeRows } from '../expr/batch-ops.js'
import { evaluate } from '../expr/evaluate.js'
import { substituteColumns } from '../expr/substitute-columns.js'
import { PartitionTopKState } from '../operators/partition-top-k.js'
import type { Expr, PartitionTopK, ScanPipeline, SortKey } from '../plan.js'
import {
  project,
  readColumns,
  readSelectedBatch,
  type BatchSource,
  type SegmentOpener,
} from './fragment.js'
import type { FragmentResult } from './fragment-runner.js'

/** A window top-N's keys over the scan's columns (the pipeline's projection inlined). */
function keysOnScan(
  pipeline: ScanPipeline,
  topK: PartitionTopK,
): {
  partitionBy: Expr[]
  orderBy: SortKey[]
} {
  const exprs = pipeline.project
  const onScan = (expr: Expr): Expr => (exprs === null ? expr : substituteColumns(expr, exprs))
  return {
    partitionBy: topK.partitionBy.map(onScan),
    orderBy: topK.orderBy.map((key) => ({ ...key, expr: onScan(key.expr) })),
  }
}

/** The expressions a pipeline reads before the rest of a batch: a window top-N's keys. */
export function firstReadKeys(pipeline: ScanPipeline): Expr[] {
  const topK = pipeline.partitionTopK
  if (topK === undefined) return []
  const { partitionBy, orderBy } = keysOnScan(pipeline, topK)
  return [...partitionBy, ...orderBy.map((key) => key.expr)]
}

export async function runPartitionTopKFragment(
  source: BatchSource,
  topK: PartitionTopK,
  open: SegmentOpener,
  isCanceled: () => boolean,
): Promise<FragmentResult> {
  const { task, metrics, context } = source
  const { partitionBy, orderBy } = keysOnScan(task.pipeline, topK)
  const state = new PartitionTopKState(
    topK,
    topK.partitionBy.map((expr) => expr.type),
  )
  const blobBefore = blobStoreCounters()
  for (const blobKey of task.blobKeys) {
    if (isCanceled() || topK.limit <= 0) break
    const reader = await open(blobKey)
    metrics.segments++
    metrics.batchesTotal += reader.batchCount
    for (let batchIndex = 0; batchIndex < reader.batchCount; batchIndex++) {
      if (isCanceled()) break
      const read = await readSelectedBatch(source, reader, batchIndex, true)
      if (read === null) continue
      const { batch, selection } = read
      const keyBatch = selection === null ? batch : takeRows(batch, selection)
      const partitionVectors = partitionBy.map((expr) => evaluate(expr, keyBatch, context))
      const orderVectors = orderBy.map((key) => evaluate(key.expr, keyBatch, context))
      const candidates = state.candidates(partitionVectors, orderVectors, keyBatch.length)
      const { rows } = candidates
      if (rows.length === 0) continue
      const batchRows = selection === null ? rows : rows.map((row) => selection[row]!)
      const full = await readColumns(source, reader, batchIndex, source.otherColumns, batch)
      const orderColumns = takeRows({ length: keyBatch.length, columns: orderVectors }, rows)
      state.add(
        project(source, takeRows(full, batchRows)),
        orderColumns.columns,
        candidates.partitions,
      )
    }
  }
  const kept = state.result()
  const batches: Batch[] = kept === null ? [] : [kept]
  const blobAfter = blobStoreCounters()
  metrics.blobGets = blobAfter.getRequests - blobBefore.getRequests
  metrics.blobGetBytes = blobAfter.bytesRead - blobBefore.bytesRead
  metrics.blobCacheHits = blobAfter.cacheHits - blobBefore.cacheHits
  return { batches, metrics }
}
