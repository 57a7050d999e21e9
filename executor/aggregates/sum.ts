// sum and avg. Integer sums are exact: each group adds into a Float64 while the total stays
// within ±(2^53 - 1), and spills into a bigint only past that, so the common case allocates
// nothing per row. sum(int2/int4) is int8 (22003 past the in-memory int8 range), sum(int8)
// and sum(numeric) are numeric, float sums are float8 (float4 for float4). avg's state is
// (sum, count); avg over integers and numeric divides exactly with PostgreSQL's division
// scale, so avg(1, 2, 2) prints 1.6666666666666667 as PostgreSQL does.
import { assert, PgError, SqlState, type SqlType, type Vector } from '../../common/index.js'
import { decimalDivide, powerOfTen } from '../decimal.js'
import {
  CountAccumulator,
  GroupFlags,
  GroupNumbers,
  numberVector,
  rowCounts,
  validityFromSeen,
  type GroupsAccumulator,
} from './accumulator.js'

const maxSafe = Number.MAX_SAFE_INTEGER
/** Rows of int2/int4 values whose sum is exact in a double: 2^21 * 2^31 = 2^52. */
const narrowBatchRowsMax = 2 ** 21

/** Exact per-group integer sums, state as numeric (scale 0). */
export class IntegerSumAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['numeric']
  private readonly fast = new GroupNumbers()
  private readonly seen = new GroupFlags()
  /** Sparse: a group's bigint part, present only once its sum left the safe range. */
  private readonly spilled: bigint[] = []

  constructor(private readonly resultType: SqlType) {}

  private add(group: number, fast: Float64Array, value: number): void {
    const sum = fast[group]! + value
    if (sum <= maxSafe && sum >= -maxSafe) fast[group] = sum
    else {
      this.spilled[group] = (this.spilled[group] ?? 0n) + BigInt(fast[group]!) + BigInt(value)
      fast[group] = 0
    }
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const fast = this.fast.ensure(groupCount)
    const seen = this.seen.ensure(groupCount)
    const input = args[0]
    assert(input?.kind === 'number', 'integer sum reads a number vector')
    const values = input.values
    const narrow = input.type === 'int2' || input.type === 'int4'
    if (groupCount === 1 && include === null && narrow && groupIds.length <= narrowBatchRowsMax) {
      this.updateSingleGroup(values, input.validity, groupIds, fast, seen)
      return
    }
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const group = groupIds[row]!
      seen[group] = 1
      this.add(group, fast, values[row]!)
    }
  }

  /**
   * One group (no GROUP BY): int2/int4 values summed in a local first. At most
   * narrowBatchRowsMax values of magnitude < 2^31 stay below 2^53, so the local is exact.
   */
  private updateSingleGroup(
    values: Float64Array,
    validity: Uint8Array | null,
    groupIds: Int32Array,
    fast: Float64Array,
    seen: Uint8Array,
  ): void {
    let sum = 0
    let any = false
    for (let row = 0; row < groupIds.length; row++) {
      if (groupIds[row]! < 0 || (validity !== null && validity[row] === 0)) continue
      sum += values[row]!
      any = true
    }
    if (!any) return
    seen[0] = 1
    this.add(0, fast, sum)
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const fast = this.fast.ensure(groupCount)
    const seen = this.seen.ensure(groupCount)
    const state = states[0]
    assert(state?.kind === 'numeric', 'integer sum state is numeric')
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, null, state.validity)) continue
      const group = groupIds[row]!
      seen[group] = 1
      const unscaled = state.unscaled[row]!
      assert(state.scales[row] === 0, 'integer sum state has scale 0')
      const small = Number(unscaled)
      if (Math.abs(small) <= maxSafe) this.add(group, fast, small)
      else this.spilled[group] = (this.spilled[group] ?? 0n) + unscaled
    }
  }

  /** The exact total of `group`. */
  total(group: number): bigint {
    return (this.spilled[group] ?? 0n) + BigInt(this.fast.values[group] ?? 0)
  }

  state(groupCount: number): Vector[] {
    const fast = this.fast.ensure(groupCount)
    const unscaled: bigint[] = new Array<bigint>(groupCount)
    for (let group = 0; group < groupCount; group++) {
      unscaled[group] = this.spilled[group] === undefined ? BigInt(fast[group]!) : this.total(group)
    }
    return [
      {
        kind: 'numeric',
        type: 'numeric',
        length: groupCount,
        validity: validityFromSeen(this.seen.ensure(groupCount), groupCount),
        unscaled,
        scales: new Uint16Array(groupCount),
      },
    ]
  }

  evaluate(groupCount: number): Vector {
    if (this.resultType === 'numeric') return { ...this.state(groupCount)[0]!, type: 'numeric' }
    const fast = this.fast.ensure(groupCount)
    const values = new Float64Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      if (this.spilled[group] !== undefined) {
        const total = this.total(group)
        if (total > BigInt(maxSafe) || total < -BigInt(maxSafe)) {
          const message = 'bigint out of range'
          throw new PgError({ code: SqlState.numericValueOutOfRange, message })
        }
        values[group] = Number(total)
      } else values[group] = fast[group]!
    }
    return numberVector(this.resultType, values, groupCount, this.seen.ensure(groupCount))
  }
}

/** Per-group float sums (float8 state). */
export class FloatSumAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['float8']
  private readonly sums = new GroupNumbers()
  private readonly seen = new GroupFlags()

  constructor(private readonly resultType: SqlType) {}

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const sums = this.sums.ensure(groupCount)
    const seen = this.seen.ensure(groupCount)
    const input = args[0]
    assert(input?.kind === 'number', 'float sum reads a number vector')
    const values = input.values
    if (include === null && input.validity === null && groupCount === 1) {
      // No GROUP BY: the same additions in the same order, in a local.
      let sum = sums[0]!
      let any = false
      for (let row = 0; row < groupIds.length; row++) {
        if (groupIds[row]! < 0) continue
        sum += values[row]!
        any = true
      }
      sums[0] = sum
      if (any) seen[0] = 1
      return
    }
    if (include === null && input.validity === null) {
      // The common case, with no per-row checks but the group id.
      for (let row = 0; row < groupIds.length; row++) {
        const group = groupIds[row]!
        if (group < 0) continue
        seen[group] = 1
        sums[group]! += values[row]!
      }
      return
    }
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const group = groupIds[row]!
      seen[group] = 1
      sums[group]! += values[row]!
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    this.update(states, groupIds, groupCount, null)
  }

  state(groupCount: number): Vector[] {
    const seen = this.seen.ensure(groupCount)
    return [numberVector('float8', this.sums.ensure(groupCount), groupCount, seen)]
  }

  evaluate(groupCount: number): Vector {
    const seen = this.seen.ensure(groupCount)
    const vector = numberVector(this.resultType, this.sums.ensure(groupCount), groupCount, seen)
    if (this.resultType === 'float4' && vector.kind === 'number') {
      for (let i = 0; i < groupCount; i++) vector.values[i] = Math.fround(vector.values[i]!)
    }
    return vector
  }
}

/** Per-group exact numeric sums; the scale is the largest input scale, as numeric_add. */
export class NumericSumAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['numeric']
  private unscaled: bigint[] = []
  private scales: number[] = []
  private readonly seen = new GroupFlags()

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const seen = this.seen.ensure(groupCount)
    const input = args[0]
    assert(input?.kind === 'numeric', 'numeric sum reads a numeric vector')
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const group = groupIds[row]!
      const scale = input.scales[row]!
      let value = input.unscaled[row]!
      let sum = this.unscaled[group] ?? 0n
      const sumScale = this.scales[group] ?? 0
      if (sumScale < scale) sum *= powerOfTen(scale - sumScale)
      else if (scale < sumScale) value *= powerOfTen(sumScale - scale)
      this.unscaled[group] = sum + value
      this.scales[group] = Math.max(scale, sumScale)
      seen[group] = 1
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    this.update(states, groupIds, groupCount, null)
  }

  state(groupCount: number): Vector[] {
    return [this.evaluate(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    const unscaled: bigint[] = new Array<bigint>(groupCount)
    const scales = new Uint16Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      unscaled[group] = this.unscaled[group] ?? 0n
      scales[group] = this.scales[group] ?? 0
    }
    const validity = validityFromSeen(this.seen.ensure(groupCount), groupCount)
    return { kind: 'numeric', type: 'numeric', length: groupCount, validity, unscaled, scales }
  }
}

/** avg: state (sum, count); exact numeric division for integers and numeric. */
export class AvgAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[]
  private readonly sum: GroupsAccumulator
  private readonly count = new CountAccumulator(false)

  constructor(private readonly argumentType: SqlType) {
    const isFloat = argumentType === 'float4' || argumentType === 'float8'
    this.sum = isFloat
      ? new FloatSumAccumulator('float8')
      : argumentType === 'numeric'
        ? new NumericSumAccumulator()
        : new IntegerSumAccumulator('numeric')
    this.stateTypes = [...this.sum.stateTypes, 'int8']
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    this.sum.update(args, groupIds, groupCount, include)
    this.count.update(args, groupIds, groupCount, include)
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    this.sum.merge(states.slice(0, 1), groupIds, groupCount)
    this.count.merge(states.slice(1, 2), groupIds, groupCount)
  }

  state(groupCount: number): Vector[] {
    return [...this.sum.state(groupCount), ...this.count.state(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    const [sums] = this.sum.state(groupCount)
    const counts = this.count.evaluate(groupCount)
    assert(sums !== undefined && counts.kind === 'number', 'avg state is (sum, count)')
    const validity = new Uint8Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      validity[group] = counts.values[group]! > 0 ? 1 : 0
    }
    const resultValidity = validity.includes(0) ? validity : null
    if (sums.kind === 'number') {
      const values = new Float64Array(groupCount)
      for (let group = 0; group < groupCount; group++) {
        values[group] = sums.values[group]! / counts.values[group]!
      }
      const length = groupCount
      return { kind: 'number', type: 'float8', length, validity: resultValidity, values }
    }
    assert(sums.kind === 'numeric', `avg(${this.argumentType}) sums exactly`)
    const unscaled: bigint[] = new Array<bigint>(groupCount)
    const scales = new Uint16Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      unscaled[group] = 0n
      if (validity[group] === 0) continue
      const sum = { unscaled: sums.unscaled[group]!, scale: sums.scales[group]! }
      const quotient = decimalDivide(sum, { unscaled: BigInt(counts.values[group]!), scale: 0 })
      unscaled[group] = quotient.unscaled
      scales[group] = quotient.scale
    }
    const length = groupCount
    return { kind: 'numeric', type: 'numeric', length, validity: resultValidity, unscaled, scales }
  }
}
