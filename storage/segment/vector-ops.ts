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

/**
 * Gathers rows `order[i]` of the concatenation of `parts` (all of `type`) into one vector,
 * without building the concatenation first: one copy instead of two.
 */
export function takeRowsFromParts(
  type: SqlType,
  parts: readonly Vector[],
  order: Uint32Array,
): Vector {
  if (parts.length === 0) return nullVector(type, 0)
  if (parts.length === 1) return takeVector(parts[0]!, order)
  const first = parts[0]!
  if (
    first.kind === 'numeric' ||
    first.kind === 'array' ||
    parts.some((part) => part.kind !== first.kind)
  )
    return takeVector(concatNonEmpty(parts), order)
  const total = parts.reduce((sum, part) => sum + part.length, 0)
  // Row r of the concatenation is row r - starts[p] of part p = partOf[r].
  const partOf = new Uint16Array(total)
  const starts = new Int32Array(parts.length)
  let at = 0
  parts.forEach((part, index) => {
    assert(index < 65536, 'at most 65536 parts')
    starts[index] = at
    partOf.fill(index, at, at + part.length)
    at += part.length
  })
  const length = order.length
  let validity: Uint8Array | null = null
  if (parts.some((part) => part.validity !== null)) {
    validity = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      const row = order[i]!
      const part = partOf[row]!
      const bits = parts[part]!.validity
      validity[i] = bits === null ? 1 : bits[row - starts[part]!]!
    }
  }
  if (first.kind === 'bool' || first.kind === 'number') {
    const sources = parts.map((part) => (part as typeof first).values)
    const values = first.kind === 'bool' ? new Uint8Array(length) : new Float64Array(length)
    for (let i = 0; i < length; i++) {
      const row = order[i]!
      const part = partOf[row]!
      values[i] = sources[part]![row - starts[part]!]!
    }
    return first.kind === 'bool'
      ? { kind: 'bool', type, length, validity, values: values as Uint8Array }
      : { kind: 'number', type, length, validity, values: values as Float64Array }
  }
  const texts = parts as readonly (typeof first)[]
  const offsets = new Int32Array(length + 1)
  let bytes = 0
  for (let i = 0; i < length; i++) {
    const row = order[i]!
    const part = partOf[row]!
    const local = row - starts[part]!
    const partOffsets = texts[part]!.offsets
    bytes += partOffsets[local + 1]! - partOffsets[local]!
    offsets[i + 1] = bytes
  }
  const data = new Uint8Array(bytes)
  for (let i = 0; i < length; i++) {
    const row = order[i]!
    const part = partOf[row]!
    const local = row - starts[part]!
    const { offsets: partOffsets, data: source } = texts[part]!
    const from = partOffsets[local]!
    const to = partOffsets[local + 1]!
    let out = offsets[i]!
    if (to - from <= 32) for (let k = from; k < to; k++) data[out++] = source[k]!
    else data.set(source.subarray(from, to), out)
  }
  return { kind: 'text', type, length, validity, offsets, data }
}
