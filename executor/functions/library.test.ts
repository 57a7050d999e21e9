import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../../common/index.js'
import { decimalToString, decimalParse } from '../decimal.js'
import { evaluate } from '../expr/evaluate.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr } from '../plan.js'
import { parseInterval } from '../interval/interval-text.js'
import { addInterval } from './interval-kernels.js'
import { formatToChar } from './to-char.js'
import { decimalSqrt, decimalTrunc, floatPower, glibcCbrt } from './math.js'
import { likeEscapeOf, regexpReplaceOf, regexSubstringOf, translateRegex } from './regex.js'
import {
  initcapOf,
  leftOf,
  padOf,
  rightOf,
  splitPartOf,
  strposOf,
  substringOf,
  trimOf,
} from './string.js'

const ctx = { timeZone: 'UTC', nowMicros: 0 }

const failsWith = (thunk: () => unknown, code: string, message: string): void => {
  assert.throws(
    thunk,
    (e: unknown) => e instanceof PgError && e.code === code && e.message === message,
  )
}

test('substring and positions count code points, not UTF-16 units', () => {
  assert.equal(substringOf('a😀bcd', 2, 2), '😀b')
  assert.equal(substringOf('abc', -1, 3), 'a')
  assert.equal(substringOf('abc', 2, null), 'bc')
  failsWith(() => substringOf('abc', 1, -1), '22011', 'negative substring length not allowed')
  assert.equal(strposOf('h😀llo', 'l'), 3)
  assert.equal(strposOf('abc', ''), 1)
  assert.equal(strposOf('abc', 'z'), 0)
  assert.equal(leftOf('a😀cde', 2), 'a😀')
  assert.equal(leftOf('abcde', -2), 'abc')
  assert.equal(rightOf('abcde', -2), 'cde')
})

test('split_part, trim, pad and initcap follow PostgreSQL', () => {
  assert.equal(splitPartOf('a,b,c', ',', -1), 'c')
  assert.equal(splitPartOf('a,b,c', ',', 9), '')
  assert.equal(splitPartOf('abc', '', 1), 'abc')
  failsWith(() => splitPartOf('a', ',', 0), '22023', 'field position must not be zero')
  assert.equal(trimOf('xyaxy', 'xy', true, true), 'a')
  assert.equal(trimOf('xxa', 'x', false, true), 'xxa')
  assert.equal(padOf('hi', 5, 'xy', true), 'xyxhi')
  assert.equal(padOf('hello', 3, ' ', false), 'hel')
  assert.equal(padOf('hi', 5, '', true), 'hi')
  assert.equal(initcapOf('hello wORLD foo_bar 3abc'), 'Hello World Foo_Bar 3abc')
})

test('regular expressions translate PostgreSQL syntax', () => {
  assert.equal(translateRegex('[[:digit:]]+\\.', false).source, '[0-9]+\\.')
  assert.equal(translateRegex('(?i)abc', false).caseInsensitive, true)
  assert.equal(regexpReplaceOf('foobarbaz', 'b..', 'X', ''), 'fooXbaz')
  assert.equal(regexpReplaceOf('foobarbaz', 'b..', 'X', 'g'), 'fooXX')
  assert.equal(regexpReplaceOf('abc', '(b)', '[\\1\\&]', 'g'), 'a[bb]c')
  assert.equal(regexpReplaceOf('a$b', 'x*', '-', 'g'), '-a-$-b-')
  assert.equal(regexSubstringOf('foobar', 'o(.)b'), 'o')
  assert.equal(regexSubstringOf('foobar', 'z'), null)
  failsWith(
    () => regexpReplaceOf('a', 'a', 'b', 'q'),
    '22023',
    'invalid regular expression option: "q"',
  )
  assert.equal(likeEscapeOf('a#_c\\', '#'), 'a\\_c\\\\')
  assert.equal(likeEscapeOf('a\\c', ''), 'a\\\\c')
})

test('numeric sqrt and trunc keep PostgreSQL scales', () => {
  const sqrt = (text: string): string => decimalToString(decimalSqrt(decimalParse(text)))
  assert.equal(sqrt('2'), '1.414213562373095')
  assert.equal(sqrt('100'), '10.000000000000000')
  assert.equal(sqrt('0.0001'), '0.01000000000000000')
  assert.equal(sqrt('12345678.9'), '3513.6418286444622')
  failsWith(() => sqrt('-1'), '2201F', 'cannot take square root of a negative number')
  assert.equal(decimalToString(decimalTrunc(decimalParse('-4.789'), 1)), '-4.7')
  assert.equal(decimalToString(decimalTrunc(decimalParse('1234.5'), -2)), '1200')
  assert.equal(glibcCbrt(27), 3.0000000000000004)
  failsWith(() => floatPower(0, -1), '2201F', 'zero raised to a negative power is undefined')
})

test('intervals parse and add in calendar then clock order', () => {
  assert.deepEqual(parseInterval('1 hour'), { months: 0, days: 0, micros: 3_600_000_000 })
  assert.deepEqual(parseInterval('2 days 03:00:00'), { months: 0, days: 2, micros: 10_800_000_000 })
  assert.deepEqual(parseInterval('@ 1 mon ago'), { months: -1, days: 0, micros: 0 })
  const jan31 = Date.UTC(2024, 0, 31, 10) * 1000
  assert.equal(
    addInterval('timestamptz', jan31, parseInterval('1 month'), 'UTC'),
    Date.UTC(2024, 1, 29, 10) * 1000,
  )
  const beforeDst = Date.UTC(2024, 2, 9, 17) * 1000
  const oneDay = addInterval('timestamptz', beforeDst, parseInterval('1 day'), 'America/New_York')
  assert.equal(oneDay, Date.UTC(2024, 2, 10, 16) * 1000)
})

test('to_char renders the common patterns', () => {
  const local = Date.UTC(2024, 2, 5, 14, 7, 9, 123) * 1000 + 456
  assert.equal(formatToChar(local, 'YYYY-MM-DD HH24:MI:SS.US'), '2024-03-05 14:07:09.123456')
  assert.equal(formatToChar(local, 'Day DD Mon, HH12 am'), 'Tuesday   05 Mar, 02 pm')
  assert.equal(formatToChar(local, 'FMMonth "is" Q'), 'March is 1')
})

test('kernels run through evaluate over vectors with NULLs', () => {
  const batch = { length: 3, columns: [vectorFromValues('text', ['héllo', null, 'abc'])] }
  const column: Expr = { kind: 'column', index: 0, type: 'text' }
  const run = (expr: Expr): unknown[] => {
    const vector = evaluate(expr, batch, ctx)
    return [0, 1, 2].map((row) => scalarAt(vector, row))
  }
  const two: Expr = { kind: 'literal', value: 2, type: 'int4' }
  assert.deepEqual(run({ kind: 'call', fn: 'substr', args: [column, two], type: 'text' }), [
    'éllo',
    null,
    'bc',
  ])
  assert.deepEqual(run({ kind: 'call', fn: 'octet_length', args: [column], type: 'int4' }), [
    6,
    null,
    3,
  ])
  const pattern: Expr = { kind: 'literal', value: '^h', type: 'text' }
  assert.deepEqual(
    run({ kind: 'call', fn: 'regex_match', args: [column, pattern], type: 'bool' }),
    [true, null, false],
  )
  const dash: Expr = { kind: 'literal', value: '-', type: 'text' }
  assert.deepEqual(
    run({ kind: 'call', fn: 'concat_ws', args: [dash, column, two], type: 'text' }),
    ['héllo-2', '2', 'abc-2'],
  )
})
