// Array kernels over the List layout (common/vector.ts). Results that hold elements are built
// as a selection of element rows out of the sources (argument children, element arguments)
// and gathered once with takeVector, so they work for every element layout without an
// object per element. The planner (planner/bind/array-binder.ts) resolves element types.
import {
  assert,
  concatVectors,
  elementTypeOf,
  isArrayType,
  nullVector,
  takeVector,
  type ArrayVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { makeNumberVector, textAt, TextVectorBuilder } from '../expr/vector-builders.js'
import { formatValueText } from '../format/text-output.js'
import { castVector } from '../cast/cast-vector.js'
import { crossComparatorWithNulls } from './array-compare.js'
import { arrayArg, IntList, intRows, present, sizeOf } from './array-helpers.js'
import { arraySearchKernels } from './array-search.js'
import { argAt, combineValidity, type Kernel } from './kernel.js'

/**
 * Builds arrays whose elements are rows `picks[offsets[r]..offsets[r+1])` of the
 * concatenation of `sources` (all of the element type).
 */
export function gatherArray(
  type: SqlType,
  offsets: Int32Array,
  validity: Uint8Array | null,
  sources: readonly Vector[],
  picks: Int32Array,
): ArrayVector {
  assert(isArrayType(type), 'array result of an array type')
  const element = elementTypeOf(type)
  const parts = sources.filter((s) => s.length > 0).map((s) => ({ ...s, type: element }) as Vector)
  const all = parts.length === 0 ? nullVector(element, 0) : concatVectors(parts)
  let identity = picks.length === all.length
  for (let i = 0; identity && i < picks.length; i++) identity = picks[i] === i
  const child = identity ? all : takeVector(all, picks)
  return { kind: 'array', type, length: offsets.length - 1, validity, offsets, child }
}

/** ARRAY[a, b, ...]: row r holds row r of each argument. */
const arrayConstruct: Kernel = (call) => {
  const { length, args } = call
  const offsets = new Int32Array(length + 1)
  const picks = new Int32Array(length * args.length)
  for (let row = 0; row < length; row++) {
    offsets[row + 1] = (row + 1) * args.length
    for (let j = 0; j < args.length; j++) picks[row * args.length + j] = j * length + row
  }
  return gatherArray(call.type, offsets, null, args, picks)
}

/** array[i]: NULL outside 1..length. */
const arraySubscript: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const index = argAt(call, 1)
  assert(index.kind === 'number', 'subscripts are int4')
  const picks = new Int32Array(call.length)
  const nullRow = array.child.length
  for (let row = 0; row < call.length; row++) {
    const from = array.offsets[row]!
    const size = array.offsets[row + 1]! - from
    const i = index.values[row]!
    const ok = present(array, row) && present(index, row) && i >= 1 && i <= size
    picks[row] = ok ? from + i - 1 : nullRow
  }
  const child = concatVectors([array.child, nullVector(array.child.type, 1)])
  return { ...takeVector(child, picks), type: call.type }
}

/** array[lo:hi], clamped to the array's bounds; NULL when a bound is NULL. */
const arraySlice: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const lower = argAt(call, 1)
  const upper = argAt(call, 2)
  assert(lower.kind === 'number' && upper.kind === 'number', 'slice bounds are int4')
  const offsets = new Int32Array(call.length + 1)
  const picks = new IntList()
  const validity = combineValidity(call.length, array, lower, upper)
  for (let row = 0; row < call.length; row++) {
    if (validity === null || validity[row] === 1) {
      const from = array.offsets[row]!
      const size = array.offsets[row + 1]! - from
      const lo = Math.max(1, lower.values[row]!)
      const hi = Math.min(size, upper.values[row]!)
      for (let i = lo; i <= hi; i++) picks.push(from + i - 1)
    }
    offsets[row + 1] = picks.length
  }
  return gatherArray(call.type, offsets, validity, [array.child], picks.finish())
}

/** array || array, array_cat: NULL arrays count as empty unless both are NULL. */
const arrayCat: Kernel = (call) => {
  const a = arrayArg(call, 0)
  const b = arrayArg(call, 1)
  const offsets = new Int32Array(call.length + 1)
  const picks = new IntList()
  let validity: Uint8Array | null = null
  for (let row = 0; row < call.length; row++) {
    const [aOk, bOk] = [present(a, row), present(b, row)]
    if (!aOk && !bOk) {
      validity ??= new Uint8Array(call.length).fill(1)
      validity[row] = 0
    }
    if (aOk) for (let k = a.offsets[row]!; k < a.offsets[row + 1]!; k++) picks.push(k)
    if (bOk)
      for (let k = b.offsets[row]!; k < b.offsets[row + 1]!; k++) picks.push(a.child.length + k)
    offsets[row + 1] = picks.length
  }
  return gatherArray(call.type, offsets, validity, [a.child, b.child], picks.finish())
}

/** array_append / array || element (and prepend): a NULL array becomes a one-element array. */
function appendKernel(arrayIndex: 0 | 1): Kernel {
  return (call) => {
    const array = arrayArg(call, arrayIndex)
    const element = argAt(call, 1 - arrayIndex)
    const offsets = new Int32Array(call.length + 1)
    const picks = new IntList()
    const base = array.child.length
    for (let row = 0; row < call.length; row++) {
      if (arrayIndex === 1) picks.push(base + row)
      if (present(array, row))
        for (let k = array.offsets[row]!; k < array.offsets[row + 1]!; k++) picks.push(k)
      if (arrayIndex === 0) picks.push(base + row)
      offsets[row + 1] = picks.length
    }
    return gatherArray(call.type, offsets, null, [array.child, element], picks.finish())
  }
}

/** array_remove(a, e) and array_replace(a, e, r): elements matched IS NOT DISTINCT FROM e. */
function removeOrReplace(replace: boolean): Kernel {
  return (call) => {
    const array = arrayArg(call, 0)
    const target = argAt(call, 1)
    const replacement = replace ? argAt(call, 2) : null
    const compare = crossComparatorWithNulls(array.child, target)
    const offsets = new Int32Array(call.length + 1)
    const picks = new IntList()
    const base = array.child.length
    for (let row = 0; row < call.length; row++) {
      if (present(array, row)) {
        for (let k = array.offsets[row]!; k < array.offsets[row + 1]!; k++) {
          const matches = compare(k, row) === 0
          if (!matches) picks.push(k)
          else if (replacement !== null) picks.push(base + row)
        }
      }
      offsets[row + 1] = picks.length
    }
    const sources = replacement === null ? [array.child] : [array.child, replacement]
    return gatherArray(call.type, offsets, array.validity, sources, picks.finish())
  }
}

/** array_length / array_upper / array_lower / array_ndims: NULL for empty arrays, dim ≠ 1. */
function dimensionKernel(what: 'length' | 'upper' | 'lower' | 'ndims'): Kernel {
  return (call) => {
    const array = arrayArg(call, 0)
    const dimension = what === 'ndims' ? null : argAt(call, 1)
    return intRows(call, (row) => {
      if (!present(array, row)) return null
      const size = sizeOf(array, row)
      if (size === 0) return null
      if (what === 'ndims') return 1
      if (dimension === null || !present(dimension, row) || dimension.kind !== 'number') return null
      if (dimension.values[row] !== 1) return null
      return what === 'lower' ? 1 : size
    })
  }
}

const cardinality: Kernel = (call) => {
  const array = arrayArg(call, 0)
  return intRows(call, (row) => (present(array, row) ? sizeOf(array, row) : null))
}

/** array_to_string(a, delimiter [, null_string]): NULL elements skipped unless null_string. */
const arrayToString: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const delimiter = argAt(call, 1)
  const nullText = call.args.length > 2 ? argAt(call, 2) : null
  assert(delimiter.kind === 'text', 'delimiter is text')
  const builder = new TextVectorBuilder('text', call.length)
  const options = call.ctx
  for (let row = 0; row < call.length; row++) {
    if (!present(array, row) || !present(delimiter, row)) {
      builder.appendNull()
      continue
    }
    const separator = textAt(delimiter, row)
    const nullString =
      nullText !== null && nullText.kind === 'text' && present(nullText, row)
        ? textAt(nullText, row)
        : null
    const parts: string[] = []
    for (let k = array.offsets[row]!; k < array.offsets[row + 1]!; k++) {
      const text = formatValueText(array.child, k, options)
      if (text !== null) parts.push(text)
      else if (nullString !== null) parts.push(nullString)
    }
    builder.appendString(parts.join(separator))
  }
  return builder.finish()
}

/** string_to_array(s, delimiter [, null_string]): a NULL delimiter splits into characters. */
const stringToArray: Kernel = (call) => {
  const input = argAt(call, 0)
  const delimiter = argAt(call, 1)
  const nullText = call.args.length > 2 ? argAt(call, 2) : null
  assert(input.kind === 'text' && delimiter.kind === 'text', 'string_to_array takes text')
  const offsets = new Int32Array(call.length + 1)
  const elements: (string | null)[] = []
  let validity: Uint8Array | null = null
  for (let row = 0; row < call.length; row++) {
    if (!present(input, row)) {
      validity ??= new Uint8Array(call.length).fill(1)
      validity[row] = 0
    } else {
      const text = textAt(input, row)
      const nullString =
        nullText !== null && nullText.kind === 'text' && present(nullText, row)
          ? textAt(nullText, row)
          : null
      let parts: string[]
      if (text === '') parts = []
      else if (!present(delimiter, row)) parts = Array.from(text)
      else {
        const separator = textAt(delimiter, row)
        parts = separator === '' ? [text] : text.split(separator)
      }
      for (const part of parts) elements.push(part === nullString ? null : part)
    }
    offsets[row + 1] = elements.length
  }
  const child = castVector(
    makeTextVectorOf(elements),
    elementTypeOf(call.type as '_text'),
    call.ctx,
  )
  return { kind: 'array', type: call.type, length: call.length, validity, offsets, child }
}

function makeTextVectorOf(values: readonly (string | null)[]): Vector {
  const builder = new TextVectorBuilder('text', values.length)
  for (const value of values) {
    if (value === null) builder.appendNull()
    else builder.appendString(value)
  }
  return builder.finish()
}

/** generate_subscripts(a, dim) as an int4[] of 1..n (empty for dim ≠ 1); unnest expands it. */
const generateSubscripts: Kernel = (call) => {
  const array = arrayArg(call, 0)
  const dimension = argAt(call, 1)
  assert(dimension.kind === 'number', 'the dimension is int4')
  const offsets = new Int32Array(call.length + 1)
  const subscripts = new IntList()
  const validity = combineValidity(call.length, array, dimension)
  for (let row = 0; row < call.length; row++) {
    if ((validity === null || validity[row] === 1) && dimension.values[row] === 1)
      for (let i = 1; i <= sizeOf(array, row); i++) subscripts.push(i)
    offsets[row + 1] = subscripts.length
  }
  const child = makeNumberVector('int4', Float64Array.from(subscripts.finish()), null)
  return { kind: 'array', type: call.type, length: call.length, validity, offsets, child }
}

export const arrayKernels: Readonly<Record<string, Kernel>> = {
  ...arraySearchKernels,
  generate_subscripts: generateSubscripts,
  array_construct: arrayConstruct,
  array_subscript: arraySubscript,
  array_slice: arraySlice,
  array_cat: arrayCat,
  array_append: appendKernel(0),
  array_prepend: appendKernel(1),
  array_remove: removeOrReplace(false),
  array_replace: removeOrReplace(true),
  cardinality,
  array_length: dimensionKernel('length'),
  array_upper: dimensionKernel('upper'),
  array_lower: dimensionKernel('lower'),
  array_ndims: dimensionKernel('ndims'),
  array_join: arrayToString,
  string_to_array: stringToArray,
}
