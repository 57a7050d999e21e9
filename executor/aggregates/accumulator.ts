// The accumulator contract, DataFusion's GroupsAccumulator: one accumulator holds one
// aggregate's running value for every group at once, in typed arrays indexed by group id.
//
//   worker (one per segment)                  coordinator
//   ┌──────────────────────────┐              ┌──────────────────────────────┐
//   │ update(args, groupIds)   │  state()     │ merge(states, groupIds)      │
//   │   ... once per batch ... ├─────────────►│   ... once per partial ...   │
//   └──────────────────────────┘  as Vectors  │ evaluate() → result vector   │
//                                             └──────────────────────────────┘
//
// mode 'single' runs update then evaluate in one place. The state is a fixed list of
// columns (stateTypes), one row per group, so partial results travel as ordinary batches.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import { growTo } from './key-column.js'

export interface GroupsAccumulator {
  /** The state columns' types, in the order state() returns them and merge() reads them. */
  readonly stateTypes: readonly SqlType[]
  /**
   * Adds the rows of `args` (one vector per argument) to groups: row i goes to group
   * groupIds[i]; rows where `include` is 0 (FILTER, DISTINCT duplicates) or the group id is
   * -1 are skipped. `groupCount` is the number of groups so far.
   */
  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void
  /** Folds partial states (vectors of stateTypes, row i belonging to groupIds[i]) in. */
  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void
  /**
   * Optional: folds group sourceGroups[i] of `source` (an accumulator of the same call) into
   * group groupIds[i], as merge() of its state would, without building the state vectors.
   */
  mergeGroups?(
    source: GroupsAccumulator,
    sourceGroups: Int32Array,
    groupIds: Int32Array,
    groupCount: number,
  ): void
  /** The partial state of groups 0 .. groupCount-1. */
  state(groupCount: number): Vector[]
  /** The final values of groups 0 .. groupCount-1. */
  evaluate(groupCount: number): Vector
}

/** True when row `row` takes part in an update: included, valid, with a group. */
export function rowCounts(
  row: number,
  groupIds: Int32Array,
  include: Uint8Array | null,
  validity: Uint8Array | null,
): boolean {
  return (
    groupIds[row]! >= 0 &&
    (include === null || include[row] === 1) &&
    (validity === null || validity[row] === 1)
  )
}

/** Per-group Float64 slots that grow with the group count. */
export class GroupNumbers {
  values: Float64Array
  constructor(initial = 0) {
    this.initial = initial
    this.values = new Float64Array(16).fill(initial)
  }
  private readonly initial: number
  ensure(groupCount: number): Float64Array {
    if (groupCount > this.values.length) {
      const grown = growTo(this.values, Math.max(groupCount, this.values.length * 2))
      grown.fill(this.initial, this.values.length)
      this.values = grown
    }
    return this.values
  }
}

/** Per-group byte flags (seen, bool values) that grow with the group count. */
export class GroupFlags {
  values = new Uint8Array(16)
  ensure(groupCount: number): Uint8Array {
    if (groupCount > this.values.length) {
      this.values = growTo(this.values, Math.max(groupCount, this.values.length * 2))
    }
    return this.values
  }
}

/** A number vector of the first `length` values, NULL where `seen` is 0 (when given). */
export function numberVector(
  type: SqlType,
  values: Float64Array,
  length: number,
  seen: Uint8Array | null,
): Vector {
  const validity = validityFromSeen(seen, length)
  return { kind: 'number', type, length, validity, values: values.slice(0, length) }
}

/** A validity array from per-group seen flags, or null when every group was seen. */
export function validityFromSeen(seen: Uint8Array | null, length: number): Uint8Array | null {
  if (seen === null) return null
  for (let i = 0; i < length; i++) if (seen[i] === 0) return seen.slice(0, length)
  return null
}

/** count(*) and count(x): the state is the count itself (int8). */
export class CountAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['int8']
  private readonly counts = new GroupNumbers()

  /** `star` counts rows; otherwise non-NULL values of the argument. */
  constructor(private readonly star: boolean) {}

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const counts = this.counts.ensure(groupCount)
    const validity = this.star ? null : (args[0]?.validity ?? null)
    if (include === null && validity === null) {
      for (let row = 0; row < groupIds.length; row++) {
        const group = groupIds[row]!
        if (group >= 0) counts[group]! += 1
      }
      return
    }
    for (let row = 0; row < groupIds.length; row++) {
      if (rowCounts(row, groupIds, include, validity)) counts[groupIds[row]!]! += 1
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const counts = this.counts.ensure(groupCount)
    const state = states[0]
    assert(state?.kind === 'number', 'count state is a number vector')
    for (let row = 0; row < groupIds.length; row++) {
      if (groupIds[row]! >= 0) counts[groupIds[row]!]! += state.values[row]!
    }
  }

  state(groupCount: number): Vector[] {
    return [this.evaluate(groupCount)]
  }

  evaluate(groupCount: number): Vector {
    return numberVector('int8', this.counts.ensure(groupCount), groupCount, null)
  }
}
