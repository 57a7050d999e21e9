// sum(interval) and avg(interval): the state is the field-wise sum (months, days, micros as
// three Float64 slots per group) and the count, so merging partial states is addition. avg
// divides as interval_div does, cascading fractional months and days down.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import { decodeIntervals, encodeIntervals } from '../interval/interval-layout.js'
import { checkedInterval } from '../interval/interval-text.js'
import { scaleInterval } from '../interval/interval-math.js'
import { GroupNumbers, numberVector, rowCounts, type GroupsAccumulator } from './accumulator.js'

export class IntervalSumAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['interval', 'int8']
  private readonly months = new GroupNumbers()
  private readonly days = new GroupNumbers()
  private readonly micros = new GroupNumbers()
  private readonly counts = new GroupNumbers()

  constructor(private readonly average: boolean) {}

  private add(
    vector: Vector,
    counts: Float64Array | null,
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    assert(vector.kind === 'text', 'interval sum input is an interval vector')
    const input = decodeIntervals(vector)
    const months = this.months.ensure(groupCount)
    const days = this.days.ensure(groupCount)
    const micros = this.micros.ensure(groupCount)
    const count = this.counts.ensure(groupCount)
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const group = groupIds[row]!
      months[group]! += input.months[row]!
      days[group]! += input.days[row]!
      micros[group]! += input.micros[row]!
      count[group]! += counts === null ? 1 : counts[row]!
    }
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const vector = args[0]
    assert(vector !== undefined, 'interval sum has an argument')
    this.add(vector, null, groupIds, groupCount, include)
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const [sums, counts] = states
    assert(
      sums !== undefined && counts?.kind === 'number',
      'interval sum state is (interval, int8)',
    )
    this.add(sums, counts.values, groupIds, groupCount, null)
  }

  private sums(groupCount: number, divide: boolean): Vector {
    const months = new Int32Array(groupCount)
    const days = new Int32Array(groupCount)
    const micros = new Float64Array(groupCount)
    const count = this.counts.ensure(groupCount)
    const validity = new Uint8Array(groupCount)
    let anyNull = false
    for (let group = 0; group < groupCount; group++) {
      const n = count[group]!
      if (n === 0) {
        anyNull = true
        continue
      }
      validity[group] = 1
      let value = checkedInterval(
        this.months.ensure(groupCount)[group]!,
        this.days.ensure(groupCount)[group]!,
        this.micros.ensure(groupCount)[group]!,
      )
      if (divide) value = scaleInterval(value, n, true)
      months[group] = value.months
      days[group] = value.days
      micros[group] = value.micros
    }
    return encodeIntervals('interval', months, days, micros, anyNull ? validity : null)
  }

  state(groupCount: number): Vector[] {
    const counts = numberVector('int8', this.counts.ensure(groupCount), groupCount, null)
    return [this.sums(groupCount, false), counts]
  }

  evaluate(groupCount: number): Vector {
    return this.sums(groupCount, this.average)
  }
}
