import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, type SqlType } from '../../common/index.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { ScalarValue } from '../plan.js'
import { castVector } from './cast-vector.js'

const cast = (
  from: SqlType,
  values: ScalarValue[],
  to: SqlType,
  timeZone = 'UTC',
): ScalarValue[] => {
  const vector = castVector(vectorFromValues(from, values), to, { timeZone })
  assert.equal(vector.type, to)
  return values.map((_, row) => scalarAt(vector, row))
}

const fails = (
  from: SqlType,
  value: ScalarValue,
  to: SqlType,
  code: string,
  message: string,
): void => {
  assert.throws(
    () => castVector(vectorFromValues(from, [value]), to, { timeZone: 'UTC' }),
    (e: unknown) => e instanceof PgError && e.code === code && e.message === message,
    `${String(value)}::${to}`,
  )
}

const micros = (iso: string): number => Date.parse(iso) * 1000

// Every expectation below was checked on PostgreSQL 15.18.
test('text to integers', () => {
  assert.deepEqual(cast('text', [' 12 ', '+7', '-0', null], 'int4'), [12, 7, 0, null])
  fails('text', 'abc', 'int4', '22P02', 'invalid input syntax for type integer: "abc"')
  fails('text', '1.5', 'int4', '22P02', 'invalid input syntax for type integer: "1.5"')
  fails('text', '', 'int4', '22P02', 'invalid input syntax for type integer: ""')
  fails('text', 'abc', 'int8', '22P02', 'invalid input syntax for type bigint: "abc"')
  fails(
    'text',
    '99999999999',
    'int4',
    '22003',
    'value "99999999999" is out of range for type integer',
  )
  fails('text', '40000', 'int2', '22003', 'value "40000" is out of range for type smallint')
})

test('numbers to integers round like PostgreSQL', () => {
  assert.deepEqual(cast('float8', [2.5, 3.5, -2.5, 2.4], 'int4'), [2, 4, -2, 2])
  assert.deepEqual(cast('numeric', ['2.5', '-2.5', '7.49'], 'int4'), [3, -3, 7])
  fails('int4', 99999, 'int2', '22003', 'smallint out of range')
  fails('int8', 3000000000, 'int4', '22003', 'integer out of range')
  fails('float8', 1e10, 'int4', '22003', 'integer out of range')
  fails('float8', Number.NaN, 'int4', '22003', 'integer out of range')
  fails('float8', 1e20, 'int8', '22003', 'bigint out of range')
  fails('numeric', '1e20', 'int8', '22003', 'bigint out of range')
})

test('floats', () => {
  assert.deepEqual(cast('text', [' 1.5 ', 'inf', '-Infinity', '-0'], 'float8'), [
    1.5,
    Infinity,
    -Infinity,
    -0,
  ])
  assert.ok(Number.isNaN(cast('text', ['nan'], 'float8')[0]))
  fails('text', 'abc', 'float8', '22P02', 'invalid input syntax for type double precision: "abc"')
  fails('text', '1e400', 'float8', '22003', '"1e400" is out of range for type double precision')
  fails('text', '1e-400', 'float8', '22003', '"1e-400" is out of range for type double precision')
  fails('text', '1e40', 'float4', '22003', '"1e40" is out of range for type real')
  assert.deepEqual(cast('numeric', ['1.25'], 'float8'), [1.25])
  assert.deepEqual(cast('int4', [7], 'float8'), [7])
})

test('to numeric', () => {
  assert.deepEqual(cast('text', ['1.50', '-3'], 'numeric'), ['1.50', '-3'])
  assert.deepEqual(cast('float8', [0.1, 1 / 3, 1e20], 'numeric'), [
    '0.1',
    '0.333333333333333',
    '100000000000000000000',
  ])
  assert.deepEqual(cast('float4', [123.456], 'numeric'), ['123.456'])
  assert.deepEqual(cast('int8', [42], 'numeric'), ['42'])
  fails('text', 'x', 'numeric', '22P02', 'invalid input syntax for type numeric: "x"')
})

test('booleans', () => {
  const words = ['yes', 'on', '1', 'f', 'off', 'TRUE', ' t ', 'of', 'tr', 'n']
  assert.deepEqual(cast('text', words, 'bool'), [
    true,
    true,
    true,
    false,
    false,
    true,
    true,
    false,
    true,
    false,
  ])
  fails('text', 'o', 'bool', '22P02', 'invalid input syntax for type boolean: "o"')
  fails('text', 'maybe', 'bool', '22P02', 'invalid input syntax for type boolean: "maybe"')
  fails('text', '', 'bool', '22P02', 'invalid input syntax for type boolean: ""')
  assert.deepEqual(cast('int4', [1, 0, 5], 'bool'), [true, false, true])
  assert.deepEqual(cast('bool', [true, false], 'int4'), [1, 0])
})

test('to text uses the output functions', () => {
  assert.deepEqual(cast('bool', [true, false, null], 'text'), ['true', 'false', null])
  assert.deepEqual(cast('numeric', ['1.50'], 'text'), ['1.50'])
  assert.deepEqual(cast('float8', [1e15, 1.5], 'text'), ['1e+15', '1.5'])
  assert.deepEqual(cast('timestamptz', [micros('2024-01-01T00:00:00Z')], 'text', 'Europe/Paris'), [
    '2024-01-01 01:00:00+01',
  ])
  assert.deepEqual(cast('text', ['abc'], 'varchar'), ['abc'])
})

test('text to timestamps and dates', () => {
  const utcInputs = [
    '2024-01-01',
    '2024-01-01 12:00:00.5',
    '2024-01-01T12:00:00Z',
    '2024-01-01 12:00:00.123+02',
    '2024-01-01 12:00:00 +0530',
    '2024-01-01 12:00:00-08',
    '2024-01-01 12:00 Europe/Paris',
    'epoch',
    '2024-01-01 24:00',
  ]
  assert.deepEqual(cast('text', utcInputs, 'timestamptz'), [
    micros('2024-01-01T00:00:00Z'),
    micros('2024-01-01T12:00:00.5Z'),
    micros('2024-01-01T12:00:00Z'),
    micros('2024-01-01T10:00:00.123Z'),
    micros('2024-01-01T06:30:00Z'),
    micros('2024-01-01T20:00:00Z'),
    micros('2024-01-01T11:00:00Z'),
    0,
    micros('2024-01-02T00:00:00Z'),
  ])
  assert.deepEqual(cast('text', ['2024-01-01 12:00:00.123456789'], 'timestamptz'), [
    micros('2024-01-01T12:00:00Z') + 123457,
  ])
  // Europe/Paris: the skipped 02:30 reads as 03:30+02, the repeated 02:30 as +01 (PostgreSQL 15).
  assert.deepEqual(
    cast(
      'text',
      ['2024-01-01', '2024-03-31 02:30', '2024-10-27 02:30'],
      'timestamptz',
      'Europe/Paris',
    ),
    [
      micros('2023-12-31T23:00:00Z'),
      micros('2024-03-31T01:30:00Z'),
      micros('2024-10-27T01:30:00Z'),
    ],
  )
  assert.deepEqual(cast('text', ['2024-01-01T12:00:00.000Z'], 'timestamp'), [
    micros('2024-01-01T12:00:00Z'),
  ])
  assert.deepEqual(
    cast('text', ['2024-02-29', '  2024-1-1  ', '20240101', '2024-01-01 12:00:00+02'], 'date'),
    [19782, 19723, 19723, 19723],
  )
  fails('text', 'abc', 'date', '22007', 'invalid input syntax for type date: "abc"')
  fails(
    'text',
    'foo',
    'timestamptz',
    '22007',
    'invalid input syntax for type timestamp with time zone: "foo"',
  )
  fails('text', '2024-13-01', 'date', '22008', 'date/time field value out of range: "2024-13-01"')
  fails('text', '2024-02-30', 'date', '22008', 'date/time field value out of range: "2024-02-30"')
  fails(
    'text',
    '2024-01-01 25:00',
    'timestamp',
    '22008',
    'date/time field value out of range: "2024-01-01 25:00"',
  )
})

test('between date, timestamp and timestamptz', () => {
  const noonUtc = micros('2024-01-01T12:00:00Z')
  assert.deepEqual(cast('timestamptz', [noonUtc], 'date'), [19723])
  assert.deepEqual(cast('date', [19723], 'timestamptz'), [micros('2024-01-01T00:00:00Z')])
  assert.deepEqual(cast('date', [19723], 'timestamptz', 'Europe/Paris'), [
    micros('2023-12-31T23:00:00Z'),
  ])
  assert.deepEqual(cast('timestamp', [noonUtc], 'timestamptz', 'Europe/Paris'), [
    micros('2024-01-01T11:00:00Z'),
  ])
  assert.deepEqual(
    cast('timestamptz', [micros('2023-12-31T23:30:00Z')], 'date', 'Europe/Paris'),
    [19723],
  )
  assert.deepEqual(cast('timestamptz', [noonUtc], 'timestamp', 'Asia/Kolkata'), [
    micros('2024-01-01T17:30:00Z'),
  ])
})

test('impossible casts raise 42846', () => {
  fails('bool', true, 'date', '42846', 'cannot cast type boolean to date')
})

test('numeric too large for a float overflows as PostgreSQL 15 reports it', () => {
  fails('numeric', '1e39', 'float4', '22003', 'value out of range: overflow')
})
