import type { Batch } from '../../common/index.js'
import { takeRows } from '../expr/batch-ops.js'
import { evaluate } from '../expr/evaluate.js'
import type { Expr } from '../plan.js'
import { checkCanceled, selectTrue, type Operator, type OperatorContext } from './operator.js'

/** Keeps the rows where the predicate is TRUE. */
export class FilterOp implements AsyncIterable<Batch> {
  constructor(
    private readonly input: Operator,
    private readonly predicate: Expr,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      const selection = selectTrue(evaluate(this.predicate, batch, this.context.evalContext))
      if (selection.length === batch.length) yield batch
      else if (selection.length > 0) yield takeRows(batch, selection)
    }
  }
}
