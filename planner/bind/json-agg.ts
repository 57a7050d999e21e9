// json_agg / jsonb_agg (x [ORDER BY ...]) and json_object_agg / jsonb_object_agg (k, v
// [ORDER BY ...]) bind over array_agg, as string_agg does (string-agg.ts): the aggregate
// (partial states in the workers, ORDER BY, DISTINCT, FILTER) is array_agg's, and a scalar
// final function (executor/functions/json-extra.ts) writes the JSON. array_agg over no rows
// is NULL, as these aggregates are. The two array_aggs of the object forms see the same
// rows in the same order, so their elements pair up.
import { PgError, SqlState } from '../../common/index.js'
import type { FuncNode, SyntaxExpr } from '../sql/ast.js'

export const jsonAggregateNames: ReadonlySet<string> = new Set([
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
])

const finalFunctions: Readonly<Record<string, string>> = {
  json_agg: 'json_agg_final',
  jsonb_agg: 'to_jsonb',
  json_object_agg: 'json_object_agg_final',
  jsonb_object_agg: 'jsonb_object_agg_final',
}

export function rewriteJsonAgg(node: FuncNode): SyntaxExpr {
  const arity = node.name.includes('object') ? 2 : 1
  if (node.args.length !== arity || node.star) {
    const args = node.star ? '*' : `${node.args.length} arguments`
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `function ${node.name} with ${args} does not exist`,
      position: node.position + 1,
    })
  }
  const { over: _over, ...aggregate } = node
  const arrays = node.args.map((arg): SyntaxExpr => ({
    ...aggregate,
    name: 'array_agg',
    args: [arg],
  }))
  return {
    kind: 'func',
    name: finalFunctions[node.name]!,
    args: arrays,
    star: false,
    distinct: false,
    filter: null,
    position: node.position,
  }
}
