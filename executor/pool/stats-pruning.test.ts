import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SqlType } from '../../common/index.js'
import type { ColumnStats } from '../../storage/api.js'
import type { Expr, ScalarValue } from '../plan.js'
import {
  alwaysMatches,
  filterIsOnlyStatsPredicates,
  mayMatch,
  statsPredicatesOf,
} from './stats-pruning.js'

const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const literal = (value: ScalarValue, type: SqlType): Expr => ({ kind: 'literal', value, type })
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: 'call', fn, args, type: 'bool' })
const stats = (
  type: SqlType,
  min: number | string | null,
  max: number | string | null,
  nullCount = 0,
): ColumnStats => ({ name: 'c', type, nullCount, min, max })

function only(filter: Expr) {
  const predicates = statsPredicatesOf(filter)
  assert.equal(predicates.length, 1)
  return predicates[0]!
}

test('comparisons prune ranges that cannot hold a match, with the constant on either side', () => {
  const ge500 = only(call('ge', column(0, 'int4'), literal(500, 'int4')))
  assert.equal(mayMatch(ge500, stats('int4', 200, 404)), false)
  assert.equal(mayMatch(ge500, stats('int4', 200, 500)), true)
  const flipped = only(call('lt', literal(500, 'int4'), column(0, 'int4')))
  assert.deepEqual(flipped.op, 'gt')
  assert.equal(mayMatch(flipped, stats('int4', 200, 500)), false)
  const eq = only(call('eq', column(0, 'float8'), literal(2.5, 'float8')))
  assert.equal(mayMatch(eq, stats('float8', 3, 9)), false)
  assert.equal(mayMatch(eq, stats('float8', 2.5, 2.5)), true)
  assert.equal(alwaysMatches(eq, stats('float8', 2.5, 2.5), 10), true)
  assert.equal(alwaysMatches(eq, stats('float8', 2.5, 2.5, 1), 10), false)
})

test('BETWEEN (two conjuncts), IN and widening casts take part; other shapes do not', () => {
  const between = call(
    'and',
    call('ge', column(0, 'int8'), literal(10, 'int8')),
    call('le', column(0, 'int8'), literal(20, 'int8')),
  )
  const predicates = statsPredicatesOf(between)
  assert.equal(predicates.length, 2)
  assert.equal(
    predicates.every((p) => mayMatch(p, stats('int8', 21, 30))),
    false,
  )
  assert.equal(filterIsOnlyStatsPredicates(between), true)
  const inList: Expr = {
    kind: 'in-list',
    arg: column(0, 'text'),
    values: ['db', null, 'zzz'],
    negated: false,
    type: 'bool',
  }
  assert.equal(mayMatch(only(inList), stats('text', 'api', 'cache')), false)
  assert.equal(mayMatch(only(inList), stats('text', 'api', 'web')), true)
  const widened = call(
    'gt',
    { kind: 'cast', arg: column(0, 'int4'), type: 'float8' },
    literal(2.5, 'float8'),
  )
  assert.equal(mayMatch(only(widened), stats('int4', 0, 2)), false)
  const notPrunable = call('ne', column(0, 'int4'), literal(1, 'int4'))
  assert.deepEqual(statsPredicatesOf(notPrunable), [])
  assert.equal(filterIsOnlyStatsPredicates(notPrunable), false)
  const narrowing = call(
    'gt',
    { kind: 'cast', arg: column(0, 'float8'), type: 'int4' },
    literal(2, 'int4'),
  )
  assert.deepEqual(statsPredicatesOf(narrowing), [])
})

test('never a false negative: missing, mistyped, NaN and partial NULL stats keep the range', () => {
  const gt = only(call('gt', column(0, 'float8'), literal(5, 'float8')))
  assert.equal(mayMatch(gt, undefined), true)
  assert.equal(mayMatch(gt, stats('int4', 0, 1)), true)
  assert.equal(mayMatch(gt, stats('float8', 0, NaN)), true)
  assert.equal(mayMatch(gt, stats('float8', null, null, 0)), true)
  // Every row NULL: a comparison is never true.
  assert.equal(mayMatch(gt, stats('float8', null, null, 7)), false)
  assert.equal(alwaysMatches(gt, stats('float8', null, null, 7), 7), false)
  const nan = call('gt', column(0, 'float8'), literal(NaN, 'float8'))
  assert.deepEqual(statsPredicatesOf(nan), [])
})

test('text compares by UTF-8 bytes, not UTF-16 code units', () => {
  // U+FF5E sorts below U+1F600 in UTF-8 bytes but above its surrogate pair in UTF-16.
  const eq = only(call('eq', column(0, 'text'), literal('\u{1F600}', 'text')))
  assert.equal(mayMatch(eq, stats('text', 'a', '\uFF5E')), false)
  assert.equal(mayMatch(eq, stats('text', 'a', '\u{1F600}')), true)
  const upper = only(call('lt', column(0, 'text'), literal('a', 'text')))
  assert.equal(mayMatch(upper, stats('text', 'Z', 'z')), true)
  assert.equal(mayMatch(upper, stats('text', 'b', 'z')), false)
})

test('text bounds order by UTF-8 bytes, past the surrogates too', () => {
  const emoji = only(call('eq', column(0, 'text'), literal('\u{1F600}', 'text')))
  assert.equal(mayMatch(emoji, stats('text', 'a', '\ufffd')), false, 'U+1F600 sorts after U+FFFD')
  assert.equal(mayMatch(emoji, stats('text', '\ufffd', '\u{1F601}')), true)
  const ascii = only(call('eq', column(0, 'text'), literal('abc', 'text')))
  assert.equal(mayMatch(ascii, stats('text', 'abd', 'b')), false)
  assert.equal(mayMatch(ascii, stats('text', 'ab', 'abc')), true)
  assert.equal(mayMatch(ascii, stats('text', 'a', 'ab')), false, 'a prefix sorts first')
})
