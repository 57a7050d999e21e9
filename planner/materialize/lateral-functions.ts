// Functions in FROM whose arguments read the items before them (`FROM t, jsonb_each(t.j) AS
// e(k, v)`, `generate_series(1, t.n)`), and the jsonb set-returning functions in a select list
// (`SELECT id, jsonb_array_elements(j) FROM t`) and generate_series in a select list
// (`SELECT generate_series(a, b, '1 hour')`), as syntax rewrites onto LATERAL subqueries
// (lateral-join.ts), which run the function once per distinct argument value, as constants:
//
//   FROM t, f(t.j) AS e(a, b)     → FROM t, LATERAL (SELECT * FROM f(t.j) AS e(a, b)) AS e
//   SELECT id, f(j) AS x FROM t   → SELECT id, "*jsonsrf*".value AS x
//                                   FROM t CROSS JOIN f(j) AS "*jsonsrf*"
//
// A row whose call returns no rows (an empty array, NULL) drops out, as in PostgreSQL. unnest,
// generate_subscripts and regexp_split_to_table are not rewritten: the binder unnests them
// laterally itself (set-returning.ts). In a select list, jsonb_each[_text] (a record) and more
// than one jsonb set-returning call, or one beside unnest, are 0A000.
import { PgError, SqlState } from '../../common/index.js'
import { outputName } from '../bind/output-name.js'
import {
  selectNode,
  type FuncNode,
  type FunctionRefNode,
  type JoinNode,
  type SelectNode,
  type SubqueryRefNode,
  type SyntaxExpr,
} from '../sql/ast.js'
import type { LateralJoinNode } from './lateral-join.js'
import {
  containsAggregate,
  crossJoinAfter,
  isSetReturningCall,
  rewriteSyntax,
  unnestedArrayFunctions,
} from './set-returning.js'

/** The relation alias select-list jsonb set-returning calls are read from. */
const JsonSetReturningAlias = '*jsonsrf*'

/**
 * Select-list set-returning functions rewritten here (the jsonb ones, and generate_series of
 * numbers or timestamps for gap filling) and the column each call reads.
 */
const selectListColumns: Readonly<Record<string, string>> = {
  jsonb_array_elements: 'value',
  jsonb_array_elements_text: 'value',
  jsonb_object_keys: '*jsonsrf key*',
  generate_series: '*jsonsrf series*',
}

const recordFunctions = new Set(['jsonb_each', 'jsonb_each_text'])

export function isJsonSetReturningCall(node: SyntaxExpr): node is FuncNode {
  return (
    node.kind === 'func' &&
    node.over === undefined &&
    (selectListColumns[node.name] !== undefined || recordFunctions.has(node.name))
  )
}

/** True when `join` is `left, f(args reading columns)`: a lateral function call. */
export function isLateralFunctionJoin(
  join: JoinNode,
): join is JoinNode & { readonly right: FunctionRefNode } {
  const right = join.right
  if (right.kind !== 'function-ref') return false
  const name = right.name.name
  if (name === 'unnest' || unnestedArrayFunctions[name] !== undefined) return false
  return readsColumns(right.args)
}

/** `left, f(args) AS e(cols)` as `left, LATERAL (SELECT * FROM f(args) AS e(cols)) AS e`. */
export function asLateralSubquery(
  join: JoinNode & { readonly right: FunctionRefNode },
): LateralJoinNode {
  const item = join.right
  const position = item.position
  const query = selectNode({
    targets: [{ expr: { kind: 'star', table: null, position }, alias: null }],
    from: item,
  })
  const alias = item.alias ?? item.name.name
  const right: SubqueryRefNode = {
    kind: 'subquery-ref',
    query,
    alias,
    columnAliases: [],
    position,
    lateral: true,
  }
  return { ...join, right }
}

/** Rewrites one select-list jsonb set-returning call into a lateral call in FROM. */
export function rewriteJsonSetReturningTargets(node: SelectNode): SelectNode {
  const calls: FuncNode[] = []
  let unnests = 0
  const targets = node.targets.map((target) => {
    const before = calls.length
    const expr = rewriteSyntax(target.expr, (inner) => {
      if (isSetReturningCall(inner)) unnests += 1
      if (!isJsonSetReturningCall(inner)) return undefined
      calls.push(inner)
      const name = selectListColumns[inner.name] ?? 'value'
      return { kind: 'column-ref', table: JsonSetReturningAlias, name, position: inner.position }
    }) as SyntaxExpr
    if (calls.length === before) return target
    return { expr, alias: target.alias ?? outputName(target.expr) }
  })
  const call = calls[0]
  if (call === undefined) return node
  const unsupported = (what: string): PgError =>
    new PgError({
      code: SqlState.featureNotSupported,
      message: `${what} is not supported yet`,
      hint: 'Call it in FROM instead: FROM t, jsonb_each(t.j) AS e(key, value), generate_series(1, t.n) AS g.',
      position: call.position + 1,
    })
  if (recordFunctions.has(call.name)) throw unsupported(`${call.name} in a select list (a record)`)
  if (calls.length > 1 || unnests > 0)
    throw unsupported(
      'several set-returning functions in one select list, beside a jsonb one or generate_series,',
    )
  if (node.groupBy.length > 0 || node.having !== null || containsAggregate(node.targets))
    throw unsupported(`${call.name} in an aggregated query`)
  const position = call.position
  const named = call.name === 'jsonb_object_keys' || call.name === 'generate_series'
  const columnAliases = named ? [{ name: selectListColumns[call.name]!, position }] : []
  const right: FunctionRefNode = {
    kind: 'function-ref',
    name: { name: call.name, position },
    args: call.args,
    alias: JsonSetReturningAlias,
    columnAliases,
    position,
  }
  const from = crossJoinAfter(node.from, right, position)
  return { ...node, targets, from }
}

/** True when a syntax value holds a column reference outside any nested query. */
function readsColumns(value: unknown): boolean {
  let found = false
  rewriteSyntax(value, (node) => {
    if (node.kind === 'column-ref') found = true
    return undefined
  })
  return found
}
