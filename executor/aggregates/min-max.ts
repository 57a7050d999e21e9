// min and max over every comparable type. Numbers (ints, floats, timestamps, dates) keep a
// Float64 per group, with NaN above every number as in PostgreSQL; bool is AND (min) and OR
// (max); text compares by bytes (C collation) and keeps one copied byte string per group;
// numeric compares exactly. The state is the current extreme itself, so merge = update.
import {
  assert,
  AssertionError,
  vectorKindOf,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import {
  GroupFlags,
  GroupNumbers,
  numberVector,
  rowCounts,
  validityFromSeen,
  type GroupsAccumulator,
} from './accumulator.js'
import { compareDecimalParts } from './key-column.js'
import { compareIntervalBytes } from '../interval/interval-layout.js'

/** Compares byte strings as memcmp then length does (C collation): -1, 0 or 1. */
export function compareBytes(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const aLength = aEnd - aStart
  const bLength = bEnd - bStart
  const common = Math.min(aLength, bLength)
  for (let i = 0; i < common; i++) {
    const difference = a[aStart + i]! - b[bStart + i]!
    if (difference !== 0) return difference < 0 ? -1 : 1
  }
  return aLength === bLength ? 0 : aLength < bLength ? -1 : 1
}

/** Compares numbers with NaN above everything and equal to itself, as float8 comparison does. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) return 0
  const aNaN = a !== a
  const bNaN = b !== b
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1
}

export class MinMaxAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[]
  private readonly seen = new GroupFlags()
  private readonly numbers = new GroupNumbers()
  private readonly bools = new GroupFlags()
  private readonly texts: Uint8Array[] = []
  private readonly unscaled: bigint[] = []
  private readonly scales: number[] = []
  /** 1 for max, -1 for min: a candidate wins when compare(candidate, best) * sign > 0. */
  private readonly sign: number

  constructor(
    private readonly type: SqlType,
    isMax: boolean,
  ) {
    this.stateTypes = [type]
    this.sign = isMax ? 1 : -1
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const seen = this.seen.ensure(groupCount)
    const input = args[0]
    assert(input !== undefined, 'min/max has one argument')
    switch (input.kind) {
      case 'number': {
        const best = this.numbers.ensure(groupCount)
        const values = input.values
        const validity = input.validity
        const isMax = this.sign > 0
        for (let row = 0; row < groupIds.length; row++) {
          const group = groupIds[row]!
          if (group < 0) continue
          if (include !== null && include[row] !== 1) continue
          if (validity !== null && validity[row] !== 1) continue
          const value = values[row]!
          const current = best[group]!
          // Plain comparisons decide unless a NaN is involved (NaN sorts above every number).
          const wins = isMax ? value > current : value < current
          if (
            seen[group] === 0 ||
            wins ||
            ((value !== value || current !== current) &&
              compareNumbers(value, current) * this.sign > 0)
          ) {
            best[group] = value
          }
          seen[group] = 1
        }
        return
      }
      case 'bool': {
        const best = this.bools.ensure(groupCount)
        for (let row = 0; row < groupIds.length; row++) {
          if (!rowCounts(row, groupIds, include, input.validity)) continue
          const group = groupIds[row]!
          const value = input.values[row]!
          if (seen[group] === 0 || (value - best[group]!) * this.sign > 0) best[group] = value
          seen[group] = 1
        }
        return
      }
      case 'text': {
        const ties = this.type === 'interval'
        const compare = ties ? compareIntervalBytes : compareBytes
        for (let row = 0; row < groupIds.length; row++) {
          if (!rowCounts(row, groupIds, include, input.validity)) continue
          const group = groupIds[row]!
          const start = input.offsets[row]!
          const end = input.offsets[row + 1]!
          const best = this.texts[group]
          const order =
            best === undefined ? 0 : compare(input.data, start, end, best, 0, best.length)
          // interval_larger/smaller keep the later of two equal spans ('1 mon' vs '30 days').
          if (best === undefined || order * this.sign > 0 || (order === 0 && ties)) {
            this.texts[group] = input.data.slice(start, end)
          }
          seen[group] = 1
        }
        return
      }
      case 'numeric':
        for (let row = 0; row < groupIds.length; row++) {
          if (!rowCounts(row, groupIds, include, input.validity)) continue
          const group = groupIds[row]!
          const value = input.unscaled[row]!
          const scale = input.scales[row]!
          const best = this.unscaled[group]
          const bestScale = this.scales[group] ?? 0
          const order = best === undefined ? 0 : compareDecimalParts(value, scale, best, bestScale)
          if (best === undefined || order * this.sign > 0) {
            this.unscaled[group] = value
            this.scales[group] = scale
          }
          seen[group] = 1
        }
        return
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    this.update(states, groupIds, groupCount, null)
  }

  state(groupCount: number): Vector[] {
    return [this.evaluate(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    const seen = this.seen.ensure(groupCount)
    const validity = validityFromSeen(seen, groupCount)
    const type = this.type
    switch (vectorKindOf(type)) {
      case 'number':
        return numberVector(type, this.numbers.ensure(groupCount), groupCount, seen)
      case 'bool':
        const values = this.bools.ensure(groupCount).slice(0, groupCount)
        return { kind: 'bool', type, length: groupCount, validity, values }
      case 'text': {
        const offsets = new Int32Array(groupCount + 1)
        let total = 0
        for (let group = 0; group < groupCount; group++) {
          total += this.texts[group]?.length ?? 0
          offsets[group + 1] = total
        }
        const data = new Uint8Array(total)
        for (let group = 0; group < groupCount; group++) {
          const text = this.texts[group]
          if (text !== undefined) data.set(text, offsets[group]!)
        }
        return { kind: 'text', type, length: groupCount, validity, offsets, data }
      }
      case 'numeric': {
        const unscaled: bigint[] = new Array<bigint>(groupCount)
        const scales = new Uint16Array(groupCount)
        for (let group = 0; group < groupCount; group++) {
          unscaled[group] = this.unscaled[group] ?? 0n
          scales[group] = this.scales[group] ?? 0
        }
        return { kind: 'numeric', type, length: groupCount, validity, unscaled, scales }
      }
      case 'array':
        throw new AssertionError('min/max signatures take no arrays')
    }
  }
}
