// EXPLAIN [ANALYZE] [VERBOSE] <query>: recognised by its prefix before parsing (the SQL parser
// does not know EXPLAIN), planned as the inner query, then answered with the plan as text in
// one column named QUERY PLAN, as PostgreSQL does. Plain EXPLAIN renders the plan here and
// touches no segment bytes; EXPLAIN ANALYZE hands the plan to the executor, which runs it and
// renders it with what it measured.
import { PgError, SqlState } from '../common/index.js'
import { explainBatch, explainLines, QueryPlanColumn } from '../executor/explain.js'
import type { ExecutableStatement, OutputField } from '../executor/plan.js'

export interface ExplainRequest {
  readonly analyze: boolean
  /** The statement after the EXPLAIN options. */
  readonly query: string
}

const explainPrefix = /^\s*explain\b((?:\s+(?:analyze|analyse|verbose)\b)*)/i

/** Splits `EXPLAIN [ANALYZE] [VERBOSE] <query>` into its parts; null for any other statement. */
export function splitExplain(text: string): ExplainRequest | null {
  const match = explainPrefix.exec(text)
  if (match === null) return null
  if (/^\s*\(/.test(text.slice(match[0].length)) && (match[1] ?? '').trim() === '') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'EXPLAIN options in parentheses are not supported',
      hint: 'Write EXPLAIN or EXPLAIN ANALYZE before the query.',
    })
  }
  const options = (match[1] ?? '').toLowerCase()
  return {
    analyze: options.includes('analyze') || options.includes('analyse'),
    query: text.slice(match[0].length),
  }
}

/** EXPLAIN's row description: one text column. */
export const explainOutputFields: readonly OutputField[] = [
  { name: QueryPlanColumn, type: 'text', tableOid: 0, columnNumber: 0 },
]

/** Wraps the planned inner statement as EXPLAIN's answer (or EXPLAIN ANALYZE's run). */
export function explainStatement(
  request: ExplainRequest,
  inner: ExecutableStatement,
): ExecutableStatement {
  if (inner.kind !== 'query') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `EXPLAIN of ${inner.kind} statements is not supported`,
      hint: 'EXPLAIN a SELECT.',
    })
  }
  const fields = explainOutputFields
  if (request.analyze) return { kind: 'query', plan: inner.plan, fields, analyze: true }
  const batch = explainBatch(explainLines(inner.plan))
  const plan = { kind: 'batches', fields, batches: [batch] } as const
  return { kind: 'query', plan, fields }
}
