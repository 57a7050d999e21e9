import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../common/index.js'
import {
  decimalAdd,
  decimalCompare,
  decimalDivide,
  decimalFromFloat8,
  decimalFromNumber,
  decimalModulo,
  decimalMultiply,
  decimalParse,
  decimalRound,
  decimalSubtract,
  decimalToNumber,
  decimalToString,
} from './decimal.js'

const d = decimalParse
const text = decimalToString

test('parse and print keep the written scale', () => {
  assert.equal(text(d('1.50')), '1.50')
  assert.equal(text(d('-0.001')), '-0.001')
  assert.equal(text(d('0')), '0')
  assert.equal(text(d('0.00')), '0.00')
  assert.equal(text(d(' +.5 ')), '0.5')
  assert.equal(text(d('1e3')), '1000')
  assert.equal(text(d('1.5e-3')), '0.0015')
  assert.throws(
    () => d('x'),
    (e: unknown) =>
      e instanceof PgError &&
      e.code === '22P02' &&
      e.message === 'invalid input syntax for type numeric: "x"',
  )
  assert.throws(() => d(''), PgError)
  assert.throws(() => d('1.2.3'), PgError)
})

// Expected values from PostgreSQL 15.18: select 5::numeric/3, 1::numeric/3, ...
test('division scale follows select_div_scale', () => {
  const cases: [string, string, string][] = [
    ['5', '3', '1.6666666666666667'],
    ['1', '3', '0.33333333333333333333'],
    ['3', '2', '1.5000000000000000'],
    ['300.0', '7', '42.8571428571428571'],
    ['123456789', '7', '17636684.142857142857'],
    ['0.0001', '3', '0.000033333333333333333333'],
    ['100000000000000000000', '3', '33333333333333333333'],
    ['10', '0.001', '10000.0000000000000000'],
    ['7', '7.00', '1.00000000000000000000'],
    ['1', '1000000', '0.000001000000000000000000'],
    ['-5', '3', '-1.6666666666666667'],
  ]
  for (const [a, b, expected] of cases)
    assert.equal(text(decimalDivide(d(a), d(b))), expected, `${a}/${b}`)
  assert.throws(
    () => decimalDivide(d('1'), d('0.00')),
    (e: unknown) => e instanceof PgError && e.code === '22012' && e.message === 'division by zero',
  )
})

test('add, subtract, multiply, modulo, compare', () => {
  assert.equal(text(decimalAdd(d('1.5'), d('2.25'))), '3.75')
  assert.equal(text(decimalSubtract(d('1.5'), d('2.25'))), '-0.75')
  assert.equal(text(decimalMultiply(d('100.0'), d('3'))), '300.0')
  assert.equal(text(decimalMultiply(d('1.10'), d('2.5'))), '2.750')
  // PostgreSQL 15: select -7.5 % 2 → -1.5
  assert.equal(text(decimalModulo(d('-7.5'), d('2'))), '-1.5')
  assert.equal(decimalCompare(d('1.50'), d('1.5')), 0)
  assert.equal(decimalCompare(d('-2'), d('1.5')), -1)
  assert.equal(decimalCompare(d('10'), d('9.999')), 1)
})

// PostgreSQL 15: round(2.5) = 3, round(-2.5) = -3, round(1.2345, 2) = 1.23, round(1234.5, -2) = 1200
test('round is half away from zero', () => {
  assert.equal(text(decimalRound(d('2.5'), 0)), '3')
  assert.equal(text(decimalRound(d('-2.5'), 0)), '-3')
  assert.equal(text(decimalRound(d('1.2345'), 2)), '1.23')
  assert.equal(text(decimalRound(d('1234.5'), -2)), '1200')
  assert.equal(text(decimalRound(d('1.5'), 3)), '1.500')
  assert.equal(text(decimalRound(d('0.005'), 2)), '0.01')
})

test('conversion from and to numbers', () => {
  assert.equal(text(decimalFromNumber(42)), '42')
  assert.equal(text(decimalFromNumber(0.1)), '0.1')
  assert.equal(text(decimalFromNumber(-1.5e-7)), '-0.00000015')
  // PostgreSQL 15: (1.0/3)::float8::numeric = 0.333333333333333; 1e20::float8::numeric
  assert.equal(text(decimalFromFloat8(1 / 3)), '0.333333333333333')
  assert.equal(text(decimalFromFloat8(1e20)), '100000000000000000000')
  assert.equal(decimalToNumber(d('1.6666666666666667')), 1.6666666666666667)
  assert.equal(decimalToNumber(d('-12')), -12)
})
