import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../../common/index.js'
import {
  regInputOid,
  regOutputText,
  registerRegFunctions,
  registerRegRelations,
  registerRegRoles,
} from './reg-names.js'

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return error instanceof PgError ? error.code : 'not a PgError'
  }
  return undefined
}

test('regclass prints names qualified only off the search path, quoted when needed', () => {
  registerRegRelations([
    { oid: 16384, name: 'events', schema: 'public' },
    { oid: 16385, name: 'Mixed Case', schema: 'public' },
    { oid: 13500, name: 'tables', schema: 'information_schema' },
  ])
  assert.equal(regOutputText('regclass', 16384), 'events')
  assert.equal(regOutputText('regclass', 16385), '"Mixed Case"')
  assert.equal(regOutputText('regclass', 13500), 'information_schema.tables')
  assert.equal(regOutputText('regclass', 0), '-')
  assert.equal(regOutputText('regclass', 99), '99')
  assert.equal(regInputOid('regclass', 'events'), 16384)
  assert.equal(regInputOid('regclass', 'public.events'), 16384)
  assert.equal(regInputOid('regclass', '"Mixed Case"'), 16385)
  assert.equal(regInputOid('regclass', 'information_schema.tables'), 13500)
  assert.equal(regInputOid('regclass', '77'), 77)
  assert.equal(regInputOid('regclass', '-'), 0)
  assert.equal(
    code(() => regInputOid('regclass', 'tables')),
    '42P01',
  )
  // A later statement's database replaces the relations.
  registerRegRelations([{ oid: 16384, name: 'metrics', schema: 'public' }])
  assert.equal(regOutputText('regclass', 16384), 'metrics')
  assert.equal(
    code(() => regInputOid('regclass', 'events')),
    '42P01',
  )
})

test('regtype and regnamespace read and print the fixed types and schemas', () => {
  assert.equal(regOutputText('regtype', 1184), 'timestamp with time zone')
  assert.equal(regOutputText('regtype', 1007), 'integer[]')
  assert.equal(regOutputText('regtype', 2279), 'trigger')
  assert.equal(regInputOid('regtype', 'pg_catalog.trigger'), 2279)
  assert.equal(regInputOid('regtype', 'double precision'), 701)
  assert.equal(regInputOid('regtype', 'regclass'), 2205)
  assert.equal(
    code(() => regInputOid('regtype', 'no_such_type')),
    '42704',
  )
  assert.equal(regOutputText('regnamespace', 2200), 'public')
  assert.equal(regInputOid('regnamespace', 'pg_catalog'), 11)
  assert.equal(
    code(() => regInputOid('regnamespace', 'nope')),
    '3F000',
  )
})

test('regproc qualifies overloaded names; regprocedure prints the argument types', () => {
  registerRegFunctions([
    { oid: 9001, name: 'lower', schema: 'pg_catalog', argTypeOids: [25] },
    { oid: 9002, name: 'abs', schema: 'pg_catalog', argTypeOids: [23] },
    { oid: 9003, name: 'abs', schema: 'pg_catalog', argTypeOids: [701] },
  ])
  assert.equal(regOutputText('regproc', 9001), 'lower')
  assert.equal(regOutputText('regproc', 9002), 'pg_catalog.abs')
  assert.equal(regOutputText('regprocedure', 9003), 'abs(double precision)')
  assert.equal(regInputOid('regproc', 'lower'), 9001)
  assert.equal(regInputOid('regprocedure', 'abs(integer)'), 9002)
  assert.equal(
    code(() => regInputOid('regproc', 'abs')),
    '42725',
  )
  assert.equal(
    code(() => regInputOid('regproc', 'nope')),
    '42883',
  )
  assert.equal(
    code(() => regInputOid('regprocedure', 'abs')),
    '22P02',
  )
})

test('regrole names the registered role; regoper prints numbers', () => {
  registerRegRoles([{ oid: 10, name: 'malamute', schema: '' }])
  assert.equal(regOutputText('regrole', 10), 'malamute')
  assert.equal(regInputOid('regrole', 'malamute'), 10)
  assert.equal(
    code(() => regInputOid('regrole', 'nobody')),
    '42704',
  )
  assert.equal(regOutputText('regoper', 96), '96')
  assert.equal(
    code(() => regInputOid('regoper', '+')),
    '42883',
  )
})
