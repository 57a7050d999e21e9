// Optimizer rules as pure functions over executor expressions and segment lists:
// projection pushdown (which table columns a query reads, and re-indexing expressions onto
// the scan's columns) and time-range pruning (segments whose [minTs, maxTs] cannot satisfy
// the WHERE clause's conjuncts on the table's time column are never read). Pruning must have
// no false negatives: anything it cannot prove disjoint stays.
import { assert } from '../../common/index.js'
import { collectColumns } from '../../executor/expr/columns-of.js'
import type { AggregateCall, Expr, SegmentRef } from '../../executor/plan.js'
import type { BoundSelect } from '../bind/select-binder.js'

export { collectColumns }

/** The input columns a SELECT reads: its WHERE, and its outputs or its grouping and aggregates. */
export function columnsUsedBy(bound: BoundSelect): Set<number> {
  const used = new Set<number>()
  collectColumns(bound.where, used)
  if (bound.aggregation === null) {
    for (const output of bound.outputs) collectColumns(output, used)
  } else {
    for (const key of bound.aggregation.groupBy) collectColumns(key, used)
    for (const call of bound.aggregation.aggregates) {
      for (const arg of call.args) collectColumns(arg, used)
      collectColumns(call.filter, used)
    }
  }
  return used
}

/** Re-indexes column references through `mapping` (old index → new index). */
export function remapColumns(expr: Expr, mapping: ReadonlyMap<number, number>): Expr {
  const remap = (e: Expr): Expr => remapColumns(e, mapping)
  switch (expr.kind) {
    case 'column': {
      const index = mapping.get(expr.index)
      assert(index !== undefined, 'every referenced column is in the scan')
      return { ...expr, index }
    }
    case 'literal':
      return expr
    case 'call':
      return { ...expr, args: expr.args.map(remap) }
    case 'case':
      return {
        ...expr,
        whens: expr.whens.map((w) => ({ when: remap(w.when), then: remap(w.then) })),
        otherwise: expr.otherwise === null ? null : remap(expr.otherwise),
      }
    case 'cast':
    case 'in-list':
      return { ...expr, arg: remap(expr.arg) }
  }
}

export function remapAggregate(
  call: AggregateCall,
  mapping: ReadonlyMap<number, number>,
): AggregateCall {
  return {
    ...call,
    args: call.args.map((a) => remapColumns(a, mapping)),
    filter: call.filter === null ? null : remapColumns(call.filter, mapping),
  }
}

/** Splits a predicate into its AND-ed parts. */
export function conjuncts(expr: Expr | null): Expr[] {
  if (expr === null) return []
  if (expr.kind === 'call' && expr.fn === 'and') return expr.args.flatMap((a) => conjuncts(a))
  return [expr]
}

type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge'

const flipped: Readonly<Record<Comparison, Comparison>> = {
  eq: 'eq',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
}

/** A conjunct of the form `time column <op> constant`, normalized with the column on the left. */
interface TimeBound {
  readonly op: Comparison
  readonly value: number
}

function timeBoundOf(conjunct: Expr, timeColumn: number): TimeBound | undefined {
  if (conjunct.kind !== 'call' || !(conjunct.fn in flipped)) return undefined
  const op = conjunct.fn as Comparison
  const [left, right] = conjunct.args
  if (left === undefined || right === undefined) return undefined
  if (isColumn(left, timeColumn) && isNumberLiteral(right)) return { op, value: right.value }
  if (isColumn(right, timeColumn) && isNumberLiteral(left))
    return { op: flipped[op], value: left.value }
  return undefined
}

const isColumn = (e: Expr, index: number): boolean => e.kind === 'column' && e.index === index

const isNumberLiteral = (e: Expr): e is Expr & { kind: 'literal'; value: number } =>
  e.kind === 'literal' && typeof e.value === 'number'

function mayMatch(segment: SegmentRef, bound: TimeBound): boolean {
  switch (bound.op) {
    case 'eq':
      return segment.minTs <= bound.value && bound.value <= segment.maxTs
    case 'lt':
      return segment.minTs < bound.value
    case 'le':
      return segment.minTs <= bound.value
    case 'gt':
      return segment.maxTs > bound.value
    case 'ge':
      return segment.maxTs >= bound.value
  }
}

/**
 * Keeps the segments whose time range can satisfy every `time column <op> constant` conjunct
 * of `where` (an input-space predicate); `timeColumn` is the time column's input index.
 */
export function pruneByTime(
  segments: readonly SegmentRef[],
  where: Expr | null,
  timeColumn: number | null,
): SegmentRef[] {
  if (timeColumn === null) return [...segments]
  const bounds = conjuncts(where).flatMap((c) => timeBoundOf(c, timeColumn) ?? [])
  return segments.filter((segment) => bounds.every((bound) => mayMatch(segment, bound)))
}
