// Row movement over batches: gather by a selection of row indexes, slice, concatenate.
// Each works a vector at a time on its typed arrays; no object per row.
import { assert, type Batch } from '../../common/index.js'
import {
  concatVectors,
  sliceVector,
  takeVector,
  type RowSelection,
} from '../../common/vector-ops.js'

export { concatVectors, sliceVector, takeVector }

/** Gathers the rows at `selection` from every column. */
export function takeRows(batch: Batch, selection: RowSelection): Batch {
  return { length: selection.length, columns: batch.columns.map((c) => takeVector(c, selection)) }
}

/** Rows [start, end) of a batch. */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  return { length: end - start, columns: batch.columns.map((c) => sliceVector(c, start, end)) }
}

/** Concatenates batches with the same column layouts into one. */
export function concatBatches(batches: readonly Batch[]): Batch {
  const first = batches[0]
  assert(first !== undefined, 'concatenating no batches')
  if (batches.length === 1) return first
  const length = batches.reduce((sum, b) => sum + b.length, 0)
  const columns = first.columns.map((_, index) =>
    concatVectors(batches.map((b) => b.columns[index] ?? assertMissingColumn())),
  )
  return { length, columns }
}

function assertMissingColumn(): never {
  assert(false, 'concatenated batches differ in column count')
}
