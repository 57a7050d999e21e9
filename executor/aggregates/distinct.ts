// Aggregate DISTINCT: a wrapper that feeds the inner accumulator only the first occurrence
// of each (group, value) pair, found with a GroupTable over [group id, value]. NULLs never
// reach the inner accumulator, as PostgreSQL skips them. The partial state is the distinct
// values themselves, one bytea per group: the coordinator re-inserts them into its own
// set, so a value seen by two workers still counts once.
//
// Encoding per value: number = float64 LE; bool = 1 byte; text = u32 length + bytes;
// numeric = u16 scale + u32 length + the unscaled integer's decimal digits.
import { assert, isArrayType, vectorKindOf, type SqlType, type Vector } from '../../common/index.js'
import { arrayScalarAt, arrayVectorFromTexts } from '../expr/array-values.js'
import { type GroupsAccumulator } from './accumulator.js'
import { GroupTable } from './group-table.js'

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export class DistinctAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['bytea']
  private readonly pairs: GroupTable

  constructor(
    private readonly inner: GroupsAccumulator,
    private readonly argumentType: SqlType,
  ) {
    this.pairs = new GroupTable(['int4', argumentType])
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input !== undefined, 'an aggregate DISTINCT has one argument')
    const length = groupIds.length
    const considered = new Uint8Array(length)
    for (let row = 0; row < length; row++) {
      const valid = input.validity === null || input.validity[row] === 1
      const included = include === null || include[row] === 1
      considered[row] = valid && included && groupIds[row]! >= 0 ? 1 : 0
    }
    // The constructor copies a typed array natively; Float64Array.from iterates it.
    const values = new Float64Array(groupIds)
    const groupVector: Vector = { kind: 'number', type: 'int4', length, validity: null, values }
    let nextNew = this.pairs.groupCount
    const pairIds = this.pairs.findOrInsert([groupVector, input], length, considered)
    const firstSeen = new Uint8Array(length)
    for (let row = 0; row < length; row++) {
      if (pairIds[row] === nextNew) {
        firstSeen[row] = 1
        nextNew++
      }
    }
    this.inner.update(args, groupIds, groupCount, firstSeen)
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const state = states[0]
    assert(state?.kind === 'text', 'a DISTINCT state is bytea')
    const decoded = decodeDistinctValues(state, groupIds, this.argumentType)
    this.update([decoded.values], decoded.groupIds, groupCount, null)
  }

  state(groupCount: number): Vector[] {
    const [groupColumn, valueColumn] = this.pairs.keyVectors()
    assert(groupColumn?.kind === 'number' && valueColumn !== undefined, 'pairs are (group, value)')
    // Counting sort of the pairs by group, then one encoded byte string per group.
    const starts = new Int32Array(groupCount + 1)
    for (let pair = 0; pair < groupColumn.length; pair++) starts[groupColumn.values[pair]! + 1]!++
    for (let group = 0; group < groupCount; group++) starts[group + 1]! += starts[group]!
    const order = new Int32Array(groupColumn.length)
    const cursor = starts.slice(0, groupCount)
    for (let pair = 0; pair < groupColumn.length; pair++) {
      order[cursor[groupColumn.values[pair]!]!++] = pair
    }
    const chunks: Uint8Array[] = []
    const offsets = new Int32Array(groupCount + 1)
    let total = 0
    for (let group = 0; group < groupCount; group++) {
      const bytes = encodeValues(valueColumn, order.subarray(starts[group]!, starts[group + 1]!))
      chunks.push(bytes)
      total += bytes.length
      offsets[group + 1] = total
    }
    const data = new Uint8Array(total)
    chunks.forEach((chunk, group) => data.set(chunk, offsets[group]!))
    return [{ kind: 'text', type: 'bytea', length: groupCount, validity: null, offsets, data }]
  }

  evaluate(groupCount: number): Vector {
    return this.inner.evaluate(groupCount)
  }
}

/** Encodes the non-NULL values of `rows` of `vector`. */
export function encodeValues(vector: Vector, rows: Int32Array): Uint8Array {
  const parts: Uint8Array[] = []
  let size = 0
  const push = (part: Uint8Array): void => {
    parts.push(part)
    size += part.length
  }
  for (const row of rows) {
    switch (vector.kind) {
      case 'number':
        push(new Uint8Array(new Float64Array([vector.values[row]!]).buffer))
        break
      case 'bool':
        push(Uint8Array.of(vector.values[row]!))
        break
      case 'text': {
        const bytes = vector.data.subarray(vector.offsets[row]!, vector.offsets[row + 1]!)
        push(lengthPrefix(bytes.length))
        push(bytes)
        break
      }
      case 'numeric': {
        const digits = textEncoder.encode(vector.unscaled[row]!.toString())
        push(Uint8Array.of(vector.scales[row]! & 0xff, vector.scales[row]! >>> 8))
        push(lengthPrefix(digits.length))
        push(digits)
        break
      }
      case 'array': {
        // An array as its canonical text, length-prefixed like text.
        const bytes = textEncoder.encode(arrayScalarAt(vector, row))
        push(lengthPrefix(bytes.length))
        push(bytes)
        break
      }
    }
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function lengthPrefix(length: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, length, true)
  return bytes
}

/** Decodes every row's encoded values into one vector, with each value's group id. */
export function decodeDistinctValues(
  state: Vector & { kind: 'text' },
  groupIds: Int32Array,
  type: SqlType,
): { values: Vector; groupIds: Int32Array } {
  const view = new DataView(state.data.buffer, state.data.byteOffset, state.data.byteLength)
  const ids: number[] = []
  const numbers: number[] = []
  const texts: Uint8Array[] = []
  const unscaled: bigint[] = []
  const scales: number[] = []
  const kind = vectorKindOf(type)
  for (let row = 0; row < state.length; row++) {
    const group = groupIds[row]!
    if (group < 0 || (state.validity !== null && state.validity[row] === 0)) continue
    let at = state.offsets[row]!
    const end = state.offsets[row + 1]!
    while (at < end) {
      ids.push(group)
      if (kind === 'bool') {
        numbers.push(state.data[at]!)
        at += 1
      } else if (kind === 'numeric') {
        scales.push(view.getUint16(at, true))
        const length = view.getUint32(at + 2, true)
        unscaled.push(BigInt(textDecoder.decode(state.data.subarray(at + 6, at + 6 + length))))
        at += 6 + length
      } else if (kind === 'number') {
        numbers.push(view.getFloat64(at, true))
        at += 8
      } else {
        const length = view.getUint32(at, true)
        texts.push(state.data.subarray(at + 4, at + 4 + length))
        at += 4 + length
      }
    }
  }
  const values = buildVector(kind, type, ids.length, numbers, texts, unscaled, scales)
  return { values, groupIds: Int32Array.from(ids) }
}

function buildVector(
  kind: Vector['kind'],
  type: SqlType,
  length: number,
  numbers: number[],
  texts: Uint8Array[],
  unscaled: bigint[],
  scales: number[],
): Vector {
  switch (kind) {
    case 'number':
      return { kind: 'number', type, length, validity: null, values: Float64Array.from(numbers) }
    case 'bool':
      return { kind: 'bool', type, length, validity: null, values: Uint8Array.from(numbers) }
    case 'numeric':
      const scaleArray = Uint16Array.from(scales)
      return { kind: 'numeric', type, length, validity: null, unscaled, scales: scaleArray }
    case 'text': {
      const offsets = new Int32Array(length + 1)
      let total = 0
      texts.forEach((text, index) => {
        total += text.length
        offsets[index + 1] = total
      })
      const data = new Uint8Array(total)
      texts.forEach((text, index) => data.set(text, offsets[index]!))
      return { kind: 'text', type, length, validity: null, offsets, data }
    }
    case 'array':
      assert(isArrayType(type), 'array values have an array type')
      return arrayVectorFromTexts(
        type,
        texts.map((bytes) => textDecoder.decode(bytes)),
      )
  }
}
