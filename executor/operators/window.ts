// Window functions (PostgreSQL's WindowAgg). The operator gathers its whole input (window
// frames may reach any row of a partition), then for each distinct (PARTITION BY, ORDER BY):
//
//   evaluate keys → sort an Int32Array permutation (window-sort.ts: a radix sort of the keys
//     as integer digits) → one pass over the sorted rows marks partition and peer-group boundaries
//     → each call computes one result vector over typed arrays (window-functions.ts)
//
// Rows leave in input order, the results appended as columns; a final ORDER BY sorts them.
import { BatchRowsTarget, PgError, SqlState, type Batch, type Vector } from '../../common/index.js'
import { concatBatches, sliceBatch } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import type { Expr, SortKey, WindowPlan } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'
import { sortForWindow } from './window-sort.js'
import { computeWindowCall } from './window-functions.js'

/** The most rows one Window node holds; more is 54000 (program_limit_exceeded). */
export const WindowRowsMax = 20_000_000

/**
 * Rows sorted by (partition keys, order keys), indexed by sorted position. Peer groups are
 * numbered across the whole input, so a partition's groups are a contiguous id range.
 */
export interface WindowLayout {
  /** Sorted position → input row. */
  readonly order: Int32Array
  readonly partitionStart: Int32Array
  /** Exclusive. */
  readonly partitionEnd: Int32Array
  /** Sorted position → peer group id. */
  readonly peerId: Int32Array
  /** Peer group id → its first sorted position and one past its last. */
  readonly peerStartOf: Int32Array
  readonly peerEndOf: Int32Array
}

export class WindowOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: WindowPlan,
    private readonly input: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const batches: Batch[] = []
    let rowCount = 0
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      if (batch.length === 0) continue
      rowCount += batch.length
      if (rowCount > WindowRowsMax) {
        throw new PgError({
          code: SqlState.programLimitExceeded,
          message: 'window function input is too large',
          detail: `A window function may read at most ${WindowRowsMax} rows.`,
        })
      }
      batches.push(batch)
    }
    if (rowCount === 0) return
    const rows = concatBatches(batches)
    const layouts = new Map<string, WindowLayout>()
    const results: Vector[] = []
    for (const call of this.plan.calls) {
      checkCanceled(this.context.signal)
      const key = JSON.stringify([call.partitionBy, call.orderBy])
      let layout = layouts.get(key)
      if (layout === undefined) {
        layout = windowLayout(rows, call.partitionBy, call.orderBy, this.context.evalContext)
        layouts.set(key, layout)
      }
      results.push(computeWindowCall(call, rows, layout, this.context.evalContext))
    }
    const output: Batch = { length: rows.length, columns: [...rows.columns, ...results] }
    for (let start = 0; start < output.length; start += BatchRowsTarget) {
      yield sliceBatch(output, start, Math.min(output.length, start + BatchRowsTarget))
    }
  }
}

/** Sorts `rows` by partition then order keys and finds partition and peer boundaries. */
export function windowLayout(
  rows: Batch,
  partitionBy: readonly Expr[],
  orderBy: readonly SortKey[],
  evalContext: EvalContext,
): WindowLayout {
  const partitionVectors = partitionBy.map((expr) => evaluate(expr, rows, evalContext))
  const orderVectors = orderBy.map((key) => evaluate(key.expr, rows, evalContext))
  const length = rows.length
  const { order, partitionStarts, peerStarts } = sortForWindow(
    partitionVectors,
    orderBy,
    orderVectors,
    length,
  )
  const partitionStart = new Int32Array(length)
  const partitionEnd = new Int32Array(length)
  const peerId = new Int32Array(length)
  const peerStartOf = new Int32Array(length)
  const peerEndOf = new Int32Array(length)
  let part = 0
  let peer = -1
  for (let i = 0; i < length; i++) {
    if (partitionStarts[i] === 1) part = i
    if (peerStarts[i] === 1) {
      peer += 1
      peerStartOf[peer] = i
    }
    partitionStart[i] = part
    peerId[i] = peer
    peerEndOf[peer] = i + 1
  }
  for (let i = length - 1; i >= 0; i--) {
    const next = i + 1
    partitionEnd[i] =
      next < length && partitionStart[next] === partitionStart[i] ? partitionEnd[next]! : next
  }
  return { order, partitionStart, partitionEnd, peerId, peerStartOf, peerEndOf }
}
