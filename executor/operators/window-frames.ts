// Each row's window frame, in sorted positions of a WindowLayout (window.ts):
//
//   ROWS     n PRECEDING/FOLLOWING count rows
//   GROUPS   n PRECEDING/FOLLOWING count peer groups
//   RANGE    CURRENT ROW is the row's peers; n PRECEDING/FOLLOWING is the rows whose ORDER BY
//            value lies within n of the row's (timestamps and dates: ± an interval, in the
//            session time zone), found by binary search over the partition's non-NULL keys;
//            a NULL key's offset bounds are its NULL peers, as in PostgreSQL
//
// EXCLUDE CURRENT ROW / GROUP / TIES removes one contiguous run around the row (TIES keeps
// the row itself), so a frame is at most three runs of sorted positions: frameRuns.
import { assert, type Batch, type Vector } from '../../common/index.js'
import { decimalToNumber } from '../decimal.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { addInterval } from '../functions/interval-kernels.js'
import { microsPerDay } from '../format/time-zone.js'
import { intervalAt, intervalSpanMicros } from '../interval/interval-layout.js'
import type { WindowCall, WindowFrameBound } from '../plan.js'
import type { WindowLayout } from './window.js'

export interface FrameBounds {
  /** Sorted position → first position of its frame. */
  readonly frameStart: Int32Array
  /** Sorted position → one past the last position of its frame. */
  readonly frameEnd: Int32Array
  /** Sorted position → the excluded run [excludeStart, excludeEnd); null without EXCLUDE. */
  readonly excludeStart: Int32Array | null
  readonly excludeEnd: Int32Array | null
  /** EXCLUDE TIES: the row itself stays in its frame. */
  readonly keepsCurrentRow: boolean
}

/** The ORDER BY key of a RANGE frame with offsets, by sorted position. */
interface RangeKeys {
  readonly values: Float64Array
  readonly isNull: Uint8Array
  /** 1 ascending, -1 descending: direction × value rises along the sorted positions. */
  readonly direction: number
  readonly type: 'timestamptz' | 'timestamp' | 'interval' | 'number'
  readonly timeZone: string
}

function hasRangeOffset(call: WindowCall): boolean {
  const offsetKind = (b: WindowFrameBound): boolean =>
    b.kind === 'preceding' || b.kind === 'following'
  return call.frame.mode === 'range' && (offsetKind(call.frame.start) || offsetKind(call.frame.end))
}

function rangeKeys(
  call: WindowCall,
  rows: Batch,
  layout: WindowLayout,
  evalContext: EvalContext,
): RangeKeys {
  const key = call.orderBy[0]
  assert(key !== undefined, 'RANGE with offsets has one ORDER BY key')
  const vector: Vector = evaluate(key.expr, rows, evalContext)
  const { order } = layout
  const values = new Float64Array(order.length)
  const isNull = new Uint8Array(order.length)
  for (let i = 0; i < order.length; i++) {
    const row = order[i]!
    if (vector.validity !== null && vector.validity[row] === 0) {
      isNull[i] = 1
      continue
    }
    if (vector.kind === 'number') values[i] = vector.values[row]!
    else if (vector.kind === 'text' && vector.type === 'interval')
      values[i] = intervalSpanMicros(intervalAt(vector, row))
    else if (vector.kind === 'numeric')
      values[i] = decimalToNumber({ unscaled: vector.unscaled[row]!, scale: vector.scales[row]! })
  }
  // Dates move by intervals as timestamps (in_range(date, date, interval) does the same).
  if (vector.type === 'date') for (let i = 0; i < values.length; i++) values[i]! *= microsPerDay
  const type =
    vector.type === 'timestamptz'
      ? 'timestamptz'
      : vector.type === 'timestamp' || vector.type === 'date'
        ? 'timestamp'
        : vector.type === 'interval'
          ? 'interval'
          : 'number'
  return {
    values,
    isNull,
    direction: key.descending ? -1 : 1,
    type,
    timeZone: evalContext.timeZone,
  }
}

/** Each sorted position's frame and exclusion. */
export function frameBounds(
  call: WindowCall,
  layout: WindowLayout,
  rows: Batch,
  evalContext: EvalContext,
): FrameBounds {
  const length = layout.order.length
  const frameStart = new Int32Array(length)
  const frameEnd = new Int32Array(length)
  const keys = hasRangeOffset(call) ? rangeKeys(call, rows, layout, evalContext) : null
  for (let i = 0; i < length; i++) {
    const start = boundPosition(call, call.frame.start, true, i, layout, keys)
    const end = boundPosition(call, call.frame.end, false, i, layout, keys)
    frameStart[i] = start
    frameEnd[i] = Math.max(start, end)
  }
  const exclude = call.frame.exclude
  if (exclude === undefined) {
    return { frameStart, frameEnd, excludeStart: null, excludeEnd: null, keepsCurrentRow: false }
  }
  const excludeStart = new Int32Array(length)
  const excludeEnd = new Int32Array(length)
  const { peerId, peerStartOf, peerEndOf } = layout
  for (let i = 0; i < length; i++) {
    excludeStart[i] = exclude === 'current-row' ? i : peerStartOf[peerId[i]!]!
    excludeEnd[i] = exclude === 'current-row' ? i + 1 : peerEndOf[peerId[i]!]!
  }
  return { frameStart, frameEnd, excludeStart, excludeEnd, keepsCurrentRow: exclude === 'ties' }
}

/** The frame of position i as up to three runs [from, to) in order. */
export function frameRuns(bounds: FrameBounds, i: number): [number, number][] {
  const start = bounds.frameStart[i]!
  const end = bounds.frameEnd[i]!
  if (bounds.excludeStart === null || bounds.excludeEnd === null) return [[start, end]]
  const excludedFrom = Math.max(start, bounds.excludeStart[i]!)
  const excludedTo = Math.min(end, bounds.excludeEnd[i]!)
  if (excludedFrom >= excludedTo) return [[start, end]]
  const runs: [number, number][] = []
  if (start < excludedFrom) runs.push([start, excludedFrom])
  if (bounds.keepsCurrentRow && i >= excludedFrom && i < excludedTo) runs.push([i, i + 1])
  if (excludedTo < end) runs.push([excludedTo, end])
  return runs
}

/** Where a frame bound falls for row i: the first position (start) or one past the last (end). */
function boundPosition(
  call: WindowCall,
  bound: WindowFrameBound,
  isStart: boolean,
  i: number,
  layout: WindowLayout,
  keys: RangeKeys | null,
): number {
  const mode = call.frame.mode
  const { partitionStart, partitionEnd, peerId, peerStartOf, peerEndOf } = layout
  const first = partitionStart[i]!
  const last = partitionEnd[i]!
  switch (bound.kind) {
    case 'unbounded-preceding':
      return first
    case 'unbounded-following':
      return last
    case 'current-row':
      if (mode === 'rows') return isStart ? i : i + 1
      return isStart ? peerStartOf[peerId[i]!]! : peerEndOf[peerId[i]!]!
    case 'preceding':
    case 'following': {
      if (mode === 'range') {
        assert(keys !== null, 'RANGE offsets have their keys')
        return rangePosition(bound, isStart, i, first, last, layout, keys)
      }
      const step = bound.kind === 'preceding' ? -bound.offset : bound.offset
      if (mode === 'rows') return Math.min(last, Math.max(first, i + step + (isStart ? 0 : 1)))
      const group = peerId[i]! + step
      if (group < peerId[first]!) return first
      if (group > peerId[last - 1]!) return last
      return isStart ? peerStartOf[group]! : peerEndOf[group]!
    }
  }
}

function rangePosition(
  bound: WindowFrameBound,
  isStart: boolean,
  i: number,
  first: number,
  last: number,
  layout: WindowLayout,
  keys: RangeKeys,
): number {
  const { values, isNull, direction } = keys
  const { peerId, peerStartOf, peerEndOf } = layout
  if (isNull[i] === 1) return isStart ? peerStartOf[peerId[i]!]! : peerEndOf[peerId[i]!]!
  // The partition's non-NULL run: NULLs sort all first or all last.
  let from = first
  let to = last
  while (from < to && isNull[from] === 1) from++
  while (to > from && isNull[to - 1] === 1) to--
  const sign = (bound.kind === 'preceding' ? -1 : 1) * direction
  const value = values[i]!
  let target: number
  if (bound.interval !== undefined && keys.type === 'interval') {
    // in_range(interval, interval): interval_pl then interval_cmp, i.e. span arithmetic.
    target = value + sign * intervalSpanMicros(bound.interval)
  } else if (bound.interval !== undefined) {
    const interval = bound.interval
    const signed =
      sign > 0
        ? interval
        : { months: -interval.months, days: -interval.days, micros: -interval.micros }
    target = addInterval(
      keys.type === 'timestamptz' ? 'timestamptz' : 'timestamp',
      value,
      signed,
      keys.timeZone,
    )
  } else {
    target = value + sign * bound.offset
  }
  const wanted = direction * target
  // Start: the first position whose value is at or past the target; end: one past the last
  // position at or before it (both along the sort direction).
  let low = from
  let high = to
  while (low < high) {
    const middle = (low + high) >>> 1
    const at = direction * values[middle]!
    if (isStart ? at < wanted : at <= wanted) low = middle + 1
    else high = middle
  }
  return low
}
