// ddsketch_agg(x [, relative_accuracy]) builds one DDSketch per group; ddsketch_merge(s) merges
// sketches. Both keep one Sketch object per group (never per row) and ship it as its protobuf
// bytes, so a worker's partial state is a ddsketch column and the coordinator merges bins.
//
//   worker:       update: accept(x) | merge(decode(s))  ─► state: encode() per group
//   coordinator:  merge: merge(decode(state))            ─► evaluate: encode() per group
//
// A group without values is NULL, as sum over no rows is.
import { PgError, SqlState, assert, type SqlType, type Vector } from '../../common/index.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import type { GroupsAccumulator } from '../aggregates/accumulator.js'
import type { AggregateCall } from '../plan.js'
import { sketchBytesAt } from './ddsketch-cast.js'
import {
  Sketch,
  binKeys,
  notSketchable,
  defaultRelativeAccuracy,
  mappingForAccuracy,
  type SketchMapping,
} from './ddsketch.js'

export class DdsketchAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['ddsketch']
  private readonly sketches: (Sketch | undefined)[] = []
  private readonly mapping: SketchMapping | null
  /** Scratch for update(), reused across batches: bin keys, rows that count, rows by group. */
  private keys = new Float64Array(0)
  private selected = new Int32Array(0)
  private order = new Int32Array(0)
  private starts = new Int32Array(0)
  private cursors = new Int32Array(0)

  /** `builds` is ddsketch_agg (values in); otherwise ddsketch_merge (sketches in). */
  constructor(
    private readonly builds: boolean,
    relativeAccuracy: number,
  ) {
    this.mapping = builds ? mappingForAccuracy(relativeAccuracy) : null
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    _groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input !== undefined, 'a ddsketch aggregate has an argument')
    if (!this.builds) return this.mergeSketches(input, groupIds, include)
    assert(input.kind === 'number' && this.mapping !== null, 'ddsketch_agg reads float8')
    const { values, validity } = input
    const length = groupIds.length
    if (this.keys.length < length) {
      this.keys = new Float64Array(Math.max(length, 8192))
      this.selected = new Int32Array(this.keys.length)
      this.order = new Int32Array(this.keys.length)
    }
    const { keys, selected, order } = this
    // The rows that count, in row order: a NaN or infinity is refused before any sketch changes.
    let count = 0
    let groupLimit = 0
    for (let row = 0; row < length; row++) {
      const group = groupIds[row]!
      if (group < 0) continue
      if (include !== null && include[row] !== 1) continue
      if (validity !== null && validity[row] !== 1) continue
      const value = values[row]!
      if (!Number.isFinite(value)) throw notSketchable(value)
      selected[count++] = row
      if (group >= groupLimit) groupLimit = group + 1
    }
    if (count === 0) return
    // Bin keys for the whole batch in one loop (the logarithm dominates).
    binKeys(this.mapping, values, keys, length)
    // Rows by group, in row order within a group (a counting sort), so each sketch takes its
    // rows in one run: its summary stays in registers and its bins in cache.
    if (this.starts.length < groupLimit + 1) this.starts = new Int32Array(2 * groupLimit + 1)
    if (this.cursors.length < groupLimit) this.cursors = new Int32Array(2 * groupLimit)
    const { starts, cursors } = this
    starts.fill(0, 0, groupLimit + 1)
    for (let i = 0; i < count; i++) starts[groupIds[selected[i]!]! + 1]!++
    for (let group = 0; group < groupLimit; group++) {
      starts[group + 1]! += starts[group]!
      cursors[group] = starts[group]!
    }
    for (let i = 0; i < count; i++) {
      const row = selected[i]!
      order[cursors[groupIds[row]!]!++] = row
    }
    const sketches = this.sketches
    for (let group = 0; group < groupLimit; group++) {
      const from = starts[group]!
      const to = starts[group + 1]!
      if (from === to) continue
      let sketch = sketches[group]
      if (sketch === undefined) sketches[group] = sketch = new Sketch(this.mapping)
      sketch.acceptRun(values, keys, order, from, to)
    }
  }

  private mergeSketches(input: Vector, groupIds: Int32Array, include: Uint8Array | null): void {
    assert(input.kind === 'text', 'ddsketch states are binary vectors')
    for (let row = 0; row < groupIds.length; row++) {
      const group = groupIds[row]!
      if (group < 0) continue
      if (include !== null && include[row] !== 1) continue
      if (input.validity !== null && input.validity[row] !== 1) continue
      const bytes = sketchBytesAt(input, row)
      const sketch = this.sketches[group]
      if (sketch === undefined) this.sketches[group] = Sketch.decode(bytes)
      else sketch.mergeEncoded(bytes)
    }
  }

  mergeGroups(source: GroupsAccumulator, sourceGroups: Int32Array, groupIds: Int32Array): void {
    assert(source instanceof DdsketchAccumulator, 'groups merge between ddsketch accumulators')
    for (let i = 0; i < groupIds.length; i++) {
      const from = source.sketches[sourceGroups[i]!]
      const group = groupIds[i]!
      if (from === undefined || group < 0) continue
      let sketch = this.sketches[group]
      // A source sketch may merge into several groups: never shared, always added.
      if (sketch === undefined) this.sketches[group] = sketch = new Sketch(from.mapping)
      sketch.merge(from)
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array): void {
    const state = states[0]
    assert(state !== undefined, 'a ddsketch state has one column')
    this.mergeSketches(state, groupIds, null)
  }

  state(groupCount: number): Vector[] {
    return [this.evaluate(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    const builder = new TextVectorBuilder('ddsketch', groupCount)
    for (let group = 0; group < groupCount; group++) {
      const sketch = this.sketches[group]
      if (sketch === undefined) builder.appendNull()
      else {
        const bytes = sketch.encode()
        builder.appendBytes(bytes, 0, bytes.length)
      }
    }
    return builder.finish()
  }
}

/** ddsketch_agg's relative accuracy: its constant second argument, or 0.01. */
export function relativeAccuracyOf(call: AggregateCall): number {
  const argument = call.args[1]
  if (argument === undefined) return defaultRelativeAccuracy
  if (argument.kind !== 'literal' || typeof argument.value !== 'number') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'ddsketch_agg relative accuracy must be a constant',
    })
  }
  return argument.value
}
