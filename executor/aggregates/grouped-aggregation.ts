// Hash aggregation: a GroupTable maps each row's GROUP BY key to a group id, and one
// accumulator per aggregate keeps every group's value in typed arrays.
//
//   single:  rows ──update──► evaluate ──► [keys..., results...]
//   partial: rows ──update──► state    ──► [keys..., state columns...]   (worker, per segment)
//   final:   [keys..., state columns...] ──merge──► evaluate ──► [keys..., results...]
//
// With no GROUP BY there is exactly one group, even over no rows, so count(*) over an empty
// table is one row holding 0 and sum is NULL, as PostgreSQL answers.
import {
  BatchRowsTarget,
  nullVector,
  type Batch,
  type SqlType,
  type Vector,
} from '../../common/index.js'

import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { sliceBatch } from '../expr/batch-ops.js'
import type { AggregateCall, Expr, GroupingSets } from '../plan.js'
import type { GroupsAccumulator } from './accumulator.js'
import { GroupTable } from './group-table.js'
import { shareOrderedSetValues } from './ordered-set.js'
import { createAccumulator } from './registry.js'

export class GroupedAggregation {
  private readonly table: GroupTable
  private readonly accumulators: GroupsAccumulator[]

  constructor(
    private readonly groupBy: readonly Expr[],
    private readonly aggregates: readonly AggregateCall[],
    private readonly context: EvalContext,
    private readonly groupingSets?: GroupingSets,
  ) {
    this.table = new GroupTable(groupBy.map((expr) => expr.type))
    if (groupBy.length === 0) this.table.ensureSingleGroup()
    this.accumulators = aggregates.map((call) => createAccumulator(call))
    shareOrderedSetValues(aggregates, this.accumulators)
    // The empty grouping set has its one group even over no rows, as no GROUP BY has.
    groupingSets?.forEach((set, index) => {
      if (set.length === 0) this.table.findOrInsert(this.setKeys([], index, 1), 1)
    })
  }

  /** The keys of grouping set `index`: its members' vectors, NULL for the rest, then its index. */
  private setKeys(keys: readonly Vector[], index: number, length: number): Vector[] {
    const members = this.groupingSets?.[index] ?? []
    const keyCount = this.groupBy.length - 1
    const vectors: Vector[] = []
    for (let key = 0; key < keyCount; key++) {
      const vector = keys[key]
      vectors.push(
        vector !== undefined && members.includes(key)
          ? vector
          : nullVector(this.groupBy[key]!.type, length),
      )
    }
    const values = new Float64Array(length).fill(index)
    vectors.push({ kind: 'number', type: 'int4', length, validity: null, values })
    return vectors
  }

  /** The partial output's column types: group keys, then each aggregate's state columns. */
  static partialTypes(groupBy: readonly Expr[], aggregates: readonly AggregateCall[]): SqlType[] {
    const types = groupBy.map((expr) => expr.type)
    for (const call of aggregates) types.push(...createAccumulator(call).stateTypes)
    return types
  }

  /** Folds a batch of input rows in (modes single and partial). */
  update(batch: Batch): void {
    if (this.groupingSets !== undefined) {
      this.updateGroupingSets(batch, this.groupingSets)
      return
    }
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

  /** Each row goes once into every grouping set; keys and arguments are evaluated once. */
  private updateGroupingSets(batch: Batch, sets: GroupingSets): void {
    const keys = this.groupBy.slice(0, -1).map((expr) => evaluate(expr, batch, this.context))
    const inputs = this.aggregates.map((call) => ({
      args: call.args.map((expr) => evaluate(expr, batch, this.context)),
      include: call.filter === null ? null : truthMask(evaluate(call.filter, batch, this.context)),
    }))
    for (let set = 0; set < sets.length; set++) {
      const groupIds = this.table.findOrInsert(this.setKeys(keys, set, batch.length), batch.length)
      const groupCount = this.table.groupCount
      inputs.forEach(({ args, include }, index) => {
        this.accumulators[index]!.update(args, groupIds, groupCount, include)
      })
    }
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
