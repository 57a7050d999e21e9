// Unnest: expands array columns into rows a batch at a time (see UnnestPlan). The element
// columns come straight from the arrays' child vectors: one array without padding is a
// slice of its child (no copy); zipped arrays gather their children once with takeVector.
// Input columns repeat in runs (repeat-rows.ts). An input batch whose expansion is
// large is cut into output batches of about OutputRowsTarget rows.
import {
  assert,
  concatVectors,
  nullVector,
  sliceVector,
  takeVector,
  type ArrayVector,
  type Batch,
  type Vector,
} from '../../common/index.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { makeNumberVector } from '../expr/vector-builders.js'
import type { UnnestPlan } from '../plan.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'
import { repeatRows } from './repeat-rows.js'

const OutputRowsTarget = 65_536

export class UnnestOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: UnnestPlan,
    private readonly input: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      yield* expandBatch(batch, this.plan, this.context.evalContext)
    }
  }
}

/** What an expansion needs of an UnnestPlan (also a scan fragment's unnest stage). */
export type UnnestSpec = Pick<UnnestPlan, 'passthrough' | 'arrays' | 'ordinality' | 'outer'>

/**
 * Expands `batch` by `spec`: the arrays are evaluated once, then input rows go out in
 * batches of about OutputRowsTarget rows (an input row is never split).
 */
export function* expandBatch(
  batch: Batch,
  spec: UnnestSpec,
  context: EvalContext,
): Generator<Batch> {
  const arrays = spec.arrays.map((expr) => {
    const vector = evaluate(expr, batch, context)
    assert(vector.kind === 'array', 'unnest argument is an array')
    return vector
  })
  const counts = rowCounts(batch.length, arrays, spec.outer)
  let from = 0
  while (from < batch.length) {
    let to = from
    let rows = 0
    while (to < batch.length && (to === from || rows + counts[to]! <= OutputRowsTarget))
      rows += counts[to++]!
    if (rows > 0)
      yield unnestRows(batch, arrays, counts, from, to, spec.ordinality, spec.passthrough)
    from = to
  }
}

/** Expands a whole batch in one output batch (for constant arrays the planner runs). */
export function unnestBatch(
  batch: Batch,
  arrays: readonly ArrayVector[],
  ordinality: boolean,
  outer = false,
): Batch {
  const counts = rowCounts(batch.length, arrays, outer)
  return unnestRows(batch, arrays, counts, 0, batch.length, ordinality)
}

/** Output rows per input row: its longest array (0 when NULL); at least 1 when `outer`. */
function rowCounts(length: number, arrays: readonly ArrayVector[], outer: boolean): Int32Array {
  const counts = new Int32Array(length)
  for (const array of arrays) {
    const { offsets, validity } = array
    for (let row = 0; row < length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const size = offsets[row + 1]! - offsets[row]!
      if (size > counts[row]!) counts[row] = size
    }
  }
  if (outer) for (let row = 0; row < length; row++) if (counts[row] === 0) counts[row] = 1
  return counts
}

/** The expansion of input rows [from, to). */
export function unnestRows(
  batch: Batch,
  arrays: readonly ArrayVector[],
  counts: Int32Array,
  from: number,
  to: number,
  ordinality: boolean,
  passthrough: readonly number[] = batch.columns.map((_, i) => i),
): Batch {
  let length = 0
  for (let row = from; row < to; row++) length += counts[row]!
  // Pass-through columns repeat each input row's value in a run: no object per row.
  const columns: Vector[] = passthrough.map((i) =>
    repeatRows(batch.columns[i]!, counts, from, to, length),
  )
  let position: Float64Array | null = null
  if (ordinality) {
    position = new Float64Array(length)
    let at = 0
    for (let row = from; row < to; row++) {
      const count = counts[row]!
      for (let i = 0; i < count; i++) position[at + i] = i + 1
      at += count
    }
  }
  for (const array of arrays) columns.push(elementColumn(array, counts, from, to, length))
  if (position !== null) columns.push(makeNumberVector('int8', position, null))
  return { length, columns }
}

/** Row r's elements, then NULLs up to counts[r]. */
function elementColumn(
  array: ArrayVector,
  counts: Int32Array,
  from: number,
  to: number,
  length: number,
): Vector {
  const { offsets, validity, child } = array
  const size = (row: number): number =>
    validity !== null && validity[row] === 0 ? 0 : offsets[row + 1]! - offsets[row]!
  let exact = true
  for (let row = from; row < to && exact; row++) exact = size(row) === counts[row]
  if (exact) {
    // Every row expands to exactly its elements: NULL arrays are empty here, so the child
    // rows between the first and last offsets are the column, in order.
    let contiguous = true
    for (let row = from; row < to && contiguous; row++)
      contiguous = validity === null || validity[row] === 1 || offsets[row + 1] === offsets[row]
    if (contiguous) return sliceVector(child, offsets[from]!, offsets[to]!)
  }
  const all = concatVectors([child, nullVector(child.type, 1)])
  const nullRow = child.length
  const picks = new Int32Array(length)
  let at = 0
  for (let row = from; row < to; row++) {
    const elements = size(row)
    const start = offsets[row]!
    for (let i = 0; i < counts[row]!; i++) picks[at++] = i < elements ? start + i : nullRow
  }
  return takeVector(all, picks)
}
