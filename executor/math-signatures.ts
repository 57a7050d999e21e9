// Signatures of the trigonometric, integer and bitwise functions (executor/functions/trig.ts,
// integer-math.ts), spread into ScalarSignatures. The bitwise operators' registry names
// (bitand … shift_right) are what planner/bind/expression-binder.ts binds & | # ~ << >> to.
import type { SqlType } from '../common/index.js'
import type { Signature } from './signatures.js'

const integers = ['int2', 'int4', 'int8'] as const
const float8Unary: readonly Signature[] = [{ args: ['float8'], returns: 'float8' }]
const float8Binary: readonly Signature[] = [{ args: ['float8', 'float8'], returns: 'float8' }]
const sameTypePairs = (types: readonly SqlType[]): Signature[] =>
  types.map((t) => ({ args: [t, t], returns: t }))

const trigNames = ['sin', 'cos', 'tan', 'cot', 'asin', 'acos', 'atan']

export function mathSignatures(): Record<string, readonly Signature[]> {
  return {
    ...Object.fromEntries(trigNames.map((name) => [name, float8Unary])),
    ...Object.fromEntries(trigNames.map((name) => [`${name}d`, float8Unary])),
    atan2: float8Binary,
    atan2d: float8Binary,
    gcd: sameTypePairs(['int4', 'int8', 'numeric']),
    lcm: sameTypePairs(['int4', 'int8', 'numeric']),
    factorial: [{ args: ['int8'], returns: 'numeric' }],
    div: [{ args: ['numeric', 'numeric'], returns: 'numeric' }],
    width_bucket: [
      { args: ['float8', 'float8', 'float8', 'int4'], returns: 'int4' },
      { args: ['numeric', 'numeric', 'numeric', 'int4'], returns: 'int4' },
    ],
    bitand: sameTypePairs(integers),
    bitor: sameTypePairs(integers),
    bitxor: sameTypePairs(integers),
    bitnot: integers.map((t) => ({ args: [t], returns: t })),
    shift_left: integers.map((t) => ({ args: [t, 'int4'], returns: t })),
    shift_right: integers.map((t) => ({ args: [t, 'int4'], returns: t })),
  }
}

/** The SQL names of these functions (the operators have none). */
export const mathFunctionNames: readonly string[] = [
  ...trigNames,
  ...trigNames.map((name) => `${name}d`),
  'atan2',
  'atan2d',
  'gcd',
  'lcm',
  'factorial',
  'div',
  'width_bucket',
]
