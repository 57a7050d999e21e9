// A nested JSON object stays reachable as jsonb. Ingestion stores `{"http": {"method": "GET",
// "status": 200}}` as the columns "http.method" and "http.status" (each typed, pruned and
// compressed on its own), and no `http` column. A name with no column of its own whose dotted
// columns exist resolves, at bind time, to the object rebuilt from them:
//
//   http  ──►  nullif(                                     one piece per key, in key order;
//                (CASE WHEN "http.method" IS NULL THEN '{}'    a NULL value leaves its key out,
//                      ELSE jsonb_build_object('method', "http.method") END)
//                || (CASE WHEN "http.status" IS NULL ...),   as the event had no such field
//              '{}')                                       no field at all: NULL, not {}
//
// Deeper paths nest (`http.request.id` is http -> 'request' -> 'id'), so `http->>'method'`,
// `http->'request'->>'id'` and `http @> '{"method": "GET"}'` work. Nothing is stored twice:
// the object costs CPU at query time, over the dotted columns only. Where a path is both a
// value and an object (`a.b` and `a.b.c` exist), the value wins when it is not NULL.
import type { Expr } from '../../executor/plan.js'
import type { ScopeColumn } from './scope.js'

interface PathNode {
  value: Expr | null
  readonly children: Map<string, PathNode>
}

/** The jsonb object `name` stands for over `columns`' dotted names, or undefined when none. */
export function dottedObjectColumn(
  columns: readonly ScopeColumn[],
  name: string,
): ScopeColumn | undefined {
  const prefix = `${name}.`
  const root: PathNode = { value: null, children: new Map() }
  for (const column of columns) {
    if (!column.name.startsWith(prefix) || column.name.length === prefix.length) continue
    let node = root
    for (const key of column.name.slice(prefix.length).split('.')) {
      let child = node.children.get(key)
      if (child === undefined) {
        child = { value: null, children: new Map() }
        node.children.set(key, child)
      }
      node = child
    }
    node.value ??= column.expr
  }
  if (root.children.size === 0) return undefined
  return { name, expr: objectOf(root), tableOid: 0, attnum: 0 }
}

const emptyObject: Expr = { kind: 'literal', value: '{}', type: 'jsonb' }

/** The node's object, NULL when every value under it is NULL. */
function objectOf(node: PathNode): Expr {
  let object: Expr | null = null
  for (const [key, child] of node.children) {
    const values: Expr[] = []
    if (child.children.size > 0) values.push(objectOf(child))
    if (child.value !== null) values.push(child.value)
    for (const value of values) {
      const piece = pieceOf(key, value)
      object = object === null ? piece : call('jsonb_concat', [object, piece])
    }
  }
  return call('nullif', [object ?? emptyObject, emptyObject])
}

/** `{"key": value}`, or `{}` when value is NULL. */
function pieceOf(key: string, value: Expr): Expr {
  return {
    kind: 'case',
    whens: [
      {
        when: { kind: 'call', fn: 'is_null', args: [value], type: 'bool' },
        then: emptyObject,
      },
    ],
    otherwise: call('jsonb_build_object', [{ kind: 'literal', value: key, type: 'text' }, value]),
    type: 'jsonb',
  }
}

function call(fn: string, args: readonly Expr[]): Expr {
  return { kind: 'call', fn, args, type: 'jsonb' }
}
