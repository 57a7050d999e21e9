// The operator contract: an operator is built from one plan node and yields Batches when
// pulled (an async iterator at batch granularity). Pulling stops early when the consumer
// stops (LIMIT), and every operator checks the statement's AbortSignal between batches.
import { PgError, SqlState, type Batch, type Vector } from '../../common/index.js'
import type { EvalContext } from '../expr/eval-context.js'
import type { FragmentRunner } from '../pool/fragment-runner.js'

export interface OperatorContext {
  readonly evalContext: EvalContext
  readonly signal: AbortSignal
  /** Runs scan fragments: on piscina workers, or inline when the pool is disabled. */
  readonly fragments: FragmentRunner
  /**
   * Runs the fragments of scans that read a batch or two (a top-k without a filter) on this
   * thread, through its own segment caches; `fragments` runs them when unset.
   */
  readonly smallFragments?: FragmentRunner
  /** The data directory workers open segments from. */
  readonly dataDir: string
}

export type Operator = AsyncIterable<Batch>

/** The error a canceled statement ends with (57014), as PostgreSQL words it. */
export function queryCanceledError(): PgError {
  const message = 'canceling statement due to user request'
  return new PgError({ code: SqlState.queryCanceled, message })
}

/** Throws 57014 when the statement was canceled. */
export function checkCanceled(signal: AbortSignal): void {
  if (signal.aborted) throw queryCanceledError()
}

/** The row indexes where a boolean vector is TRUE (not FALSE, not NULL). */
export function selectTrue(vector: Vector): Int32Array {
  if (vector.kind !== 'bool') return new Int32Array(0)
  const selection = new Int32Array(vector.length)
  let count = 0
  const validity = vector.validity
  for (let row = 0; row < vector.length; row++) {
    const isTrue = vector.values[row] === 1 && (validity === null || validity[row] === 1)
    if (isTrue) selection[count++] = row
  }
  return selection.subarray(0, count)
}
