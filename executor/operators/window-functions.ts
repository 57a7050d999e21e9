// One window function call over a sorted layout (window.ts). Ranking functions fill a
// Float64Array; value functions (lag, lead, first_value, ...) pick a source row per row and
// gather once; aggregates reuse the GroupsAccumulators of executor/aggregates:
//
//   frame starts at UNBOUNDED PRECEDING   one accumulator per partition, updated once per
//                                          new frame end (a peer group for RANGE), evaluated
//                                          once per distinct frame
//   frame ends at UNBOUNDED FOLLOWING      the same, walking the partition backwards
//   any other frame (n PRECEDING ..., or   each row's frame is its own group: one update over
//   any frame with EXCLUDE)                the frames' rows laid end to end, one evaluate
//
// Frames themselves (ROWS / GROUPS / RANGE with offsets, EXCLUDE) are window-frames.ts.
//
// Results are scattered back to input order by one gather.
import {
  PgError,
  SqlState,
  assert,
  concatVectors,
  takeVector,
  type Batch,
  type Vector,
} from '../../common/index.js'
import { createAccumulator } from '../aggregates/registry.js'
import { sliceBatch, takeRows } from '../expr/batch-ops.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import type { WindowCall } from '../plan.js'
import type { WindowLayout } from './window.js'
import { frameBounds, frameRuns, type FrameBounds } from './window-frames.js'

/** Rows the frames of one sliding-frame aggregate may hold in total; more is 54000. */
export const WindowFrameRowsMax = 50_000_000

/** The result column of `call` over `rows`, in input row order. */
export function computeWindowCall(
  call: WindowCall,
  rows: Batch,
  layout: WindowLayout,
  evalContext: EvalContext,
): Vector {
  const args = call.args.map((arg) => evaluate(arg, rows, evalContext))
  switch (call.fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
    case 'cume_dist':
      return rankingVector(call, layout)
    case 'ntile':
      return ntileVector(call, layout, args[0])
    case 'lag':
    case 'lead':
      return offsetValue(call, layout, args)
    case 'first_value':
    case 'last_value':
    case 'nth_value':
      return frameValue(call, layout, args, frameBounds(call, layout, rows, evalContext))
    default:
      return windowAggregate(call, rows, layout, args, evalContext)
  }
}

function rankingVector(call: WindowCall, layout: WindowLayout): Vector {
  const { order, partitionStart, partitionEnd, peerId, peerStartOf, peerEndOf } = layout
  const values = new Float64Array(order.length)
  for (let i = 0; i < order.length; i++) {
    const start = partitionStart[i]!
    const size = partitionEnd[i]! - start
    const rank = peerStartOf[peerId[i]!]! - start + 1
    let value: number
    switch (call.fn) {
      case 'row_number':
        value = i - start + 1
        break
      case 'rank':
        value = rank
        break
      case 'dense_rank':
        value = peerId[i]! - peerId[start]! + 1
        break
      case 'percent_rank':
        value = size > 1 ? (rank - 1) / (size - 1) : 0
        break
      default:
        value = (peerEndOf[peerId[i]!]! - start) / size
    }
    values[order[i]!] = value
  }
  return { kind: 'number', type: call.type, length: order.length, validity: null, values }
}

/** ntile(n): n is read on each partition's first row, as PostgreSQL does. */
function ntileVector(call: WindowCall, layout: WindowLayout, buckets: Vector | undefined): Vector {
  assert(buckets?.kind === 'number', 'ntile takes an integer')
  const { order, partitionStart, partitionEnd } = layout
  const values = new Float64Array(order.length)
  let validity: Uint8Array | null = null
  for (let start = 0; start < order.length; start = partitionEnd[start]!) {
    const end = partitionEnd[start]!
    const first = order[start]!
    if (buckets.validity !== null && buckets.validity[first] === 0) {
      validity ??= new Uint8Array(order.length).fill(1)
      for (let i = start; i < end; i++) validity[order[i]!] = 0
      continue
    }
    const n = buckets.values[first]!
    if (n <= 0) {
      throw new PgError({
        code: SqlState.invalidArgumentForNtileFunction,
        message: 'argument of ntile must be greater than zero',
      })
    }
    const size = end - start
    const perBucket = Math.floor(size / n)
    const larger = size % n
    let bucket = 1
    let left = perBucket + (larger > 0 ? 1 : 0)
    for (let i = start; i < end; i++) {
      if (left === 0) {
        bucket += 1
        left = perBucket + (bucket <= larger ? 1 : 0)
      }
      values[order[i]!] = bucket
      left -= 1
    }
    assert(partitionStart[start] === start, 'partitions are contiguous')
  }
  return { kind: 'number', type: call.type, length: order.length, validity, values }
}

/** lag/lead(x [, offset [, default]]): the row `offset` before/after within the partition. */
function offsetValue(call: WindowCall, layout: WindowLayout, args: readonly Vector[]): Vector {
  const [value, offsets, defaults] = args
  assert(value !== undefined, 'lag/lead have a value argument')
  const { order, partitionStart, partitionEnd } = layout
  const length = order.length
  const direction = call.fn === 'lag' ? -1 : 1
  const source = new Int32Array(length)
  const isNull = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    const row = order[i]!
    let offset = 1
    if (offsets !== undefined) {
      assert(offsets.kind === 'number', 'lag/lead offset is an integer')
      if (offsets.validity !== null && offsets.validity[row] === 0) {
        isNull[row] = 1
        continue
      }
      offset = offsets.values[row]!
    }
    const target = i + direction * offset
    if (target >= partitionStart[i]! && target < partitionEnd[i]!) source[row] = order[target]!
    else if (defaults !== undefined) source[row] = length + row
    else isNull[row] = 1
  }
  const from = defaults === undefined ? value : concatVectors([value, defaults])
  return withNulls(takeVector(from, source), isNull)
}

/** first_value / last_value / nth_value over each row's frame; NULL when the frame is short. */
function frameValue(
  call: WindowCall,
  layout: WindowLayout,
  args: readonly Vector[],
  bounds: FrameBounds,
): Vector {
  const [value, nth] = args
  assert(value !== undefined, 'value functions have an argument')
  const { order } = layout
  const source = new Int32Array(order.length)
  const isNull = new Uint8Array(order.length)
  for (let i = 0; i < order.length; i++) {
    const row = order[i]!
    const runs = frameRuns(bounds, i)
    let n = 1
    if (call.fn === 'nth_value') {
      assert(nth?.kind === 'number', 'nth_value takes an integer')
      if (nth.validity !== null && nth.validity[row] === 0) {
        isNull[row] = 1
        continue
      }
      n = nth.values[row]!
      if (n <= 0) {
        throw new PgError({
          code: SqlState.invalidArgumentForNthValueFunction,
          message: 'argument of nth_value must be greater than zero',
        })
      }
    }
    const at = call.fn === 'last_value' ? lastOfRuns(runs) : nthOfRuns(runs, n)
    if (at >= 0) source[row] = order[at]!
    else isNull[row] = 1
  }
  return withNulls(takeVector(value, source), isNull)
}

/** The n-th (1-based) position of a frame's runs, or -1 when the frame is shorter. */
function nthOfRuns(runs: readonly [number, number][], n: number): number {
  let remaining = n
  for (const [from, to] of runs) {
    if (to - from >= remaining) return from + remaining - 1
    remaining -= to - from
  }
  return -1
}

function lastOfRuns(runs: readonly [number, number][]): number {
  for (let r = runs.length - 1; r >= 0; r--) {
    const [from, to] = runs[r]!
    if (to > from) return to - 1
  }
  return -1
}

function withNulls(vector: Vector, isNull: Uint8Array): Vector {
  if (!isNull.includes(1)) return vector
  const validity = vector.validity ?? new Uint8Array(vector.length).fill(1)
  for (let row = 0; row < isNull.length; row++) if (isNull[row] === 1) validity[row] = 0
  return { ...vector, validity }
}

/** An aggregate over each row's frame, with the aggregate registry's accumulators. */
function windowAggregate(
  call: WindowCall,
  rows: Batch,
  layout: WindowLayout,
  args: readonly Vector[],
  evalContext: EvalContext,
): Vector {
  const { order } = layout
  const sorted = takeRows({ length: rows.length, columns: args }, order)
  let include: Uint8Array | null = null
  if (call.filter !== null) {
    const filter = evaluate(call.filter, rows, evalContext)
    assert(filter.kind === 'bool', 'FILTER is boolean')
    include = new Uint8Array(order.length)
    for (let i = 0; i < order.length; i++) {
      const row = order[i]!
      const valid = filter.validity === null || filter.validity[row] === 1
      include[i] = valid && filter.values[row] === 1 ? 1 : 0
    }
  }
  const bounds = frameBounds(call, layout, rows, evalContext)
  const { frameStart, frameEnd } = bounds
  const running = call.frame.start.kind === 'unbounded-preceding'
  const anchored = running || call.frame.end.kind === 'unbounded-following'
  const evaluated =
    anchored && bounds.excludeStart === null
      ? growingFrames(call, layout, sorted, include, running ? frameEnd : frameStart, running)
      : slidingFrames(call, sorted, include, bounds)
  const selection = new Int32Array(order.length)
  for (let i = 0; i < order.length; i++) selection[order[i]!] = evaluated.frameOf[i]!
  return takeVector(evaluated.values, selection)
}

interface FrameResults {
  /** One value per distinct frame. */
  readonly values: Vector
  /** Sorted position → index into values. */
  readonly frameOf: Int32Array
}

/**
 * Frames anchored at one end of the partition: the moving bound only grows the frame, so
 * each partition's accumulator is updated with the new rows and evaluated once per distinct
 * frame. `forward` walks from the partition's start (`bound` holds frame ends), otherwise
 * from its end (`bound` holds frame starts).
 */
function growingFrames(
  call: WindowCall,
  layout: WindowLayout,
  sorted: Batch,
  include: Uint8Array | null,
  bound: Int32Array,
  forward: boolean,
): FrameResults {
  const { partitionEnd } = layout
  const length = layout.order.length
  const frameOf = new Int32Array(length)
  const values: Vector[] = []
  const groupIds = new Int32Array(length)
  const aggregate = { ...call, distinct: false }
  for (let start = 0; start < length; start = partitionEnd[start]!) {
    const end = partitionEnd[start]!
    const accumulator = createAccumulator(aggregate)
    let added = forward ? start : end
    let previous = -1
    for (let step = 0; step < end - start; step++) {
      const i = forward ? start + step : end - 1 - step
      const edge = bound[i]!
      if (edge !== previous) {
        const from = forward ? added : edge
        const to = forward ? edge : added
        if (to > from) {
          const slice = sliceBatch(sorted, from, to)
          const ids = groupIds.subarray(0, to - from)
          accumulator.update(slice.columns, ids, 1, include?.subarray(from, to) ?? null)
          added = forward ? to : from
        }
        values.push(accumulator.evaluate(1))
        previous = edge
      }
      frameOf[i] = values.length - 1
    }
  }
  return { values: concatVectors(values), frameOf }
}

/** Frames bounded on both sides: every row's frame is its own group in one update. */
function slidingFrames(
  call: WindowCall,
  sorted: Batch,
  include: Uint8Array | null,
  bounds: FrameBounds,
): FrameResults {
  const length = bounds.frameStart.length
  const runsOf = (i: number): [number, number][] => frameRuns(bounds, i)
  let total = 0
  for (let i = 0; i < length; i++) for (const [from, to] of runsOf(i)) total += to - from
  if (total > WindowFrameRowsMax) {
    throw new PgError({
      code: SqlState.programLimitExceeded,
      message: 'window frames are too large',
      detail: `The frames of one window function may hold at most ${WindowFrameRowsMax} rows in total.`,
    })
  }
  const rowOf = new Int32Array(total)
  const groupIds = new Int32Array(total)
  const included = include === null ? null : new Uint8Array(total)
  let at = 0
  for (let i = 0; i < length; i++) {
    for (const [from, to] of runsOf(i)) {
      for (let position = from; position < to; position++) {
        rowOf[at] = position
        groupIds[at] = i
        if (included !== null && include !== null) included[at] = include[position]!
        at += 1
      }
    }
  }
  const accumulator = createAccumulator({ ...call, distinct: false })
  accumulator.update(takeRows(sorted, rowOf).columns, groupIds, length, included)
  const frameOf = new Int32Array(length)
  for (let i = 0; i < length; i++) frameOf[i] = i
  return { values: accumulator.evaluate(length), frameOf }
}
