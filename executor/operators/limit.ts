import type { Batch } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'

/** OFFSET then LIMIT; stops pulling its input once the limit is reached. */
export class LimitOp implements AsyncIterable<Batch> {
  constructor(
    private readonly input: Operator,
    private readonly limit: number | null,
    private readonly offset: number,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    let toSkip = this.offset
    let remaining = this.limit ?? Number.POSITIVE_INFINITY
    if (remaining <= 0) return
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      let start = 0
      if (toSkip > 0) {
        start = Math.min(toSkip, batch.length)
        toSkip -= start
      }
      const end = Math.min(batch.length, start + remaining)
      if (end > start) {
        yield start === 0 && end === batch.length ? batch : sliceBatch(batch, start, end)
        remaining -= end - start
      }
      if (remaining <= 0) return
    }
  }
}
