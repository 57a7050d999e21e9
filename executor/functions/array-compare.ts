// Array ordering as PostgreSQL's array_cmp defines it: element by element with the element
// type's order, a NULL element above every value and equal to another NULL, then the
// shorter array first. Used by = < > on arrays, ORDER BY, and the array search functions.
import { assert, type ArrayVector, type Vector } from '../../common/index.js'
import { compareDecimalParts } from '../aggregates/key-column.js'
import { compareBytes, compareNumbers } from './comparison.js'

/** Compares row i of `a` with row j of `b` (same layout, both rows present): -1, 0 or 1. */
export type CrossComparator = (i: number, j: number) => number

/** A comparator of present values across two vectors of one layout. */
export function crossValueComparator(a: Vector, b: Vector): CrossComparator {
  switch (a.kind) {
    case 'number': {
      assert(b.kind === 'number', 'compared vectors share a layout')
      const [x, y] = [a.values, b.values]
      return (i, j) => compareNumbers(x[i]!, y[j]!)
    }
    case 'bool': {
      assert(b.kind === 'bool', 'compared vectors share a layout')
      return (i, j) => Math.sign(a.values[i]! - b.values[j]!)
    }
    case 'text': {
      assert(b.kind === 'text', 'compared vectors share a layout')
      const [ao, bo] = [a.offsets, b.offsets]
      return (i, j) => compareBytes(a.data, ao[i]!, ao[i + 1]!, b.data, bo[j]!, bo[j + 1]!)
    }
    case 'numeric': {
      assert(b.kind === 'numeric', 'compared vectors share a layout')
      return (i, j) =>
        compareDecimalParts(a.unscaled[i]!, a.scales[i]!, b.unscaled[j]!, b.scales[j]!)
    }
    case 'array': {
      assert(b.kind === 'array', 'compared vectors share a layout')
      return arrayComparator(a, b)
    }
  }
}

/** Compares present values, a NULL above every value and equal to another NULL. */
export function crossComparatorWithNulls(a: Vector, b: Vector): CrossComparator {
  const values = crossValueComparator(a, b)
  const [av, bv] = [a.validity, b.validity]
  if (av === null && bv === null) return values
  return (i, j) => {
    const aNull = av !== null && av[i] === 0
    const bNull = bv !== null && bv[j] === 0
    if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1
    return values(i, j)
  }
}

/** array_cmp between row i of `a` and row j of `b`. */
export function arrayComparator(a: ArrayVector, b: ArrayVector): CrossComparator {
  const elements = crossComparatorWithNulls(a.child, b.child)
  return (i, j) => {
    const [aStart, aEnd] = [a.offsets[i]!, a.offsets[i + 1]!]
    const [bStart, bEnd] = [b.offsets[j]!, b.offsets[j + 1]!]
    const common = Math.min(aEnd - aStart, bEnd - bStart)
    for (let k = 0; k < common; k++) {
      const order = elements(aStart + k, bStart + k)
      if (order !== 0) return order
    }
    return Math.sign(aEnd - aStart - (bEnd - bStart))
  }
}
