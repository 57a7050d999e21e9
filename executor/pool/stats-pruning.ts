// Pruning by min/max statistics, shared by the planner (whole segments, from SegmentMeta
// column stats) and the worker (single batches, from the footer's per-chunk stats).
//
// Only conjuncts of the form `column op constant` (=, <, <=, >, >=, BETWEEN as two of those,
// and IN over constants) take part, where the column is read as it is stored or through a
// widening numeric cast. A range "may match" unless the statistics prove that no row
// satisfies the conjunct: there are never false negatives. Missing or inconsistent stats,
// NaN anywhere, or a stats type other than the column's mean "cannot prune". Text compares
// by UTF-8 bytes, as the comparison kernels and the segment writer's stats do.
import type { SqlType } from '../../common/index.js'
import type { ColumnStats } from '../../storage/api.js'
import type { Expr, ScalarValue } from '../plan.js'

type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge'

const flipped: Readonly<Record<Comparison, Comparison>> = {
  eq: 'eq',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
}

/** One prunable conjunct, normalized with the column on the left. */
export interface StatsPredicate {
  /** The input column index the conjunct reads. */
  readonly column: number
  /** The column's type as the input holds it (stats must carry exactly this type). */
  readonly type: SqlType
  readonly op: Comparison | 'in'
  /** One constant for a comparison, the (non-NULL) list for IN. */
  readonly values: readonly (number | string)[]
}

const numberTypes: ReadonlySet<SqlType> = new Set<SqlType>([
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'timestamptz',
  'timestamp',
  'date',
  'oid',
])
const textTypes: ReadonlySet<SqlType> = new Set<SqlType>(['text', 'varchar', 'name'])
const widening: Readonly<Partial<Record<SqlType, readonly SqlType[]>>> = {
  int2: ['int4', 'int8', 'float4', 'float8'],
  int4: ['int8', 'float4', 'float8'],
  int8: ['float4', 'float8'],
  float4: ['float8'],
  text: ['text', 'varchar'],
  varchar: ['text', 'varchar'],
  name: ['text', 'varchar', 'name'],
}

/** The column under `expr`, when `expr` is a column or an order-preserving cast of one. */
function columnOf(expr: Expr): { index: number; type: SqlType } | undefined {
  if (expr.kind === 'column') return { index: expr.index, type: expr.type }
  if (expr.kind !== 'cast' || expr.arg.kind !== 'column') return undefined
  const from = expr.arg.type
  if (!(widening[from] ?? []).includes(expr.type)) return undefined
  return { index: expr.arg.index, type: from }
}

/** The constant as a comparable value for a column of `type`, or undefined. */
function constantFor(type: SqlType, value: ScalarValue): number | string | undefined {
  if (numberTypes.has(type))
    return typeof value === 'number' && !Number.isNaN(value) ? value : undefined
  if (textTypes.has(type)) return typeof value === 'string' ? value : undefined
  return undefined
}

function literalOf(expr: Expr): ScalarValue | undefined {
  if (expr.kind === 'literal') return expr.value
  return undefined
}

function predicateOf(conjunct: Expr): StatsPredicate | undefined {
  if (conjunct.kind === 'in-list') {
    const column = columnOf(conjunct.arg)
    if (conjunct.negated || column === undefined) return undefined
    const values: (number | string)[] = []
    for (const value of conjunct.values) {
      if (value === null) continue
      const constant = constantFor(column.type, value)
      if (constant === undefined) return undefined
      values.push(constant)
    }
    return { column: column.index, type: column.type, op: 'in', values }
  }
  if (conjunct.kind !== 'call' || !(conjunct.fn in flipped)) return undefined
  const [left, right] = conjunct.args
  if (left === undefined || right === undefined) return undefined
  let op = conjunct.fn as Comparison
  let column = columnOf(left)
  let literal = literalOf(right)
  if (column === undefined || literal === undefined) {
    column = columnOf(right)
    literal = literalOf(left)
    op = flipped[op]
  }
  if (column === undefined || literal === undefined) return undefined
  // `column op NULL` is never true: an empty IN prunes everything it sees.
  if (literal === null) return { column: column.index, type: column.type, op: 'in', values: [] }
  const constant = constantFor(column.type, literal)
  if (constant === undefined) return undefined
  return { column: column.index, type: column.type, op, values: [constant] }
}

/** The prunable conjuncts of `filter` (an AND tree); the others are left to the filter. */
export function statsPredicatesOf(filter: Expr | null): StatsPredicate[] {
  if (filter === null) return []
  if (filter.kind === 'call' && filter.fn === 'and')
    return filter.args.flatMap((arg) => statsPredicatesOf(arg))
  const predicate = predicateOf(filter)
  return predicate === undefined ? [] : [predicate]
}

const encoder = new TextEncoder()

/** Orders two constants of one family: numbers numerically, strings by UTF-8 bytes. */
function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  return compareUtf8(String(a), String(b))
}

/**
 * Orders strings by their UTF-8 bytes without encoding them (called per batch and conjunct):
 * below the surrogates, UTF-16 code units order as code points, and so as UTF-8 bytes.
 */
function compareUtf8(a: string, b: string): number {
  const common = Math.min(a.length, b.length)
  for (let i = 0; i < common; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1
    return Buffer.compare(encoder.encode(a), encoder.encode(b))
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** The stats' [min, max] when they can be trusted for `predicate`, else undefined. */
function rangeOf(
  predicate: StatsPredicate,
  stats: ColumnStats,
): { min: number | string; max: number | string } | 'all-null' | undefined {
  if (stats.type !== predicate.type) return undefined
  const { min, max } = stats
  if (min === null && max === null) return stats.nullCount > 0 ? 'all-null' : undefined
  if (typeof min !== typeof max) return undefined
  if (typeof min === 'number' && typeof max === 'number') {
    if (Number.isNaN(min) || Number.isNaN(max) || !numberTypes.has(predicate.type)) return undefined
    return { min, max }
  }
  if (typeof min === 'string' && typeof max === 'string' && textTypes.has(predicate.type))
    return { min, max }
  return undefined
}

function inRange(value: number | string, min: number | string, max: number | string): boolean {
  return compare(min, value) <= 0 && compare(value, max) <= 0
}

/**
 * False only when `stats` prove no row satisfies `predicate`; undefined stats (a column
 * the statistics do not describe) may always match.
 */
export function mayMatch(predicate: StatsPredicate, stats: ColumnStats | undefined): boolean {
  if (stats === undefined) return true
  const range = rangeOf(predicate, stats)
  if (range === undefined) return true
  if (range === 'all-null') return false
  const { min, max } = range
  const value = predicate.values[0]
  switch (predicate.op) {
    case 'in':
      return predicate.values.some((v) => inRange(v, min, max))
    case 'eq':
      return value === undefined || inRange(value, min, max)
    case 'lt':
      return value === undefined || compare(min, value) < 0
    case 'le':
      return value === undefined || compare(min, value) <= 0
    case 'gt':
      return value === undefined || compare(max, value) > 0
    case 'ge':
      return value === undefined || compare(max, value) >= 0
  }
}

/** True only when `stats` prove every one of `rows` rows satisfies `predicate` (no NULLs). */
export function alwaysMatches(
  predicate: StatsPredicate,
  stats: ColumnStats | undefined,
  rows: number,
): boolean {
  if (stats === undefined || stats.nullCount !== 0 || rows <= 0) return false
  const range = rangeOf(predicate, stats)
  if (range === undefined || range === 'all-null') return false
  const { min, max } = range
  const value = predicate.values[0]
  if (value === undefined) return false
  switch (predicate.op) {
    case 'in':
      return compare(min, max) === 0 && predicate.values.some((v) => compare(v, min) === 0)
    case 'eq':
      return compare(min, value) === 0 && compare(max, value) === 0
    case 'lt':
      return compare(max, value) < 0
    case 'le':
      return compare(max, value) <= 0
    case 'gt':
      return compare(min, value) > 0
    case 'ge':
      return compare(min, value) >= 0
  }
}

/** True when every conjunct of `filter` is a StatsPredicate (so the predicates are the filter). */
export function filterIsOnlyStatsPredicates(filter: Expr | null): boolean {
  if (filter === null) return true
  if (filter.kind === 'call' && filter.fn === 'and')
    return filter.args.every((arg) => filterIsOnlyStatsPredicates(arg))
  return predicateOf(filter) !== undefined
}
