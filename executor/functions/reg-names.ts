// The input and output functions of the oid alias types (regclass, regtype, regproc,
// regprocedure, regnamespace, regrole, regoper, regoperator; see
// https://www.postgresql.org/docs/15/datatype-oid.html): a value is an oid, read from the
// object's name or a number and printed as the name, schema-qualified only when the name is
// not visible on the search path; an oid naming nothing prints as the number, 0 as `-`.
//
// Types and schemas are fixed (catalog.ts). Relations, functions and roles live in the
// planner's catalog: the planner registers them here (registerRegRelations & co.) before a
// statement that reads or prints them runs; an oid not registered prints as its number. One
// registry per process: the last statement's database is the one names print from.
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

const relations = new Map<number, RegObject>()
const functions = new Map<number, RegObject>()
const roles = new Map<number, RegObject>()

/** Makes `objects` the relations regclass reads and prints (those of the statement's database). */
export function registerRegRelations(objects: readonly RegObject[]): void {
  relations.clear()
  for (const object of objects) relations.set(object.oid, object)
}

/** Makes `objects` the functions regproc and regprocedure read and print. */
export function registerRegFunctions(objects: readonly RegObject[]): void {
  for (const object of objects) functions.set(object.oid, object)
}

/** Makes `objects` the roles regrole reads and prints. */
export function registerRegRoles(objects: readonly RegObject[]): void {
  roles.clear()
  for (const object of objects) roles.set(object.oid, object)
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
export function regOutputText(type: RegSqlType, oid: number): string {
  if (oid === 0) return '-'
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
export function regInputOid(type: RegSqlType, text: string): number {
  if (/^\d+$/.test(text)) return Number(text)
  if (text === '-') return 0
  switch (type) {
    case 'regclass':
      return relationOid(text)
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
      const role = [...roles.values()].find((r) => r.name === name)
      if (role !== undefined) return role.oid
      throw new PgError({
        code: SqlState.undefinedObject,
        message: `role "${text}" does not exist`,
      })
    }
    case 'regproc':
      return functionOid(text)
    case 'regprocedure':
      return procedureOid(text)
    case 'regoper':
    case 'regoperator':
      throw new PgError({
        code: SqlState.undefinedFunction,
        message: `operator does not exist: ${text}`,
      })
  }
}

function relationOid(text: string): number {
  const parts = qualifiedName(text)
  const name = parts[parts.length - 1] ?? ''
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  for (const relation of relations.values()) {
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

function functionsNamed(text: string): RegObject[] {
  const parts = qualifiedName(text)
  const name = parts[parts.length - 1] ?? ''
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined
  return [...functions.values()].filter(
    (f) =>
      f.name === name &&
      (schema === undefined ? visibleSchemas.has(f.schema) : f.schema === schema),
  )
}

function functionOid(text: string): number {
  const found = functionsNamed(text)
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
function procedureOid(text: string): number {
  const open = text.indexOf('(')
  if (open < 0 || !text.trimEnd().endsWith(')'))
    throw new PgError({
      code: SqlState.invalidTextRepresentation,
      message: 'expected a left parenthesis',
    })
  const inside = text.slice(open + 1, text.trimEnd().length - 1).trim()
  const argOids = inside === '' ? [] : inside.split(',').map((arg) => typeOid(arg))
  const found = functionsNamed(text.slice(0, open)).find(
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
