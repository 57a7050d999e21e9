// The catalog clients' expression syntax, bound without array or reg* types in the executor:
//
// * Casts to regclass, regtype, regnamespace, regproc. A constant name is looked up now and
//   becomes its oid (`'events'::regclass`, 42P01 when missing), as PostgreSQL's input
//   functions do; an oid becomes the object's name as the reg type's output prints it
//   (`c.oid::regclass` → `events`), through regclass_out & co. (executor/functions/catalog.ts).
// * `x op ANY (array)` / `x op ALL (array)` (parsed as a call of `any`, a reserved word no
//   function may have): over `ARRAY[...]` or a constant array literal `'{r,p,f}'` (also a
//   parameter's value) it is an IN list or a chain of comparisons; over a text column holding
//   an array literal, = ANY and <> ALL test membership row by row.
import { PgError, SqlState, SqlTypes, sqlTypeByName, type SqlType } from '../../common/index.js'
import {
  parseArrayLiteral,
  qualifiedName,
  typeOidByName,
} from '../../executor/functions/catalog.js'
import type { Expr } from '../../executor/plan.js'
import type { BinaryNode, FuncNode, SyntaxExpr, TypeNameNode } from '../sql/ast.js'
import { NamespaceOid } from '../catalog/catalog-snapshot.js'
import type { BindContext } from './context.js'
import { isStringType } from './types.js'

/** A relation as `::regclass` names it. */
export interface RegclassRelation {
  readonly oid: number
  readonly name: string
  readonly schema: string
}

const regTypes = new Set(['regclass', 'regtype', 'regnamespace', 'regproc', 'regprocedure'])

export function isRegType(typeName: TypeNameNode): boolean {
  return regTypes.has(typeName.name)
}

/** True when `node` (any syntax tree) casts to regclass somewhere: its binding needs relations. */
export function castsToRegclass(node: unknown, seen = new WeakSet<object>()): boolean {
  if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) return false
  if (seen.has(node)) return false
  seen.add(node)
  if (Array.isArray(node)) return node.some((item) => castsToRegclass(item, seen))
  const record = node as Record<string, unknown>
  if (record['kind'] === 'cast') {
    const typeName = record['typeName'] as TypeNameNode | undefined
    if (typeName?.name === 'regclass') return true
  }
  return Object.values(record).some((value) => castsToRegclass(value, seen))
}

/** Binds `arg::regtype-name` (arg already bound). */
export function bindRegCast(arg: Expr, typeName: TypeNameNode, context: BindContext): Expr {
  const position = typeName.position + 1
  if (arg.kind === 'literal' && (arg.type === 'unknown' || isStringType(arg.type))) {
    if (arg.value === null) return { kind: 'literal', value: null, type: 'oid' }
    const oid = regInput(typeName.name, String(arg.value), context.regclassRelations, position)
    return { kind: 'literal', value: oid, type: 'oid' }
  }
  if (typeName.name === 'regclass' && isStringType(arg.type)) {
    // A name computed per row (`pg_get_serial_sequence(...)::regclass`): looked up at run time.
    const names = context.regclassRelations.map((r) => `${r.oid}\t${r.schema}\t${r.name}`)
    const map: Expr = { kind: 'literal', value: names.join('\n'), type: 'text' }
    return {
      kind: 'call',
      fn: 'regclass_in',
      args: [context.coerce(arg, 'text'), map],
      type: 'oid',
    }
  }
  if (arg.type !== 'oid' && arg.type !== 'int2' && arg.type !== 'int4' && arg.type !== 'int8') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `casting ${SqlTypes[arg.type].displayName} to ${typeName.name} is not supported yet`,
      position,
    })
  }
  const oid = context.coerce(arg, 'oid')
  switch (typeName.name) {
    case 'regclass': {
      const names = context.regclassRelations.map((r) => `${r.oid}\t${regclassName(r)}`)
      const map: Expr = { kind: 'literal', value: names.join('\n'), type: 'text' }
      return { kind: 'call', fn: 'regclass_out', args: [oid, map], type: 'text' }
    }
    case 'regtype':
      return { kind: 'call', fn: 'regtype_out', args: [oid], type: 'text' }
    case 'regnamespace':
      return { kind: 'call', fn: 'regnamespace_out', args: [oid], type: 'text' }
    default:
      return { kind: 'call', fn: 'regproc_out', args: [oid], type: 'text' }
  }
}

/** regclass's output: the name, quoted when needed, qualified when not on the search path. */
function regclassName(relation: RegclassRelation): string {
  const quote = (name: string): string =>
    /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`
  const visible = relation.schema === 'public' || relation.schema === 'pg_catalog'
  return visible ? quote(relation.name) : `${quote(relation.schema)}.${quote(relation.name)}`
}

function regInput(
  type: string,
  text: string,
  relations: readonly RegclassRelation[],
  position: number,
): number {
  if (/^\s*\d+\s*$/.test(text)) return Number(text)
  switch (type) {
    case 'regclass': {
      const parts = qualifiedName(text)
      const name = parts[parts.length - 1] ?? ''
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
      const found = relations.find(
        (r) =>
          r.name === name &&
          (schema === undefined
            ? r.schema === 'public' || r.schema === 'pg_catalog'
            : r.schema === schema),
      )
      if (found !== undefined) return found.oid
      throw new PgError({
        code: SqlState.undefinedTable,
        message: `relation "${text}" does not exist`,
        position,
      })
    }
    case 'regtype': {
      const trimmed = text.trim().replace(/^pg_catalog\./, '')
      const array = trimmed.endsWith('[]')
      const base = array ? trimmed.slice(0, -2).trim() : trimmed
      const sqlType = sqlTypeByName(base) as SqlType | undefined
      const oid =
        sqlType !== undefined && sqlType !== 'unknown'
          ? array
            ? SqlTypes[sqlType].arrayOid
            : SqlTypes[sqlType].oid
          : array
            ? undefined
            : typeOidByName(base)
      if (oid !== undefined) return oid
      throw new PgError({
        code: SqlState.undefinedObject,
        message: `type "${text}" does not exist`,
        position,
      })
    }
    case 'regnamespace': {
      const name = qualifiedName(text)[0] ?? ''
      const oid = (NamespaceOid as Readonly<Record<string, number>>)[name]
      if (oid !== undefined) return oid
      throw new PgError({
        code: SqlState.invalidSchemaName,
        message: `schema "${text}" does not exist`,
        position,
      })
    }
    default:
      throw new PgError({
        code: SqlState.undefinedFunction,
        message: `function "${text}" does not exist`,
        position,
      })
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
