// RANGE frames with `offset PRECEDING/FOLLOWING`: the offset's type follows the ORDER BY
// column's in_range support functions in PostgreSQL 15 (integers take integer offsets, floats
// float8, numeric numeric, timestamps and dates an interval), checked as
// parse_clause.c's transformFrameOffset does; the offset must be a constant, not negative.
import { PgError, SqlState, type SqlType } from '../../common/index.js'
import { intervalSpanCompare } from '../../executor/interval/interval-layout.js'
import { parseInterval } from '../../executor/interval/interval-text.js'
import type { Expr, SortKey, WindowFrameBound } from '../../executor/plan.js'
import type { FrameBoundNode } from '../sql/ast.js'
import type { ExpressionBinder } from './expression-binder.js'
import { canCastImplicitly, displayType } from './types.js'

/** The type offsets over an ORDER BY column of `type` are converted to, or undefined for none. */
function offsetTypeFor(type: SqlType): SqlType | undefined {
  switch (type) {
    case 'int2':
    case 'int4':
    case 'int8':
      return 'int8'
    case 'float4':
    case 'float8':
      return 'float8'
    case 'numeric':
      return 'numeric'
    case 'timestamptz':
    case 'timestamp':
    case 'date':
    case 'interval':
      return 'interval'
    default:
      return undefined
  }
}

function notSupported(message: string, position: number): PgError {
  return new PgError({ code: SqlState.featureNotSupported, message, position })
}

/** Binds one bound of a RANGE frame with an offset over the single ORDER BY key. */
export function bindRangeBound(
  binder: ExpressionBinder,
  bound: FrameBoundNode,
  orderKey: SortKey,
): WindowFrameBound {
  if (bound.offset === null) return { kind: bound.kind, offset: 0 }
  const position = bound.position + 1
  const columnType = orderKey.expr.type
  const offsetType = offsetTypeFor(columnType)
  if (offsetType === undefined) {
    throw notSupported(
      `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${displayType(columnType)}`,
      position,
    )
  }
  const written = binder.bind(bound.offset, { allowed: false, clause: 'window frame offsets' })
  const reachable =
    written.type === 'unknown' ||
    (offsetType === 'interval'
      ? written.type === 'interval'
      : canCastImplicitly(written.type, offsetType))
  if (!reachable) {
    throw notSupported(
      `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${displayType(columnType)} and offset type ${displayType(written.type)}`,
      position,
    )
  }
  const target = written.type === 'unknown' && offsetType !== 'interval' ? columnType : offsetType
  const expr: Expr = binder.context.coerce(written, target)
  if (expr.kind !== 'literal') {
    throw notSupported('window frame offsets other than constants are not supported yet', position)
  }
  if (expr.value === null) {
    throw new PgError({
      code: SqlState.nullValueNotAllowed,
      message: 'frame starting offset must not be null',
    })
  }
  const negative = new PgError({
    code: SqlState.invalidPrecedingOrFollowingSize,
    message: 'invalid preceding or following size in window function',
  })
  if (offsetType === 'interval') {
    const interval = parseInterval(String(expr.value))
    if (intervalSpanCompare(interval, { months: 0, days: 0, micros: 0 }) < 0) throw negative
    return { kind: bound.kind, offset: 0, interval }
  }
  const offset = Number(expr.value)
  if (offset < 0 || Number.isNaN(offset)) throw negative
  return { kind: bound.kind, offset }
}
