// The input and output functions of the oid alias types (regclass, regtype, regproc,
// regprocedure, regnamespace, regrole, regoper, regoperator; see
// https://www.postgresql.org/docs/15/datatype-oid.html): a value is an oid, read from the
// object's name or a number and printed as the name, schema-qualified only when the name is
// not visible on the search path; an oid naming nothing prints as the number, 0 as `-`.
//
// Types and schemas are fixed (catalog.ts). Relations, functions and roles live in the
// planner's catalog: the planner takes them from the statement's database (RegNames, plain
// data that travels with the bound statement, its execution context and its text output, to
// workers too); an oid not among them prints as its number. No process-wide state: sessions
// on different databases running at once each print their own names.
import { PgError, SqlState, sqlTypeByName, SqlTypes, type RegSqlType } from '../../common/index.js'
import { formatType, qualifiedName, typeOidByName } from './catalog.js'

/** A relation, function or role as the reg types name it. */
export interface RegObject {
  readonly oid: number
  readonly name: string
  /** The schema's name; empty for roles. */
  readonly schema: string
  /** A function's argument type oids (regprocedure). */
  readonly argTypeOids?: readonly number[]
}

/** Schemas on the search path (`public`, and `pg_catalog` implicitly): names there print bare. */
const visibleSchemas = new Set(['pg_catalog', 'public'])

const namespaceOids: Readonly<Record<string, number>> = {
  pg_catalog: 11,
  pg_toast: 99,
  public: 2200,
  information_schema: 13207,
  malamute: 16300,
}
const namespaceNames = new Map(Object.entries(namespaceOids).map(([name, oid]) => [oid, name]))

/** The relations, functions and roles one statement's reg values read and print. */
export interface RegNames {
  readonly relations: readonly RegObject[]
  readonly functions: readonly RegObject[]
  readonly roles: readonly RegObject[]
}

/** No names: every oid prints as its number (a statement that names no reg type). */
export const noRegNames: RegNames = { relations: [], functions: [], roles: [] }

interface RegIndex {
  readonly relations: ReadonlyMap<number, RegObject>
  readonly functions: ReadonlyMap<number, RegObject>
  readonly roles: ReadonlyMap<number, RegObject>
}

// Lookup maps per RegNames, built on first use (a worker builds its own from its copy).
const indexes = new WeakMap<RegNames, RegIndex>()

function indexOf(names: RegNames): RegIndex {
  let index = indexes.get(names)
  if (index === undefined) {
    const byOid = (objects: readonly RegObject[]): Map<number, RegObject> =>
      new Map(objects.map((object) => [object.oid, object]))
    index = {
      relations: byOid(names.relations),
      functions: byOid(names.functions),
      roles: byOid(names.roles),
    }
    indexes.set(names, index)
  }
  return index
}

/** quote_identifier: lower-case identifiers bare, anything else in double quotes. */
function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`
}

function qualified(object: RegObject): string {
  const name = quoteIdentifier(object.name)
  return visibleSchemas.has(object.schema) ? name : `${quoteIdentifier(object.schema)}.${name}`
}

/** The text output of `oid` as a `type` value (regclassout, regtypeout, ...). */
export function regOutputText(type: RegSqlType, oid: number, names: RegNames): string {
  if (oid === 0) return '-'
  const { relations, functions, roles } = indexOf(names)
  switch (type) {
    case 'regclass': {
      const relation = relations.get(oid)
      return relation === undefined ? String(oid) : qualified(relation)
    }
    case 'regtype':
      return formatType(oid, null, true)
    case 'regnamespace':
      return quoteIdentifierOr(namespaceNames.get(oid), oid)
    case 'regrole':
      return quoteIdentifierOr(roles.get(oid)?.name, oid)
    case 'regproc': {
      const fn = functions.get(oid)
      if (fn === undefined) return String(oid)
      // Qualified unless the bare name finds this function alone, as regprocout decides.
      const unique = [...functions.values()].filter((f) => f.name === fn.name).length === 1
      return unique && visibleSchemas.has(fn.schema)
        ? quoteIdentifier(fn.name)
        : `${quoteIdentifier(fn.schema)}.${quoteIdentifier(fn.name)}`
    }
    case 'regprocedure': {
      const fn = functions.get(oid)
      if (fn === undefined) return String(oid)
      const args = (fn.argTypeOids ?? []).map((arg) => formatType(arg, null, true))
      return `${qualified(fn)}(${args.join(',')})`
    }
    case 'regoper':
    case 'regoperator':
      return String(oid)
  }
}

function quoteIdentifierOr(name: string | undefined, oid: number): string {
  return name === undefined ? String(oid) : quoteIdentifier(name)
}

/** The oid `text` names as a `type` value (regclassin, regtypein, ...); PostgreSQL's errors. */
export function regInputOid(type: RegSqlType, text: string, names: RegNames): number {
  if (/^\d+$/.test(text)) return Number(text)
  if (text === '-') return 0
  switch (type) {
    case 'regclass':
      return relationOid(text, names)
    case 'regtype':
      return typeOid(text)
    case 'regnamespace': {
      const parts = qualifiedName(text)
      const oid = parts.length === 1 ? namespaceOids[parts[0] ?? ''] : undefined
      if (oid !== undefined) return oid
      throw new PgError({
        code: SqlState.invalidSchemaName,
        message: `schema "${text}" does not exist`,
      })
    }
    case 'regrole': {
      const name = qualifiedName(text)[0] ?? ''
      const role = names.roles.find((r) => r.name === name)
      if (role !== undefined) return role.oid
      throw new PgError({
        code: SqlState.undefinedObject,
        message: `role "${text}" does not exist`,
      })
    }
    case 'regproc':
      return functionOid(text, names)
    case 'regprocedure':
      return procedureOid(text, names)
    case 'regoper':
    case 'regoperator':
      throw new PgError({
        code: SqlState.undefinedFunction,
        message: `operator does not exist: ${text}`,
      })
  }
}

function relationOid(text: string, names: RegNames): number {
  const parts = qualifiedName(text)
  const name = parts[parts.length - 1] ?? ''
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  for (const relation of names.relations) {
    if (relation.name !== name) continue
    if (schema === undefined ? visibleSchemas.has(relation.schema) : relation.schema === schema)
      return relation.oid
  }
  throw new PgError({ code: SqlState.undefinedTable, message: `relation "${text}" does not exist` })
}

function typeOid(text: string): number {
  const trimmed = text.trim().replace(/^pg_catalog\./, '')
  const sqlType = sqlTypeByName(trimmed)
  const oid =
    sqlType !== undefined && sqlType !== 'unknown' ? SqlTypes[sqlType].oid : typeOidByName(trimmed)
  if (oid !== undefined) return oid
  throw new PgError({ code: SqlState.undefinedObject, message: `type "${text}" does not exist` })
}

function functionsNamed(text: string, names: RegNames): RegObject[] {
  const parts = qualifiedName(text)
  const name = parts[parts.length - 1] ?? ''
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  return names.functions.filter(
    (f) =>
      f.name === name &&
      (schema === undefined ? visibleSchemas.has(f.schema) : f.schema === schema),
  )
}

function functionOid(text: string, names: RegNames): number {
  const found = functionsNamed(text, names)
  if (found.length === 1) return found[0]!.oid
  throw new PgError({
    code: found.length === 0 ? SqlState.undefinedFunction : SqlState.ambiguousFunction,
    message:
      found.length === 0
        ? `function "${text}" does not exist`
        : `more than one function named "${text}"`,
  })
}

/** `name(type, ...)`: the function of that name with exactly those argument types. */
function procedureOid(text: string, names: RegNames): number {
  const open = text.indexOf('(')
  if (open < 0 || !text.trimEnd().endsWith(')'))
    throw new PgError({
      code: SqlState.invalidTextRepresentation,
      message: 'expected a left parenthesis',
    })
  const inside = text.slice(open + 1, text.trimEnd().length - 1).trim()
  const argOids = inside === '' ? [] : inside.split(',').map((arg) => typeOid(arg))
  const found = functionsNamed(text.slice(0, open), names).find(
    (f) =>
      (f.argTypeOids ?? []).length === argOids.length &&
      argOids.every((oid, i) => f.argTypeOids?.[i] === oid),
  )
  if (found !== undefined) return found.oid
  throw new PgError({
    code: SqlState.undefinedFunction,
    message: `function ${text} does not exist`,
  })
}
