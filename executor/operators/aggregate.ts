import type { Batch } from '../../common/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import type { AggregatePlan } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'

/**
 * Hash aggregation. mode 'single' aggregates input rows; mode 'final' merges the partial
 * states a Scan's fragments produced (group keys then state columns per row). Output either
 * way: group keys, then aggregate values.
 */
export class AggregateOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: AggregatePlan,
    private readonly input: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { groupBy, aggregates, groupingSets } = this.plan
    const context = this.context.evalContext
    const aggregation = new GroupedAggregation(groupBy, aggregates, context, groupingSets)
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      if (this.plan.mode === 'final') aggregation.merge(batch)
      else aggregation.update(batch)
    }
    checkCanceled(this.context.signal)
    yield* aggregation.finalBatches()
  }
}
