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
// outside [0, 1] is 22003 (checked when a group is evaluated, as PostgreSQL's final function
// does). ORDER BY x DESC sorts descending, which percentile and mode's tie-break observe.
import {
  PgError,
  SqlState,
  assert,
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

export type OrderedSetFunction = 'percentile_cont' | 'percentile_disc' | 'mode'

export const orderedSetFunctions: readonly string[] = ['percentile_cont', 'percentile_disc', 'mode']

export class OrderedSetAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['bytea']
  private readonly chunks: Vector[] = []
  private groups = new Int32Array(1024)
  private valueCount = 0
  private readonly fn: OrderedSetFunction
  private readonly fraction: number | null
  private readonly descending: boolean
  private readonly valueType: SqlType

  constructor(call: AggregateCall) {
    assert(orderedSetFunctions.includes(call.fn), 'an ordered-set aggregate')
    const argument = call.args[0]
    assert(argument !== undefined, 'an ordered-set aggregate has its sorted argument')
    this.fn = call.fn as OrderedSetFunction
    this.fraction = call.withinGroup?.fraction ?? null
    this.descending = call.withinGroup?.descending ?? false
    this.valueType = argument.type
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    _groupCount: number,
    include: Uint8Array | null,
  ): void {
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
    const owners: number[] = []
    for (let row = 0; row < state.length; row++) {
      if (groupIds[row]! < 0 || (validity !== null && validity[row] === 0)) continue
      for (let at = offsets[row]!; at < offsets[row + 1]!; at += 8) owners.push(row)
    }
    if (owners.length === 0) return
    const values = new Float64Array(owners.length)
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    let next = 0
    for (let row = 0; row < state.length; row++) {
      if (groupIds[row]! < 0 || (validity !== null && validity[row] === 0)) continue
      for (let at = offsets[row]!; at < offsets[row + 1]!; at += 8)
        values[next++] = view.getFloat64(at, true)
    }
    const vector: Vector = {
      kind: 'number',
      type: this.valueType,
      length: values.length,
      validity: null,
      values,
    }
    const groups = Int32Array.from(owners, (row) => groupIds[row]!)
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

  evaluate(groupCount: number): Vector {
    const fraction = this.fraction
    if (this.fn !== 'mode' && fraction !== null && groupCount > 0) checkFraction(fraction)
    const { values, order, starts } = this.byGroup(groupCount)
    if (this.fn === 'percentile_cont') return this.evaluateContinuous(values, order, starts)
    const chosen = new Int32Array(groupCount)
    const validity = new Uint8Array(groupCount)
    const compare = valueComparator(values, this.descending)
    for (let group = 0; group < groupCount; group++) {
      const rows = order.subarray(starts[group]!, starts[group + 1]!)
      if (rows.length === 0 || (this.fn !== 'mode' && fraction === null)) continue
      rows.sort(compare)
      validity[group] = 1
      chosen[group] = this.fn === 'mode' ? modeRow(rows, compare) : discreteRow(rows, fraction!)
    }
    const picked = takeVector(values.length === 0 ? emptyVector(this.valueType, 1) : values, chosen)
    const allValid = validity.every((v) => v === 1)
    return { ...picked, validity: allValid ? null : validity }
  }

  private evaluateContinuous(values: Vector, order: Int32Array, starts: Int32Array): Vector {
    assert(values.kind === 'number', 'percentile_cont sorts float8 values')
    const groupCount = starts.length - 1
    const results = new Float64Array(groupCount)
    const seen = new Uint8Array(groupCount)
    const fraction = this.fraction
    for (let group = 0; group < groupCount; group++) {
      const start = starts[group]!
      const count = starts[group + 1]! - start
      if (count === 0 || fraction === null) continue
      const sorted = new Float64Array(count)
      for (let i = 0; i < count; i++) sorted[i] = values.values[order[start + i]!]!
      sorted.sort() // numeric order, NaN last: PostgreSQL's float8 order
      if (this.descending) sorted.reverse()
      results[group] = continuousPercentile(sorted, fraction)
      seen[group] = 1
    }
    return numberVector('float8', results, groupCount, seen)
  }
}

/** PostgreSQL's percentile_cont over sorted values: float8_lerp of the two nearest rows. */
export function continuousPercentile(sorted: Float64Array, fraction: number): number {
  const position = fraction * (sorted.length - 1)
  const first = Math.floor(position)
  const second = Math.ceil(position)
  const low = sorted[first]!
  if (first === second) return low
  const high = sorted[second]!
  return low + (high - low) * (position - first)
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
  }
}
