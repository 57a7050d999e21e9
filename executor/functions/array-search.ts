// Array search kernels: array_position(s), @> <@ && and `x op ANY/ALL (array)`, comparing
// elements with the element type's order (array-compare.ts) row by row over the child vector.
import { assert, PgError, SqlState } from '../../common/index.js'
import { makeBoolVector, makeNumberVector, textAt } from '../expr/vector-builders.js'
import { crossComparatorWithNulls, crossValueComparator } from './array-compare.js'
import { arrayArg, IntList, intRows, present, sizeOf } from './array-helpers.js'
import { argAt, combineValidity, type Kernel } from './kernel.js'

/** array_position(a, e [, start]): the first match IS NOT DISTINCT FROM e, or NULL. */
const arrayPosition: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const target = argAt(call, 1)
  const start = call.args.length > 2 ? argAt(call, 2) : null
  const compare = crossComparatorWithNulls(array.child, target)
  return intRows(call, (row) => {
    if (!present(array, row)) return null
    let from = 1
    if (start !== null) {
      if (!present(start, row) || start.kind !== 'number') {
        throw new PgError({
          code: SqlState.nullValueNotAllowed,
          message: 'initial position must not be null',
        })
      }
      from = start.values[row]!
    }
    const base = array.offsets[row]!
    for (let i = Math.max(1, from); i <= sizeOf(array, row); i++)
      if (compare(base + i - 1, row) === 0) return i
    return null
  })
}

/** array_positions(a, e): every matching subscript, as int4[]. */
const arrayPositions: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const target = argAt(call, 1)
  const compare = crossComparatorWithNulls(array.child, target)
  const offsets = new Int32Array(call.length + 1)
  const positions = new IntList()
  for (let row = 0; row < call.length; row++) {
    if (present(array, row)) {
      const base = array.offsets[row]!
      for (let i = 1; i <= sizeOf(array, row); i++)
        if (compare(base + i - 1, row) === 0) positions.push(i)
    }
    offsets[row + 1] = positions.length
  }
  const values = Float64Array.from(positions.finish())
  const child = makeNumberVector('int4', values, null)
  return {
    kind: 'array',
    type: call.type,
    length: call.length,
    validity: array.validity,
    offsets,
    child,
  }
}

/**
 * @> (contains), <@ (is contained by), && (overlaps): element equality as `=` (a NULL element
 * matches nothing), each array's elements looked for in the other by a linear scan per row.
 */
function containmentKernel(mode: 'contains' | 'contained' | 'overlap'): Kernel {
  return (call) => {
    let a = arrayArg(call, 0)
    let b = arrayArg(call, 1)
    if (mode === 'contained') [a, b] = [b, a]
    const equal = crossValueComparator(a.child, b.child)
    const out = new Uint8Array(call.length)
    const validity = combineValidity(call.length, a, b)
    for (let row = 0; row < call.length; row++) {
      if (validity !== null && validity[row] === 0) continue
      const found = (k: number): boolean => {
        if (!present(b.child, k) && mode !== 'overlap') return false
        for (let j = a.offsets[row]!; j < a.offsets[row + 1]!; j++)
          if (present(a.child, j) && present(b.child, k) && equal(j, k) === 0) return true
        return false
      }
      let result = mode !== 'overlap'
      for (let k = b.offsets[row]!; k < b.offsets[row + 1]!; k++) {
        if (mode === 'overlap' ? found(k) : !found(k)) {
          result = mode === 'overlap'
          break
        }
      }
      out[row] = result ? 1 : 0
    }
    return makeBoolVector('bool', out, validity)
  }
}

/**
 * `x op ANY (array)` / `x op ALL (array)`, op given as a constant ('eq', 'lt', ...): three-valued
 * as PostgreSQL's ScalarArrayOpExpr, NULL when no element decides and a NULL was compared.
 */
function quantifiedKernel(all: boolean): Kernel {
  return (call) => {
    const left = argAt(call, 0)
    const array = arrayArg(call, 1)
    const opVector = argAt(call, 2)
    assert(opVector.kind === 'text', 'the quantified operator is a text constant')
    const accept = acceptedOrders(textAt(opVector, 0))
    const compare = crossValueComparator(left, array.child)
    const out = new Uint8Array(call.length)
    const validity = new Uint8Array(call.length).fill(1)
    let anyNull = false
    for (let row = 0; row < call.length; row++) {
      if (!present(array, row)) {
        validity[row] = 0
        anyNull = true
        continue
      }
      const size = sizeOf(array, row)
      if (size === 0) {
        out[row] = all ? 1 : 0
        continue
      }
      if (!present(left, row)) {
        validity[row] = 0
        anyNull = true
        continue
      }
      let sawNull = false
      let decided = false
      for (let k = array.offsets[row]!; k < array.offsets[row + 1]!; k++) {
        if (!present(array.child, k)) {
          sawNull = true
          continue
        }
        const ok = accept[compare(row, k) + 1] === 1
        if (ok !== all) {
          decided = true
          break
        }
      }
      if (decided) out[row] = all ? 0 : 1
      else if (sawNull) {
        validity[row] = 0
        anyNull = true
      } else out[row] = all ? 1 : 0
    }
    return makeBoolVector('bool', out, anyNull ? validity : null)
  }
}

function acceptedOrders(op: string): Uint8Array {
  switch (op) {
    case 'eq':
      return Uint8Array.of(0, 1, 0)
    case 'ne':
      return Uint8Array.of(1, 0, 1)
    case 'lt':
      return Uint8Array.of(1, 0, 0)
    case 'le':
      return Uint8Array.of(1, 1, 0)
    case 'gt':
      return Uint8Array.of(0, 0, 1)
    default:
      return Uint8Array.of(0, 1, 1)
  }
}

export const arraySearchKernels: Readonly<Record<string, Kernel>> = {
  array_position: arrayPosition,
  array_positions: arrayPositions,
  array_contains: containmentKernel('contains'),
  array_contained: containmentKernel('contained'),
  array_overlap: containmentKernel('overlap'),
  array_any: quantifiedKernel(false),
  array_all: quantifiedKernel(true),
}
