// pg_relation_size, pg_table_size, pg_total_relation_size (regclass) and pg_database_size
// (name or oid) answer the bytes Malamute really stores: the sum of the table's live segments
// (or the database's), as malamute.tables reports them. Rewritten while parsing into a
// scalar subquery over that view, so the subquery machinery (correlated too) runs it:
//
//   pg_relation_size(x) → pg_relation_size(x, (SELECT coalesce(sum(bytes), 0)::int8
//                          FROM malamute.tables WHERE table_name::text = (x)::regclass::text))
//
// whose two-argument form (executor/functions/null-count.ts) is the bytes, or NULL for a NULL x.
// A relation with no segments (a catalog relation, an empty table) is 0 bytes; Malamute has
// no indexes or TOAST, so the three relation sizes agree.
import type { FuncNode, SyntaxExpr } from './ast.js'
import { TokenCursor } from './cursor.js'

const relationSizeFunctions = new Set([
  'pg_relation_size',
  'pg_table_size',
  'pg_total_relation_size',
])

const argumentMarker = '*size argument*'

const templates: Readonly<Record<'relation' | 'database', string>> = {
  relation:
    `(SELECT coalesce(sum(bytes), 0)::int8 FROM malamute.tables ` +
    `WHERE table_name::text = "${argumentMarker}"::regclass::text)`,
  database: `(SELECT coalesce(sum(bytes), 0)::int8 FROM malamute.tables)`,
}

/** Replaces every reference to the marker column with `arg`, positions moved to the call's. */
function substitute(value: unknown, arg: SyntaxExpr, position: number): unknown {
  if (Array.isArray(value)) return value.map((item) => substitute(item, arg, position))
  if (typeof value !== 'object' || value === null) return value
  const node = value as { kind?: unknown; name?: unknown }
  if (node.kind === 'column-ref' && node.name === argumentMarker) return arg
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    out[key] = key === 'position' ? position : substitute(field, arg, position)
  }
  return out
}

/** The rewrite of a size function call, or undefined for any other call. */
export function rewriteSizeCall(
  node: FuncNode,
  parseExpr: (cursor: TokenCursor) => SyntaxExpr,
): SyntaxExpr | undefined {
  const kind = relationSizeFunctions.has(node.name)
    ? 'relation'
    : node.name === 'pg_database_size'
      ? 'database'
      : undefined
  const arg = node.args[0]
  if (kind === undefined || node.args.length !== 1 || arg === undefined || node.over !== undefined)
    return undefined
  const bytes = substitute(parseExpr(new TokenCursor(templates[kind])), arg, node.position)
  return { ...node, args: [arg, bytes as SyntaxExpr] }
}
