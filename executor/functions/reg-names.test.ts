import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../../common/index.js'
import {
  noRegNames,
  regInputOid,
  regOutputText,
  type RegNames,
  type RegObject,
} from './reg-names.js'

const withRelations = (relations: RegObject[]): RegNames => ({ ...noRegNames, relations })

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return error instanceof PgError ? error.code : 'not a PgError'
  }
  return undefined
}

test('regclass prints names qualified only off the search path, quoted when needed', () => {
  let names = withRelations([
    { oid: 16384, name: 'events', schema: 'public' },
    { oid: 16385, name: 'Mixed Case', schema: 'public' },
    { oid: 13500, name: 'tables', schema: 'information_schema' },
  ])
  assert.equal(regOutputText('regclass', 16384, names), 'events')
  assert.equal(regOutputText('regclass', 16385, names), '"Mixed Case"')
  assert.equal(regOutputText('regclass', 13500, names), 'information_schema.tables')
  assert.equal(regOutputText('regclass', 0, names), '-')
  assert.equal(regOutputText('regclass', 99, names), '99')
  assert.equal(regInputOid('regclass', 'events', names), 16384)
  assert.equal(regInputOid('regclass', 'public.events', names), 16384)
  assert.equal(regInputOid('regclass', '"Mixed Case"', names), 16385)
  assert.equal(regInputOid('regclass', 'information_schema.tables', names), 13500)
  assert.equal(regInputOid('regclass', '77', names), 77)
  assert.equal(regInputOid('regclass', '-', names), 0)
  assert.equal(
    code(() => regInputOid('regclass', 'tables', names)),
    '42P01',
  )
  // Another database's names: the same oid is another relation, and the first names stay.
  const other = withRelations([{ oid: 16384, name: 'metrics', schema: 'public' }])
  assert.equal(regOutputText('regclass', 16384, other), 'metrics')
  assert.equal(regOutputText('regclass', 16384, names), 'events')
  assert.equal(regOutputText('regclass', 16384, noRegNames), '16384')
  names = other
  assert.equal(regOutputText('regclass', 16384, names), 'metrics')
  assert.equal(
    code(() => regInputOid('regclass', 'events', names)),
    '42P01',
  )
})

test('regtype and regnamespace read and print the fixed types and schemas', () => {
  const names = noRegNames
  assert.equal(regOutputText('regtype', 1184, names), 'timestamp with time zone')
  assert.equal(regOutputText('regtype', 1007, names), 'integer[]')
  assert.equal(regOutputText('regtype', 2279, names), 'trigger')
  assert.equal(regInputOid('regtype', 'pg_catalog.trigger', names), 2279)
  assert.equal(regInputOid('regtype', 'double precision', names), 701)
  assert.equal(regInputOid('regtype', 'regclass', names), 2205)
  assert.equal(
    code(() => regInputOid('regtype', 'no_such_type', names)),
    '42704',
  )
  assert.equal(regOutputText('regnamespace', 2200, names), 'public')
  assert.equal(regInputOid('regnamespace', 'pg_catalog', names), 11)
  assert.equal(
    code(() => regInputOid('regnamespace', 'nope', names)),
    '3F000',
  )
})

test('regproc qualifies overloaded names; regprocedure prints the argument types', () => {
  const names: RegNames = {
    ...noRegNames,
    functions: [
      { oid: 9001, name: 'lower', schema: 'pg_catalog', argTypeOids: [25] },
      { oid: 9002, name: 'abs', schema: 'pg_catalog', argTypeOids: [23] },
      { oid: 9003, name: 'abs', schema: 'pg_catalog', argTypeOids: [701] },
    ],
  }
  assert.equal(regOutputText('regproc', 9001, names), 'lower')
  assert.equal(regOutputText('regproc', 9002, names), 'pg_catalog.abs')
  assert.equal(regOutputText('regprocedure', 9003, names), 'abs(double precision)')
  assert.equal(regInputOid('regproc', 'lower', names), 9001)
  assert.equal(regInputOid('regprocedure', 'abs(integer)', names), 9002)
  assert.equal(
    code(() => regInputOid('regproc', 'abs', names)),
    '42725',
  )
  assert.equal(
    code(() => regInputOid('regproc', 'nope', names)),
    '42883',
  )
  assert.equal(
    code(() => regInputOid('regprocedure', 'abs', names)),
    '22P02',
  )
})

test('regrole names the registered role; regoper prints numbers', () => {
  const names: RegNames = { ...noRegNames, roles: [{ oid: 10, name: 'malamute', schema: '' }] }
  assert.equal(regOutputText('regrole', 10, names), 'malamute')
  assert.equal(regInputOid('regrole', 'malamute', names), 10)
  assert.equal(
    code(() => regInputOid('regrole', 'nobody', names)),
    '42704',
  )
  assert.equal(regOutputText('regoper', 96, names), '96')
  assert.equal(
    code(() => regInputOid('regoper', '+', names)),
    '42883',
  )
})
