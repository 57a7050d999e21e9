// Whole-vector operations the writers need: NULL columns, concatenation, gathering rows by
// an index permutation, and the stable time-column sort. Typed-array loops, no object per row
// (numeric holds bigints by its layout).
import { assert, vectorKindOf, type SqlType, type Vector } from '../../common/index.js'

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
  }
}

function concatValidity(parts: readonly Vector[], length: number): Uint8Array | null {
  if (parts.every((part) => part.validity === null)) return null
  const validity = new Uint8Array(length).fill(1)
  let at = 0
  for (const part of parts) {
    if (part.validity !== null) validity.set(part.validity.subarray(0, part.length), at)
    at += part.length
  }
  return validity
}

/** Concatenates vectors of one type into one vector. */
export function concatVectors(type: SqlType, parts: readonly Vector[]): Vector {
  const length = parts.reduce((sum, part) => sum + part.length, 0)
  const validity = concatValidity(parts, length)
  const kind = vectorKindOf(type)
  for (const part of parts) assert(part.kind === kind, 'concatenated vectors share a layout')
  if (kind === 'text') {
    const offsets = new Int32Array(length + 1)
    const dataLength = parts.reduce(
      (sum, part) =>
        sum +
        (part.kind === 'text' ? (part.offsets[part.length] ?? 0) - (part.offsets[0] ?? 0) : 0),
      0,
    )
    const data = new Uint8Array(dataLength)
    let row = 0
    let byte = 0
    for (const part of parts) {
      if (part.kind !== 'text') continue
      const base = part.offsets[0] ?? 0
      for (let index = 1; index <= part.length; index++)
        offsets[row + index] = byte + (part.offsets[index] ?? 0) - base
      data.set(part.data.subarray(base, part.offsets[part.length] ?? base), byte)
      byte += (part.offsets[part.length] ?? base) - base
      row += part.length
    }
    return { kind, type, length, validity, offsets, data }
  }
  if (kind === 'numeric') {
    const unscaled: bigint[] = []
    const scales = new Uint16Array(length)
    let at = 0
    for (const part of parts) {
      if (part.kind !== 'numeric') continue
      for (let index = 0; index < part.length; index++) unscaled.push(part.unscaled[index] ?? 0n)
      scales.set(part.scales.subarray(0, part.length), at)
      at += part.length
    }
    return { kind, type, length, validity, unscaled, scales }
  }
  const values = kind === 'bool' ? new Uint8Array(length) : new Float64Array(length)
  let at = 0
  for (const part of parts) {
    if (part.kind === 'bool' || part.kind === 'number')
      values.set(part.values.subarray(0, part.length), at)
    at += part.length
  }
  return kind === 'bool'
    ? { kind, type, length, validity, values: values as Uint8Array }
    : { kind, type, length, validity, values: values as Float64Array }
}

/** Gathers rows `indices[i]` of `vector` into a new vector. */
export function takeRows(vector: Vector, indices: Uint32Array): Vector {
  const length = indices.length
  let validity: Uint8Array | null = null
  if (vector.validity !== null) {
    validity = new Uint8Array(length)
    for (let row = 0; row < length; row++) validity[row] = vector.validity[indices[row]!] ?? 0
  }
  switch (vector.kind) {
    case 'bool':
    case 'number': {
      const values = vector.kind === 'bool' ? new Uint8Array(length) : new Float64Array(length)
      for (let row = 0; row < length; row++) values[row] = vector.values[indices[row]!] ?? 0
      return vector.kind === 'bool'
        ? { ...vector, length, validity, values: values as Uint8Array }
        : { ...vector, length, validity, values: values as Float64Array }
    }
    case 'text': {
      const offsets = new Int32Array(length + 1)
      for (let row = 0; row < length; row++) {
        const source = indices[row]!
        offsets[row + 1] =
          offsets[row]! + (vector.offsets[source + 1] ?? 0) - (vector.offsets[source] ?? 0)
      }
      const data = new Uint8Array(offsets[length] ?? 0)
      for (let row = 0; row < length; row++) {
        const source = indices[row]!
        data.set(
          vector.data.subarray(vector.offsets[source] ?? 0, vector.offsets[source + 1] ?? 0),
          offsets[row] ?? 0,
        )
      }
      return { ...vector, length, validity, offsets, data }
    }
    case 'numeric': {
      const unscaled = new Array<bigint>(length)
      const scales = new Uint16Array(length)
      for (let row = 0; row < length; row++) {
        unscaled[row] = vector.unscaled[indices[row]!] ?? 0n
        scales[row] = vector.scales[indices[row]!] ?? 0
      }
      return { ...vector, length, validity, unscaled, scales }
    }
  }
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
