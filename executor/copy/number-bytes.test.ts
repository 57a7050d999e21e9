// The byte casts of COPY must answer exactly what castVector answers (the types' input
// functions), value for value, and raise its errors: hand-picked fields and random ones.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NumberVector, SqlType } from '../../common/index.js'
import { castVector } from '../cast/cast-vector.js'
import { makeTextVector } from '../expr/vector-builders.js'
import { castNumbersFromBytes } from './number-bytes.js'

/** Each field's value by both casts, or the error message each raised. */
function agree(type: SqlType, fields: readonly (string | null)[], timeZone = 'Europe/Paris') {
  for (const field of fields) {
    const vector = makeTextVector('text', [field])
    const run = (cast: () => unknown): unknown => {
      try {
        const values = (cast() as NumberVector).values
        return Object.is(values[0], -0) ? '-0' : values[0]
      } catch (error) {
        return (error as Error).message
      }
    }
    const fast = run(() => castNumbersFromBytes(vector, type, timeZone))
    const general = run(() => castVector(vector, type, { timeZone }))
    assert.deepEqual(fast, general, `${type} ${field}`)
  }
}

test('integers, float8 and timestamptz agree with the input functions', () => {
  const numbers = [
    '0',
    '-0',
    '7',
    '-7',
    '007',
    '2147483647',
    '2147483648',
    '-2147483648',
    '999999999999999',
    '9999999999999999',
    '1.5',
    '-1.50',
    '.5',
    '-.5',
    '5.',
    '',
    ' 1',
    '1 ',
    '+1',
    '1e3',
    'NaN',
    'abc',
    '-',
    '.',
    '53.429',
    '0.1',
    '123456789.012345',
    '1234567890.123456',
  ]
  for (const type of ['int2', 'int4', 'int8', 'float8'] as const) agree(type, [...numbers, null])
  agree('timestamptz', [
    '2024-01-01 00:00:00.000+00',
    '2024-01-01T23:59:59.123456Z',
    '2024-02-29 12:00:00+05:30',
    '2023-02-29 12:00:00+00',
    '2024-13-01 00:00:00+00',
    '2024-01-01 24:00:00+00',
    '2024-01-01 00:00:60+00',
    '2024-01-01 00:00:00.1234567+00',
    '2024-01-01 00:00:00',
    '2024-01-01 00:00:00-0800',
    '2024-01-01 00:00:00.5-08',
    '2024-1-01 00:00:00+00',
    '0000-01-01 00:00:00+00',
    '1900-02-29 00:00:00+00',
    '2000-02-29 00:00:00+00',
    'epoch',
    '2024-01-01 00:00:00 +00',
    '2024-01-01 00:00:00.+00',
    null,
  ])
})

test('random numbers agree with the input functions', () => {
  let state = 11
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return (state >>> 8) % n
  }
  const pieces = ['0', '1', '9', '5', '.', '-', '3', '7', '2']
  const fields = Array.from({ length: 3000 }, () =>
    Array.from({ length: 1 + next(18) }, () => pieces[next(pieces.length)]!).join(''),
  )
  agree('float8', fields)
  agree('int8', fields)
  agree('int4', fields)
})
