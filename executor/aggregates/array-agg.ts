// array_agg(x [ORDER BY k ...]): collects each group's values, NULLs included, in arrival
// order or by the aggregate's ORDER BY. Batch at a time: update keeps the argument vectors
// and the (row, group) pairs it takes from them; evaluate counts per group, lays every
// group's element indexes out with one counting sort (then sorts each group's run when
// ordered) and gathers the child vector with one takeVector. No object per row.
//
// The partial state is the array itself plus, when ordered, one array per sort key holding
// each element's key, so the coordinator can merge workers' arrays and order them at the end.
import {
  arrayTypeOf,
  assert,
  concatVectors,
  nullVector,
  takeVector,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { crossComparatorWithNulls } from '../functions/array-compare.js'
import { keyComparator } from '../operators/sort.js'
import type { GroupsAccumulator } from './accumulator.js'

export interface AggregateOrder {
  readonly descending: boolean
  readonly nullsFirst: boolean
}

interface Chunk {
  readonly values: Vector
  readonly keys: readonly Vector[]
  /** Rows of `values` taken, and the group of each. */
  readonly rows: Int32Array
  readonly groups: Int32Array
}

export class ArrayAggAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[]
  private readonly chunks: Chunk[] = []

  private readonly keyTypes: readonly SqlType[]
  private readonly order: readonly AggregateOrder[]

  /**
   * `distinct` (NULL counts as a value, as array_agg is not strict) sorts by the value unless
   * ordered otherwise, as PostgreSQL's sort-based DISTINCT aggregates do, and keeps one of
   * each run of equal values.
   */
  constructor(
    private readonly elementType: SqlType,
    keyTypes: readonly SqlType[],
    order: readonly AggregateOrder[],
    private readonly distinct = false,
  ) {
    const sortByValue = distinct && order.length === 0
    this.keyTypes = sortByValue ? [elementType] : keyTypes
    this.order = sortByValue ? [{ descending: false, nullsFirst: false }] : order
    this.stateTypes = [elementType, ...keyTypes].map((t) => {
      const array = arrayTypeOf(t)
      assert(array !== undefined, 'array_agg elements and keys have array types')
      return array
    })
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    _groupCount: number,
    include: Uint8Array | null,
  ): void {
    const values = args[0]
    assert(values !== undefined, 'array_agg has an argument')
    // After DISTINCT's merge only the value arrives: its ORDER BY keys are the value itself.
    const keys = this.keyTypes.map((_, i) => args[i + 1] ?? values)
    let count = 0
    for (let row = 0; row < groupIds.length; row++)
      if (groupIds[row]! >= 0 && (include === null || include[row] === 1)) count++
    if (count === 0) return
    const rows = new Int32Array(count)
    const groups = new Int32Array(count)
    let at = 0
    for (let row = 0; row < groupIds.length; row++) {
      if (groupIds[row]! >= 0 && (include === null || include[row] === 1)) {
        rows[at] = row
        groups[at++] = groupIds[row]!
      }
    }
    this.chunks.push({ values, keys, rows, groups })
  }

  merge(states: readonly Vector[], groupIds: Int32Array, _groupCount: number): void {
    const [arrays, ...keyArrays] = states
    assert(arrays?.kind === 'array', 'an array_agg state is an array')
    let count = 0
    for (let row = 0; row < arrays.length; row++)
      if (groupIds[row]! >= 0) count += arrays.offsets[row + 1]! - arrays.offsets[row]!
    if (count === 0) return
    const rows = new Int32Array(count)
    const groups = new Int32Array(count)
    let at = 0
    for (let row = 0; row < arrays.length; row++) {
      const group = groupIds[row]!
      if (group < 0) continue
      for (let k = arrays.offsets[row]!; k < arrays.offsets[row + 1]!; k++) {
        rows[at] = k
        groups[at++] = group
      }
    }
    const keys = keyArrays.map((keyArray) => {
      assert(keyArray.kind === 'array', 'an array_agg key state is an array')
      return keyArray.child
    })
    this.chunks.push({ values: arrays.child, keys, rows, groups })
  }

  state(groupCount: number): Vector[] {
    const layout = this.layout(groupCount, false)
    return [
      this.gather(this.elementType, layout, (c) => c.values),
      ...this.keyTypes.map((type, i) => this.gather(type, layout, (c) => c.keys[i]!)),
    ]
  }

  evaluate(groupCount: number): Vector {
    return this.gather(this.elementType, this.layout(groupCount, true), (c) => c.values)
  }

  /** Each group's element picks (indexes into the chunks' concatenation), groups in order. */
  private layout(groupCount: number, sorted: boolean) {
    const offsets = new Int32Array(groupCount + 1)
    for (const chunk of this.chunks)
      for (let i = 0; i < chunk.groups.length; i++) offsets[chunk.groups[i]! + 1]!++
    for (let group = 0; group < groupCount; group++) offsets[group + 1]! += offsets[group]!
    const cursor = offsets.slice(0, groupCount)
    const picks = new Int32Array(offsets[groupCount]!)
    let base = 0
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.groups.length; i++)
        picks[cursor[chunk.groups[i]!]!++] = base + chunk.rows[i]!
      base += chunk.values.length
    }
    if (sorted && this.order.length > 0 && picks.length > 1) this.sortRuns(offsets, picks)
    if (sorted && this.distinct) return this.dedupe(groupCount, offsets, picks)
    let validity: Uint8Array | null = null
    for (let group = 0; group < groupCount; group++) {
      if (offsets[group + 1] === offsets[group]) {
        validity ??= new Uint8Array(groupCount).fill(1)
        validity[group] = 0
      }
    }
    return { offsets, picks, validity }
  }

  /** Keeps the first of each run of equal values (NULLs equal) in each group's sorted picks. */
  private dedupe(groupCount: number, offsets: Int32Array, picks: Int32Array) {
    const values = this.concatenated(this.elementType, (c) => c.values)
    const same = crossComparatorWithNulls(values, values)
    const kept = new Int32Array(picks.length)
    const keptOffsets = new Int32Array(groupCount + 1)
    let at = 0
    let validity: Uint8Array | null = null
    for (let group = 0; group < groupCount; group++) {
      const [from, to] = [offsets[group]!, offsets[group + 1]!]
      for (let i = from; i < to; i++)
        if (i === from || same(picks[i]!, picks[i - 1]!) !== 0) kept[at++] = picks[i]!
      keptOffsets[group + 1] = at
      if (to === from) {
        validity ??= new Uint8Array(groupCount).fill(1)
        validity[group] = 0
      }
    }
    return { offsets: keptOffsets, picks: kept.slice(0, at), validity }
  }

  /** Sorts each group's run of picks by the ORDER BY keys, stably. */
  private sortRuns(offsets: Int32Array, picks: Int32Array): void {
    const keyVectors = this.keyTypes.map((type, i) => this.concatenated(type, (c) => c.keys[i]!))
    const sortKeys = this.order.map((o, i) => ({
      expr: { kind: 'column', index: i, type: this.keyTypes[i]! } as const,
      descending: o.descending,
      nullsFirst: o.nullsFirst,
    }))
    const compare = keyComparator(sortKeys, keyVectors)
    for (let group = 0; group + 1 < offsets.length; group++) {
      const run = picks.subarray(offsets[group]!, offsets[group + 1]!)
      if (run.length < 2) continue
      const ordered = Array.from(run).sort((a, b) => compare(a, b) || a - b)
      run.set(ordered)
    }
  }

  private concatenated(type: SqlType, part: (chunk: Chunk) => Vector): Vector {
    const parts = this.chunks.map(part).map((v) => ({ ...v, type }) as Vector)
    return parts.length === 0 ? nullVector(type, 0) : concatVectors(parts)
  }

  private gather(
    elementType: SqlType,
    layout: { offsets: Int32Array; picks: Int32Array; validity: Uint8Array | null },
    part: (chunk: Chunk) => Vector,
  ): Vector {
    const child = takeVector(this.concatenated(elementType, part), layout.picks)
    return {
      kind: 'array',
      type: arrayTypeOf(elementType)!,
      length: layout.offsets.length - 1,
      validity: layout.validity,
      offsets: layout.offsets,
      child,
    }
  }
}
