// The fragment pipeline, the same code on a worker thread and inline: for each segment of a
// task, read only the needed columns a batch at a time, skip batches whose min/max (time
// column or other) or token filters cannot satisfy the filter, filter, then partial-aggregate
// (one state for the whole task), project or pass the columns through, stopping after `limit`
// rows when the plan allows it. A pipeline with an unnest expands each filtered batch (the
// outer columns repeat through one index vector, the elements are the arrays' child vector)
// and filters the expansion before those stages. A top-k pipeline (scan-top-k.ts) visits
// batches best-first and keeps only rows that can be in the top k.
import { assert, type Batch, type Vector } from '../../common/index.js'
import type { SegmentReader } from '../../storage/api.js'
import { blobStoreCounters } from '../../storage/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { preGroupPlan, PreGroupedUnnest } from '../aggregates/unnest-pregroup.js'
import { concatBatches, sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { selectTrue } from '../operators/operator.js'
import { expandBatch } from '../operators/unnest.js'
import type { ScanTopK } from '../plan.js'
import {
  addScanMetrics,
  emptyScanMetrics,
  type FragmentResult,
  type FragmentTask,
  type ScanMetrics,
} from './fragment-runner.js'
import { batchWith, columnSplit } from './late-columns.js'
import { firstReadKeys, runPartitionTopKFragment } from './partition-top-k-fragment.js'
import { topGroupsOf } from './partition-top-k.js'
import { RankBound, bestRankOf, ranksOf, rowsAtLeast } from './scan-top-k.js'
import { mayMatch, statsPredicatesOf, type StatsPredicate } from './stats-pruning.js'
import { tokenPredicatesOf, tokenRefutation, type TokenPredicate } from './token-pruning.js'

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

/** Which min/max conjunct proves batch `batchIndex` of `reader` empty: 'time', 'stats' or none. */
function statsRefute(
  reader: SegmentReader,
  batchIndex: number,
  predicates: readonly StatsPredicate[],
  names: readonly string[],
  timeColumn: string | null,
): 'time' | 'stats' | null {
  let refuted: 'time' | 'stats' | null = null
  for (const predicate of predicates) {
    const name = names[predicate.column]
    if (name === undefined) continue
    if (!mayMatch(predicate, reader.batchStats(batchIndex, name))) {
      if (name === timeColumn) return 'time'
      refuted = 'stats'
    }
  }
  return refuted
}

function* allBatches(count: number): Generator<number> {
  for (let batchIndex = 0; batchIndex < count; batchIndex++) yield batchIndex
}

/** What a fragment evaluates per batch, prepared once per task. */
export interface BatchSource {
  readonly task: FragmentTask
  readonly context: EvalContext
  readonly names: readonly string[]
  readonly statsPredicates: readonly StatsPredicate[]
  readonly tokenPredicates: readonly TokenPredicate[]
  readonly metrics: ScanMetrics
  /** Scan column indexes: all, those read first (the filter's, a window top-N's keys), the rest. */
  readonly allColumns: readonly number[]
  readonly filterColumns: readonly number[]
  readonly otherColumns: readonly number[]
  /** All-NULL stand-ins for the columns a filter does not read (late-columns.ts). */
  readonly placeholders: Map<string, Vector>
  /** A needle attempt's batches left by pruning, per segment (null: prune batch by batch). */
  survivors: ReadonlyMap<string, readonly number[]> | null
}

/** Batch `batchIndex` of `reader` after pruning and the filter; null when no row is left. */
async function readFilteredBatch(
  source: BatchSource,
  reader: SegmentReader,
  batchIndex: number,
): Promise<Batch | null> {
  const read = await readSelectedBatch(source, reader, batchIndex)
  if (read === null) return null
  const { batch, selection } = read
  if (selection !== null) return takeRows(batch, selection)
  // A needle attempt runs on the coordinator: its rows are copies, not the cache's vectors.
  if (source.task.batchesReadMax === undefined) return batch
  return takeRows(
    batch,
    Int32Array.from({ length: batch.length }, (_, row) => row),
  )
}

/**
 * For a needle attempt: the batches of each segment of the task that survive pruning by
 * statistics, token filters and value indexes (counted into `metrics`), or null as soon as
 * more than `max` do (then nothing is counted).
 */
async function survivingBatches(
  source: BatchSource,
  open: SegmentOpener,
  max: number,
): Promise<Map<string, number[]> | null> {
  const counted = emptyScanMetrics()
  const survivors = new Map<string, number[]>()
  let count = 0
  for (const blobKey of source.task.blobKeys) {
    const reader = await open(blobKey)
    const kept: number[] = []
    for (let batchIndex = 0; batchIndex < reader.batchCount; batchIndex++) {
      if (await batchPruned(source, reader, batchIndex, counted)) continue
      if (++count > max) return null
      kept.push(batchIndex)
    }
    survivors.set(blobKey, kept)
  }
  addScanMetrics(source.metrics, counted)
  return survivors
}

/** Whether pruning skips batch `batchIndex` of `reader`; counts why into `metrics`. */
async function batchPruned(
  source: BatchSource,
  reader: SegmentReader,
  batchIndex: number,
  metrics: ScanMetrics,
): Promise<boolean> {
  const { task, names } = source
  const refuted = statsRefute(
    reader,
    batchIndex,
    source.statsPredicates,
    names,
    task.timeColumn ?? null,
  )
  if (refuted === 'time') metrics.batchesPrunedByTime++
  if (refuted === 'stats') metrics.batchesPruned++
  if (refuted !== null) return true
  if (source.tokenPredicates.length === 0) return false
  const bytes = { read: 0 }
  const byTokens = await tokenRefutation(reader, batchIndex, source.tokenPredicates, names, bytes)
  metrics.bytesRead += bytes.read
  if (byTokens === 'value-index') metrics.batchesPrunedByValueIndex++
  if (byTokens === 'tokens') metrics.batchesPrunedByTokens++
  return byTokens !== null
}

/**
 * Batch `batchIndex` of `reader` after pruning, with the rows the filter keeps (null: all of
 * them), not yet gathered: a partial aggregate gathers only the columns it reads. With
 * `deferOthers`, only the filter columns are read: the caller reads the others when it needs them.
 */
export async function readSelectedBatch(
  source: BatchSource,
  reader: SegmentReader,
  batchIndex: number,
  deferOthers = false,
): Promise<{ batch: Batch; selection: Int32Array | null } | null> {
  const { task, context, metrics } = source
  // A needle attempt pruned every batch up front (survivingBatches).
  if (source.survivors === null && (await batchPruned(source, reader, batchIndex, metrics)))
    return null
  const length = reader.batchRows(batchIndex)
  metrics.batchesRead++
  metrics.rowsRead += length
  const filter = task.pipeline.filter
  if (filter === null && !deferOthers) {
    const batch = await readColumns(source, reader, batchIndex, source.allColumns, null)
    return { batch, selection: null }
  }
  // Late materialization: the filter's columns first, the others only when a row is left.
  const filterBatch = await readColumns(source, reader, batchIndex, source.filterColumns, null)
  const selection = filter === null ? null : selectTrue(evaluate(filter, filterBatch, context))
  if (selection !== null && selection.length === 0) return null
  const kept = selection !== null && selection.length < length ? selection : null
  if (deferOthers) return { batch: filterBatch, selection: kept }
  const rest = await readColumns(source, reader, batchIndex, source.otherColumns, filterBatch)
  return { batch: rest, selection: kept }
}

/** Reads scan columns `indexes` of batch `batchIndex` (others from `base`, else placeholders). */
export async function readColumns(
  source: BatchSource,
  reader: SegmentReader,
  batchIndex: number,
  indexes: readonly number[],
  base: Batch | null,
): Promise<Batch> {
  const { task, metrics } = source
  const read = new Map<number, Vector>()
  const names: string[] = []
  for (const index of indexes) {
    const field = task.columns[index]
    if (field === undefined) continue
    read.set(index, await reader.readColumn(batchIndex, field.name, field.type))
    names.push(field.name)
  }
  metrics.bytesRead += chunkBytes(reader, batchIndex, names)
  const types = task.columns.map((field) => field.type)
  return batchWith(types, reader.batchRows(batchIndex), read, base, source.placeholders)
}

/** The pipeline's input from one filtered batch: the batch, or its unnest expansion filtered. */
function* stageInput(source: BatchSource, batch: Batch): Generator<Batch> {
  const unnest = source.task.pipeline.unnest
  if (unnest === undefined) {
    yield batch
    return
  }
  for (const expanded of expandBatch(batch, unnest, source.context)) {
    if (unnest.filter === null) {
      yield expanded
      continue
    }
    const selection = selectTrue(evaluate(unnest.filter, expanded, source.context))
    if (selection.length === expanded.length) yield expanded
    else if (selection.length > 0) yield takeRows(expanded, selection)
  }
}

export function project(source: BatchSource, batch: Batch): Batch {
  const exprs = source.task.pipeline.project
  if (exprs === null) return batch
  const columns = exprs.map((expr) => evaluate(expr, batch, source.context))
  return { length: batch.length, columns }
}

/** Runs `task` over each of its segments and returns its output batches and metrics. */
export async function runFragment(
  task: FragmentTask,
  open: SegmentOpener,
  isCanceled: () => boolean,
): Promise<FragmentResult> {
  const { pipeline, columns } = task
  const source: BatchSource = {
    task,
    context: {
      timeZone: task.timeZone,
      nowMicros: task.nowMicros,
      ...(task.regNames === undefined ? {} : { regNames: task.regNames }),
    },
    names: columns.map((field) => field.name),
    statsPredicates: statsPredicatesOf(pipeline.filter),
    tokenPredicates: tokenPredicatesOf(pipeline.filter),
    metrics: emptyScanMetrics(),
    ...columnSplit(columns.length, pipeline.filter, firstReadKeys(pipeline)),
    placeholders: new Map(),
    survivors: null,
  }
  if (pipeline.partitionTopK !== undefined)
    return runPartitionTopKFragment(source, pipeline.partitionTopK, open, isCanceled)
  if (pipeline.topK !== undefined) {
    assert(pipeline.unnest === undefined, 'a top-k pipeline reads scan columns, not an unnest')
    return runTopKFragment(source, pipeline.topK, open, isCanceled)
  }
  if (task.batchesReadMax !== undefined) {
    source.survivors = await survivingBatches(source, open, task.batchesReadMax)
    if (source.survivors === null) return { batches: [], metrics: source.metrics, overBudget: true }
  }
  const partial = pipeline.partialAggregate
  const aggregation =
    partial === null
      ? null
      : new GroupedAggregation(
          partial.groupBy,
          partial.aggregates,
          source.context,
          partial.groupingSets,
        )
  const preGroupOf =
    partial === null || pipeline.unnest === undefined || partial.groupingSets !== undefined
      ? null
      : preGroupPlan(pipeline.unnest, partial.groupBy, partial.aggregates)
  let preGrouped =
    preGroupOf === null || aggregation === null || pipeline.unnest === undefined || partial === null
      ? null
      : new PreGroupedUnnest(
          preGroupOf,
          pipeline.unnest,
          partial.groupBy,
          partial.aggregates,
          source.context,
          aggregation,
        )
  const { metrics } = source
  const partition = task.partition
  assert(partition === undefined || pipeline.unnest === undefined, 'a partition reads scan rows')
  const blobBefore = blobStoreCounters()
  const output: Batch[] = []
  let remaining =
    aggregation === null && pipeline.limit !== null ? pipeline.limit : Number.POSITIVE_INFINITY
  for (const blobKey of task.blobKeys) {
    if (remaining <= 0 || isCanceled()) break
    const reader = await open(blobKey)
    metrics.segments++
    metrics.batchesTotal += reader.batchCount
    const batchIndexes = source.survivors?.get(blobKey) ?? allBatches(reader.batchCount)
    for (const batchIndex of batchIndexes) {
      if (remaining <= 0 || isCanceled()) break
      if (aggregation !== null && pipeline.unnest === undefined) {
        // The filter's selection reaches the aggregate ungathered: it gathers only what it reads.
        const read = await readSelectedBatch(source, reader, batchIndex)
        if (read === null) continue
        if (partition !== undefined)
          aggregation.updatePartition(read.batch, read.selection, partition)
        else if (read.selection === null) aggregation.update(read.batch)
        else aggregation.updateSelected(read.batch, read.selection)
        continue
      }
      const filtered = await readFilteredBatch(source, reader, batchIndex)
      if (filtered === null) continue
      if (preGrouped !== null) {
        // Aggregated before the expansion (unnest-pregroup.ts) while that shrinks the rows.
        if (!preGrouped.update(filtered)) preGrouped = null
        continue
      }
      for (const input of stageInput(source, filtered)) {
        if (aggregation !== null) {
          aggregation.update(input)
          continue
        }
        let batch = project(source, input)
        if (batch.length > remaining) batch = sliceBatch(batch, 0, remaining)
        remaining -= batch.length
        output.push(batch)
        if (remaining <= 0) break
      }
    }
  }
  preGrouped?.finish()
  const batches =
    aggregation === null
      ? output
      : partition !== undefined && pipeline.groupTopK !== undefined
        ? aggregation.partialRowsOf(topGroupsOf(pipeline.groupTopK, source.context))
        : aggregation.partialBatches()
  // This thread's blob traffic during the task: exact on a worker thread (one task at a
  // time); inline, it may include other work of the same thread that overlapped.
  const blobAfter = blobStoreCounters()
  metrics.blobGets = blobAfter.getRequests - blobBefore.getRequests
  metrics.blobGetBytes = blobAfter.bytesRead - blobBefore.bytesRead
  metrics.blobCacheHits = blobAfter.cacheHits - blobBefore.cacheHits
  return { batches, metrics }
}

/**
 * The top-k pipeline: batches of every segment best-first by the key's statistics, stopping
 * at the first whose best rank is below the k-th best rank in hand (the task's starting
 * bound from the coordinator, or what this task read). Answers the rows at or above the
 * final bound, projected, and that bound.
 */
async function runTopKFragment(
  source: BatchSource,
  topK: ScanTopK,
  open: SegmentOpener,
  isCanceled: () => boolean,
): Promise<FragmentResult> {
  const { task, metrics, names } = source
  const keyName = names[topK.column]
  const ranks = new RankBound(topK.limit)
  const startBound = task.topKBound ?? -Infinity
  const kept: Batch[] = []
  for (const blobKey of task.blobKeys) {
    if (isCanceled()) break
    const reader = await open(blobKey)
    metrics.segments++
    metrics.batchesTotal += reader.batchCount
    const order = Array.from({ length: reader.batchCount }, (_, index) => ({
      index,
      best: bestRankOf(
        topK,
        keyName === undefined ? undefined : reader.batchStats(index, keyName),
        reader.batchRows(index),
      ),
    })).sort((a, b) => b.best - a.best || a.index - b.index)
    for (const [position, { index, best }] of order.entries()) {
      if (best < Math.max(startBound, ranks.bound) || isCanceled()) {
        metrics.batchesSkippedByTopK += order.length - position
        break
      }
      const filtered = await readFilteredBatch(source, reader, index)
      if (filtered === null) continue
      const key = filtered.columns[topK.column]
      if (key === undefined) continue
      ranks.addVector(key, topK)
      kept.push(filtered)
    }
  }
  const bound = ranks.bound
  const cut = Math.max(startBound, bound)
  const batches: Batch[] = []
  let topKRanks: number[] = []
  if (kept.length > 0) {
    const all = concatBatches(kept)
    const key = all.columns[topK.column]
    const rows = key === undefined ? new Int32Array(0) : rowsAtLeast(key, topK, cut)
    if (key !== undefined) topKRanks = ranksOf(key, topK, rows)
    if (rows.length > 0) batches.push(project(source, takeRows(all, rows)))
  }
  return { batches, metrics, topKBound: bound, topKRanks }
}
