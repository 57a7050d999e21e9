// Whole-vector operations the writers need: NULL columns, concatenation, gathering rows by
// an index permutation (from common/vector-ops.ts), and the stable time-column sort.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import { concatVectors as concatNonEmpty, nullVector, takeVector } from '../../common/vector-ops.js'

export { nullVector }

/** Concatenates vectors of one type into one vector (no parts: an empty vector of `type`). */
export function concatVectors(type: SqlType, parts: readonly Vector[]): Vector {
  return parts.length === 0 ? nullVector(type, 0) : concatNonEmpty(parts)
}

/** Gathers rows `indices[i]` of `vector` into a new vector. */
export function takeRows(vector: Vector, indices: Uint32Array): Vector {
  return takeVector(vector, indices)
}

/** The stable permutation that sorts `times` ascending with NULLs last. */
export function timeSortPermutation(times: Vector): Uint32Array {
  assert(times.kind === 'number', 'the time column is number-like')
  const indices = new Uint32Array(times.length)
  for (let row = 0; row < indices.length; row++) indices[row] = row
  const { values, validity } = times
  let sorted = true
  for (let row = 1; row < indices.length && sorted; row++) {
    const previousNull = validity !== null && validity[row - 1] === 0
    const currentNull = validity !== null && validity[row] === 0
    if (previousNull ? !currentNull : !currentNull && values[row]! < values[row - 1]!)
      sorted = false
  }
  if (sorted) return indices
  // Typed-array sort is not stable, so ties break on the row index.
  const key = (row: number): number =>
    validity !== null && validity[row] === 0 ? Infinity : values[row]!
  return indices.sort((a, b) => key(a) - key(b) || a - b)
}
