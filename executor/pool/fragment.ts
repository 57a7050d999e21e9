// The fragment pipeline, the same code on a worker thread and inline: read only the needed
// columns of one segment a batch at a time, filter, then partial-aggregate, project or pass
// the columns through, stopping after `limit` rows when the plan allows it.
import type { Batch } from '../../common/index.js'
import type { SegmentReader } from '../../storage/api.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { selectTrue } from '../operators/operator.js'
import type { FragmentTask } from './fragment-runner.js'

/** Runs `task` over an opened segment and returns its output batches. */
export async function runFragment(
  task: FragmentTask,
  reader: SegmentReader,
  isCanceled: () => boolean,
): Promise<Batch[]> {
  const { pipeline, columns } = task
  const context: EvalContext = { timeZone: task.timeZone, nowMicros: task.nowMicros }
  const partial = pipeline.partialAggregate
  const aggregation =
    partial === null ? null : new GroupedAggregation(partial.groupBy, partial.aggregates, context)
  const output: Batch[] = []
  let remaining =
    aggregation === null && pipeline.limit !== null ? pipeline.limit : Number.POSITIVE_INFINITY
  for (let batchIndex = 0; batchIndex < reader.batchCount && remaining > 0; batchIndex++) {
    if (isCanceled()) break
    const length = reader.batchRows(batchIndex)
    const vectors = await Promise.all(
      columns.map((field) => reader.readColumn(batchIndex, field.name, field.type)),
    )
    let batch: Batch = { length, columns: vectors }
    if (pipeline.filter !== null) {
      const selection = selectTrue(evaluate(pipeline.filter, batch, context))
      if (selection.length === 0) continue
      if (selection.length < batch.length) batch = takeRows(batch, selection)
    }
    if (aggregation !== null) {
      aggregation.update(batch)
      continue
    }
    if (pipeline.project !== null) {
      const current = batch
      const projected = pipeline.project.map((expr) => evaluate(expr, current, context))
      batch = { length: current.length, columns: projected }
    }
    if (batch.length > remaining) batch = sliceBatch(batch, 0, remaining)
    remaining -= batch.length
    output.push(batch)
  }
  return aggregation === null ? output : aggregation.partialBatches()
}
