// The functions and operators the executor can run, with their PostgreSQL signatures.
// The planner resolves a call against these (after PostgreSQL's implicit-cast rules) and
// emits a CallExpr / AggregateCall naming the entry; the executor has one kernel per name.
// Adding a function means one line here and one kernel in executor/functions.
//
// 'any' matches every type; 'same' in a result means the (resolved) first argument's type.
// Number signatures list each same-type pair; the planner widens mixed operands along
// int2 < int4 < int8 < numeric < float4 < float8 first, as PostgreSQL's implicit casts do.
import type { SqlType } from '../common/index.js'

export type SignatureType = SqlType | 'any'

export interface Signature {
  readonly args: readonly SignatureType[]
  readonly returns: SqlType | 'same'
  /** The last argument repeats (coalesce, concat, greatest). */
  readonly variadic?: boolean
}

const numberTypes = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'] as const
const comparable = [
  ...numberTypes,
  'text',
  'bool',
  'timestamptz',
  'timestamp',
  'date',
  'oid',
] as const
const sameTypePairs = (types: readonly SqlType[], returns?: SqlType): Signature[] =>
  types.map((t) => ({ args: [t, t], returns: returns ?? t }))

export const ScalarSignatures: Readonly<Record<string, readonly Signature[]>> = {
  // arithmetic: int overflow raises 22003, division by zero 22012
  add: sameTypePairs(numberTypes),
  subtract: sameTypePairs(numberTypes),
  multiply: sameTypePairs(numberTypes),
  divide: sameTypePairs(numberTypes),
  modulo: sameTypePairs(['int2', 'int4', 'int8', 'numeric']),
  negate: numberTypes.map((t) => ({ args: [t], returns: t })),
  // comparison
  eq: sameTypePairs(comparable, 'bool'),
  ne: sameTypePairs(comparable, 'bool'),
  lt: sameTypePairs(comparable, 'bool'),
  le: sameTypePairs(comparable, 'bool'),
  gt: sameTypePairs(comparable, 'bool'),
  ge: sameTypePairs(comparable, 'bool'),
  is_distinct_from: sameTypePairs(comparable, 'bool'),
  is_not_distinct_from: sameTypePairs(comparable, 'bool'),
  // logic, three-valued
  and: [{ args: ['bool', 'bool'], returns: 'bool' }],
  or: [{ args: ['bool', 'bool'], returns: 'bool' }],
  not: [{ args: ['bool'], returns: 'bool' }],
  is_null: [{ args: ['any'], returns: 'bool' }],
  is_not_null: [{ args: ['any'], returns: 'bool' }],
  is_true: [{ args: ['bool'], returns: 'bool' }],
  is_not_true: [{ args: ['bool'], returns: 'bool' }],
  is_false: [{ args: ['bool'], returns: 'bool' }],
  is_not_false: [{ args: ['bool'], returns: 'bool' }],
  // text
  concat_op: [{ args: ['text', 'text'], returns: 'text' }],
  like: [{ args: ['text', 'text'], returns: 'bool' }],
  not_like: [{ args: ['text', 'text'], returns: 'bool' }],
  ilike: [{ args: ['text', 'text'], returns: 'bool' }],
  not_ilike: [{ args: ['text', 'text'], returns: 'bool' }],
  lower: [{ args: ['text'], returns: 'text' }],
  upper: [{ args: ['text'], returns: 'text' }],
  length: [{ args: ['text'], returns: 'int4' }],
  // numbers
  abs: numberTypes.map((t) => ({ args: [t], returns: t })),
  round: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['numeric', 'int4'], returns: 'numeric' },
  ],
  // conditional
  coalesce: [{ args: ['any'], returns: 'same', variadic: true }],
  nullif: [{ args: ['any', 'any'], returns: 'same' }],
  greatest: [{ args: ['any'], returns: 'same', variadic: true }],
  least: [{ args: ['any'], returns: 'same', variadic: true }],
  // time
  date_trunc: [{ args: ['text', 'timestamptz'], returns: 'timestamptz' }],
  now: [{ args: [], returns: 'timestamptz' }],
}

/** Aggregate signatures, with PostgreSQL's result types (sum(int8) is numeric, avg(int) numeric). */
export const AggregateSignatures: Readonly<Record<string, readonly Signature[]>> = {
  count_star: [{ args: [], returns: 'int8' }],
  count: [{ args: ['any'], returns: 'int8' }],
  sum: [
    { args: ['int2'], returns: 'int8' },
    { args: ['int4'], returns: 'int8' },
    { args: ['int8'], returns: 'numeric' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['float4'], returns: 'float4' },
    { args: ['float8'], returns: 'float8' },
  ],
  avg: [
    { args: ['int2'], returns: 'numeric' },
    { args: ['int4'], returns: 'numeric' },
    { args: ['int8'], returns: 'numeric' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['float4'], returns: 'float8' },
    { args: ['float8'], returns: 'float8' },
  ],
  min: comparable.map((t) => ({ args: [t], returns: t })),
  max: comparable.map((t) => ({ args: [t], returns: t })),
}
