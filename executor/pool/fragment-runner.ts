// What crosses the worker boundary for one scan task, and the runner interface the ScanOp
// fans tasks out through. A task covers several segments of one ScanPlan, so a worker pays
// the hop once for many small segments and returns one partial state for all of them.
// Tasks and replies are plain data with a version field: class instances lose their
// prototypes in structured clone.
import type { Batch, Field, PlainError } from '../../common/index.js'
import type { RegNames } from '../functions/reg-names.js'
import type { KeyPartition, ScanPipeline } from '../plan.js'

export const FragmentProtocolVersion = 4

/** A share of a ScanPlan: the pipeline run over each of `blobKeys` in turn. */
export interface FragmentTask {
  readonly version: typeof FragmentProtocolVersion
  readonly dataDir: string
  readonly blobKeys: readonly string[]
  readonly columns: readonly Field[]
  readonly pipeline: ScanPipeline
  readonly timeZone: string
  readonly nowMicros: number
  /** The statement's reg names (plain data, copied to the worker with the task). */
  readonly regNames?: RegNames
  /** The table's time column: batches its min/max prune count as pruned by time. */
  readonly timeColumn?: string | null
  /** For a top-k pipeline: the k-th best rank the coordinator already holds (scan-top-k.ts). */
  readonly topKBound?: number
  /**
   * A needle attempt on the coordinator: when more batches than this survive pruning, the task
   * reads nothing and answers `overBudget` (the scan then goes to the worker threads).
   */
  readonly batchesReadMax?: number
  /** For a group top-k (partition-top-k.ts): the hash partition of the group keys to aggregate. */
  readonly partition?: KeyPartition
}

/** What a task did, for EXPLAIN ANALYZE. */
export interface ScanMetrics {
  segments: number
  batchesTotal: number
  /** Batches skipped because the time column's min/max cannot satisfy the filter. */
  batchesPrunedByTime: number
  /** Batches skipped because another column's min/max cannot satisfy the filter. */
  batchesPruned: number
  /** Batches skipped because a text column's token filter refutes the filter. */
  batchesPrunedByTokens: number
  /** Batches skipped because a text column's value index (format 4) holds no wanted value. */
  batchesPrunedByValueIndex: number
  /** Batches left unread by a top-k: their best key cannot reach the top k. */
  batchesSkippedByTopK: number
  /** Batches whose columns were read. */
  batchesRead: number
  /** Segments the coordinator never sent to a task, for a top-k (scan-top-k.ts). */
  segmentsSkippedByTopK: number
  rowsRead: number
  /**
   * Stored bytes of the column chunks and token filters the task used (footers excluded),
   * whether read from the file or taken from its thread's caches.
   */
  bytesRead: number
  /** Object-store GET requests the task made (footers included); 0 on a directory. */
  blobGets: number
  /** Bytes those GETs fetched. */
  blobGetBytes: number
  /** Reads the segment range cache answered without a GET. */
  blobCacheHits: number
}

export function emptyScanMetrics(): ScanMetrics {
  return {
    segments: 0,
    batchesTotal: 0,
    batchesPrunedByTime: 0,
    batchesPruned: 0,
    batchesPrunedByTokens: 0,
    batchesPrunedByValueIndex: 0,
    batchesSkippedByTopK: 0,
    batchesRead: 0,
    segmentsSkippedByTopK: 0,
    rowsRead: 0,
    bytesRead: 0,
    blobGets: 0,
    blobGetBytes: 0,
    blobCacheHits: 0,
  }
}

/** Adds `from` into `into`. */
export function addScanMetrics(into: ScanMetrics, from: ScanMetrics): void {
  for (const key of Object.keys(into) as (keyof ScanMetrics)[]) into[key] += from[key]
}

export interface FragmentResult {
  readonly batches: Batch[]
  readonly metrics: ScanMetrics
  /** A top-k task's k-th best rank among the rows it read (-Infinity: fewer than k). */
  readonly topKBound?: number
  /** A top-k task's ranks of the rows it returned: the coordinator's bound across tasks. */
  readonly topKRanks?: readonly number[]
  /** The task had a batchesReadMax and more batches survived pruning: nothing was read. */
  readonly overBudget?: boolean
}

type Version = typeof FragmentProtocolVersion

export type FragmentReply =
  | {
      readonly version: Version
      readonly ok: true
      readonly batches: Batch[]
      readonly metrics: ScanMetrics
      readonly topKBound?: number
      readonly topKRanks?: readonly number[]
    }
  | { readonly version: Version; readonly ok: false; readonly error: PlainError }

/** Runs fragment tasks: on piscina worker threads, or inline on the calling thread. */
export interface FragmentRunner {
  /** How many tasks the ScanOp should keep in flight. */
  readonly concurrency: number
  /** Threads that run tasks at once (concurrency when unset). */
  readonly threads?: number
  /** Runs one task; rejects with a PgError (57014 when `signal` aborts it). */
  run(task: FragmentTask, signal: AbortSignal): Promise<FragmentResult>
  close(): Promise<void>
}
