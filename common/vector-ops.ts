// Whole-vector operations every layer needs: NULL vectors, gathering rows by index,
// slicing and concatenation. Typed-array loops a vector at a time; no object per row
// (numeric holds bigints by its layout). Pure functions, no I/O.
import { assert } from './assert.js'
import { elementTypeOf, isArrayType, type SqlType } from './sql-type.js'
import {
  textDictionaryOf,
  vectorKindOf,
  type ArrayVector,
  type TextVector,
  type Vector,
} from './vector.js'

/** Row indexes into a vector: a filter's selection or a sort permutation. */
export type RowSelection = Int32Array | Uint32Array

/** A vector of `length` NULLs of `type`. */
export function nullVector(type: SqlType, length: number): Vector {
  const validity = new Uint8Array(length)
  switch (vectorKindOf(type)) {
    case 'bool':
      return { kind: 'bool', type, length, validity, values: new Uint8Array(length) }
    case 'number':
      return { kind: 'number', type, length, validity, values: new Float64Array(length) }
    case 'text':
      return {
        kind: 'text',
        type,
        length,
        validity,
        offsets: new Int32Array(length + 1),
        data: new Uint8Array(0),
      }
    case 'numeric':
      return {
        kind: 'numeric',
        type,
        length,
        validity,
        unscaled: new Array<bigint>(length).fill(0n),
        scales: new Uint16Array(length),
      }
    case 'array':
      assert(isArrayType(type), 'array layout for an array type')
      return {
        kind: 'array',
        type,
        length,
        validity,
        offsets: new Int32Array(length + 1),
        child: nullVector(elementTypeOf(type), 0),
      }
  }
}

/** Gathers whole arrays: their element ranges, in selection order, from the child vector. */
function takeArray(vector: ArrayVector, selection: RowSelection): ArrayVector {
  const offsets = new Int32Array(selection.length + 1)
  let elements = 0
  for (let i = 0; i < selection.length; i++) {
    const row = selection[i]!
    elements += vector.offsets[row + 1]! - vector.offsets[row]!
    offsets[i + 1] = elements
  }
  const childRows = new Int32Array(elements)
  let at = 0
  for (let i = 0; i < selection.length; i++) {
    const row = selection[i]!
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++) childRows[at++] = k
  }
  const validity = takeValidity(vector.validity, selection)
  const child = takeVector(vector.child, childRows)
  return { kind: 'array', type: vector.type, length: selection.length, validity, offsets, child }
}

function takeValidity(validity: Uint8Array | null, selection: RowSelection): Uint8Array | null {
  if (validity === null) return null
  const out = new Uint8Array(selection.length)
  for (let i = 0; i < selection.length; i++) out[i] = validity[selection[i]!]!
  return out
}

function takeText(vector: TextVector, selection: RowSelection): TextVector {
  const offsets = new Int32Array(selection.length + 1)
  let bytes = 0
  for (let i = 0; i < selection.length; i++) {
    const row = selection[i]!
    bytes += vector.offsets[row + 1]! - vector.offsets[row]!
    offsets[i + 1] = bytes
  }
  const data = new Uint8Array(bytes)
  const source = vector.data
  for (let i = 0; i < selection.length; i++) {
    const row = selection[i]!
    const from = vector.offsets[row]!
    const to = vector.offsets[row + 1]!
    // Short values copy byte by byte: a subarray per row costs more than the copy.
    if (to - from <= 32) {
      let at = offsets[i]!
      for (let k = from; k < to; k++) data[at++] = source[k]!
    } else data.set(source.subarray(from, to), offsets[i]!)
  }
  const validity = takeValidity(vector.validity, selection)
  const taken = {
    kind: 'text',
    type: vector.type,
    length: selection.length,
    validity,
    offsets,
    data,
  } as const
  // Dictionary codes follow their rows, so a filtered batch still groups on codes.
  const dictionary = textDictionaryOf(vector)
  if (dictionary === undefined) return taken
  const codes = new Uint16Array(selection.length)
  for (let i = 0; i < selection.length; i++) codes[i] = dictionary.codes[selection[i]!]!
  return { ...taken, dictionary: { codes, values: dictionary.values } }
}

/** Gathers the rows at `selection` (indexes into `vector`, in any order, repeats allowed). */
export function takeVector(vector: Vector, selection: RowSelection): Vector {
  const length = selection.length
  const validity = takeValidity(vector.validity, selection)
  switch (vector.kind) {
    case 'bool': {
      const values = new Uint8Array(length)
      for (let i = 0; i < length; i++) values[i] = vector.values[selection[i]!]!
      return { kind: 'bool', type: vector.type, length, validity, values }
    }
    case 'number': {
      const values = new Float64Array(length)
      for (let i = 0; i < length; i++) values[i] = vector.values[selection[i]!]!
      return { kind: 'number', type: vector.type, length, validity, values }
    }
    case 'numeric': {
      const unscaled = new Array<bigint>(length)
      const scales = new Uint16Array(length)
      for (let i = 0; i < length; i++) {
        unscaled[i] = vector.unscaled[selection[i]!]!
        scales[i] = vector.scales[selection[i]!]!
      }
      return { kind: 'numeric', type: vector.type, length, validity, unscaled, scales }
    }
    case 'text':
      return takeText(vector, selection)
    case 'array':
      return takeArray(vector, selection)
  }
}

/** Rows [start, end) of a vector; typed arrays are shared, not copied. */
export function sliceVector(vector: Vector, start: number, end: number): Vector {
  assert(start >= 0 && start <= end && end <= vector.length, 'slice bounds outside the vector')
  const length = end - start
  const validity = vector.validity === null ? null : vector.validity.subarray(start, end)
  switch (vector.kind) {
    case 'bool':
      return { ...vector, length, validity, values: vector.values.subarray(start, end) }
    case 'number':
      return { ...vector, length, validity, values: vector.values.subarray(start, end) }
    case 'numeric':
      return {
        ...vector,
        length,
        validity,
        unscaled: vector.unscaled.slice(start, end),
        scales: vector.scales.subarray(start, end),
      }
    case 'text': {
      const base = vector.offsets[start] ?? 0
      const offsets = new Int32Array(length + 1)
      for (let i = 0; i <= length; i++) offsets[i] = vector.offsets[start + i]! - base
      const data = vector.data.subarray(base, vector.offsets[end] ?? base)
      const sliced = { kind: 'text', type: vector.type, length, validity, offsets, data } as const
      const dictionary = vector.dictionary
      if (dictionary === undefined) return sliced
      const codes = dictionary.codes.subarray(start, end)
      return { ...sliced, dictionary: { codes, values: dictionary.values } }
    }
    case 'array': {
      // Offsets are rebased so every array vector's offsets start at 0.
      const base = vector.offsets[start] ?? 0
      const offsets = new Int32Array(length + 1)
      for (let i = 0; i <= length; i++) offsets[i] = vector.offsets[start + i]! - base
      const child = sliceVector(vector.child, base, vector.offsets[end] ?? base)
      return { ...vector, length, validity, offsets, child }
    }
  }
}

function concatValidity(vectors: readonly Vector[], length: number): Uint8Array | null {
  if (vectors.every((v) => v.validity === null)) return null
  const out = new Uint8Array(length)
  let at = 0
  for (const v of vectors) {
    if (v.validity === null) out.fill(1, at, at + v.length)
    else out.set(v.validity.subarray(0, v.length), at)
    at += v.length
  }
  return out
}

/** Concatenates vectors of one layout (the first vector's type labels the result). */
export function concatVectors(vectors: readonly Vector[]): Vector {
  const first = vectors[0]
  assert(first !== undefined, 'concatenating no vectors')
  if (vectors.length === 1) return first
  const length = vectors.reduce((sum, v) => sum + v.length, 0)
  const validity = concatValidity(vectors, length)
  const type = first.type
  switch (first.kind) {
    case 'bool':
    case 'number': {
      const values = first.kind === 'bool' ? new Uint8Array(length) : new Float64Array(length)
      let at = 0
      for (const v of vectors) {
        assert(v.kind === first.kind, 'concatenated vectors differ in layout')
        values.set(v.values.subarray(0, v.length), at)
        at += v.length
      }
      return first.kind === 'bool'
        ? { kind: 'bool', type, length, validity, values: values as Uint8Array }
        : { kind: 'number', type, length, validity, values: values as Float64Array }
    }
    case 'numeric': {
      const unscaled: bigint[] = []
      const scales = new Uint16Array(length)
      for (const v of vectors) {
        assert(v.kind === 'numeric', 'concatenated vectors differ in layout')
        scales.set(v.scales.subarray(0, v.length), unscaled.length)
        for (let i = 0; i < v.length; i++) unscaled.push(v.unscaled[i]!)
      }
      return { kind: 'numeric', type, length, validity, unscaled, scales }
    }
    case 'text': {
      const offsets = new Int32Array(length + 1)
      let bytes = 0
      let row = 0
      for (const v of vectors) {
        assert(v.kind === 'text', 'concatenated vectors differ in layout')
        bytes += v.offsets[v.length]! - v.offsets[0]!
      }
      const data = new Uint8Array(bytes)
      let at = 0
      for (const v of vectors) {
        if (v.kind !== 'text') continue
        const base = v.offsets[0]!
        for (let i = 0; i < v.length; i++) offsets[row + i + 1] = at + v.offsets[i + 1]! - base
        data.set(v.data.subarray(base, v.offsets[v.length]!), at)
        at += v.offsets[v.length]! - base
        row += v.length
      }
      return { kind: 'text', type, length, validity, offsets, data }
    }
    case 'array': {
      const offsets = new Int32Array(length + 1)
      const children: Vector[] = []
      let row = 0
      let at = 0
      for (const v of vectors) {
        assert(v.kind === 'array', 'concatenated vectors differ in layout')
        const base = v.offsets[0]!
        for (let i = 0; i < v.length; i++) offsets[row + i + 1] = at + v.offsets[i + 1]! - base
        children.push(sliceVector(v.child, base, v.offsets[v.length]!))
        at += v.offsets[v.length]! - base
        row += v.length
      }
      const nonEmpty = children.filter((c) => c.length > 0)
      const child = concatVectors(nonEmpty.length > 0 ? nonEmpty : children.slice(0, 1))
      return { kind: 'array', type, length, validity, offsets, child }
    }
  }
}

/**
 * Row r of the result is row r of `sources[choice[r]]`, or NULL where choice[r] is -1; every
 * source has `length` rows and one layout. Works for every layout (arrays use it).
 */
export function pickRowsGeneric(
  type: SqlType,
  sources: readonly Vector[],
  choice: Int32Array,
): Vector {
  const length = choice.length
  const all = concatVectors([...sources, nullVector(type, 1)].map((v) => ({ ...v, type })))
  const nullRow = sources.length * length
  const selection = new Int32Array(length)
  for (let row = 0; row < length; row++) {
    const source = choice[row]!
    const valid =
      source >= 0 && (sources[source]!.validity === null || sources[source]!.validity![row] === 1)
    selection[row] = valid ? source * length + row : nullRow
  }
  return takeVector(all, selection)
}
