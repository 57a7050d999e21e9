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
  takeVector,
  textDictionaryOf,
  type Batch,
  type SqlType,
  type Vector,
} from '../../common/index.js'

import type { EvalContext } from '../expr/eval-context.js'
import { collectColumns } from '../expr/columns-of.js'
import { evaluate } from '../expr/evaluate.js'
import { sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { AggregateCall, Expr, GroupingSets, KeyPartition } from '../plan.js'
import type { GroupsAccumulator } from './accumulator.js'
import { GroupTable } from './group-table.js'
import { hashVectorInto, mixHash } from './key-column.js'
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
    this.table = new GroupTable(
      groupBy.map((expr) => expr.type),
      { dense: true },
    )
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

  /** Groups so far. */
  get groupCount(): number {
    return this.table.groupCount
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
    this.updateAggregates(batch, this.table.findOrInsert(keys, batch.length))
  }

  /**
   * Folds rows `selection` of `batch` in (a filtered scan batch): only the columns the
   * aggregation reads are gathered, and a lone dictionary-encoded key column is grouped by
   * its codes without gathering its bytes. Unread columns keep their unfiltered vectors.
   */
  updateSelected(batch: Batch, selection: Int32Array): void {
    const reads = (this.columnReads ??= columnReads(this.groupBy, this.aggregates))
    const key = this.groupingSets === undefined ? reads.codeKey : -1
    const keyVector = key < 0 ? undefined : batch.columns[key]
    const byCodes = keyVector !== undefined && textDictionaryOf(keyVector) !== undefined
    const columns = batch.columns.map((vector, index) =>
      reads.columns.has(index) && !(byCodes && index === key)
        ? takeVector(vector, selection)
        : vector,
    )
    const gathered = { length: selection.length, columns }
    if (!byCodes) {
      this.update(gathered)
      return
    }
    this.updateAggregates(gathered, this.table.findOrInsertSelected(keyVector, selection))
  }

  private columnReads: ColumnReads | undefined

  /**
   * Folds in the rows of `batch` (its rows `selection`, or all) whose group keys hash into
   * `partition`: one share of a partitioned aggregation (partition-top-k.ts). The other rows
   * keep group -1, which every accumulator skips, so nothing is gathered twice.
   */
  updatePartition(batch: Batch, selection: Int32Array | null, partition: KeyPartition): void {
    const input = selection === null ? batch : takeRows(batch, selection)
    const keys = this.groupBy.map((expr) => evaluate(expr, input, this.context))
    const hashes = new Uint32Array(input.length)
    keys.forEach((key, column) => hashVectorInto(key, hashes, column === 0))
    const rows = rowsOfPartition(hashes, partition)
    if (rows.length === 0) return
    const groupIds = new Int32Array(input.length).fill(-1)
    this.table.findOrInsertRows(keys, hashes, rows, groupIds)
    this.updateAggregates(input, groupIds)
  }

  /** Adds the rows of `batch` to the groups `groupIds` in every accumulator. */
  private updateAggregates(batch: Batch, groupIds: Int32Array): void {
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

  /** The group keys so far, one vector per key, in group id order. */
  groupKeys(): Vector[] {
    return this.table.keyVectors()
  }

  /**
   * Folds group sourceGroups[i] of `source` (same aggregate calls) into the group of row i of
   * `keys`: directly where the accumulator can (mergeGroups), else through its state vectors.
   */
  mergeGroups(keys: readonly Vector[], source: GroupedAggregation, sourceGroups: Int32Array): void {
    const groupIds = this.table.findOrInsert(keys, sourceGroups.length)
    const groupCount = this.table.groupCount
    this.accumulators.forEach((accumulator, index) => {
      const from = source.accumulators[index]!
      if (accumulator.mergeGroups !== undefined) {
        accumulator.mergeGroups(from, sourceGroups, groupIds, groupCount)
        return
      }
      const states = (source.states[index] ??= from.state(source.table.groupCount))
      const taken = states.map((vector) => takeVector(vector, sourceGroups))
      accumulator.merge(taken, groupIds, groupCount)
    })
  }

  /** State vectors of each accumulator, built once for mergeGroups' callers. */
  private readonly states: (Vector[] | undefined)[] = []

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

  /**
   * The partial output (keys, then state columns) of only the groups `pick` chooses from the
   * final output (keys, then aggregate values): a partition's best groups.
   */
  partialRowsOf(pick: (final: Batch) => Int32Array): Batch[] {
    const groupCount = this.table.groupCount
    const keys = this.table.keyVectors()
    const states = this.accumulators.flatMap((accumulator) => accumulator.state(groupCount))
    const values = this.accumulators.map((accumulator) => accumulator.evaluate(groupCount))
    const rows = pick({ length: groupCount, columns: [...keys, ...values] })
    return chunk(takeRows({ length: groupCount, columns: [...keys, ...states] }, rows))
  }

  /** The final output: group keys then aggregate values, in batches of BatchRowsTarget rows. */
  finalBatches(): Batch[] {
    const groupCount = this.table.groupCount
    const columns: Vector[] = this.table.keyVectors()
    for (const accumulator of this.accumulators) columns.push(accumulator.evaluate(groupCount))
    return chunk({ length: groupCount, columns })
  }
}

interface ColumnReads {
  /** Every column the keys, arguments and FILTERs read. */
  readonly columns: ReadonlySet<number>
  /** The column that is the only GROUP BY key and read nowhere else, or -1. */
  readonly codeKey: number
}

function columnReads(groupBy: readonly Expr[], aggregates: readonly AggregateCall[]): ColumnReads {
  const aggregateColumns = new Set<number>()
  for (const call of aggregates) {
    for (const arg of call.args) collectColumns(arg, aggregateColumns)
    collectColumns(call.filter, aggregateColumns)
  }
  const columns = new Set(aggregateColumns)
  for (const expr of groupBy) collectColumns(expr, columns)
  const only = groupBy.length === 1 ? groupBy[0]! : undefined
  const codeKey = only?.kind === 'column' && !aggregateColumns.has(only.index) ? only.index : -1
  return { columns, codeKey }
}

/**
 * The rows whose key hashes fall into `partition`. The partition comes from a remix of the hash,
 * so a partition's keys still spread over every slot of its GroupTable.
 */
export function rowsOfPartition(hashes: Uint32Array, partition: KeyPartition): Int32Array {
  const rows = new Int32Array(hashes.length)
  let count = 0
  for (let row = 0; row < hashes.length; row++) {
    const spread = mixHash((hashes[row]! + 0x632be5ab) | 0)
    if (Math.floor((spread * partition.count) / 4294967296) === partition.index) rows[count++] = row
  }
  return rows.subarray(0, count)
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
