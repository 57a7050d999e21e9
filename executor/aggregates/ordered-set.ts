// Ordered-set aggregates: percentile_cont, percentile_disc and mode WITHIN GROUP (ORDER BY x).
// They need every value of a group, so the accumulator keeps the values themselves: each
// batch's counted rows are gathered into one vector (typed arrays) beside their group ids.
//
//   worker:       update ─► values + group ids ─► state: one bytea per group holding its
//                                                 values (numbers: the Float64Array's bytes)
//   coordinator:  merge decodes each group's values and appends them; evaluate sorts each
//                 group once, at the end, and picks PostgreSQL's answer:
//
//   percentile_cont(f): lerp between rows floor(f·(n-1)) and ceil(f·(n-1)), float8
//   percentile_disc(f): row max(ceil(f·n), 1) - 1, of the input type
//   mode():             the most frequent value; ties go to the first in sort order
//
// NULL values are skipped; a group with no values is NULL; a NULL fraction gives NULL, one
// outside [0, 1] is 22003 (checked when a group is evaluated, as PostgreSQL's final
// function does; an array's fractions only for a group with values). The array form (percentile-arrays.ts) answers one array per group. ORDER BY x DESC sorts descending, which percentile and mode's tie-break observe.
import {
  PgError,
  SqlState,
  assert,
  notSupported,
  nullVector,
  vectorKindOf,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import { concatVectors, takeVector } from '../expr/batch-ops.js'
import type { AggregateCall } from '../plan.js'
import { numberVector, type GroupsAccumulator } from './accumulator.js'
import { decodeDistinctValues, encodeValues } from './distinct.js'
import { compareDecimalParts, growTo } from './key-column.js'
import { compareBytes, compareNumbers } from './min-max.js'
import { percentileArrays } from './percentile-arrays.js'
import { sortFloatRuns } from './sorted-runs.js'

export type OrderedSetFunction = 'percentile_cont' | 'percentile_disc' | 'mode'

export const orderedSetFunctions: readonly string[] = ['percentile_cont', 'percentile_disc', 'mode']

export class OrderedSetAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['bytea']
  private readonly chunks: Vector[] = []
  private groups = new Int32Array(1024)
  private valueCount = 0
  private readonly fn: OrderedSetFunction
  private readonly fraction: number | null
  private readonly fractions: readonly (number | null)[] | null | undefined
  private readonly descending: boolean
  private readonly valueType: SqlType

  /** One answer's type: float8 for percentile_cont, else the sorted value's. */
  private get resultType(): SqlType {
    return this.fn === 'percentile_cont' ? 'float8' : this.valueType
  }

  constructor(call: AggregateCall) {
    assert(orderedSetFunctions.includes(call.fn), 'an ordered-set aggregate')
    const argument = call.args[0]
    assert(argument !== undefined, 'an ordered-set aggregate has its sorted argument')
    this.fn = call.fn as OrderedSetFunction
    this.fraction = call.withinGroup?.fraction ?? null
    this.fractions = call.withinGroup?.fractions
    this.descending = call.withinGroup?.descending ?? false
    this.valueType = argument.type
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    _groupCount: number,
    include: Uint8Array | null,
  ): void {
    if (this.leader !== null) return
    const input = args[0]
    assert(input !== undefined, 'an ordered-set aggregate has one aggregated argument')
    const validity = input.validity
    const selection = new Int32Array(groupIds.length)
    let selected = 0
    for (let row = 0; row < groupIds.length; row++) {
      if (groupIds[row]! < 0) continue
      if (include !== null && include[row] !== 1) continue
      if (validity !== null && validity[row] !== 1) continue
      selection[selected++] = row
    }
    if (selected === 0) return
    const rows = selection.subarray(0, selected)
    this.appendValues(takeVector(input, rows), rows, groupIds)
  }

  private appendValues(values: Vector, rows: Int32Array | null, groupIds: Int32Array): void {
    const count = values.length
    if (this.valueCount + count > this.groups.length)
      this.groups = growTo(this.groups, Math.max(this.valueCount + count, this.groups.length * 2))
    for (let i = 0; i < count; i++) {
      this.groups[this.valueCount + i] = groupIds[rows === null ? i : rows[i]!]!
    }
    this.valueCount += count
    this.chunks.push(values)
  }

  merge(states: readonly Vector[], groupIds: Int32Array): void {
    const state = states[0]
    assert(state?.kind === 'text', 'an ordered-set state is bytea')
    if (this.leader !== null) return
    if (vectorKindOf(this.valueType) === 'number') {
      this.mergeNumbers(state, groupIds)
      return
    }
    const decoded = decodeDistinctValues(state, groupIds, this.valueType)
    if (decoded.values.length > 0) this.appendValues(decoded.values, null, decoded.groupIds)
  }

  /** Number states are Float64Array bytes: copied whole, one group id per 8 bytes. */
  private mergeNumbers(state: Vector & { kind: 'text' }, groupIds: Int32Array): void {
    const { offsets, data, validity } = state
    const counted = (row: number): boolean =>
      groupIds[row]! >= 0 && (validity === null || validity[row] !== 0)
    let total = 0
    for (let row = 0; row < state.length; row++)
      if (counted(row)) total += (offsets[row + 1]! - offsets[row]!) / 8
    if (total === 0) return
    const values = new Float64Array(total)
    const groups = new Int32Array(total)
    const aligned = data.byteOffset % 8 === 0
    let next = 0
    for (let row = 0; row < state.length; row++) {
      if (!counted(row)) continue
      const start = offsets[row]!
      const count = (offsets[row + 1]! - start) / 8
      const bytes = data.subarray(start, start + count * 8)
      const source =
        aligned && start % 8 === 0
          ? new Float64Array(data.buffer, data.byteOffset + start, count)
          : new Float64Array(bytes.slice().buffer)
      values.set(source, next)
      groups.fill(groupIds[row]!, next, next + count)
      next += count
    }
    const vector: Vector = {
      kind: 'number',
      type: this.valueType,
      length: total,
      validity: null,
      values,
    }
    this.appendValues(vector, null, groups)
  }

  /** Every value, with the rows of each group contiguous: [starts[g], starts[g + 1]). */
  private byGroup(groupCount: number): { values: Vector; order: Int32Array; starts: Int32Array } {
    const values =
      this.chunks.length === 0
        ? emptyVector(this.valueType)
        : this.chunks.length === 1
          ? this.chunks[0]!
          : concatVectors(this.chunks)
    this.chunks.length = 0
    if (values.length > 0) this.chunks.push(values)
    const starts = new Int32Array(groupCount + 1)
    for (let i = 0; i < this.valueCount; i++) starts[this.groups[i]! + 1]!++
    for (let group = 0; group < groupCount; group++) starts[group + 1]! += starts[group]!
    const cursor = starts.slice(0, groupCount)
    const order = new Int32Array(this.valueCount)
    for (let i = 0; i < this.valueCount; i++) order[cursor[this.groups[i]!]!++] = i
    return { values, order, starts }
  }

  state(groupCount: number): Vector[] {
    const { values, order, starts } = this.byGroup(groupCount)
    const offsets = new Int32Array(groupCount + 1)
    if (values.kind === 'number') {
      // The group-ordered values are one Float64Array; each group's bytes are a slice of it.
      const gathered = new Float64Array(order.length)
      for (let i = 0; i < order.length; i++) gathered[i] = values.values[order[i]!]!
      for (let group = 0; group <= groupCount; group++) offsets[group] = starts[group]! * 8
      // Sorted here, on the worker: the coordinator then merges sorted runs (sorted-runs.ts).
      for (let group = 0; group < groupCount; group++) {
        gathered.subarray(starts[group]!, starts[group + 1]!).sort()
      }
      const data = new Uint8Array(gathered.buffer)
      return [{ kind: 'text', type: 'bytea', length: groupCount, validity: null, offsets, data }]
    }
    const parts: Uint8Array[] = []
    let total = 0
    for (let group = 0; group < groupCount; group++) {
      const bytes = encodeValues(values, order.subarray(starts[group]!, starts[group + 1]!))
      parts.push(bytes)
      total += bytes.length
      offsets[group + 1] = total
    }
    const data = new Uint8Array(total)
    parts.forEach((part, group) => data.set(part, offsets[group]!))
    return [{ kind: 'text', type: 'bytea', length: groupCount, validity: null, offsets, data }]
  }

  /**
   * Makes this accumulator read `leader`'s values: same sorted argument and FILTER (q03's
   * p50, p95 and p99 of one column), so the values travel and sort once. It then keeps no
   * values and ships an empty state.
   */
  follow(leader: OrderedSetAccumulator): void {
    assert(vectorKindOf(this.valueType) === 'number', 'only number values are shared')
    this.leader = leader
  }

  private leader: OrderedSetAccumulator | null = null
  private sortedCache: { sorted: Float64Array; starts: Int32Array } | null = null

  /** Each group's number values sorted ascending (NaN last), groups one after another. */
  private sortedNumbers(groupCount: number): { sorted: Float64Array; starts: Int32Array } {
    const cached = this.sortedCache
    if (cached !== null && cached.starts.length === groupCount + 1) return cached
    const { values, order, starts } = this.byGroup(groupCount)
    assert(values.kind === 'number', 'sorted numbers come from a number vector')
    const sorted = new Float64Array(order.length)
    for (let i = 0; i < order.length; i++) sorted[i] = values.values[order[i]!]!
    for (let group = 0; group < groupCount; group++)
      sortFloatRuns(sorted.subarray(starts[group]!, starts[group + 1]!)) // float8 order
    this.sortedCache = { sorted, starts }
    return this.sortedCache
  }

  evaluate(groupCount: number): Vector {
    const fractions = this.fractions
    if (fractions === undefined) {
      // PostgreSQL checks a scalar fraction even over no rows, an array's only over rows.
      const fraction = this.fraction
      if (this.fn !== 'mode' && fraction !== null && groupCount > 0) checkFraction(fraction)
      return this.evaluateAt(groupCount, fraction)
    }
    return percentileArrays(this.nonEmptyGroups(groupCount), fractions, this.resultType, (f) =>
      this.evaluateAt(groupCount, f),
    )
  }

  /** 1 for each group with at least one value. */
  private nonEmptyGroups(groupCount: number): Uint8Array {
    const starts =
      vectorKindOf(this.valueType) === 'number'
        ? (this.leader ?? this).sortedNumbers(groupCount).starts
        : this.byGroup(groupCount).starts
    const nonEmpty = new Uint8Array(groupCount)
    for (let group = 0; group < groupCount; group++)
      nonEmpty[group] = starts[group + 1]! > starts[group]! ? 1 : 0
    return nonEmpty
  }

  /** Each group's answer for one fraction (NULL for an empty group or a NULL fraction). */
  private evaluateAt(groupCount: number, fraction: number | null): Vector {
    if (vectorKindOf(this.valueType) === 'number') return this.evaluateNumbers(groupCount, fraction)
    const { values, order, starts } = this.byGroup(groupCount)
    const chosen = new Int32Array(groupCount)
    const validity = new Uint8Array(groupCount)
    const compare = valueComparator(values, this.descending)
    for (let group = 0; group < groupCount; group++) {
      const rows = order.subarray(starts[group]!, starts[group + 1]!)
      if (rows.length === 0 || (this.fn !== 'mode' && fraction === null)) continue
      if (fraction !== null) checkFraction(fraction)
      rows.sort(compare)
      validity[group] = 1
      chosen[group] = this.fn === 'mode' ? modeRow(rows, compare) : discreteRow(rows, fraction!)
    }
    const picked = takeVector(values.length === 0 ? emptyVector(this.valueType, 1) : values, chosen)
    const allValid = validity.every((v) => v === 1)
    return { ...picked, validity: allValid ? null : validity }
  }

  private evaluateNumbers(groupCount: number, fraction: number | null): Vector {
    const { sorted, starts } = (this.leader ?? this).sortedNumbers(groupCount)
    const results = new Float64Array(groupCount)
    const seen = new Uint8Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      const start = starts[group]!
      const count = starts[group + 1]! - start
      if (count === 0 || (this.fn !== 'mode' && fraction === null)) continue
      if (fraction !== null) checkFraction(fraction)
      // Position i in the requested order: DESC reads the ascending run backwards.
      const at = this.descending
        ? (i: number): number => sorted[start + count - 1 - i]!
        : (i: number): number => sorted[start + i]!
      results[group] =
        this.fn === 'percentile_cont'
          ? continuousPercentileAt(at, count, fraction!)
          : this.fn === 'percentile_disc'
            ? at(Math.max(Math.ceil(fraction! * count), 1) - 1)
            : modeOfSorted(at, count)
      seen[group] = 1
    }
    return numberVector(this.resultType, results, groupCount, seen)
  }
}

/** percentile_cont over `count` values read in order by `at`. */
function continuousPercentileAt(
  at: (i: number) => number,
  count: number,
  fraction: number,
): number {
  const position = fraction * (count - 1)
  const first = Math.floor(position)
  const second = Math.ceil(position)
  const low = at(first)
  if (first === second) return low
  const high = at(second)
  return low + (high - low) * (position - first)
}

/** The value of the first longest run of equal values (NaN equal to NaN, -0 to 0). */
function modeOfSorted(at: (i: number) => number, count: number): number {
  const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b)
  let best = at(0)
  let bestCount = 0
  let runStart = 0
  for (let i = 1; i <= count; i++) {
    if (i < count && same(at(runStart), at(i))) continue
    if (i - runStart > bestCount) {
      bestCount = i - runStart
      best = at(runStart)
    }
    runStart = i
  }
  return best
}

/** PostgreSQL's percentile_cont over sorted values: float8_lerp of the two nearest rows. */
export function continuousPercentile(sorted: Float64Array, fraction: number): number {
  return continuousPercentileAt((i) => sorted[i]!, sorted.length, fraction)
}

/**
 * Links ordered-set accumulators over the same number argument and FILTER to the first of
 * them, which keeps, ships and sorts the values for all (see follow).
 */
export function shareOrderedSetValues(
  calls: readonly AggregateCall[],
  accumulators: readonly GroupsAccumulator[],
): void {
  const leaders = new Map<string, OrderedSetAccumulator>()
  calls.forEach((call, index) => {
    const accumulator = accumulators[index]
    if (!(accumulator instanceof OrderedSetAccumulator)) return
    if (vectorKindOf(call.args[0]?.type ?? 'text') !== 'number') return
    const key = JSON.stringify([call.args, call.filter])
    const leader = leaders.get(key)
    if (leader === undefined) leaders.set(key, accumulator)
    else accumulator.follow(leader)
  })
}

function discreteRow(rows: Int32Array, fraction: number): number {
  const rank = Math.ceil(fraction * rows.length)
  return rows[Math.max(rank, 1) - 1]!
}

/** The first row of the longest run of equal values (sorted rows). */
function modeRow(rows: Int32Array, compare: (a: number, b: number) => number): number {
  let best = rows[0]!
  let bestCount = 0
  let runStart = 0
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && compare(rows[runStart]!, rows[i]!) === 0) continue
    if (i - runStart > bestCount) {
      bestCount = i - runStart
      best = rows[runStart]!
    }
    runStart = i
  }
  return best
}

function checkFraction(fraction: number): void {
  if (fraction >= 0 && fraction <= 1) return
  throw new PgError({
    code: SqlState.numericValueOutOfRange,
    message: `percentile value ${formatG(fraction)} is not between 0 and 1`,
  })
}

/** printf's %g, which PostgreSQL's message uses: 6 significant digits, no trailing zeros. */
function formatG(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)))
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, power] = value.toExponential(5).split('e')
    const trimmed = mantissa!.replace(/\.?0+$/, '')
    const sign = power!.startsWith('-') ? '-' : '+'
    const digits = power!.replace(/^[-+]/, '').padStart(2, '0')
    return `${trimmed}e${sign}${digits}`
  }
  return String(Number(value.toPrecision(6)))
}

function valueComparator(vector: Vector, descending: boolean): (a: number, b: number) => number {
  const direction = descending ? -1 : 1
  switch (vector.kind) {
    case 'number': {
      const values = vector.values
      return (a, b) => compareNumbers(values[a]!, values[b]!) * direction
    }
    case 'bool': {
      const values = vector.values
      return (a, b) => (values[a]! - values[b]!) * direction
    }
    case 'text': {
      const { offsets, data } = vector
      return (a, b) =>
        compareBytes(data, offsets[a]!, offsets[a + 1]!, data, offsets[b]!, offsets[b + 1]!) *
        direction
    }
    case 'numeric': {
      const { unscaled, scales } = vector
      return (a, b) =>
        compareDecimalParts(unscaled[a]!, scales[a]!, unscaled[b]!, scales[b]!) * direction
    }
    case 'array':
      throw notSupported('ordered-set aggregates over arrays')
  }
}

/** A vector of `length` placeholder values of `type` (read only under validity 0). */
function emptyVector(type: SqlType, length = 0): Vector {
  switch (vectorKindOf(type)) {
    case 'number':
      return { kind: 'number', type, length, validity: null, values: new Float64Array(length) }
    case 'bool':
      return { kind: 'bool', type, length, validity: null, values: new Uint8Array(length) }
    case 'text':
      const offsets = new Int32Array(length + 1)
      return { kind: 'text', type, length, validity: null, offsets, data: new Uint8Array(0) }
    case 'numeric':
      const unscaled = new Array<bigint>(length).fill(0n)
      return {
        kind: 'numeric',
        type,
        length,
        validity: null,
        unscaled,
        scales: new Uint16Array(length),
      }
    case 'array':
      return nullVector(type, length)
  }
}
