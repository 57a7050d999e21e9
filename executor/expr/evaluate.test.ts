import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, type Batch, type SqlType, type Vector } from '../../common/index.js'
import type { Expr, ScalarValue } from '../plan.js'
import { concatBatches, sliceBatch, takeRows, takeVector } from './batch-ops.js'
import { evaluate, evaluatePredicate, filterBatch } from './evaluate.js'
import { makeConstantVector, scalarAt, vectorFromValues } from './vector-builders.js'

const ctx = { timeZone: 'UTC', nowMicros: 0 }
const rows = (vector: Vector): ScalarValue[] =>
  Array.from({ length: vector.length }, (_, row) => scalarAt(vector, row))
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const literal = (value: ScalarValue, type: SqlType): Expr => ({ kind: 'literal', value, type })
const fn = (name: string, type: SqlType, ...args: Expr[]): Expr => ({
  kind: 'call',
  fn: name,
  args,
  type,
})

const batch: Batch = {
  length: 5,
  columns: [
    vectorFromValues('int4', [0, 2, null, 4, 5]),
    vectorFromValues('text', ['a', 'bb', 'ccc', null, 'é']),
    vectorFromValues('numeric', ['1.5', null, '-2', '0.25', '10']),
  ],
}

test('a guarded division does not raise on the rows the guard excludes', () => {
  const x = column(0, 'int4')
  const guard = fn('ne', 'bool', x, literal(0, 'int4'))
  const ratio = fn('gt', 'bool', fn('divide', 'int4', literal(10, 'int4'), x), literal(2, 'int4'))
  assert.deepEqual(rows(evaluate(fn('and', 'bool', guard, ratio), batch, ctx)), [
    false,
    true,
    null,
    false,
    false,
  ])
  const either = fn('or', 'bool', fn('eq', 'bool', x, literal(0, 'int4')), ratio)
  assert.deepEqual(rows(evaluate(either, batch, ctx)), [true, true, null, false, false])
  assert.throws(
    () => evaluate(ratio, batch, ctx),
    (e: unknown) => e instanceof PgError && e.code === '22012',
  )
})

test('CASE evaluates each branch only on its rows', () => {
  const x = column(0, 'int4')
  const expr: Expr = {
    kind: 'case',
    whens: [
      { when: fn('eq', 'bool', x, literal(0, 'int4')), then: literal(-1, 'int4') },
      {
        when: fn('gt', 'bool', x, literal(4, 'int4')),
        then: fn('multiply', 'int4', x, literal(100, 'int4')),
      },
    ],
    otherwise: fn('divide', 'int4', literal(100, 'int4'), x),
    type: 'int4',
  }
  assert.deepEqual(rows(evaluate(expr, batch, ctx)), [-1, 50, null, 25, 500])
  const noElse: Expr = {
    kind: 'case',
    whens: [{ when: fn('eq', 'bool', x, literal(2, 'int4')), then: column(1, 'text') }],
    otherwise: null,
    type: 'text',
  }
  assert.deepEqual(rows(evaluate(noElse, batch, ctx)), [null, 'bb', null, null, null])
})

test('IN lists follow SQL NULL rules', () => {
  const inList = (arg: Expr, values: ScalarValue[], negated = false): Expr => ({
    kind: 'in-list',
    arg,
    values,
    negated,
    type: 'bool',
  })
  assert.deepEqual(rows(evaluate(inList(column(0, 'int4'), [2, 5]), batch, ctx)), [
    false,
    true,
    null,
    false,
    true,
  ])
  assert.deepEqual(rows(evaluate(inList(column(0, 'int4'), [2, null]), batch, ctx)), [
    null,
    true,
    null,
    null,
    null,
  ])
  assert.deepEqual(rows(evaluate(inList(column(0, 'int4'), [2, 5], true), batch, ctx)), [
    true,
    false,
    null,
    true,
    false,
  ])
  assert.deepEqual(rows(evaluate(inList(column(1, 'text'), ['bb', 'é', 'zz']), batch, ctx)), [
    false,
    true,
    false,
    null,
    true,
  ])
  assert.deepEqual(rows(evaluate(inList(column(2, 'numeric'), ['1.50', '10.0']), batch, ctx)), [
    true,
    null,
    false,
    false,
    true,
  ])
})

test('casts and literals over a zero-column batch (VALUES)', () => {
  const one: Batch = { length: 1, columns: [] }
  const expr: Expr = { kind: 'cast', arg: literal('42', 'unknown'), type: 'int4' }
  assert.deepEqual(rows(evaluate(expr, one, ctx)), [42])
  assert.deepEqual(
    rows(
      evaluate(fn('add', 'numeric', literal('1.5', 'numeric'), literal('2', 'numeric')), one, ctx),
    ),
    ['3.5'],
  )
})

test('predicates select the rows that are TRUE', () => {
  const predicate = fn('gt', 'bool', column(0, 'int4'), literal(1, 'int4'))
  assert.deepEqual(Array.from(evaluatePredicate(predicate, batch, ctx)), [1, 3, 4])
  const filtered = filterBatch(predicate, batch, ctx)
  assert.deepEqual(rows(filtered.columns[1]!), ['bb', null, 'é'])
  assert.deepEqual(rows(filtered.columns[2]!), [null, '0.25', '10'])
})

test('take, slice and concat keep values and NULLs', () => {
  const taken = takeRows(batch, Int32Array.from([4, 0, 4]))
  assert.deepEqual(rows(taken.columns[1]!), ['é', 'a', 'é'])
  const sliced = sliceBatch(batch, 1, 4)
  assert.deepEqual(rows(sliced.columns[0]!), [2, null, 4])
  assert.deepEqual(rows(sliced.columns[1]!), ['bb', 'ccc', null])
  const joined = concatBatches([sliced, taken])
  assert.equal(joined.length, 6)
  assert.deepEqual(rows(joined.columns[1]!), ['bb', 'ccc', null, 'é', 'a', 'é'])
  assert.deepEqual(rows(joined.columns[2]!), [null, '-2', '0.25', '10', '1.5', '10'])
  assert.deepEqual(rows(takeVector(makeConstantVector('xy', 'text', 3), Int32Array.from([2]))), [
    'xy',
  ])
  assert.deepEqual(rows(makeConstantVector(null, 'bool', 2)), [null, null])
})

test('one literal node evaluates over batches of changing lengths', () => {
  const status = fn('eq', 'bool', column(1, 'text'), literal('bb', 'text'))
  const word = literal('x', 'text')
  const lengths = [5, 2, 5, 5, 0, 3]
  for (const length of lengths) {
    const part = sliceBatch(batch, 0, length)
    assert.deepEqual(rows(evaluate(word, part, ctx)), Array(length).fill('x'))
    assert.deepEqual(
      rows(evaluate(status, part, ctx)),
      [false, true, false, null, false].slice(0, length),
    )
  }
  assert.deepEqual(rows(evaluate(literal(null, 'text'), batch, ctx)), Array(5).fill(null))
})
