// Set-returning functions over arrays (unnest, generate_subscripts, regexp_split_to_table),
// as syntax rewrites:
//
//   SELECT a, unnest(x) AS u, unnest(y) FROM t WHERE p
//     → SELECT a, "*srf*"."*srf 1*" AS u, "*srf*"."*srf 2*" AS unnest
//       FROM t CROSS JOIN unnest(x, y) AS "*srf*"("*srf 1*", "*srf 2*") WHERE p
//
// Several select-list unnests zip (padding the shorter with NULLs), as PostgreSQL 10+ runs
// them; the FROM side is the lateral unnest of planner/bind/from-binder.ts (an Unnest node
// over the input), or a materialized relation when its arguments are constants.
// generate_subscripts(a, d) is unnest(generate_subscripts(a, d)), the scalar form of which
// returns the subscripts as an int4[]; regexp_split_to_table(...) is
// unnest(regexp_split_to_array(...)).
import { PgError, SqlState } from '../../common/index.js'
import { outputName } from '../bind/output-name.js'
import { aggregateFunctionNames } from '../bind/functions.js'
import type { FromItem, FuncNode, SelectNode, SyntaxExpr } from '../sql/ast.js'

/** The relation alias select-list set-returning functions are read from. */
export const SetReturningAlias = '*srf*'

const setReturningNames = new Set([
  'unnest',
  'generate_subscripts',
  'regexp_split_to_table',
  'string_to_table',
])

/** The set-returning functions that unnest an array-valued function: that function's name. */
export const unnestedArrayFunctions: Readonly<Record<string, string>> = {
  generate_subscripts: 'generate_subscripts',
  regexp_split_to_table: 'regexp_split_to_array',
  string_to_table: 'string_to_array',
}

/** True for a call of a set-returning array function (not a window call). */
export function isSetReturningCall(node: SyntaxExpr): node is FuncNode {
  return node.kind === 'func' && setReturningNames.has(node.name) && node.over === undefined
}

/** Walks a syntax value, replacing what `replace` returns a node for; queries are not entered. */
export function rewriteSyntax(
  value: unknown,
  replace: (node: SyntaxExpr) => SyntaxExpr | undefined,
): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteSyntax(item, replace))
  if (typeof value !== 'object' || value === null) return value
  const kind = (value as { kind?: unknown }).kind
  if (kind === 'subquery' || kind === 'exists' || kind === 'in-subquery' || kind === 'select')
    return value
  if (typeof kind === 'string') {
    const replaced = replace(value as SyntaxExpr)
    if (replaced !== undefined) return replaced
  }
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) out[key] = rewriteSyntax(field, replace)
  return out
}

/** True when `value` (syntax) calls an aggregate outside a window. */
export function containsAggregate(value: unknown): boolean {
  let found = false
  rewriteSyntax(value, (node) => {
    if (node.kind === 'func' && node.over === undefined && aggregateFunctionNames.has(node.name))
      found = true
    return undefined
  })
  return found
}

/** The array a set-returning call expands: unnest's argument, generate_subscripts' int4[]. */
function arrayOf(call: FuncNode): SyntaxExpr {
  const arrayFunction = unnestedArrayFunctions[call.name]
  if (arrayFunction !== undefined) return { ...call, name: arrayFunction }
  const [array] = call.args
  if (call.args.length !== 1 || array === undefined) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'unnest with several arguments is supported only in FROM',
      position: call.position + 1,
    })
  }
  return array
}

/** True when GROUP BY names target `index` (0-based) by its output name or ordinal. */
function isGroupedBy(node: SelectNode, alias: string, index: number): boolean {
  if (node.groupingSets !== undefined) return false
  return node.groupBy.some(
    (item) =>
      (item.kind === 'column-ref' && item.table === null && item.name === alias) ||
      (item.kind === 'literal' && item.literal === 'integer' && Number(item.text) === index + 1),
  )
}

/** Rewrites select-list set-returning calls into a lateral unnest in FROM (see above). */
export function rewriteSetReturningTargets(node: SelectNode): SelectNode {
  const calls: FuncNode[] = []
  const groupedCalls: boolean[] = []
  const targets = node.targets.map((target, index) => {
    const before = calls.length
    const expr = rewriteSyntax(target.expr, (inner) => {
      if (!isSetReturningCall(inner)) return undefined
      calls.push(inner)
      return {
        kind: 'column-ref',
        table: SetReturningAlias,
        name: `*srf ${calls.length}*`,
        position: inner.position,
      }
    }) as SyntaxExpr
    if (calls.length === before) return target
    const alias = target.alias ?? outputName(target.expr)
    while (groupedCalls.length < calls.length) groupedCalls.push(isGroupedBy(node, alias, index))
    return { expr, alias }
  })
  const first = calls[0]
  if (first === undefined) return node
  // A call the query groups by (pgcli's `SELECT regexp_split_to_table(...) AS word, count(1)
  // ... GROUP BY word`) runs before grouping, as PostgreSQL's ProjectSet below the Agg.
  const beforeGrouping =
    groupedCalls.every((grouped) => grouped) && !calls.some((call) => containsAggregate(call))
  const aggregated =
    node.groupBy.length > 0 || node.having !== null || containsAggregate(node.targets)
  if (aggregated && !beforeGrouping) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'set-returning functions in an aggregated query are not supported yet',
      hint: 'Unnest in a subquery or in FROM, and aggregate over it.',
      position: first.position + 1,
    })
  }
  const position = first.position
  const unnest: FromItem = {
    kind: 'function-ref',
    name: { name: 'unnest', position },
    args: calls.map(arrayOf),
    alias: SetReturningAlias,
    columnAliases: calls.map((_, i) => ({ name: `*srf ${i + 1}*`, position })),
    position,
  }
  const from = crossJoinAfter(node.from, unnest, position)
  return { ...node, targets, from }
}

/**
 * `from CROSS JOIN right`, where a select-list set-returning call's relation goes; without
 * FROM, a one-row VALUES stands in on the left.
 */
export function crossJoinAfter(from: FromItem | null, right: FromItem, position: number): FromItem {
  const dual: FromItem = {
    kind: 'values',
    rows: [[{ kind: 'literal', literal: 'integer', text: '1', position }]],
    alias: '*dual*',
    columnAliases: [],
    position,
  }
  return {
    kind: 'join',
    joinType: 'cross',
    left: from ?? dual,
    right,
    on: null,
    using: null,
    alias: null,
    position,
  }
}
