// EXPLAIN: renders a physical plan as PostgreSQL does, one line per operator, children
// indented under `->`, each line naming the operator and its key facts. EXPLAIN ANALYZE adds
// what running the plan measured (explain-analyze.ts fills `ExplainActuals`).
//
//   Limit (limit=10)
//     ->  Sort (keys=[#1 DESC] top-k=10)
//           ->  Aggregate (mode=final group-by=[#0] aggregates=[count_star(), avg(#1)])
//                 ->  Scan logs (segments=501 read=501 pruned-by-time=0 pruned-by-stats=0 ...)
import { assertNever, type Batch, type Field } from '../common/index.js'
import { makeTextVector } from './expr/vector-builders.js'
import type { ScanMetrics } from './pool/fragment-runner.js'
import type {
  AggregateCall,
  Expr,
  PartitionTopK,
  PhysicalPlan,
  ScalarValue,
  ScanPlan,
  ScanUnnest,
  SortKey,
  WindowCall,
  WindowFrameBound,
} from './plan.js'

/** The column PostgreSQL names EXPLAIN's output. */
export const QueryPlanColumn = 'QUERY PLAN'

/** What running one operator measured. */
export interface OperatorActuals {
  rows: number
  batches: number
  /** Time spent inside the operator and its inputs. */
  timeMs: number
  /** Scans only. */
  scan?: { tasks: number; metrics: ScanMetrics; partitions?: number }
}

/** Per plan node, what EXPLAIN ANALYZE measured. */
export type ExplainActuals = ReadonlyMap<PhysicalPlan, OperatorActuals>

const infix: Readonly<Record<string, string>> = {
  eq: '=',
  ne: '<>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  and: 'AND',
  or: 'OR',
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
}

function renderValue(value: ScalarValue): string {
  if (value === null) return 'NULL'
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`
  return String(value)
}

/** Renders epoch microseconds as ISO 8601 text in UTC (microseconds when not whole ms). */
function renderTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000)
  const date = new Date(millis)
  if (Number.isNaN(date.getTime())) return String(micros)
  const iso = date.toISOString()
  const extra = micros - millis * 1000
  return `'${extra === 0 ? iso : iso.replace('Z', `${String(extra).padStart(3, '0')}Z`)}'`
}

/** Renders an expression; columns by name when `names` has them, else as #index. */
export function renderExpr(expr: Expr, names: readonly string[] = []): string {
  const render = (e: Expr): string => renderExpr(e, names)
  switch (expr.kind) {
    case 'column':
      return names[expr.index] ?? `#${expr.index}`
    case 'literal':
      if (
        (expr.type === 'timestamptz' || expr.type === 'timestamp') &&
        typeof expr.value === 'number'
      )
        return renderTimestamp(expr.value)
      return renderValue(expr.value)
    case 'call': {
      const operator = infix[expr.fn]
      if (operator !== undefined && expr.args.length >= 2)
        return `(${expr.args.map(render).join(` ${operator} `)})`
      return `${expr.fn}(${expr.args.map(render).join(', ')})`
    }
    case 'case': {
      const whens = expr.whens.map((w) => `WHEN ${render(w.when)} THEN ${render(w.then)}`)
      const otherwise = expr.otherwise === null ? '' : ` ELSE ${render(expr.otherwise)}`
      return `CASE ${whens.join(' ')}${otherwise} END`
    }
    case 'cast':
      return `${render(expr.arg)}::${expr.type}`
    case 'in-list':
      return `(${render(expr.arg)}${expr.negated ? ' NOT' : ''} IN (${expr.values.map(renderValue).join(', ')}))`
    default:
      return assertNever(expr, 'expression kind')
  }
}

function renderAggregate(call: AggregateCall, names: readonly string[]): string {
  // An aggregate's own ORDER BY keys ride after its arguments (array_agg(x ORDER BY y)).
  const keyCount = call.order?.length ?? 0
  const own = call.args.slice(0, call.args.length - keyCount)
  const args = own.map((a) => renderExpr(a, names)).join(', ')
  const keys = (call.order ?? []).map((o, i) =>
    renderKey({ expr: call.args[own.length + i]!, ...o }, names),
  )
  const order = keys.length === 0 ? '' : ` ORDER BY ${keys.join(', ')}`
  const filter = call.filter === null ? '' : ` FILTER (WHERE ${renderExpr(call.filter, names)})`
  return `${call.fn}(${call.distinct ? 'DISTINCT ' : ''}${args}${order})${filter}`
}

function renderSortKey(key: SortKey): string {
  return renderKey(key, [])
}

function renderKey(key: SortKey, names: readonly string[]): string {
  const direction = key.descending ? ' DESC' : ''
  const nulls =
    key.nullsFirst === key.descending ? '' : key.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'
  return `${renderExpr(key.expr, names)}${direction}${nulls}`
}

/** A scan's unnest stage: its arrays, then what it passes through, then its options. */
function unnestFacts(unnest: ScanUnnest, names: readonly string[]): string[] {
  const arrays = unnest.arrays.map((e) => renderExpr(e, names))
  const passthrough = unnest.passthrough.map((i) => names[i] ?? `#${i}`)
  const facts = [`arrays=[${arrays.join(', ')}]`, `passthrough=[${passthrough.join(', ')}]`]
  if (unnest.ordinality) facts.push('with-ordinality')
  if (unnest.outer) facts.push('outer')
  if (unnest.filter !== null)
    facts.push(`filter=${renderExpr(unnest.filter, unnestOutputNames(unnest, names))}`)
  return facts
}

/** The names of an unnest stage's output columns, for the stages after it. */
function unnestOutputNames(unnest: ScanUnnest, names: readonly string[]): string[] {
  const output = unnest.passthrough.map((i) => names[i] ?? `#${i}`)
  for (const _ of unnest.arrays) output.push('unnest')
  if (unnest.ordinality) output.push('ordinality')
  return output
}

function scanFacts(plan: ScanPlan): string[] {
  let names = plan.columns.map((c) => c.name)
  const pruning = plan.pruning
  const facts = [
    `segments=${pruning?.segmentsTotal ?? plan.segments.length}`,
    `read=${plan.segments.length}`,
    `pruned-by-time=${pruning?.prunedByTime ?? 0}`,
    `pruned-by-stats=${pruning?.prunedByStats ?? 0}`,
    `columns=[${names.join(', ')}]`,
  ]
  const { filter, unnest, partialAggregate, project, limit } = plan.pipeline
  if (filter !== null) facts.push(`filter=${renderExpr(filter, names)}`)
  if (unnest !== undefined) {
    facts.push(`unnest=(${unnestFacts(unnest, names).join(' ')})`)
    names = unnestOutputNames(unnest, names)
  }
  if (partialAggregate !== null) {
    const keys = partialAggregate.groupBy.map((e) => renderExpr(e, names))
    const calls = partialAggregate.aggregates.map((a) => renderAggregate(a, names))
    facts.push(`partial-aggregate=(group-by=[${keys.join(', ')}] aggregates=[${calls.join(', ')}])`)
  } else if (project !== null) {
    facts.push(`project=[${project.map((e) => renderExpr(e, names)).join(', ')}]`)
  }
  if (limit !== null) facts.push(`limit=${limit}`)
  const partitionTopK = plan.pipeline.partitionTopK
  if (partitionTopK !== undefined) {
    const output = project === null ? names : project.map((e) => renderExpr(e, names))
    facts.push(`window-top-n=(${partitionTopKFacts(partitionTopK, output).join(' ')})`)
  }
  if (plan.pipeline.groupTopK !== undefined && partialAggregate !== null) {
    facts.push(`group-top-k=(limit=${plan.pipeline.groupTopK.limit})`)
  }
  const topK = plan.pipeline.topK
  if (topK !== undefined) {
    const direction = topK.descending ? ' DESC' : ''
    const nulls =
      topK.nullsFirst === topK.descending ? '' : topK.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'
    facts.push(
      `top-k=(${names[topK.column] ?? `#${topK.column}`}${direction}${nulls} limit=${topK.limit})`,
    )
  }
  return facts
}

/** A window top-N's facts: the ranking filter it stands for, its partition and order keys. */
function partitionTopKFacts(topK: PartitionTopK, names: readonly string[]): string[] {
  const facts = [`${topK.fn} <= ${topK.limit}`]
  if (topK.partitionBy.length > 0)
    facts.push(`partition-by=[${topK.partitionBy.map((e) => renderExpr(e, names)).join(', ')}]`)
  facts.push(`order-by=[${topK.orderBy.map((key) => renderKey(key, names)).join(', ')}]`)
  return facts
}

function renderWindowCall(call: WindowCall): string {
  const over: string[] = []
  if (call.partitionBy.length > 0)
    over.push(`partition-by=[${call.partitionBy.map((e) => renderExpr(e)).join(', ')}]`)
  if (call.orderBy.length > 0) over.push(`order-by=[${call.orderBy.map(renderSortKey).join(', ')}]`)
  const bound = (b: WindowFrameBound): string =>
    b.kind === 'preceding' || b.kind === 'following' ? `${b.offset} ${b.kind}` : b.kind
  over.push(`${call.frame.mode} ${bound(call.frame.start)}..${bound(call.frame.end)}`)
  const args = call.args.map((e) => renderExpr(e)).join(', ')
  const filter = call.filter === null ? '' : ` filter ${renderExpr(call.filter)}`
  return `${call.fn}(${args})${filter} over (${over.join(' ')})`
}

/** The operator's name and facts, without measurements. */
function describe(plan: PhysicalPlan): string {
  switch (plan.kind) {
    case 'scan':
      return `Scan ${plan.table} (${scanFacts(plan).join(' ')})`
    case 'values':
      return `Values (rows=${plan.rows.length})`
    case 'batches': {
      const rows = plan.batches.reduce((sum, batch) => sum + batch.length, 0)
      return `Batches (rows=${rows}${plan.note === undefined ? '' : ` ${plan.note}`})`
    }
    case 'filter':
      return `Filter (${renderExpr(plan.predicate)})`
    case 'project':
      return `Project (${plan.exprs.map((e) => renderExpr(e)).join(', ')})`
    case 'aggregate': {
      const keys = plan.groupBy.map((e) => renderExpr(e)).join(', ')
      const calls = plan.aggregates.map((a) => renderAggregate(a, [])).join(', ')
      const sets =
        plan.groupingSets === undefined
          ? ''
          : ` grouping-sets=[${plan.groupingSets.map((set) => `(${set.map((k) => `#${k}`).join(', ')})`).join(', ')}]`
      return `Aggregate (mode=${plan.mode} group-by=[${keys}]${sets} aggregates=[${calls}])`
    }
    case 'sort': {
      const topK = plan.limit === null ? '' : ` top-k=${plan.limit}`
      return `Sort (keys=[${plan.keys.map(renderSortKey).join(', ')}]${topK})`
    }
    case 'limit':
      return `Limit (limit=${plan.limit ?? 'ALL'} offset=${plan.offset})`
    case 'distinct':
      return plan.keys === undefined
        ? 'Distinct'
        : `Distinct (on=[${plan.keys.map((key) => `#${key}`).join(', ')}])`
    case 'window':
      return `Window (${plan.calls.map(renderWindowCall).join(', ')})`
    case 'partition-top-k':
      return `Window Top-N (${partitionTopKFacts(plan.topK, []).join(' ')})`
    case 'unnest': {
      const facts = plan.arrays.map((e) => renderExpr(e))
      if (plan.ordinality) facts.push('with ordinality')
      if (plan.outer) facts.push('outer')
      return `Unnest (${facts.join(', ')})`
    }
    case 'join': {
      const method = plan.leftKeys.length === 0 ? 'Nested Loop' : 'Hash Join'
      const keys = plan.leftKeys.map((k, i) => {
        const right = plan.rightKeys[i]
        return `${renderExpr(k)} = ${right === undefined ? '?' : renderExpr(right)}`
      })
      const facts = [`type=${plan.joinType}`]
      if (keys.length > 0) facts.push(`keys=[${keys.join(', ')}]`)
      if (plan.residual !== null) facts.push(`filter=${renderExpr(plan.residual)}`)
      return `${method} (${facts.join(' ')})`
    }
    default:
      return assertNever(plan, 'plan kind')
  }
}

function renderActuals(actuals: OperatorActuals): string {
  const parts = [
    `rows=${actuals.rows}`,
    `batches=${actuals.batches}`,
    `time=${actuals.timeMs.toFixed(3)} ms`,
  ]
  const scan = actuals.scan
  if (scan !== undefined) {
    const m = scan.metrics
    parts.push(
      `tasks=${scan.tasks}`,
      ...(scan.partitions === undefined || scan.partitions === 0
        ? []
        : [`key-partitions=${scan.partitions}`]),
      `segments-read=${m.segments}`,
      `batches=${m.batchesTotal}`,
      `batches-read=${m.batchesRead}`,
      `batches-pruned-by-time=${m.batchesPrunedByTime}`,
      `batches-pruned-by-stats=${m.batchesPruned}`,
      `batches-pruned-by-tokens=${m.batchesPrunedByTokens}`,
    )
    if (m.batchesPrunedByValueIndex > 0)
      parts.push(`batches-pruned-by-value-index=${m.batchesPrunedByValueIndex}`)
    if (m.batchesSkippedByTopK > 0 || m.segmentsSkippedByTopK > 0)
      parts.push(
        `segments-skipped-by-top-k=${m.segmentsSkippedByTopK}`,
        `batches-skipped-by-top-k=${m.batchesSkippedByTopK}`,
      )
    parts.push(`rows-read=${m.rowsRead}`, `bytes-read=${m.bytesRead}`)
    // Object-store traffic, shown when the blob store is S3 (a directory counts none).
    if (m.blobGets > 0 || m.blobCacheHits > 0) {
      parts.push(
        `blob-gets=${m.blobGets}`,
        `blob-get-bytes=${m.blobGetBytes}`,
        `blob-cache-hits=${m.blobCacheHits}`,
      )
    }
  }
  return ` (actual ${parts.join(' ')})`
}

function inputsOf(plan: PhysicalPlan): PhysicalPlan[] {
  switch (plan.kind) {
    case 'scan':
    case 'values':
    case 'batches':
      return []
    case 'join':
      return [plan.left, plan.right]
    default:
      return [plan.input]
  }
}

/** The plan as EXPLAIN prints it, one line per operator, measurements when `actuals` has them. */
export function explainLines(plan: PhysicalPlan, actuals?: ExplainActuals): string[] {
  const lines: string[] = []
  const visit = (node: PhysicalPlan, indent: string): void => {
    const measured = actuals?.get(node)
    const text = describe(node) + (measured === undefined ? '' : renderActuals(measured))
    lines.push(lines.length === 0 ? text : `${indent}->  ${text}`)
    const childIndent = lines.length === 1 ? '  ' : `${indent}      `
    for (const input of inputsOf(node)) visit(input, childIndent)
  }
  visit(plan, '')
  return lines
}

/** EXPLAIN's output column. */
export const explainFields: readonly Field[] = [{ name: QueryPlanColumn, type: 'text' }]

/** EXPLAIN's rows: one text row per line. */
export function explainBatch(lines: readonly string[]): Batch {
  return { length: lines.length, columns: [makeTextVector('text', lines)] }
}
