// The window top-N rewrite's operator (planner/physical/window-top-n.ts): per partition, only
// the rows a ranking window filter (`rn <= k`) can keep. The same state runs in every scan
// fragment (over the rows it read) and on the coordinator (over the fragments' survivors):
//
//   partition keys → dense ids (GroupTable; dictionary codes map once per batch)
//   each row vs. its partition's boundary row (the k-th best kept) → rejected | candidate
//   candidates gathered (their other columns read only then) → pending
//   compaction: sort kept + pending by (partition, order keys), keep each partition's best,
//     remember its boundary row
//
// A row is rejected only when its partition already holds `limit` better rows (for rank and
// dense_rank: better, or the boundary's peers), so what remains is a superset of the rows
// ranked within the limit and of every row ranked before one of them: ranks computed over it
// equal the ranks over the whole input.
import {
  BatchRowsTarget,
  type Batch,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { GroupTable } from '../aggregates/group-table.js'
import { concatBatches, sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { textAt } from '../expr/vector-builders.js'
import { crossValueComparator, type CrossComparator } from '../functions/array-compare.js'
import { compareIntervalBytes } from '../interval/interval-layout.js'
import { compareJsonb } from '../json/json-compare.js'
import { parseJson } from '../json/json-value.js'
import type { PartitionTopK, PartitionTopKPlan, SortKey } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'
import { keyComparator } from './sort.js'

/** Compares present values of row i of `a` and row j of `b` in ORDER BY's order. */
function crossOrder(a: Vector, b: Vector): CrossComparator {
  if (a.kind === 'text' && b.kind === 'text' && a.type === 'interval')
    return (i, j) =>
      compareIntervalBytes(
        a.data,
        a.offsets[i]!,
        a.offsets[i + 1]!,
        b.data,
        b.offsets[j]!,
        b.offsets[j + 1]!,
      )
  if (a.kind === 'text' && b.kind === 'text' && a.type === 'jsonb')
    return (i, j) => compareJsonb(parseJson(textAt(a, i)), parseJson(textAt(b as TextVector, j)))
  return crossValueComparator(a, b)
}

/** Compares row i of `a` with row j of `b` by `keys` (NULLs placed as each key says). */
export function crossKeyComparator(
  keys: readonly SortKey[],
  a: readonly Vector[],
  b: readonly Vector[],
): CrossComparator {
  const comparators = keys.map((key, index) => {
    const [x, y] = [a[index]!, b[index]!]
    const values = crossOrder(x, y)
    const [xValid, yValid] = [x.validity, y.validity]
    const direction = key.descending ? -1 : 1
    const nullFirst = key.nullsFirst ? -1 : 1
    return (i: number, j: number): number => {
      const xNull = xValid !== null && xValid[i] === 0
      const yNull = yValid !== null && yValid[j] === 0
      if (xNull || yNull) return xNull === yNull ? 0 : xNull ? nullFirst : -nullFirst
      return values(i, j) * direction
    }
  })
  if (comparators.length === 1) return comparators[0]!
  return (i, j) => {
    for (const compare of comparators) {
      const order = compare(i, j)
      if (order !== 0) return order
    }
    return 0
  }
}

/** The rows that may rank within a PartitionTopK's limit, per partition, as they arrive. */
export class PartitionTopKState {
  private readonly partitions: GroupTable
  /** Kept rows: the row columns, then one column per order key; sorted by (partition, keys). */
  private kept: Batch | null = null
  private keptPartitions = new Int32Array(0)
  /** Partition id → the row of `kept` that bounds it, -1 while it holds too few rows. */
  private boundaries = new Int32Array(64).fill(-1)
  private pending: Batch[] = []
  private pendingPartitions: Int32Array[] = []
  private pendingRows = 0
  private width = -1

  constructor(
    private readonly spec: PartitionTopK,
    partitionTypes: readonly SqlType[],
  ) {
    this.partitions = new GroupTable(partitionTypes)
  }

  /**
   * The rows of a batch, given its partition and order key vectors, that may enter (in row
   * order), and the partition id of each of those rows.
   */
  candidates(
    partitionVectors: readonly Vector[],
    orderVectors: readonly Vector[],
    length: number,
  ): { rows: Int32Array; partitions: Int32Array } {
    if (this.spec.limit <= 0) return { rows: new Int32Array(0), partitions: new Int32Array(0) }
    const ids = this.partitions.findOrInsert(partitionVectors, length)
    this.growBoundaries(this.partitions.groupCount)
    const kept = this.kept
    const boundaries = this.boundaries
    const rows = new Int32Array(length)
    let count = 0
    if (kept === null) {
      for (let row = 0; row < length; row++) rows[count++] = row
    } else {
      const keptKeys = kept.columns.slice(this.width)
      const compare = crossKeyComparator(this.spec.orderBy, orderVectors, keptKeys)
      // row_number keeps exactly k rows: a peer of the boundary adds nothing.
      const rejectPeers = this.spec.fn === 'row_number'
      for (let row = 0; row < length; row++) {
        const boundary = boundaries[ids[row]!]!
        if (boundary >= 0) {
          const order = compare(row, boundary)
          if (order > 0 || (order === 0 && rejectPeers)) continue
        }
        rows[count++] = row
      }
    }
    const selected = rows.subarray(0, count)
    const partitions = new Int32Array(count)
    for (let i = 0; i < count; i++) partitions[i] = ids[selected[i]!]!
    return { rows: selected, partitions }
  }

  /** Adds candidate rows (gathered) with their order key vectors and partition ids. */
  add(rows: Batch, orderVectors: readonly Vector[], partitions: Int32Array): void {
    if (rows.length === 0) return
    this.width = rows.columns.length
    this.pending.push({ length: rows.length, columns: [...rows.columns, ...orderVectors] })
    this.pendingPartitions.push(partitions)
    this.pendingRows += rows.length
    // Compacting sharpens the boundaries; kept rows are re-sorted each time, so wait for as
    // many new rows as are kept (amortized n log n however many partitions there are).
    if (this.pendingRows >= Math.max(64, this.kept?.length ?? 0)) this.compact()
  }

  /** Evaluates the keys over `rows` (the operator's input columns) and adds its candidates. */
  addBatch(rows: Batch, context: EvalContext): void {
    const partitionVectors = this.spec.partitionBy.map((expr) => evaluate(expr, rows, context))
    const orderVectors = this.spec.orderBy.map((key) => evaluate(key.expr, rows, context))
    const { rows: selected, partitions } = this.candidates(
      partitionVectors,
      orderVectors,
      rows.length,
    )
    if (selected.length === 0) return
    const all = selected.length === rows.length
    this.add(
      all ? rows : takeRows(rows, selected),
      all
        ? orderVectors
        : takeRows({ length: rows.length, columns: orderVectors }, selected).columns,
      partitions,
    )
  }

  /** The kept rows (the row columns only), sorted by partition then order keys. */
  result(): Batch | null {
    this.compact()
    const kept = this.kept
    if (kept === null || kept.length === 0) return null
    return { length: kept.length, columns: kept.columns.slice(0, this.width) }
  }

  private growBoundaries(count: number): void {
    if (count <= this.boundaries.length) return
    const grown = new Int32Array(Math.max(count, 2 * this.boundaries.length)).fill(-1)
    grown.set(this.boundaries)
    this.boundaries = grown
  }

  private compact(): void {
    if (this.pendingRows === 0) return
    const parts = this.kept === null ? this.pending : [this.kept, ...this.pending]
    const all = concatBatches(parts)
    const partitions = new Int32Array(all.length)
    let at = 0
    for (const ids of [this.keptPartitions, ...this.pendingPartitions]) {
      partitions.set(ids, at)
      at += ids.length
    }
    this.pending = []
    this.pendingPartitions = []
    this.pendingRows = 0
    const keyVectors = all.columns.slice(this.width)
    const compareKeys = keyComparator(this.spec.orderBy, keyVectors)
    const order = new Int32Array(all.length)
    for (let row = 0; row < order.length; row++) order[row] = row
    order.sort((a, b) => partitions[a]! - partitions[b]! || compareKeys(a, b) || a - b)
    const keep = new Int32Array(all.length)
    let count = 0
    const { limit, fn } = this.spec
    this.boundaries.fill(-1)
    let start = 0
    while (start < order.length) {
      const partition = partitions[order[start]!]!
      let end = start + 1
      while (end < order.length && partitions[order[end]!] === partition) end++
      // Rows of this partition to keep: `limit` rows, or `limit` peer groups for dense_rank.
      let taken = 0
      let groups = 0
      let full = false
      for (let i = start; i < end; i++) {
        const row = order[i]!
        const peer = i > start && compareKeys(order[i - 1]!, row) === 0
        if (fn === 'dense_rank') {
          if (!peer) groups++
          if (groups > limit) break
        } else if (taken >= limit && (fn === 'row_number' || !peer)) break
        keep[count++] = row
        taken++
        full = fn === 'dense_rank' ? groups === limit : taken >= limit
      }
      // The last kept row bounds the partition once it holds enough rows.
      if (full) this.boundaries[partition] = count - 1
      start = end
    }
    const kept = keep.subarray(0, count)
    this.kept = takeRows(all, kept)
    this.keptPartitions = Int32Array.from(kept, (row) => partitions[row]!)
  }
}

/** The coordinator's PartitionTopK: merges its input's (the fragments') survivors. */
export class PartitionTopKOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: PartitionTopKPlan,
    private readonly input: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { topK } = this.plan
    const types = topK.partitionBy.map((expr) => expr.type)
    const state = new PartitionTopKState(topK, types)
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      if (batch.length === 0) continue
      state.addBatch(batch, this.context.evalContext)
    }
    const rows = state.result()
    if (rows === null) return
    for (let start = 0; start < rows.length; start += BatchRowsTarget)
      yield sliceBatch(rows, start, Math.min(rows.length, start + BatchRowsTarget))
  }
}
