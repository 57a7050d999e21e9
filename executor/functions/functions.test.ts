import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, type SqlType } from '../../common/index.js'
import { evaluate } from '../expr/evaluate.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr, ScalarValue } from '../plan.js'
import { ScalarSignatures } from '../signatures.js'
import { scalarKernels } from './registry.js'

const ctx = { timeZone: 'UTC', nowMicros: 1_700_000_000_000_000 }

interface Column {
  readonly type: SqlType
  readonly values: readonly ScalarValue[]
}

/** Calls `fn` row-wise over columns of equal length (a literal pattern where `literal` is set). */
function call(
  fn: string,
  type: SqlType,
  columns: readonly Column[],
  options: { timeZone?: string; literal?: ScalarValue } = {},
): ScalarValue[] {
  const length = columns[0]?.values.length ?? 1
  const batch = { length, columns: columns.map((c) => vectorFromValues(c.type, c.values)) }
  const args: Expr[] = columns.map((c, index) => ({ kind: 'column', index, type: c.type }))
  if ('literal' in options)
    args.push({ kind: 'literal', value: options.literal ?? null, type: 'text' })
  const expr: Expr = { kind: 'call', fn, args, type }
  const vector = evaluate(expr, batch, { ...ctx, timeZone: options.timeZone ?? 'UTC' })
  return Array.from({ length }, (_, row) => scalarAt(vector, row))
}

const fails = (thunk: () => unknown, code: string, message: string): void => {
  assert.throws(
    thunk,
    (e: unknown) => e instanceof PgError && e.code === code && e.message === message,
  )
}

test('every signature has a kernel and every kernel a signature', () => {
  assert.deepEqual(Object.keys(scalarKernels).sort(), Object.keys(ScalarSignatures).sort())
})

const T = true
const F = false
const N = null
const left: Column = { type: 'bool', values: [T, T, T, F, F, F, N, N, N] }
const right: Column = { type: 'bool', values: [T, F, N, T, F, N, T, F, N] }

test('three-valued AND, OR, NOT', () => {
  assert.deepEqual(call('and', 'bool', [left, right]), [T, F, N, F, F, F, N, F, N])
  assert.deepEqual(call('or', 'bool', [left, right]), [T, T, T, T, F, N, T, N, N])
  assert.deepEqual(call('not', 'bool', [{ type: 'bool', values: [T, F, N] }]), [F, T, N])
})

test('IS tests never yield NULL', () => {
  const values: Column = { type: 'bool', values: [T, F, N] }
  assert.deepEqual(call('is_true', 'bool', [values]), [T, F, F])
  assert.deepEqual(call('is_not_true', 'bool', [values]), [F, T, T])
  assert.deepEqual(call('is_false', 'bool', [values]), [F, T, F])
  assert.deepEqual(call('is_not_false', 'bool', [values]), [T, F, T])
  assert.deepEqual(call('is_null', 'bool', [values]), [F, F, T])
  assert.deepEqual(call('is_not_null', 'bool', [values]), [T, T, F])
})

test('comparisons, NULLs and NaN', () => {
  const a: Column = { type: 'float8', values: [1, 2, N, Number.NaN, Number.NaN] }
  const b: Column = { type: 'float8', values: [2, 2, 1, Number.NaN, 1e308] }
  assert.deepEqual(call('lt', 'bool', [a, b]), [T, F, N, F, F])
  assert.deepEqual(call('eq', 'bool', [a, b]), [F, T, N, T, F])
  assert.deepEqual(call('ge', 'bool', [a, b]), [F, T, N, T, T])
  assert.deepEqual(call('is_distinct_from', 'bool', [a, b]), [T, F, T, F, T])
  assert.deepEqual(
    call('is_not_distinct_from', 'bool', [
      { type: 'int4', values: [N, N, 1] },
      { type: 'int4', values: [N, 1, 1] },
    ]),
    [T, F, T],
  )
  // Byte order (C collation): 'B' < 'a', 'é' > 'z', a prefix sorts first.
  const s: Column = { type: 'text', values: ['a', 'é', 'ab', 'abc'] }
  const t: Column = { type: 'text', values: ['B', 'z', 'abc', 'abc'] }
  assert.deepEqual(call('lt', 'bool', [s, t]), [F, F, T, F])
  assert.deepEqual(call('eq', 'bool', [s, t]), [F, F, F, T])
  assert.deepEqual(
    call('lt', 'bool', [
      { type: 'numeric', values: ['1.50', '-2'] },
      { type: 'numeric', values: ['1.5', '1'] },
    ]),
    [F, T],
  )
})

// Results and error texts from PostgreSQL 15.18.
test('integer arithmetic', () => {
  const a: Column = { type: 'int4', values: [-7, 7, 7, -7, N] }
  const b: Column = { type: 'int4', values: [3, -3, -2, 2, 1] }
  assert.deepEqual(call('modulo', 'int4', [a, b]), [-1, 1, 1, -1, N])
  assert.deepEqual(call('divide', 'int4', [a, b]), [-2, -2, -3, -3, N])
  assert.deepEqual(call('add', 'int4', [a, b]), [-4, 4, 5, -5, N])
  const int4 = (values: ScalarValue[]): Column => ({ type: 'int4', values })
  fails(() => call('add', 'int4', [int4([2147483647]), int4([1])]), '22003', 'integer out of range')
  fails(
    () => call('divide', 'int4', [int4([-2147483648]), int4([-1])]),
    '22003',
    'integer out of range',
  )
  fails(() => call('divide', 'int4', [int4([1]), int4([0])]), '22012', 'division by zero')
  fails(() => call('modulo', 'int4', [int4([1]), int4([0])]), '22012', 'division by zero')
  fails(
    () =>
      call('multiply', 'int2', [
        { type: 'int2', values: [-32768] },
        { type: 'int2', values: [-1] },
      ]),
    '22003',
    'smallint out of range',
  )
  fails(() => call('negate', 'int4', [int4([-2147483648])]), '22003', 'integer out of range')
  assert.deepEqual(
    call('divide', 'int8', [
      { type: 'int8', values: [9007199254740991] },
      { type: 'int8', values: [3] },
    ]),
    [3002399751580330],
  )
  // A NULL row's garbage never raises.
  assert.deepEqual(call('divide', 'int4', [int4([N]), int4([0])]), [N])
})

test('float and numeric arithmetic', () => {
  const f = (values: ScalarValue[]): Column => ({ type: 'float8', values })
  assert.deepEqual(call('divide', 'float8', [f([1, -1]), f([4, 0.5])]), [0.25, -2])
  fails(() => call('divide', 'float8', [f([1]), f([0])]), '22012', 'division by zero')
  fails(
    () => call('multiply', 'float8', [f([1e308]), f([10])]),
    '22003',
    'value out of range: overflow',
  )
  assert.deepEqual(call('add', 'float8', [f([Infinity]), f([1])]), [Infinity])
  const n = (values: ScalarValue[]): Column => ({ type: 'numeric', values })
  assert.deepEqual(call('divide', 'numeric', [n(['5', '1']), n(['3', '3'])]), [
    '1.6666666666666667',
    '0.33333333333333333333',
  ])
  assert.deepEqual(call('multiply', 'numeric', [n(['100.0']), n(['3'])]), ['300.0'])
  fails(() => call('divide', 'numeric', [n(['1']), n(['0'])]), '22012', 'division by zero')
  // round(2.5::float8) = 2, round(-2.5::float8) = -2 (rint); round(2.5::numeric) = 3
  assert.deepEqual(call('round', 'float8', [f([2.5, -2.5, 0.5, 1.7])]), [2, -2, 0, 2])
  assert.deepEqual(call('round', 'numeric', [n(['2.5', '-2.5'])]), ['3', '-3'])
  assert.deepEqual(
    call('round', 'numeric', [n(['1.2345', '1234.5']), { type: 'int4', values: [2, -2] }]),
    ['1.23', '1200'],
  )
  assert.deepEqual(call('abs', 'numeric', [n(['-1.50'])]), ['1.50'])
  assert.deepEqual(call('negate', 'float8', [f([0, 2])]), [-0, -2])
})

test('LIKE and ILIKE', () => {
  const text: Column = {
    type: 'text',
    values: ['abc', 'a%', 'héllo', 'mississippi', 'ab', 'xabcx', N, ''],
  }
  const cases: [string, ScalarValue[]][] = [
    ['a\\%', [F, T, F, F, F, F, N, F]],
    ['h_llo', [F, F, T, F, F, F, N, F]],
    ['%iss%pi', [F, F, F, T, F, F, N, F]],
    ['a_%_', [T, F, F, F, F, F, N, F]],
    ['%abc%', [T, F, F, F, F, T, N, F]],
    ['ab%', [T, F, F, F, T, F, N, F]],
    ['%c', [T, F, F, F, F, F, N, F]],
    ['abc', [T, F, F, F, F, F, N, F]],
    ['%', [T, T, T, T, T, T, N, T]],
    ['', [F, F, F, F, F, F, N, T]],
    ['%ss%', [F, F, F, T, F, F, N, F]],
  ]
  for (const [pattern, expected] of cases) {
    assert.deepEqual(call('like', 'bool', [text], { literal: pattern }), expected, pattern)
    const patterns: Column = { type: 'text', values: text.values.map(() => pattern) }
    assert.deepEqual(call('like', 'bool', [text, patterns]), expected, `${pattern} per row`)
  }
  assert.deepEqual(call('not_like', 'bool', [text], { literal: 'a%' }), [F, F, T, T, F, T, N, T])
  assert.deepEqual(
    call('ilike', 'bool', [{ type: 'text', values: ['abc', 'ÉCOLE'] }], { literal: 'A%C' }),
    [T, F],
  )
  assert.deepEqual(
    call('ilike', 'bool', [{ type: 'text', values: ['ÉCOLE'] }], { literal: 'école' }),
    [T],
  )
  assert.deepEqual(call('like', 'bool', [text], { literal: null }), [N, N, N, N, N, N, N, N])
  fails(
    () => call('like', 'bool', [text], { literal: 'x\\' }),
    '22025',
    'LIKE pattern must not end with escape character',
  )
})

test('text functions', () => {
  const text: Column = { type: 'text', values: ['ÉCOLE', 'straße', 'héllo', N] }
  assert.deepEqual(call('lower', 'text', [text]), ['école', 'straße', 'héllo', N])
  assert.deepEqual(call('upper', 'text', [text]), ['ÉCOLE', 'STRAßE', 'HÉLLO', N])
  assert.deepEqual(call('length', 'int4', [text]), [5, 6, 5, N])
  assert.deepEqual(call('concat_op', 'text', [text, { type: 'text', values: ['!', N, '', 'x'] }]), [
    'ÉCOLE!',
    N,
    'héllo',
    N,
  ])
})

test('conditional functions', () => {
  const a: Column = { type: 'text', values: [N, 'a', N, 'x'] }
  const b: Column = { type: 'text', values: [N, 'b', 'c', 'x'] }
  assert.deepEqual(call('coalesce', 'text', [a, b]), [N, 'a', 'c', 'x'])
  assert.deepEqual(call('nullif', 'text', [a, b]), [N, 'a', N, N])
  assert.deepEqual(call('greatest', 'text', [a, b]), [N, 'b', 'c', 'x'])
  assert.deepEqual(call('least', 'text', [a, b]), [N, 'a', 'c', 'x'])
  const n: Column = { type: 'int4', values: [1, N, 5] }
  const m: Column = { type: 'int4', values: [3, 2, N] }
  assert.deepEqual(call('greatest', 'int4', [n, m, { type: 'int4', values: [2, N, 4] }]), [3, 2, 5])
})

const micros = (iso: string): number => Date.parse(iso) * 1000

// Expected instants from PostgreSQL 15.18's date_trunc output.
test('date_trunc in UTC and in a named zone', () => {
  const at = micros('2024-05-05T12:34:56.789Z')
  const trunc = (unit: string, value: number, timeZone = 'UTC'): ScalarValue =>
    call(
      'date_trunc',
      'timestamptz',
      [
        { type: 'text', values: [unit] },
        { type: 'timestamptz', values: [value] },
      ],
      { timeZone },
    )[0] ?? null
  assert.equal(trunc('second', at), micros('2024-05-05T12:34:56Z'))
  assert.equal(trunc('SECONDS', at), micros('2024-05-05T12:34:56Z'))
  assert.equal(trunc('minute', at), micros('2024-05-05T12:34:00Z'))
  assert.equal(trunc('hour', at), micros('2024-05-05T12:00:00Z'))
  assert.equal(trunc('day', at), micros('2024-05-05T00:00:00Z'))
  assert.equal(trunc('week', at), micros('2024-04-29T00:00:00Z'))
  assert.equal(trunc('month', at), micros('2024-05-01T00:00:00Z'))
  assert.equal(trunc('quarter', at), micros('2024-04-01T00:00:00Z'))
  assert.equal(trunc('year', at), micros('2024-01-01T00:00:00Z'))
  assert.equal(trunc('decade', at), micros('2020-01-01T00:00:00Z'))
  assert.equal(trunc('century', at), micros('2001-01-01T00:00:00Z'))
  assert.equal(trunc('milliseconds', at + 123), at)
  assert.equal(trunc('week', micros('1969-12-31T12:00:00Z')), micros('1969-12-29T00:00:00Z'))
  // SET timezone = 'Europe/Paris': date_trunc('day'|'week'|'month', '2024-03-31 12:00')
  const paris = micros('2024-03-31T10:00:00Z')
  assert.equal(trunc('day', paris, 'Europe/Paris'), micros('2024-03-30T23:00:00Z'))
  assert.equal(trunc('week', paris, 'Europe/Paris'), micros('2024-03-24T23:00:00Z'))
  assert.equal(trunc('month', paris, 'Europe/Paris'), micros('2024-02-29T23:00:00Z'))
  fails(
    () => trunc('foo', at),
    '22023',
    'unit "foo" not recognized for type timestamp with time zone',
  )
  assert.deepEqual(
    call('date_trunc', 'timestamptz', [
      { type: 'text', values: [N] },
      { type: 'timestamptz', values: [at] },
    ]),
    [N],
  )
})

test('now() is the statement clock', () => {
  assert.deepEqual(call('now', 'timestamptz', []), [ctx.nowMicros])
})
