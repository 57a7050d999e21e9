// ORDER BY ... LIMIT k over many groups (q09: top traces by span count). Merging every
// segment's partial states on the coordinator costs as much as the aggregation itself when
// most keys are distinct, so instead each task owns one hash partition of the group keys:
// it reads every segment, aggregates only its partition's rows (so each of its groups is
// complete), and ships the partial states of just its best k groups. The coordinator's
// Aggregate(final), HAVING, Sort and Limit then run over partitions × k rows.
import type { Batch } from '../../common/index.js'
import { takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { selectTrue } from '../operators/operator.js'
import { rowComparator, topK } from '../operators/sort.js'
import type { GroupTopK } from '../plan.js'

/**
 * The rows of a final aggregate output (keys, then aggregate values) that are a partition's
 * best `limit` under the query's HAVING and ORDER BY, as the coordinator would rank them.
 */
export function topGroupsOf(
  groupTopK: GroupTopK,
  context: EvalContext,
): (final: Batch) => Int32Array {
  return (final) => {
    let candidates: Int32Array | null = null
    let batch = final
    if (groupTopK.having !== null) {
      candidates = selectTrue(evaluate(groupTopK.having, final, context))
      batch = takeRows(final, candidates)
    }
    const outputs = groupTopK.outputs.map((expr) => evaluate(expr, batch, context))
    const projected: Batch = { length: batch.length, columns: outputs }
    const keyVectors = groupTopK.keys.map((key) => evaluate(key.expr, projected, context))
    const best = topK(batch.length, groupTopK.limit, rowComparator(groupTopK.keys, keyVectors))
    return candidates === null ? best : best.map((row) => candidates[row]!)
  }
}

/**
 * True when a task's partial output shows groups too many for a coordinator merge to pay:
 * at least a quarter as many groups as the rows it read.
 */
export function groupsAreMany(groups: number, rowsRead: number): boolean {
  return groups > 0 && groups * 4 >= rowsRead
}
