import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SqlType } from '../../common/index.js'
import { vectorFromValues } from '../expr/vector-builders.js'
import type { ScalarValue } from '../plan.js'
import { formatFloatText } from './float-text.js'
import { formatScalarText, formatValueText } from './text-output.js'

const utc = { timeZone: 'UTC' }
const out = (value: ScalarValue, type: SqlType, timeZone = 'UTC'): string | null =>
  formatScalarText(value, type, { timeZone })

// Expected strings from PostgreSQL 15.18 (extra_float_digits = 1, the default).
test('float8 output', () => {
  const cases: [number, string][] = [
    [1e15, '1e+15'],
    [1e14, '100000000000000'],
    [123456789012345.6, '123456789012345.6'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
    [0.1, '0.1'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [Number.NaN, 'NaN'],
    [-0, '-0'],
    [1e100, '1e+100'],
    [1 / 3, '0.3333333333333333'],
    [1e-310, '1e-310'],
    [2.5e-7, '2.5e-07'],
    [12345678901234567890, '1.2345678901234567e+19'],
    [-1.5, '-1.5'],
    [100, '100'],
  ]
  for (const [value, expected] of cases)
    assert.equal(formatFloatText(value, false), expected, String(value))
})

test('float4 output', () => {
  const cases: [number, string][] = [
    [1e6, '1e+06'],
    [1e5, '100000'],
    [123456.7, '123456.7'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [3.14159, '3.14159'],
    [0.1, '0.1'],
    [1.17549435e-38, '1.1754944e-38'],
  ]
  for (const [value, expected] of cases)
    assert.equal(formatFloatText(Math.fround(value), true), expected, String(value))
})

test('scalars of every kind', () => {
  assert.equal(out(true, 'bool'), 't')
  assert.equal(out(false, 'bool'), 'f')
  assert.equal(out(null, 'int4'), null)
  assert.equal(out(-42, 'int8'), '-42')
  assert.equal(out('1.50', 'numeric'), '1.50')
  assert.equal(out('héllo', 'text'), 'héllo')
  assert.equal(out(19782, 'date'), '2024-02-29')
})

const micros = (iso: string): number => Date.parse(iso) * 1000

// Expected strings from PostgreSQL 15.18 with SET timezone accordingly.
test('timestamptz output in UTC', () => {
  assert.equal(out(micros('2024-01-01T00:00:00Z'), 'timestamptz'), '2024-01-01 00:00:00+00')
  assert.equal(out(micros('2024-01-01T12:00:00.5Z'), 'timestamptz'), '2024-01-01 12:00:00.5+00')
  assert.equal(out(micros('2024-01-01T10:00:00.123Z'), 'timestamptz'), '2024-01-01 10:00:00.123+00')
  assert.equal(
    out(micros('1969-12-31T23:59:59Z') + 999_999, 'timestamptz'),
    '1969-12-31 23:59:59.999999+00',
  )
  assert.equal(out(micros('0001-01-01T00:00:00Z'), 'timestamptz'), '0001-01-01 00:00:00+00')
  assert.equal(out(0, 'timestamptz'), '1970-01-01 00:00:00+00')
  assert.equal(out(micros('2024-01-01T12:00:00Z'), 'timestamp'), '2024-01-01 12:00:00')
})

test('timestamptz output in named zones', () => {
  assert.equal(
    out(micros('2023-12-31T23:00:00Z'), 'timestamptz', 'Europe/Paris'),
    '2024-01-01 00:00:00+01',
  )
  assert.equal(
    out(micros('2024-06-30T22:00:00Z'), 'timestamptz', 'Europe/Paris'),
    '2024-07-01 00:00:00+02',
  )
  assert.equal(
    out(micros('2023-12-31T18:30:00Z'), 'timestamptz', 'Asia/Kolkata'),
    '2024-01-01 00:00:00+05:30',
  )
  assert.equal(
    out(micros('2024-01-01T03:30:00Z'), 'timestamptz', 'America/St_Johns'),
    '2024-01-01 00:00:00-03:30',
  )
  assert.equal(
    out(micros('2023-12-31T18:15:00Z'), 'timestamptz', 'Asia/Kathmandu'),
    '2024-01-01 00:00:00+05:45',
  )
  // PostgreSQL 15: '1900-01-01'::timestamptz under Asia/Kathmandu → 1900-01-01 00:00:00+05:41:16
  assert.equal(
    out(
      micros('1900-01-01T00:00:00Z') - (5 * 3600 + 41 * 60 + 16) * 1e6,
      'timestamptz',
      'Asia/Kathmandu',
    ),
    '1900-01-01 00:00:00+05:41:16',
  )
})

test('formatValueText reads one row of a vector', () => {
  const vector = vectorFromValues('float8', [1, null, 0.5])
  assert.equal(formatValueText(vector, 0, utc), '1')
  assert.equal(formatValueText(vector, 1, utc), null)
  assert.equal(formatValueText(vector, 2, utc), '0.5')
})

test('bytea prints as hex with \\x', () => {
  assert.equal(out('deadbeef', 'bytea'), '\\xdeadbeef')
  assert.equal(out('', 'bytea'), '\\x')
})
