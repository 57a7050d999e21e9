import assert from 'node:assert/strict'
import { test } from 'node:test'
import { scalarAt } from '../../executor/expr/vector-builders.js'
import { eventsContext } from '../testing/fixtures.js'
import { lookupVirtualTable, virtualRelationNamed } from './virtual-catalog.js'

test('names resolve as PostgreSQL searches pg_catalog first', () => {
  assert.equal(virtualRelationNamed('pg_class')?.oid, 1259)
  assert.equal(virtualRelationNamed('pg_catalog.pg_class')?.oid, 1259)
  assert.equal(virtualRelationNamed('information_schema.columns')?.schema, 'information_schema')
  assert.equal(virtualRelationNamed('columns'), undefined)
  assert.equal(virtualRelationNamed('events'), undefined)
})

test('pg_attribute lists the tenant table with its attnums and type oids', async () => {
  const ctx = eventsContext()
  const events = await ctx.catalog.getTable('acme', 'events')
  const attribute = await lookupVirtualTable('pg_attribute', ctx)
  assert.ok(attribute !== undefined && events !== undefined)
  const column = (name: string) => attribute.columns.findIndex((c) => c.name === name)
  const rows: [unknown, unknown, unknown][] = []
  for (let row = 0; row < attribute.rows.length; row++) {
    const value = (name: string) => {
      const vector = attribute.rows.columns[column(name)]
      assert.ok(vector !== undefined)
      return scalarAt(vector, row)
    }
    if (value('attrelid') === events.oid)
      rows.push([value('attname'), value('attnum'), value('atttypid')])
  }
  assert.deepEqual(rows, [
    ['ts', 1, 1184],
    ['service', 2, 25],
    ['status', 3, 23],
    ['duration', 4, 701],
    ['bytes', 5, 20],
    ['http.method', 6, 25],
  ])
})

test('every relation builds rows that fit its columns', async () => {
  const ctx = eventsContext()
  for (const name of [
    'pg_class',
    'pg_type',
    'pg_proc',
    'pg_settings',
    'information_schema.routines',
  ]) {
    const table = await lookupVirtualTable(name, ctx)
    assert.ok(table !== undefined, name)
    assert.ok(table.rows.length > 0, name)
    assert.equal(table.rows.columns.length, table.columns.length, name)
  }
  const empty = await lookupVirtualTable('pg_constraint', ctx)
  assert.equal(empty?.rows.length, 0)
})
