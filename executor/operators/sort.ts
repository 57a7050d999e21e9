// ORDER BY. Sort keys are evaluated once per batch and carried as extra columns; sorting
// permutes an Int32Array of row indexes with a comparator over the key vectors' typed
// arrays, then gathers the rows once. Order is PostgreSQL's: NULLs compare above every
// value (NULLS LAST for ASC, FIRST for DESC unless the plan says otherwise), text by bytes
// (C collation), NaN above every number. Ties keep arrival order, so the sort is stable and
// a top-k (ORDER BY ... LIMIT k: a bounded heap per compaction) returns what a full sort
// followed by LIMIT would.
import { BatchRowsTarget, type Batch, type TextVector, type Vector } from '../../common/index.js'
import { compareBytes, compareNumbers } from '../aggregates/min-max.js'
import { compareIntervalBytes } from '../interval/interval-layout.js'
import { compareJsonb } from '../json/json-compare.js'
import { parseJson, type JsonValue } from '../json/json-value.js'
import { compareDecimalParts } from '../aggregates/key-column.js'
import { concatBatches, sliceBatch, takeRows } from '../expr/batch-ops.js'
import { evaluate } from '../expr/evaluate.js'
import { textAt } from '../expr/vector-builders.js'
import { arrayComparator } from '../functions/array-compare.js'
import type { SortKey, SortPlan } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'

export type RowComparator = (a: number, b: number) => number

function valueComparator(vector: Vector): RowComparator {
  switch (vector.kind) {
    case 'number': {
      const values = vector.values
      return (a, b) => compareNumbers(values[a]!, values[b]!)
    }
    case 'bool': {
      const values = vector.values
      return (a, b) => values[a]! - values[b]!
    }
    case 'text': {
      const { offsets, data } = vector
      if (vector.type === 'jsonb') return jsonbComparator(vector)
      const compare = vector.type === 'interval' ? compareIntervalBytes : compareBytes
      return (a, b) =>
        compare(data, offsets[a]!, offsets[a + 1]!, data, offsets[b]!, offsets[b + 1]!)
    }
    case 'numeric': {
      const { unscaled, scales } = vector
      return (a, b) => compareDecimalParts(unscaled[a]!, scales[a]!, unscaled[b]!, scales[b]!)
    }
    case 'array':
      return arrayComparator(vector, vector)
  }
}

/** jsonb rows in jsonb's order, each row parsed once, when first compared. */
function jsonbComparator(vector: TextVector): RowComparator {
  const parsed = new Array<JsonValue | undefined>(vector.length)
  const valueAt = (row: number): JsonValue => {
    let value = parsed[row]
    if (value === undefined) {
      const present = vector.validity === null || vector.validity[row] === 1
      value = present ? parseJson(textAt(vector, row)) : null
      parsed[row] = value
    }
    return value
  }
  return (a, b) => compareJsonb(valueAt(a), valueAt(b))
}

/** Compares rows by the sort keys' vectors, then by row index (stability). */
export function rowComparator(
  keys: readonly SortKey[],
  keyVectors: readonly Vector[],
): RowComparator {
  const compareKeys = keyComparator(keys, keyVectors)
  return (a, b) => compareKeys(a, b) || a - b
}

/** Compares rows by the sort keys' vectors only: 0 for rows equal on every key (peers). */
export function keyComparator(
  keys: readonly SortKey[],
  keyVectors: readonly Vector[],
): RowComparator {
  const comparators = keyVectors.map((vector, index) => {
    const key = keys[index]!
    const compareValues = valueComparator(vector)
    const validity = vector.validity
    const direction = key.descending ? -1 : 1
    const nullFirst = key.nullsFirst ? -1 : 1
    return (a: number, b: number): number => {
      if (validity !== null) {
        const aNull = validity[a] === 0
        const bNull = validity[b] === 0
        if (aNull || bNull) return aNull === bNull ? 0 : aNull ? nullFirst : -nullFirst
      }
      return compareValues(a, b) * direction
    }
  })
  return (a, b) => {
    for (const compare of comparators) {
      const order = compare(a, b)
      if (order !== 0) return order
    }
    return 0
  }
}

/** Returns the indexes of the `k` smallest rows under `compare`, in order (a bounded max-heap). */
export function topK(rowCount: number, k: number, compare: RowComparator): Int32Array {
  const heap = new Int32Array(Math.min(k, rowCount))
  let size = 0
  const siftDown = (at: number): void => {
    for (;;) {
      const left = 2 * at + 1
      const right = left + 1
      let largest = at
      if (left < size && compare(heap[left]!, heap[largest]!) > 0) largest = left
      if (right < size && compare(heap[right]!, heap[largest]!) > 0) largest = right
      if (largest === at) return
      const swap = heap[at]!
      heap[at] = heap[largest]!
      heap[largest] = swap
      at = largest
    }
  }
  for (let row = 0; row < rowCount; row++) {
    if (size < heap.length) {
      let at = size++
      heap[at] = row
      while (at > 0) {
        const parent = (at - 1) >> 1
        if (compare(heap[at]!, heap[parent]!) <= 0) break
        const swap = heap[at]!
        heap[at] = heap[parent]!
        heap[parent] = swap
        at = parent
      }
    } else if (size > 0 && compare(row, heap[0]!) < 0) {
      heap[0] = row
      siftDown(0)
    }
  }
  return heap.sort(compare)
}

/** Sorts `batch` (whose last keys.length columns are the key values) and keeps `limit` rows. */
function sortRows(batch: Batch, keys: readonly SortKey[], limit: number | null): Batch {
  const keyVectors = batch.columns.slice(batch.columns.length - keys.length)
  const compare = rowComparator(keys, keyVectors)
  let order: Int32Array
  if (limit !== null && limit < batch.length) order = topK(batch.length, limit, compare)
  else {
    order = new Int32Array(batch.length)
    for (let row = 0; row < order.length; row++) order[row] = row
    order.sort(compare)
  }
  return takeRows(batch, order)
}

export class SortOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: SortPlan,
    private readonly input: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { keys, limit } = this.plan
    if (limit !== null && limit <= 0) return
    // With a limit, compact the buffer to the best `limit` rows whenever it grows past this.
    const compactAt =
      limit === null ? Number.POSITIVE_INFINITY : Math.max(2 * limit, BatchRowsTarget)
    let pending: Batch[] = []
    let pendingRows = 0
    let width = -1
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      if (batch.length === 0) continue
      width = batch.columns.length
      const keyVectors = keys.map((key) => evaluate(key.expr, batch, this.context.evalContext))
      pending.push({ length: batch.length, columns: [...batch.columns, ...keyVectors] })
      pendingRows += batch.length
      if (pendingRows > compactAt) {
        const kept = sortRows(concatBatches(pending), keys, limit)
        pending = [kept]
        pendingRows = kept.length
      }
    }
    checkCanceled(this.context.signal)
    if (pendingRows === 0) return
    const sorted = sortRows(concatBatches(pending), keys, limit)
    const rows: Batch = { length: sorted.length, columns: sorted.columns.slice(0, width) }
    for (let start = 0; start < rows.length; start += BatchRowsTarget) {
      yield start === 0 && rows.length <= BatchRowsTarget
        ? rows
        : sliceBatch(rows, start, Math.min(rows.length, start + BatchRowsTarget))
    }
  }
}
