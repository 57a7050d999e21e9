import assert from 'node:assert/strict'
import { test } from 'node:test'
import { evaluate } from '../expr/evaluate.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr } from '../plan.js'
import { formatType, parseArrayLiteral } from './catalog.js'

const ctx = { timeZone: 'UTC', nowMicros: 0 }

test('format_type prints types as PostgreSQL 15 does, typmods included', () => {
  assert.equal(formatType(23, -1), 'integer')
  assert.equal(formatType(1043, 24), 'character varying(20)')
  assert.equal(formatType(1043, null), 'character varying')
  assert.equal(formatType(1042, -1), 'bpchar')
  assert.equal(formatType(1042, null), 'character')
  assert.equal(formatType(1042, 14), 'character(10)')
  assert.equal(formatType(1700, ((10 << 16) | 2) + 4), 'numeric(10,2)')
  assert.equal(formatType(1184, -1), 'timestamp with time zone')
  assert.equal(formatType(1009, -1), 'text[]')
  assert.equal(formatType(2205, -1), 'regclass')
  assert.equal(formatType(999999, -1), '???')
  assert.equal(formatType(0, null, true), '-')
})

test('array literals read as PostgreSQL writes them', () => {
  assert.deepEqual(parseArrayLiteral('{r,p,f}'), ['r', 'p', 'f'])
  assert.deepEqual(parseArrayLiteral('{}'), [])
  assert.deepEqual(parseArrayLiteral('{"a b","c\\"d",NULL,"NULL"}'), ['a b', 'c"d', null, 'NULL'])
  assert.deepEqual(parseArrayLiteral('{ 1 , 2 }'), ['1', '2'])
})

test('text_array_contains is three-valued over each row', () => {
  const batch = {
    length: 4,
    columns: [
      vectorFromValues('text', ['a', 'x', 'x', null]),
      vectorFromValues('text', ['{a,b}', '{a,b}', '{a,NULL}', '{a}']),
    ],
  }
  const expr: Expr = {
    kind: 'call',
    fn: 'text_array_contains',
    args: [
      { kind: 'column', index: 0, type: 'text' },
      { kind: 'column', index: 1, type: 'text' },
    ],
    type: 'bool',
  }
  const out = evaluate(expr, batch, ctx)
  assert.deepEqual(
    [0, 1, 2, 3].map((row) => scalarAt(out, row)),
    [true, false, null, null],
  )
})
