// string_agg(x, delimiter [ORDER BY ...]) binds as array_to_string(array_agg(x [ORDER BY ...]),
// delimiter) where count(x) > 0: array_to_string skips NULL elements as string_agg skips NULL
// values, and the count makes it NULL when there is no non-NULL value, so the answers are
// PostgreSQL's while the aggregate (partial states in the
// workers, ORDER BY, DISTINCT, FILTER) is array_agg's. The delimiter must be the same for every
// row, which is how it is written in practice. Unlike PostgreSQL, non-text values are accepted
// (as their text).
import { PgError, SqlState } from '../../common/index.js'
import type { FuncNode, SyntaxExpr } from '../sql/ast.js'

export function rewriteStringAgg(node: FuncNode): SyntaxExpr {
  const [value, delimiter] = node.args
  if (node.args.length !== 2 || value === undefined || delimiter === undefined) {
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `function string_agg with ${node.args.length} arguments does not exist`,
      position: node.position + 1,
    })
  }
  if (!isConstant(delimiter)) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'string_agg is supported with a constant delimiter only',
      position: node.position + 1,
    })
  }
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
