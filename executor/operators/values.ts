import type { Batch } from '../../common/index.js'
import { concatBatches } from '../expr/batch-ops.js'
import { evaluate } from '../expr/evaluate.js'
import type { BatchesPlan, ValuesPlan } from '../plan.js'
import { checkCanceled, type OperatorContext } from './operator.js'

/** VALUES rows: each row's expressions evaluated over a one-row empty input. */
export class ValuesOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: ValuesPlan,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    checkCanceled(this.context.signal)
    if (this.plan.rows.length === 0) return
    const input: Batch = { length: 1, columns: [] }
    const rows = this.plan.rows.map((row) => ({
      length: 1,
      columns: row.map((expr) => evaluate(expr, input, this.context.evalContext)),
    }))
    yield concatBatches(rows)
  }
}

/** Batches the planner built itself: handed on as they are. */
export class BatchesOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: BatchesPlan,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for (const batch of this.plan.batches) {
      checkCanceled(this.context.signal)
      yield batch
    }
  }
}
