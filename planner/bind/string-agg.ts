// string_agg(x, delimiter [ORDER BY ...]) binds as array_to_string(array_agg(x [ORDER BY ...]),
// delimiter) where count(x) > 0: array_to_string skips NULL elements as string_agg skips NULL
// values, and the count makes it NULL when there is no non-NULL value, so the answers are
// PostgreSQL's while the aggregate (partial states in the
// workers, ORDER BY, DISTINCT, FILTER) is array_agg's. Unlike PostgreSQL, non-text values are
// accepted (as their text).
//
// A delimiter that varies by row, or bytea values, bind as string_agg_join(array_agg(x ...),
// array_agg(delimiter ...)) (executor/functions/string-agg-join.ts): two array_aggs with the
// same ORDER BY and FILTER see the rows in the same order, and each value after the first is
// preceded by its own row's delimiter, as in PostgreSQL. With DISTINCT the pairs cannot be
// kept together: 0A000 there.
import { PgError, SqlState } from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import type { FuncNode, SyntaxExpr } from '../sql/ast.js'
import type { BindContext } from './context.js'
import { undefinedFunction } from './functions.js'

/** What bindStringAgg needs of the expression binder. */
export interface StringAggBinder {
  readonly context: BindContext
  bind(node: SyntaxExpr): Expr
}

/** Binds a string_agg call (not a window) as described above. */
export function bindStringAgg(binder: StringAggBinder, node: FuncNode): Expr {
  const [value, delimiter] = node.args
  if (node.args.length !== 2 || value === undefined || delimiter === undefined) {
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `function string_agg with ${node.args.length} arguments does not exist`,
      position: node.position + 1,
    })
  }
  const { over: _over, ...aggregate } = node
  const arrayAgg = (arg: SyntaxExpr): FuncNode => ({ ...aggregate, name: 'array_agg', args: [arg] })
  const values = binder.bind(arrayAgg(value))
  const bytea = values.type === '_bytea'
  const constant = isConstant(delimiter)
  if (!bytea && constant) return binder.bind(rewriteStringAgg(node))
  if (node.distinct && !constant) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'string_agg(DISTINCT ...) with a delimiter that varies by row is not supported',
      position: node.position + 1,
    })
  }
  const element = bytea ? 'bytea' : 'text'
  const delimiters = binder.bind(constant ? delimiter : arrayAgg(delimiter))
  const delimiterType = delimiters.type === '_bytea' ? 'bytea' : delimiters.type
  const known = delimiterType !== 'unknown'
  if (known && (delimiterType === 'bytea') !== bytea) {
    const shown = [binder.bind(value), constant ? delimiters : binder.bind(delimiter)]
    throw undefinedFunction('string_agg', shown, node.position)
  }
  const { context } = binder
  const args = [
    context.coerce(values, bytea ? '_bytea' : '_text'),
    context.coerce(delimiters, constant ? element : bytea ? '_bytea' : '_text'),
  ]
  return { kind: 'call', fn: 'string_agg_join', args, type: element }
}

function rewriteStringAgg(node: FuncNode): SyntaxExpr {
  const [value, delimiter] = node.args as [SyntaxExpr, SyntaxExpr]
  const { over: _over, ...aggregate } = node
  const arrayAgg: FuncNode = { ...aggregate, name: 'array_agg', args: [value] }
  const position = node.position
  const joined: SyntaxExpr = {
    kind: 'func',
    name: 'array_to_string',
    args: [arrayAgg, delimiter],
    star: false,
    distinct: false,
    filter: null,
    position,
  }
  // Only NULL values (or none): string_agg is NULL where array_to_string would give ''.
  const counted: SyntaxExpr = {
    kind: 'func',
    name: 'count',
    args: [value],
    star: false,
    distinct: false,
    filter: node.filter,
    position,
  }
  const zero: SyntaxExpr = { kind: 'literal', literal: 'integer', text: '0', position }
  return {
    kind: 'case',
    operand: null,
    whens: [
      { when: { kind: 'binary', op: '>', left: counted, right: zero, position }, then: joined },
    ],
    otherwise: null,
    position,
  }
}

function isConstant(expr: SyntaxExpr): boolean {
  return expr.kind === 'literal' || expr.kind === 'constant'
}
