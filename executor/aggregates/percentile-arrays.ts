// The array forms of percentile_cont / percentile_disc (`percentile_cont(ARRAY[0.5, 0.9])
// WITHIN GROUP (ORDER BY x)`): per group, one element per fraction, in the fractions' order,
// as PostgreSQL's percentile_*_multi_final. A NULL fraction gives a NULL element; a NULL
// array, or a group with no values, a NULL result. Each fraction is answered for every group
// by the accumulator's scalar form; the answers are then interleaved into one array per group.
import {
  arrayTypeOf,
  assert,
  concatVectors,
  nullVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { takeVector } from '../expr/batch-ops.js'

/**
 * One array per group. `nonEmpty[g]` is 1 when group g has values; `answersFor(f)` gives every
 * group's answer for fraction f (called only when some group has values).
 */
export function percentileArrays(
  nonEmpty: Uint8Array,
  fractions: readonly (number | null)[] | null,
  elementType: SqlType,
  answersFor: (fraction: number | null) => Vector,
): Vector {
  const groupCount = nonEmpty.length
  const type = arrayTypeOf(elementType)
  assert(type !== undefined, 'a percentile array has an array type')
  const validity = fractions === null ? new Uint8Array(groupCount) : nonEmpty.slice()
  const width = fractions !== null && validity.includes(1) ? fractions.length : 0
  const answers = width === 0 ? [] : fractions!.map(answersFor)
  const offsets = new Int32Array(groupCount + 1)
  const picks = new Int32Array(validity.reduce((n, v) => n + v, 0) * width)
  let next = 0
  for (let group = 0; group < groupCount; group++) {
    if (validity[group] === 1) {
      for (let k = 0; k < width; k++) picks[next++] = k * groupCount + group
    }
    offsets[group + 1] = next
  }
  const child =
    answers.length === 0 ? nullVector(elementType, 0) : takeVector(concatVectors(answers), picks)
  const allValid = validity.every((v) => v === 1)
  return {
    kind: 'array',
    type,
    length: groupCount,
    validity: allValid ? null : validity,
    offsets,
    child,
  }
}
