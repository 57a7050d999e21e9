import type { Batch } from '../../common/index.js'
import { evaluate } from '../expr/evaluate.js'
import type { Expr } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'

/** Evaluates one expression per output column. */
export class ProjectOp implements AsyncIterable<Batch> {
  constructor(
    private readonly input: Operator,
    private readonly exprs: readonly Expr[],
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      const columns = this.exprs.map((expr) => evaluate(expr, batch, this.context.evalContext))
      yield { length: batch.length, columns }
    }
  }
}
