// The functions and operators the executor can run, with their PostgreSQL signatures.
// The planner resolves a call against these (after PostgreSQL's implicit-cast rules) and
// emits a CallExpr / AggregateCall naming the entry; the executor has one kernel per name.
// Adding a function means one line here and one kernel in executor/functions.
//
// 'any' matches every type; 'same' in a result means the (resolved) first argument's type.
// Number signatures list each same-type pair; the planner widens mixed operands along
// int2 < int4 < int8 < numeric < float4 < float8 first, as PostgreSQL's implicit casts do.
import type { SqlType } from '../common/index.js'
import { jsonSignatures, timeSignatures } from './time-json-signatures.js'
import { ArraySignatures } from './array-signatures.js'
import { mathSignatures } from './math-signatures.js'
import { textSignatures } from './text-signatures.js'

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
  'varchar',
  'name',
  'bool',
  'timestamptz',
  'timestamp',
  'date',
  'oid',
  'interval',
] as const
// "char" compares as bytes (PostgreSQL's chareq & co.); xid only for equality.
const comparableWithChar = [...comparable, 'char'] as const
const equatable = [...comparableWithChar, 'xid'] as const
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
  eq: sameTypePairs(equatable, 'bool'),
  ne: sameTypePairs(equatable, 'bool'),
  lt: sameTypePairs(comparableWithChar, 'bool'),
  le: sameTypePairs(comparableWithChar, 'bool'),
  gt: sameTypePairs(comparableWithChar, 'bool'),
  ge: sameTypePairs(comparableWithChar, 'bool'),
  is_distinct_from: sameTypePairs(equatable, 'bool'),
  is_not_distinct_from: sameTypePairs(equatable, 'bool'),
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
  date_trunc: [
    { args: ['text', 'timestamptz'], returns: 'timestamptz' },
    { args: ['text', 'timestamptz', 'text'], returns: 'timestamptz' },
    { args: ['text', 'interval'], returns: 'interval' },
  ],
  now: [{ args: [], returns: 'timestamptz' }],
  // string functions (executor/functions/string.ts, regex.ts)
  octet_length: [{ args: ['text'], returns: 'int4' }],
  substr: [
    { args: ['text', 'int4'], returns: 'text' },
    { args: ['text', 'int4', 'int4'], returns: 'text' },
  ],
  substring: [
    { args: ['text', 'int4'], returns: 'text' },
    { args: ['text', 'int4', 'int4'], returns: 'text' },
    { args: ['text', 'text'], returns: 'text' },
  ],
  strpos: [{ args: ['text', 'text'], returns: 'int4' }],
  replace: [{ args: ['text', 'text', 'text'], returns: 'text' }],
  split_part: [{ args: ['text', 'text', 'int4'], returns: 'text' }],
  btrim: [
    { args: ['text'], returns: 'text' },
    { args: ['text', 'text'], returns: 'text' },
  ],
  ltrim: [
    { args: ['text'], returns: 'text' },
    { args: ['text', 'text'], returns: 'text' },
  ],
  rtrim: [
    { args: ['text'], returns: 'text' },
    { args: ['text', 'text'], returns: 'text' },
  ],
  concat: [{ args: ['any'], returns: 'text', variadic: true }],
  concat_ws: [{ args: ['text', 'any'], returns: 'text', variadic: true }],
  left: [{ args: ['text', 'int4'], returns: 'text' }],
  right: [{ args: ['text', 'int4'], returns: 'text' }],
  lpad: [
    { args: ['text', 'int4'], returns: 'text' },
    { args: ['text', 'int4', 'text'], returns: 'text' },
  ],
  rpad: [
    { args: ['text', 'int4'], returns: 'text' },
    { args: ['text', 'int4', 'text'], returns: 'text' },
  ],
  repeat: [{ args: ['text', 'int4'], returns: 'text' }],
  reverse: [{ args: ['text'], returns: 'text' }],
  initcap: [{ args: ['text'], returns: 'text' }],
  quote_ident: [{ args: ['text'], returns: 'text' }],
  quote_literal: [{ args: ['text'], returns: 'text' }],
  quote_nullable: [{ args: ['text'], returns: 'text' }],
  starts_with: [{ args: ['text', 'text'], returns: 'bool' }],
  md5: [{ args: ['text'], returns: 'text' }],
  // dbsize.c: an integer argument is ambiguous between the two (42725), as in PostgreSQL
  pg_size_pretty: [
    { args: ['int8'], returns: 'text' },
    { args: ['numeric'], returns: 'text' },
  ],
  pg_size_bytes: [{ args: ['text'], returns: 'int8' }],
  // string_agg's final step over array_aggs (planner/bind/string-agg.ts); not callable by name
  string_agg_join: [
    { args: ['_text', '_text'], returns: 'text' },
    { args: ['_text', 'text'], returns: 'text' },
    { args: ['_bytea', '_bytea'], returns: 'bytea' },
    { args: ['_bytea', 'bytea'], returns: 'bytea' },
  ],
  regex_match: [{ args: ['text', 'text'], returns: 'bool' }],
  regex_imatch: [{ args: ['text', 'text'], returns: 'bool' }],
  not_regex_match: [{ args: ['text', 'text'], returns: 'bool' }],
  not_regex_imatch: [{ args: ['text', 'text'], returns: 'bool' }],
  regexp_replace: [
    { args: ['text', 'text', 'text'], returns: 'text' },
    { args: ['text', 'text', 'text', 'text'], returns: 'text' },
  ],
  regexp_split_to_array: [
    { args: ['text', 'text'], returns: '_text' },
    { args: ['text', 'text', 'text'], returns: '_text' },
  ],
  like_escape: [{ args: ['text', 'text'], returns: 'text' }],
  // format, translate, ascii, chr, overlay, regexp_count & co. (executor/text-signatures.ts)
  ...textSignatures,
  // math (executor/functions/math.ts); mod resolves to modulo
  ceil: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  floor: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  trunc: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['numeric', 'int4'], returns: 'numeric' },
  ],
  sign: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  sqrt: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  cbrt: [{ args: ['float8'], returns: 'float8' }],
  exp: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  ln: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  log10: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
  ],
  log: [
    { args: ['float8'], returns: 'float8' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['numeric', 'numeric'], returns: 'numeric' },
  ],
  power: [
    { args: ['float8', 'float8'], returns: 'float8' },
    { args: ['numeric', 'numeric'], returns: 'numeric' },
  ],
  pi: [{ args: [], returns: 'float8' }],
  degrees: [{ args: ['float8'], returns: 'float8' }],
  radians: [{ args: ['float8'], returns: 'float8' }],
  random: [{ args: [], returns: 'float8' }],
  // trigonometry, gcd/lcm, factorial, div, width_bucket, bitwise (executor/math-signatures.ts)
  ...mathSignatures(),
  // date/time (executor/functions/datetime.ts)
  to_timestamp: [
    { args: ['float8'], returns: 'timestamptz' },
    { args: ['text', 'text'], returns: 'timestamptz' },
  ],
  to_date: [{ args: ['text', 'text'], returns: 'date' }],
  ...timeSignatures(),
  ...jsonSignatures(),
  // session information (executor/functions/session.ts)
  version: [{ args: [], returns: 'text' }],
  current_schema: [{ args: [], returns: 'name' }],
  pg_is_in_recovery: [{ args: [], returns: 'bool' }],
  pg_postmaster_start_time: [{ args: [], returns: 'timestamptz' }],
  pg_encoding_to_char: [{ args: ['int4'], returns: 'name' }],
  // catalog information (executor/functions/catalog.ts); *_out are the reg* casts' output
  ...catalogSignatures(),
  // DDSketch (executor/sketch/ddsketch-functions.ts)
  ddsketch_quantile: [{ args: ['ddsketch', 'float8'], returns: 'float8' }],
  ddsketch_count: [{ args: ['ddsketch'], returns: 'float8' }],
  ddsketch_sum: [{ args: ['ddsketch'], returns: 'float8' }],
  ddsketch_min: [{ args: ['ddsketch'], returns: 'float8' }],
  ddsketch_max: [{ args: ['ddsketch'], returns: 'float8' }],
  ddsketch_avg: [{ args: ['ddsketch'], returns: 'float8' }],
  // arrays (executor/functions/array.ts), resolved by planner/bind/array-binder.ts
  ...ArraySignatures,
}

function catalogSignatures(): Record<string, readonly Signature[]> {
  const privilege: Signature[] = [
    { args: ['text', 'text'], returns: 'bool' },
    { args: ['oid', 'text'], returns: 'bool' },
    { args: ['name', 'text', 'text'], returns: 'bool' },
    { args: ['name', 'oid', 'text'], returns: 'bool' },
  ]
  const oidToText: Signature[] = [{ args: ['oid'], returns: 'text' }]
  return {
    pg_table_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_type_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_function_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_opclass_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_collation_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_conversion_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_operator_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_ts_config_is_visible: [{ args: ['oid'], returns: 'bool' }],
    pg_statistics_obj_is_visible: [{ args: ['oid'], returns: 'bool' }],
    has_table_privilege: privilege,
    has_schema_privilege: privilege,
    has_database_privilege: privilege,
    has_any_column_privilege: privilege,
    has_function_privilege: privilege,
    has_sequence_privilege: privilege,
    has_column_privilege: [
      { args: ['text', 'text', 'text'], returns: 'bool' },
      { args: ['oid', 'text', 'text'], returns: 'bool' },
      { args: ['oid', 'int2', 'text'], returns: 'bool' },
      { args: ['name', 'text', 'text', 'text'], returns: 'bool' },
      { args: ['name', 'oid', 'text', 'text'], returns: 'bool' },
    ],
    pg_relation_is_publishable: [{ args: ['oid'], returns: 'bool' }],
    pg_get_expr: [
      { args: ['text', 'oid'], returns: 'text' },
      { args: ['text', 'oid', 'bool'], returns: 'text' },
    ],
    obj_description: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'name'], returns: 'text' },
    ],
    col_description: [{ args: ['oid', 'int4'], returns: 'text' }],
    shobj_description: [{ args: ['oid', 'name'], returns: 'text' }],
    pg_get_constraintdef: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'bool'], returns: 'text' },
    ],
    pg_get_indexdef: [
      { args: ['oid'], returns: 'text' },
      { args: ['oid', 'int4', 'bool'], returns: 'text' },
    ],
    pg_get_serial_sequence: [{ args: ['text', 'text'], returns: 'text' }],
    pg_get_statisticsobjdef_columns: oidToText,
    pg_backend_pid: [{ args: [], returns: 'int4' }],
    pg_cancel_backend: [{ args: ['int4'], returns: 'bool' }],
    pg_terminate_backend: [
      { args: ['int4'], returns: 'bool' },
      { args: ['int4', 'int8'], returns: 'bool' },
    ],
    txid_current: [{ args: [], returns: 'int8' }],
    format_type: [{ args: ['oid', 'int4'], returns: 'text' }],
    pg_get_userbyid: [{ args: ['oid', 'name'], returns: 'name' }],
    parse_ident: [
      { args: ['text'], returns: '_text' },
      { args: ['text', 'bool'], returns: '_text' },
    ],
    array_to_string: [{ args: ['text', 'text'], returns: 'text' }],
    text_array_contains: [{ args: ['text', 'text'], returns: 'bool' }],
    text_array_element: [{ args: ['text', 'int4'], returns: 'text' }],
    current_schemas: [{ args: ['bool'], returns: '_name' }],
  }
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
    { args: ['interval'], returns: 'interval' },
  ],
  avg: [
    { args: ['int2'], returns: 'numeric' },
    { args: ['int4'], returns: 'numeric' },
    { args: ['int8'], returns: 'numeric' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['float4'], returns: 'float8' },
    { args: ['float8'], returns: 'float8' },
    { args: ['interval'], returns: 'interval' },
  ],
  min: comparable.map((t) => ({ args: [t], returns: t })),
  max: comparable.map((t) => ({ args: [t], returns: t })),
  bool_and: [{ args: ['bool'], returns: 'bool' }],
  bool_or: [{ args: ['bool'], returns: 'bool' }],
  every: [{ args: ['bool'], returns: 'bool' }],
  ...varianceSignatures(),
  // corr, covar_*, regr_* (executor/aggregates/regression.ts): float8 (Y, X) pairs
  ...Object.fromEntries(
    ['corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy']
      .concat(['regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2'])
      .map((name) => [name, [{ args: ['float8', 'float8'], returns: 'float8' }]]),
  ),
  regr_count: [{ args: ['float8', 'float8'], returns: 'int8' }],
  // bit_and, bit_or, bit_xor (executor/aggregates/bit-aggregates.ts)
  ...Object.fromEntries(
    ['bit_and', 'bit_or', 'bit_xor'].map((name) => [
      name,
      (['int2', 'int4', 'int8'] as const).map((t) => ({ args: [t], returns: t })),
    ]),
  ),
  // DDSketch (executor/sketch): Malamute's own
  ddsketch_agg: [
    { args: ['float8'], returns: 'ddsketch' },
    { args: ['float8', 'float8'], returns: 'ddsketch' },
  ],
  ddsketch_merge: [{ args: ['ddsketch'], returns: 'ddsketch' }],
  // HyperLogLog (executor/sketch/hyperloglog.ts): Malamute's own
  approx_count_distinct: [{ args: ['any'], returns: 'int8' }],
  // anyelement → anyarray: planner/bind/array-binder.ts resolves the array type
  array_agg: [{ args: ['any'], returns: 'same' }],
}

/** var_samp/var_pop/stddev_samp/stddev_pop and their aliases: numeric over exact types. */
function varianceSignatures(): Record<string, readonly Signature[]> {
  const signatures: Signature[] = [
    { args: ['int2'], returns: 'numeric' },
    { args: ['int4'], returns: 'numeric' },
    { args: ['int8'], returns: 'numeric' },
    { args: ['numeric'], returns: 'numeric' },
    { args: ['float4'], returns: 'float8' },
    { args: ['float8'], returns: 'float8' },
  ]
  const names = ['var_samp', 'var_pop', 'variance', 'stddev_samp', 'stddev_pop', 'stddev']
  return Object.fromEntries(names.map((name) => [name, signatures]))
}

/**
 * Ordered-set aggregates, `fn(direct args) WITHIN GROUP (ORDER BY x)`: the signature lists
 * x's type (the direct argument, a fraction, is float8). percentile_cont over interval is not
 * supported yet.
 */
export const OrderedSetSignatures: Readonly<Record<string, readonly Signature[]>> = {
  percentile_cont: [{ args: ['float8'], returns: 'float8' }],
  percentile_disc: comparable.map((t) => ({ args: [t], returns: t })),
  mode: comparable.map((t) => ({ args: [t], returns: t })),
}

/**
 * Window-only functions (executor/operators/window-functions.ts), with PostgreSQL's result
 * types. lag/lead's default is cast to the value's type by the planner.
 */
export const WindowSignatures: Readonly<Record<string, readonly Signature[]>> = {
  row_number: [{ args: [], returns: 'int8' }],
  rank: [{ args: [], returns: 'int8' }],
  dense_rank: [{ args: [], returns: 'int8' }],
  percent_rank: [{ args: [], returns: 'float8' }],
  cume_dist: [{ args: [], returns: 'float8' }],
  ntile: [{ args: ['int4'], returns: 'int4' }],
  lag: [
    { args: ['any'], returns: 'same' },
    { args: ['any', 'int4'], returns: 'same' },
    { args: ['any', 'int4', 'any'], returns: 'same' },
  ],
  lead: [
    { args: ['any'], returns: 'same' },
    { args: ['any', 'int4'], returns: 'same' },
    { args: ['any', 'int4', 'any'], returns: 'same' },
  ],
  first_value: [{ args: ['any'], returns: 'same' }],
  last_value: [{ args: ['any'], returns: 'same' }],
  nth_value: [{ args: ['any', 'int4'], returns: 'same' }],
}
