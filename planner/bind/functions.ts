// Overload resolution against executor/signatures.ts, after PostgreSQL's rules
// (https://www.postgresql.org/docs/15/typeconv-func.html), simplified: an exact match wins;
// else the candidates every argument reaches by implicit casts, preferring those whose
// parameters are preferred types (float8, text, timestamptz), then the fewest widening steps.
import { PgError, SqlState, SqlTypes, type SqlType } from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import { AggregateSignatures, ScalarSignatures, type Signature } from '../../executor/signatures.js'
import type { BindContext } from './context.js'
import { canCastImplicitly, commonType, displayType } from './types.js'
import { timeJsonFunctionNames } from './time-json-functions.js'
import { mathFunctionNames } from '../../executor/math-signatures.js'
import { textFunctionNames } from '../../executor/text-signatures.js'

export interface ResolvedCall {
  readonly args: readonly Expr[]
  readonly type: SqlType
}

/** Resolves `fn` (a registry name) over `args`; undefined when no signature accepts them. */
export function resolveCall(
  signatures: readonly Signature[],
  args: readonly Expr[],
  context: BindContext,
): ResolvedCall | undefined {
  const argTypes = args.map((a) => a.type)
  const candidates = signatures.filter((s) => arity(s, args.length))
  if (candidates.some((s) => s.args.includes('any') && s.returns === 'same'))
    return resolveSameTyped(args, context)
  const exact = candidates.find((s) =>
    argTypes.every((t, i) => paramType(s, i) === t || paramType(s, i) === 'any'),
  )
  const reachable = candidates.filter((s) => argTypes.every((t, i) => reaches(t, paramType(s, i))))
  const chosen = exact ?? pickBest(reachable, argTypes)
  if (chosen === undefined) return undefined
  const coerced = args.map((a, i) => {
    const target = paramType(chosen, i)
    return target === 'any'
      ? a.type === 'unknown'
        ? context.coerce(a, 'text')
        : a
      : context.coerce(a, target)
  })
  const type = chosen.returns === 'same' ? (coerced[0]?.type ?? 'text') : chosen.returns
  return { args: coerced, type }
}

/** coalesce, greatest, least, nullif: every argument takes the arguments' common type. */
function resolveSameTyped(args: readonly Expr[], context: BindContext): ResolvedCall | undefined {
  const type = commonType(args.map((a) => a.type))
  if (type === undefined) return undefined
  return { args: args.map((a) => context.coerce(a, type)), type }
}

function arity(signature: Signature, count: number): boolean {
  return signature.variadic === true
    ? count >= signature.args.length
    : count === signature.args.length
}

function paramType(signature: Signature, index: number): SqlType | 'any' {
  const last = signature.args[signature.args.length - 1] ?? 'any'
  return signature.args[index] ?? last
}

function reaches(from: SqlType, to: SqlType | 'any'): boolean {
  return to === 'any' || canCastImplicitly(from, to)
}

function pickBest(
  candidates: readonly Signature[],
  argTypes: readonly SqlType[],
): Signature | undefined {
  if (candidates.length <= 1) return candidates[0]
  // PostgreSQL keeps the candidates with the most exact matches first (power(numeric, int)
  // is numeric_power, not dpow), then prefers preferred types.
  const exactMatches = (s: Signature): number =>
    argTypes.filter((t, i) => t !== 'unknown' && paramType(s, i) === t).length
  const most = Math.max(...candidates.map(exactMatches))
  candidates = candidates.filter((s) => exactMatches(s) === most)
  const score = (s: Signature): number =>
    argTypes.reduce((sum, t, i) => {
      const p = paramType(s, i)
      if (p === 'any' || p === t) return sum
      return sum + (SqlTypes[p].preferred ? 1 : 100) + numericDistance(t, p)
    }, 0)
  return [...candidates].sort((a, b) => score(a) - score(b))[0]
}

const widening: readonly SqlType[] = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']

function numericDistance(from: SqlType, to: SqlType): number {
  const a = widening.indexOf(from)
  const b = widening.indexOf(to)
  return a === -1 || b === -1 ? 0 : Math.abs(b - a)
}

/**
 * Functions whose signatures PostgreSQL finds equally good for a non-exact argument
 * (`pg_size_pretty(integer)`: bigint and numeric, neither preferred): 42725 unless exact.
 */
const ambiguousUnlessExact: ReadonlySet<string> = new Set(['pg_size_pretty'])

/** PostgreSQL's 42725 `function f(integer) is not unique` for ambiguousUnlessExact. */
export function checkUnique(fn: string, args: readonly Expr[], position: number): void {
  if (!ambiguousUnlessExact.has(fn)) return
  const types = args.map((a) => a.type)
  if (scalarSignatures(fn).some((s) => s.args.every((t, i) => t === types[i]))) return
  throw new PgError({
    code: SqlState.ambiguousFunction,
    message: `function ${fn}(${types.map(displayType).join(', ')}) is not unique`,
    hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    position: position + 1,
  })
}

/** 42883 `function nope(integer) does not exist`, with PostgreSQL's hint. */
export function undefinedFunction(name: string, args: readonly Expr[], position: number): PgError {
  return new PgError({
    code: SqlState.undefinedFunction,
    message: `function ${name}(${args.map((a) => displayType(a.type)).join(', ')}) does not exist`,
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    position: position + 1,
  })
}

/** 42883 `operator does not exist: text + integer`, with PostgreSQL's hint. */
export function undefinedOperator(op: string, args: readonly Expr[], position: number): PgError {
  const [left, right] = args.map((a) => displayType(a.type))
  const shape = right === undefined ? `${op} ${left ?? ''}` : `${left ?? ''} ${op} ${right}`
  return new PgError({
    code: SqlState.undefinedFunction,
    message: `operator does not exist: ${shape}`,
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    position: position + 1,
  })
}

export function scalarSignatures(fn: string): readonly Signature[] {
  return ScalarSignatures[fn] ?? []
}

export function aggregateSignatures(fn: string): readonly Signature[] {
  return AggregateSignatures[fn] ?? []
}

/** The user-facing scalar functions and their registry names. */
export const scalarFunctionNames: Readonly<Record<string, string>> = {
  coalesce: 'coalesce',
  nullif: 'nullif',
  greatest: 'greatest',
  least: 'least',
  abs: 'abs',
  round: 'round',
  lower: 'lower',
  upper: 'upper',
  length: 'length',
  date_trunc: 'date_trunc',
  now: 'now',
  current_timestamp: 'now',
  current_date: 'current_date',
  localtimestamp: 'localtimestamp',
  transaction_timestamp: 'transaction_timestamp',
  statement_timestamp: 'statement_timestamp',
  clock_timestamp: 'clock_timestamp',
  timeofday: 'timeofday',
  make_date: 'make_date',
  make_timestamp: 'make_timestamp',
  make_timestamptz: 'make_timestamptz',
  make_interval: 'make_interval',
  // string functions
  char_length: 'length',
  character_length: 'length',
  octet_length: 'octet_length',
  substr: 'substr',
  substring: 'substring',
  strpos: 'strpos',
  position: 'strpos',
  replace: 'replace',
  split_part: 'split_part',
  btrim: 'btrim',
  ltrim: 'ltrim',
  rtrim: 'rtrim',
  concat: 'concat',
  concat_ws: 'concat_ws',
  left: 'left',
  right: 'right',
  lpad: 'lpad',
  rpad: 'rpad',
  repeat: 'repeat',
  reverse: 'reverse',
  initcap: 'initcap',
  quote_ident: 'quote_ident',
  quote_literal: 'quote_literal',
  quote_nullable: 'quote_nullable',
  starts_with: 'starts_with',
  md5: 'md5',
  pg_size_pretty: 'pg_size_pretty',
  pg_size_bytes: 'pg_size_bytes',
  regexp_replace: 'regexp_replace',
  like_escape: 'like_escape',
  // math
  ceil: 'ceil',
  ceiling: 'ceil',
  floor: 'floor',
  trunc: 'trunc',
  sign: 'sign',
  sqrt: 'sqrt',
  cbrt: 'cbrt',
  exp: 'exp',
  ln: 'ln',
  log: 'log',
  log10: 'log10',
  power: 'power',
  pow: 'power',
  mod: 'modulo',
  pi: 'pi',
  degrees: 'degrees',
  radians: 'radians',
  random: 'random',
  ...Object.fromEntries(mathFunctionNames.map((name) => [name, name])),
  ...Object.fromEntries(textFunctionNames.map((name) => [name, name])),
  // date/time
  extract: 'extract',
  date_part: 'date_part',
  to_char: 'to_char',
  to_timestamp: 'to_timestamp',
  to_date: 'to_date',
  date_bin: 'date_bin',
  ...timeJsonFunctionNames,
  // session and catalog information (executor/functions/session.ts)
  version: 'version',
  current_schema: 'current_schema',
  pg_is_in_recovery: 'pg_is_in_recovery',
  pg_postmaster_start_time: 'pg_postmaster_start_time',
  pg_encoding_to_char: 'pg_encoding_to_char',
  // catalog information (executor/functions/catalog.ts)
  ...Object.fromEntries(
    [
      'pg_table_is_visible',
      'parse_ident',
      'pg_type_is_visible',
      'pg_function_is_visible',
      'pg_opclass_is_visible',
      'pg_collation_is_visible',
      'pg_conversion_is_visible',
      'pg_operator_is_visible',
      'pg_ts_config_is_visible',
      'pg_statistics_obj_is_visible',
      'has_table_privilege',
      'has_schema_privilege',
      'has_database_privilege',
      'has_any_column_privilege',
      'has_function_privilege',
      'has_sequence_privilege',
      'has_column_privilege',
      'pg_relation_is_publishable',
      'pg_get_expr',
      'obj_description',
      'col_description',
      'shobj_description',
      'pg_get_constraintdef',
      'pg_get_indexdef',
      'pg_get_serial_sequence',
      'pg_get_statisticsobjdef_columns',
      'pg_backend_pid',
      'pg_cancel_backend',
      'pg_terminate_backend',
      'txid_current',
      'format_type',
      'pg_get_userbyid',
      'array_to_string',
      'current_schemas',
      // DDSketch (executor/sketch)
      'ddsketch_quantile',
      'ddsketch_count',
      'ddsketch_sum',
      'ddsketch_min',
      'ddsketch_max',
      'ddsketch_avg',
    ].map((name) => [name, name]),
  ),
}

/** Functions of the session, folded to constants when binding (PostgreSQL's SQLValueFunction). */
export const sessionFunctionNames: ReadonlySet<string> = new Set([
  'current_user',
  'session_user',
  'current_role',
  'user',
  'current_catalog',
  'current_database',
])

export const aggregateFunctionNames = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'bool_and',
  'bool_or',
  'every',
  'var_samp',
  'var_pop',
  'variance',
  'stddev_samp',
  'stddev_pop',
  'stddev',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_count',
  'regr_avgx',
  'regr_avgy',
  'regr_sxx',
  'regr_syy',
  'regr_sxy',
  'regr_slope',
  'regr_intercept',
  'regr_r2',
  'bit_and',
  'bit_or',
  'bit_xor',
  // Malamute's own (executor/sketch)
  'ddsketch_agg',
  'ddsketch_merge',
  'approx_count_distinct',
  'array_agg',
])
