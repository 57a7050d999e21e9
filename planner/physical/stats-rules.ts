// Optimizer rules over segment statistics (SegmentMeta.columns: per column null count, min
// and max), as pure functions:
//
// * pruneByStats drops the segments whose statistics prove that some `column op constant`
//   conjunct of WHERE holds for none of their rows (any column, not only the time column);
// * answerFromMetadata answers an ungrouped count(*) / count(x) / min(x) / max(x) from the
//   statistics alone, when WHERE is absent or provably true for every row of every segment
//   left, so the scan reads nothing. The answer is exactly the one the scan would give.
//
// Both never guess: a segment without statistics, a statistic of another type, or a NULL
// min/max on a column that has values means "cannot prune" and "cannot answer".
import { compareNumbers } from '../../executor/aggregates/min-max.js'
import { vectorFromValues } from '../../executor/expr/vector-builders.js'
import {
  alwaysMatches,
  filterIsOnlyStatsPredicates,
  mayMatch,
  statsPredicatesOf,
} from '../../executor/pool/stats-pruning.js'
import type { AggregateCall, BatchesPlan, Expr, SegmentRef } from '../../executor/plan.js'
import type { ColumnStats } from '../../storage/api.js'
import type { Field, SqlType } from '../../common/index.js'

function statsOf(segment: SegmentRef, column: string): ColumnStats | undefined {
  return segment.columns?.find((stats) => stats.name === column)
}

/**
 * Keeps the segments whose statistics may satisfy every prunable conjunct of `where`, an
 * input-space predicate over `columns` (the table's columns by input index).
 */
export function pruneByStats(
  segments: readonly SegmentRef[],
  where: Expr | null,
  columns: readonly Field[],
): SegmentRef[] {
  const predicates = statsPredicatesOf(where)
  if (predicates.length === 0) return [...segments]
  return segments.filter((segment) =>
    predicates.every((predicate) => {
      const name = columns[predicate.column]?.name
      return name === undefined || mayMatch(predicate, statsOf(segment, name))
    }),
  )
}

const answerableTypes: ReadonlySet<SqlType> = new Set<SqlType>([
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'timestamptz',
  'timestamp',
  'date',
  'text',
  'varchar',
  'name',
])

type Extreme = number | string | null

/** Orders two extremes as min/max do: numbers with NaN highest, text by UTF-8 bytes. */
function compareExtremes(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b)
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)))
}

/** One aggregate's value from the segments' statistics, or undefined when they cannot tell. */
function aggregateFromStats(
  call: AggregateCall,
  segments: readonly SegmentRef[],
  columns: readonly Field[],
): number | Extreme | undefined {
  if (call.distinct || call.filter !== null) return undefined
  if (call.fn === 'count_star') return segments.reduce((sum, s) => sum + s.rows, 0)
  const arg = call.args[0]
  if (arg === undefined || arg.kind !== 'column' || call.args.length !== 1) return undefined
  const field = columns[arg.index]
  if (field === undefined || field.type !== arg.type) return undefined
  if (call.fn === 'count') {
    let count = 0
    for (const segment of segments) {
      const stats = statsOf(segment, field.name)
      if (stats === undefined || stats.type !== field.type) return undefined
      count += segment.rows - stats.nullCount
    }
    return count
  }
  if (call.fn !== 'min' && call.fn !== 'max') return undefined
  if (!answerableTypes.has(field.type) || call.type !== field.type) return undefined
  const sign = call.fn === 'max' ? 1 : -1
  let best: Extreme = null
  for (const segment of segments) {
    const stats = statsOf(segment, field.name)
    if (stats === undefined || stats.type !== field.type) return undefined
    const value = call.fn === 'max' ? stats.max : stats.min
    if (value === null) {
      if (stats.nullCount === segment.rows) continue
      return undefined
    }
    if (typeof value === 'boolean') return undefined
    if (best === null || compareExtremes(value, best) * sign > 0) best = value
  }
  return best
}

/**
 * The ungrouped aggregates' one output row as a BatchesPlan, when statistics answer them
 * all and `where` holds for every row of `segments`; else null.
 */
export function answerFromMetadata(
  aggregates: readonly AggregateCall[],
  where: Expr | null,
  segments: readonly SegmentRef[],
  columns: readonly Field[],
): BatchesPlan | null {
  if (!filterIsOnlyStatsPredicates(where)) return null
  const predicates = statsPredicatesOf(where)
  for (const segment of segments) {
    for (const predicate of predicates) {
      const name = columns[predicate.column]?.name
      if (name === undefined) return null
      if (!alwaysMatches(predicate, statsOf(segment, name), segment.rows)) return null
    }
  }
  const values: (number | Extreme)[] = []
  for (const call of aggregates) {
    const value = aggregateFromStats(call, segments, columns)
    if (value === undefined) return null
    values.push(value)
  }
  const vectors = aggregates.map((call, index) =>
    vectorFromValues(call.type, [values[index] ?? null]),
  )
  return {
    kind: 'batches',
    fields: aggregates.map((call, index) => ({ name: `${call.fn}_${index}`, type: call.type })),
    batches: [{ length: 1, columns: vectors }],
    note: `from-metadata segments=${segments.length}`,
  }
}
