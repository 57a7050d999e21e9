// Which conjuncts token filters can refute, and the literal runs a regex match must contain.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Expr } from '../plan.js'
import { requiredRegexRuns, tokenPredicatesOf } from './token-pruning.js'

const message: Expr = { kind: 'column', index: 2, type: 'text' }
const text = (value: string): Expr => ({ kind: 'literal', value, type: 'text' })
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: 'call', fn, args, type: 'bool' })

test('regex runs: literal text every match contains, nothing when unsure', () => {
  assert.deepEqual(requiredRegexRuns('deadlock detected'), ['deadlock detected'])
  assert.deepEqual(requiredRegexRuns('Dead(lock)? detected [0-9]+'), ['Dead', ' detected '])
  assert.deepEqual(requiredRegexRuns('colou?r\\.x+y*z{2}'), ['colo', 'r.x', ''].filter(Boolean))
  assert.deepEqual(requiredRegexRuns('^error: \\d+ rows$'), ['error: ', ' rows'])
  assert.deepEqual(requiredRegexRuns('a|b'), [])
  assert.deepEqual(requiredRegexRuns('(?i)abc'), [])
  assert.deepEqual(requiredRegexRuns('***:abc'), [])
  assert.deepEqual(requiredRegexRuns('[\\]]abc'), [])
  assert.deepEqual(requiredRegexRuns('x[[:alpha:]]yz'), ['x', 'yz'])
})

test('token predicates: =, IN, LIKE, ILIKE and regex on a text column, conjuncts of AND only', () => {
  const kinds = (filter: Expr): string[] =>
    tokenPredicatesOf(filter).map(
      (p) => `${p.kind}:${p.kind === 'values' ? p.values.length : p.codes.length}`,
    )
  assert.deepEqual(kinds(call('eq', message, text('abc'))), ['values:1'])
  assert.deepEqual(
    kinds({
      kind: 'in-list',
      arg: message,
      values: ['a', 'b', null],
      negated: false,
      type: 'bool',
    }),
    ['values:2'],
  )
  // '%dead_lock%': runs 'dead' and 'lock', two trigrams each.
  assert.deepEqual(kinds(call('like', message, text('%dead_lock%'))), ['trigrams:4'])
  assert.deepEqual(kinds(call('ilike', message, text('%ÉCOLE%'))), ['trigrams:2'])
  assert.deepEqual(kinds(call('regex_imatch', message, text('dead(lock)?'))), ['trigrams:2'])
  assert.deepEqual(
    kinds(call('and', call('like', message, text('%ab%')), call('eq', message, text('x')))),
    ['values:1'],
  )
  assert.deepEqual(
    kinds(call('or', call('eq', message, text('x')), call('eq', message, text('y')))),
    [],
  )
  assert.deepEqual(kinds(call('not_like', message, text('%abcdef%'))), [])
  assert.deepEqual(kinds(call('like', call('lower', message), text('%abcdef%'))), [])
  assert.deepEqual(kinds(call('like', message, message)), [])
})
