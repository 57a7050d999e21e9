// The catalog clients' expression syntax, bound without array types in the executor:
//
// * Casts to the oid alias types (regclass, regtype, regproc, ...) are ordinary casts to
//   real types (common/sql-type.ts); their input and output functions
//   (executor/functions/reg-names.ts) read and print the names of the statement's database,
//   which the binder takes for a statement that names such a type (regNamesOf) and which
//   travel with the statement to the executor and the text output.
// * `x op ANY (array)` / `x op ALL (array)` (parsed as a call of `any`, a reserved word no
//   function may have): over `ARRAY[...]` or a constant array literal `'{r,p,f}'` (also a
//   parameter's value) it is an IN list or a chain of comparisons; over a text column holding
//   an array literal, = ANY and <> ALL test membership row by row.
import { isRegType, PgError, SqlState, SqlTypes } from '../../common/index.js'
import { parseArrayLiteral } from '../../executor/functions/catalog.js'
import type { RegNames, RegObject } from '../../executor/functions/reg-names.js'
import type { Expr } from '../../executor/plan.js'
import type { BinaryNode, FuncNode, SyntaxExpr, TableRefNode, TypeNameNode } from '../sql/ast.js'
import { OwnerOid, type CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import { listRoutines } from '../catalog/pg-catalog-rows.js'
import { virtualRelations } from '../catalog/virtual-relations.js'
import type { BindContext } from './context.js'
import { isStringType } from './types.js'

// The catalog relations with oid alias columns (pg_type.typinput is regproc): a statement that
// reads one prints those columns by name, so it needs the names as much as a `::regproc` does.
const relationsWithRegColumns = new Set(
  virtualRelations
    .filter((relation) => relation.columns.some((column) => isRegType(column.type)))
    .map((relation) => relation.name),
)

/**
 * True when `node` (any syntax tree) names an oid alias type somewhere (`::regclass`,
 * `::regtype[]`) or reads a catalog relation that has a column of one.
 */
export function namesRegType(node: unknown, seen = new WeakSet<object>()): boolean {
  if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) return false
  if (seen.has(node)) return false
  seen.add(node)
  if (Array.isArray(node)) return node.some((item) => namesRegType(item, seen))
  const record = node as Record<string, unknown>
  if (record['kind'] === 'cast') {
    const typeName = record['typeName'] as TypeNameNode | undefined
    if (typeName !== undefined && /^(pg_catalog\.)?_?reg/.test(typeName.name)) return true
  }
  if (record['kind'] === 'table-ref') {
    const table = (record as unknown as TableRefNode).table.name
    if (relationsWithRegColumns.has(table.slice(table.lastIndexOf('.') + 1))) return true
  }
  return Object.values(record).some((value) => namesRegType(value, seen))
}

// The built-in functions are the same for every database: listed once.
let builtinFunctions: readonly RegObject[] | undefined

/** The relations, roles and functions the reg types read and print, from `snapshot`. */
export function regNamesOf(snapshot: CatalogSnapshot): RegNames {
  builtinFunctions ??= listRoutines().map((routine) => ({
    oid: routine.oid,
    name: routine.name,
    schema: 'pg_catalog',
    argTypeOids: routine.argTypeOids,
  }))
  return {
    relations: snapshot.relations.map(({ oid, name, schema }) => ({ oid, name, schema })),
    functions: builtinFunctions,
    roles: [{ oid: OwnerOid, name: snapshot.user, schema: '' }],
  }
}

/** `any`/`some`/`all` applied to one argument: the right side of a quantified comparison. */
export function quantifierOf(node: SyntaxExpr): 'any' | 'all' | undefined {
  if (node.kind !== 'func' || node.args.length !== 1 || node.star || node.distinct) return undefined
  if (node.name === 'any' || node.name === 'some') return 'any'
  return node.name === 'all' ? 'all' : undefined
}

/**
 * The elements of a constant array: ARRAY[...]'s expressions, or a string constant (or a
 * parameter's value) read as an array literal. Undefined when the array is not constant.
 */
export function constantArrayElements(
  source: SyntaxExpr,
  bound: () => Expr,
): readonly SyntaxExpr[] | undefined {
  if (source.kind === 'func' && source.name === 'array') return source.args
  if (source.kind !== 'literal' && source.kind !== 'param' && source.kind !== 'cast')
    return undefined
  const expr = bound()
  if (expr.kind !== 'literal' || !(expr.type === 'unknown' || isStringType(expr.type)))
    return undefined
  if (expr.value === null) return undefined
  return parseArrayLiteral(String(expr.value)).map((value) =>
    value === null
      ? { kind: 'literal', literal: 'null', text: '', position: source.position }
      : { kind: 'literal', literal: 'string', text: value, position: source.position },
  )
}

/** `left op ANY/ALL (elements)` as syntax: an IN list for = ANY and <> ALL, else OR/AND chains. */
export function expandQuantified(
  node: BinaryNode,
  quantifier: 'any' | 'all',
  elements: readonly SyntaxExpr[],
): SyntaxExpr {
  const position = node.position
  if (elements.length === 0)
    return {
      kind: 'literal',
      literal: 'bool',
      text: quantifier === 'all' ? 'true' : 'false',
      position,
    }
  if ((node.op === '=' && quantifier === 'any') || (node.op === '<>' && quantifier === 'all')) {
    return {
      kind: 'in-list',
      arg: node.left,
      values: elements,
      negated: node.op === '<>',
      position,
    }
  }
  const tests: SyntaxExpr[] = elements.map((right) => ({ ...node, right }))
  return tests.reduce((all, test) => ({
    kind: 'binary',
    op: quantifier === 'any' ? 'or' : 'and',
    left: all,
    right: test,
    position,
  }))
}

/** `text = ANY(textColumn)` / `<> ALL`: membership in an array literal read per row. */
export function bindArrayMembership(
  node: BinaryNode,
  quantifier: 'any' | 'all',
  left: Expr,
  array: Expr,
  context: BindContext,
): Expr {
  const member = node.op === '=' && quantifier === 'any'
  const notMember = node.op === '<>' && quantifier === 'all'
  if ((!member && !notMember) || !(isStringType(array.type) || array.type === 'unknown')) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `${node.op} ${quantifier.toUpperCase()} over a non-constant array is not supported yet`,
      position: node.position + 1,
    })
  }
  const args = [context.coerce(left, 'text'), context.coerce(array, 'text')]
  const contains: Expr = { kind: 'call', fn: 'text_array_contains', args, type: 'bool' }
  return member ? contains : { kind: 'call', fn: 'not', args: [contains], type: 'bool' }
}

/** 0A000 for ARRAY[...] outside ANY/ALL. */
export function arraysNotSupported(node: FuncNode): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message: 'arrays is not supported yet',
    position: node.position + 1,
  })
}

/** `array[i]` over an array held as its text literal (a catalog column, current_schemas()). */
export function bindSubscript(
  node: FuncNode,
  bind: (node: SyntaxExpr) => Expr,
  context: BindContext,
): Expr {
  const [arrayNode, indexNode] = node.args
  const array = bind(arrayNode!)
  const index = bind(indexNode!)
  if (!(isStringType(array.type) || array.type === 'unknown')) {
    throw new PgError({
      code: SqlState.datatypeMismatch,
      message: `cannot subscript type ${SqlTypes[array.type].displayName} because it does not support subscripting`,
      position: (context.positionOf(array) ?? node.position) + 1,
    })
  }
  const args = [context.coerce(array, 'text'), context.coerce(index, 'int4')]
  return { kind: 'call', fn: 'text_array_element', args, type: 'text' }
}
