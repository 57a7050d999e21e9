// What crosses the worker boundary for one scan fragment, and the runner interface the
// ScanOp fans fragments out through. Tasks and replies are plain data with a version field:
// class instances lose their prototypes in structured clone.
import type { Batch, Field, PlainError } from '../../common/index.js'
import type { ScanPipeline } from '../plan.js'

export const FragmentProtocolVersion = 1

/** One segment's share of a ScanPlan. */
export interface FragmentTask {
  readonly version: typeof FragmentProtocolVersion
  readonly dataDir: string
  readonly blobKey: string
  readonly columns: readonly Field[]
  readonly pipeline: ScanPipeline
  readonly timeZone: string
  readonly nowMicros: number
}

type Version = typeof FragmentProtocolVersion

export type FragmentReply =
  | { readonly version: Version; readonly ok: true; readonly batches: Batch[] }
  | { readonly version: Version; readonly ok: false; readonly error: PlainError }

/** Runs fragments: on piscina worker threads, or inline on the calling thread. */
export interface FragmentRunner {
  /** How many fragments the ScanOp should keep in flight. */
  readonly concurrency: number
  /** Runs one fragment; rejects with a PgError (57014 when `signal` aborts it). */
  run(task: FragmentTask, signal: AbortSignal): Promise<Batch[]>
  close(): Promise<void>
}
