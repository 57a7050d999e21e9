// bit_and, bit_or, bit_xor over int2/int4/int8: NULL over no non-NULL rows. The state is the
// running value, NULL for a group not seen yet, so partials merge with the same operation.
// int8 values live in doubles, so they combine through BigInt.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import {
  GroupFlags,
  GroupNumbers,
  numberVector,
  rowCounts,
  type GroupsAccumulator,
} from './accumulator.js'

export const bitAggregateFunctions: ReadonlySet<string> = new Set(['bit_and', 'bit_or', 'bit_xor'])

type Combine = (a: number, b: number) => number

function combinerOf(fn: string, type: SqlType): Combine {
  if (type === 'int8') {
    const big =
      (op: (a: bigint, b: bigint) => bigint): Combine =>
      (a, b) =>
        Number(op(BigInt(a), BigInt(b)))
    if (fn === 'bit_and') return big((a, b) => a & b)
    if (fn === 'bit_or') return big((a, b) => a | b)
    return big((a, b) => a ^ b)
  }
  if (fn === 'bit_and') return (a, b) => a & b
  if (fn === 'bit_or') return (a, b) => a | b
  return (a, b) => a ^ b
}

export class BitAggregateAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[]
  private readonly values = new GroupNumbers()
  private readonly seen = new GroupFlags()
  private readonly combine: Combine

  constructor(
    fn: string,
    private readonly type: SqlType,
  ) {
    this.stateTypes = [type]
    this.combine = combinerOf(fn, type)
  }

  private add(
    input: Vector,
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    assert(input.kind === 'number', 'bit aggregates read integers')
    const values = this.values.ensure(groupCount)
    const seen = this.seen.ensure(groupCount)
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const g = groupIds[row]!
      const value = input.values[row]!
      values[g] = seen[g] === 1 ? this.combine(values[g]!, value) : value
      seen[g] = 1
    }
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input !== undefined, 'bit aggregate argument')
    this.add(input, groupIds, groupCount, include)
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const state = states[0]
    assert(state !== undefined, 'bit aggregate state')
    this.add(state, groupIds, groupCount, null)
  }

  state(groupCount: number): Vector[] {
    return [this.evaluate(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    const seen = this.seen.ensure(groupCount)
    return numberVector(this.type, this.values.ensure(groupCount), groupCount, seen)
  }
}
