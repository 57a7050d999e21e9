// Operators whose operands differ in type, resolved as PostgreSQL's pg_operator entries do:
// date/time arithmetic (timestamp ± interval, timestamp − timestamp → interval, date − date →
// integer, date ± integer, interval × number) and the jsonb operators (-> ->> #> #>> ? ?| ?&
// @> <@ =). An unknown literal takes the other operand's type first, as PostgreSQL assumes
// (so `now() - '2024-01-01'` is an interval and `now() + '1 day'` a timestamp). Returns
// undefined for operands that are not these, and the same-type rules of the binder apply.
import type { Expr } from '../../executor/plan.js'
import type { BinaryOp } from '../sql/ast.js'
import type { SqlType } from '../../common/index.js'
import type { BindContext } from './context.js'
import { commonType, isNumericType } from './types.js'
import { addInterval } from '../../executor/functions/interval-kernels.js'
import { parseInterval } from '../../executor/interval/interval-text.js'

const isTimestamp = (t: SqlType): boolean => t === 'timestamptz' || t === 'timestamp'
const isDateTime = (t: SqlType): boolean => isTimestamp(t) || t === 'date'
const isInteger = (t: SqlType): boolean => t === 'int2' || t === 'int4'
const isJson = (t: SqlType): boolean => t === 'jsonb' || t === 'json'

function call(fn: string, args: Expr[], type: SqlType): Expr {
  return { kind: 'call', fn, args, type }
}

/**
 * timestamp ± interval of two constants, computed now (in the session time zone), so time
 * bounds such as `timestamptz '...' - interval '1 hour'` prune segments like literals do.
 */
function shiftTime(
  time: Expr,
  interval: Expr,
  sign: 1 | -1,
  type: SqlType,
  context: BindContext,
): Expr {
  const fn = sign === 1 ? 'timestamp_add_interval' : 'timestamp_subtract_interval'
  if (
    time.kind !== 'literal' ||
    typeof time.value !== 'number' ||
    interval.kind !== 'literal' ||
    typeof interval.value !== 'string'
  )
    return call(fn, [time, interval], type)
  const value = parseInterval(interval.value)
  const signed =
    sign === 1 ? value : { months: -value.months, days: -value.days, micros: -value.micros }
  return { kind: 'literal', value: addInterval(type, time.value, signed, context.timeZone), type }
}

/** Binds `left op right` when it is one of the typed operators; undefined otherwise. */
export function bindTypedOperator(
  op: BinaryOp,
  left: Expr,
  right: Expr,
  context: BindContext,
): Expr | undefined {
  if (isJson(left.type) || isJson(right.type)) return bindJsonOperator(op, left, right, context)
  switch (op) {
    case '+':
      return bindPlus(left, right, context) ?? bindPlus(right, left, context)
    case '-':
      return bindMinus(left, right, context)
    case '*':
      return bindScale(left, right, context, false) ?? bindScale(right, left, context, false)
    case '/':
      return bindScale(left, right, context, true)
    default:
      return undefined
  }
}

/** `time + x` (either order is tried by the caller). */
function bindPlus(time: Expr, other: Expr, context: BindContext): Expr | undefined {
  const coerce = (e: Expr, t: SqlType): Expr => context.coerce(e, t)
  if (time.type === 'interval' && (other.type === 'interval' || other.type === 'unknown'))
    return call('interval_add', [time, coerce(other, 'interval')], 'interval')
  if (isTimestamp(time.type) && (other.type === 'interval' || other.type === 'unknown'))
    return shiftTime(time, coerce(other, 'interval'), 1, time.type, context)
  if (time.type === 'date' && other.type === 'interval')
    return shiftTime(coerce(time, 'timestamp'), other, 1, 'timestamp', context)
  if (time.type === 'date' && (isInteger(other.type) || other.type === 'unknown'))
    return call('date_add_days', [time, coerce(other, 'int4')], 'date')
  return undefined
}

function bindMinus(left: Expr, right: Expr, context: BindContext): Expr | undefined {
  const coerce = (e: Expr, t: SqlType): Expr => context.coerce(e, t)
  if (left.type === 'interval' && (right.type === 'interval' || right.type === 'unknown'))
    return call('interval_subtract', [left, coerce(right, 'interval')], 'interval')
  if (isTimestamp(left.type) && right.type === 'interval')
    return shiftTime(left, right, -1, left.type, context)
  if (left.type === 'date' && right.type === 'interval')
    return shiftTime(coerce(left, 'timestamp'), right, -1, 'timestamp', context)
  if (left.type === 'date' && isInteger(right.type))
    return call('date_subtract_days', [left, coerce(right, 'int4')], 'date')
  const bothTimes =
    (isDateTime(left.type) || left.type === 'unknown') &&
    (isDateTime(right.type) || right.type === 'unknown') &&
    (left.type !== 'unknown' || right.type !== 'unknown')
  if (!bothTimes) return undefined
  const type = commonType([left.type, right.type])
  if (type === undefined) return undefined
  const args = [coerce(left, type), coerce(right, type)]
  if (type === 'date') return call('date_difference', args, 'int4')
  return call('timestamp_difference', args, 'interval')
}

function bindScale(
  interval: Expr,
  factor: Expr,
  context: BindContext,
  divide: boolean,
): Expr | undefined {
  if (interval.type !== 'interval') return undefined
  if (!isNumericType(factor.type) && factor.type !== 'unknown') return undefined
  const fn = divide ? 'interval_divide' : 'interval_multiply'
  return call(fn, [interval, context.coerce(factor, 'float8')], 'interval')
}

/** jsonb's operators; `=`/`<>` compare the normalized text, which is jsonb equality. */
function bindJsonOperator(
  op: BinaryOp,
  left: Expr,
  right: Expr,
  context: BindContext,
): Expr | undefined {
  const coerce = (e: Expr, t: SqlType): Expr => context.coerce(e, t)
  const json = left.type === 'unknown' ? coerce(left, right.type) : left
  if (!isJson(json.type)) return undefined
  const key = (e: Expr): Expr | undefined =>
    e.type === 'unknown' || e.type === 'text' || e.type === 'varchar'
      ? coerce(e, 'text')
      : isInteger(e.type)
        ? coerce(e, 'int4')
        : undefined
  switch (op) {
    case '->':
    case '->>': {
      const arg = key(right)
      if (arg === undefined) return undefined
      const text = op === '->>'
      return call(text ? 'jsonb_field_text' : 'jsonb_field', [json, arg], text ? 'text' : json.type)
    }
    case '#>':
    case '#>>': {
      if (right.type !== 'unknown' && right.type !== 'text') return undefined
      const text = op === '#>>'
      const args = [json, coerce(right, 'text')]
      return call(text ? 'jsonb_path_text' : 'jsonb_path', args, text ? 'text' : json.type)
    }
    case '?':
    case '?|':
    case '?&': {
      if (json.type !== 'jsonb' || (right.type !== 'unknown' && right.type !== 'text'))
        return undefined
      const fn = op === '?' ? 'jsonb_exists' : op === '?|' ? 'jsonb_exists_any' : 'jsonb_exists_all'
      return call(fn, [json, coerce(right, 'text')], 'bool')
    }
    case '||': {
      if (json.type !== 'jsonb' || (right.type !== 'jsonb' && right.type !== 'unknown'))
        return undefined
      return call('jsonb_concat', [json, coerce(right, 'jsonb')], 'jsonb')
    }
    case '#-': {
      if (json.type !== 'jsonb' || (right.type !== 'unknown' && right.type !== '_text'))
        return undefined
      return call('jsonb_delete_path', [json, coerce(right, '_text')], 'jsonb')
    }
    case '-': {
      if (json.type === 'jsonb' && right.type === '_text')
        return call('jsonb_delete_keys', [json, right], 'jsonb')
      const arg = key(right)
      if (json.type !== 'jsonb' || arg === undefined) return undefined
      return call('jsonb_delete', [json, arg], 'jsonb')
    }
    case '@>':
    case '<@':
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (json.type !== 'jsonb') return undefined
      if (right.type !== 'jsonb' && right.type !== 'unknown') return undefined
      const other = coerce(right, 'jsonb')
      const fn = {
        '@>': 'jsonb_contains',
        '<@': 'jsonb_contained',
        '=': 'eq',
        '<>': 'ne',
        '<': 'lt',
        '<=': 'le',
        '>': 'gt',
        '>=': 'ge',
      }[op]
      return call(fn, [json, other], 'bool')
    }
    default:
      return undefined
  }
}
