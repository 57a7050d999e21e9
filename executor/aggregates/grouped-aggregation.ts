// Hash aggregation: a GroupTable maps each row's GROUP BY key to a group id, and one
// accumulator per aggregate keeps every group's value in typed arrays.
//
//   single:  rows ──update──► evaluate ──► [keys..., results...]
//   partial: rows ──update──► state    ──► [keys..., state columns...]   (worker, per segment)
//   final:   [keys..., state columns...] ──merge──► evaluate ──► [keys..., results...]
//
// With no GROUP BY there is exactly one group, even over no rows, so count(*) over an empty
// table is one row holding 0 and sum is NULL, as PostgreSQL answers.
import { BatchRowsTarget, type Batch, type SqlType, type Vector } from '../../common/index.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { sliceBatch } from '../expr/batch-ops.js'
import type { AggregateCall, Expr } from '../plan.js'
import type { GroupsAccumulator } from './accumulator.js'
import { GroupTable } from './group-table.js'
import { createAccumulator } from './registry.js'

export class GroupedAggregation {
  private readonly table: GroupTable
  private readonly accumulators: GroupsAccumulator[]

  constructor(
    private readonly groupBy: readonly Expr[],
    private readonly aggregates: readonly AggregateCall[],
    private readonly context: EvalContext,
  ) {
    this.table = new GroupTable(groupBy.map((expr) => expr.type))
    if (groupBy.length === 0) this.table.ensureSingleGroup()
    this.accumulators = aggregates.map((call) => createAccumulator(call))
  }

  /** The partial output's column types: group keys, then each aggregate's state columns. */
  static partialTypes(groupBy: readonly Expr[], aggregates: readonly AggregateCall[]): SqlType[] {
    const types = groupBy.map((expr) => expr.type)
    for (const call of aggregates) types.push(...createAccumulator(call).stateTypes)
    return types
  }

  /** Folds a batch of input rows in (modes single and partial). */
  update(batch: Batch): void {
    const keys = this.groupBy.map((expr) => evaluate(expr, batch, this.context))
    const groupIds = this.table.findOrInsert(keys, batch.length)
    const groupCount = this.table.groupCount
    this.aggregates.forEach((call, index) => {
      const args = call.args.map((expr) => evaluate(expr, batch, this.context))
      const filter = call.filter
      const include = filter === null ? null : truthMask(evaluate(filter, batch, this.context))
      this.accumulators[index]!.update(args, groupIds, groupCount, include)
    })
  }

  /** Folds a batch of partial rows (keys, then state columns) in (mode final). */
  merge(batch: Batch): void {
    const keys = batch.columns.slice(0, this.groupBy.length)
    const groupIds = this.table.findOrInsert(keys, batch.length)
    const groupCount = this.table.groupCount
    let column = this.groupBy.length
    for (const accumulator of this.accumulators) {
      const width = accumulator.stateTypes.length
      accumulator.merge(batch.columns.slice(column, column + width), groupIds, groupCount)
      column += width
    }
  }

  /** The partial output: group keys then state columns, in batches of BatchRowsTarget rows. */
  partialBatches(): Batch[] {
    const groupCount = this.table.groupCount
    const columns: Vector[] = this.table.keyVectors()
    for (const accumulator of this.accumulators) columns.push(...accumulator.state(groupCount))
    return chunk({ length: groupCount, columns })
  }

  /** The final output: group keys then aggregate values, in batches of BatchRowsTarget rows. */
  finalBatches(): Batch[] {
    const groupCount = this.table.groupCount
    const columns: Vector[] = this.table.keyVectors()
    for (const accumulator of this.accumulators) columns.push(accumulator.evaluate(groupCount))
    return chunk({ length: groupCount, columns })
  }
}

/** 1 where a boolean vector is TRUE, 0 where it is FALSE or NULL. */
export function truthMask(vector: Vector): Uint8Array {
  const mask = new Uint8Array(vector.length)
  if (vector.kind !== 'bool') return mask
  const validity = vector.validity
  for (let row = 0; row < vector.length; row++) {
    mask[row] = vector.values[row] === 1 && (validity === null || validity[row] === 1) ? 1 : 0
  }
  return mask
}

function chunk(batch: Batch): Batch[] {
  if (batch.length <= BatchRowsTarget) return batch.length === 0 ? [] : [batch]
  const batches: Batch[] = []
  for (let start = 0; start < batch.length; start += BatchRowsTarget) {
    batches.push(sliceBatch(batch, start, Math.min(batch.length, start + BatchRowsTarget)))
  }
  return batches
}
