// PostgreSQL's type rules, simplified to Malamute's types: which casts are implicit,
// assignment or explicit (https://www.postgresql.org/docs/15/typeconv.html), the common
// type of CASE/COALESCE branches, and the numeric widening order
// int2 < int4 < int8 < numeric < float4 < float8.
import {
  SqlTypes,
  arrayTypeOf,
  elementTypeOf,
  isArrayType,
  isRegType,
  type SqlType,
} from '../../common/index.js'

const numericRank: Partial<Record<SqlType, number>> = {
  int2: 0,
  int4: 1,
  int8: 2,
  numeric: 3,
  float4: 4,
  float8: 5,
}

export function isNumericType(type: SqlType): boolean {
  return numericRank[type] !== undefined
}

/** int2, int4, int8: the types PostgreSQL casts to oid implicitly (catalog lookups `oid = 16386`). */
function isIntegerType(type: SqlType): boolean {
  return type === 'int2' || type === 'int4' || type === 'int8'
}

export function isStringType(type: SqlType): boolean {
  return type === 'text' || type === 'varchar' || type === 'bpchar' || type === 'name'
}

function isDateTimeType(type: SqlType): boolean {
  return type === 'timestamptz' || type === 'timestamp' || type === 'date'
}

const dateTimeRank: Partial<Record<SqlType, number>> = { date: 0, timestamp: 1, timestamptz: 2 }

/** True when PostgreSQL casts `from` to `to` implicitly (in expressions and function calls). */
export function canCastImplicitly(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'unknown') return true
  if (isArrayType(from) || isArrayType(to))
    return (
      isArrayType(from) &&
      isArrayType(to) &&
      canCastImplicitly(elementTypeOf(from), elementTypeOf(to))
    )
  const fromRank = numericRank[from]
  const toRank = numericRank[to]
  if (fromRank !== undefined && toRank !== undefined) return fromRank <= toRank
  if (isStringType(from) && to === 'text') return true
  // "char" and pg_node_tree read as text implicitly (pg_cast.dat), as catalog queries rely on.
  if ((from === 'char' || from === 'pg_node_tree') && to === 'text') return true
  if (to === 'oid' && isIntegerType(from)) return true
  // The oid alias types (regclass, regtype, ...) are oids: implicit to and from oid, from int4
  // and int8, and regclass from text (pg_cast.dat).
  if (isRegType(to) && (from === 'oid' || from === 'int4' || from === 'int8')) return true
  if (isRegType(from) && to === 'oid') return true
  if (to === 'regclass' && isStringType(from) && from !== 'name') return true
  const fromTime = dateTimeRank[from]
  const toTime = dateTimeRank[to]
  return fromTime !== undefined && toTime !== undefined && fromTime <= toTime
}

/** True when an INSERT may store a `from` value in a `to` column (assignment cast). */
export function canCastByAssignment(from: SqlType, to: SqlType): boolean {
  if (canCastImplicitly(from, to)) return true
  if (isArrayType(from) && isArrayType(to))
    return canCastByAssignment(elementTypeOf(from), elementTypeOf(to))
  if (isNumericType(from) && isNumericType(to)) return true
  if (isRegType(from) && (to === 'int4' || to === 'int8')) return true
  if (isStringType(to) || (isStringType(from) && isStringType(to))) return true
  if (to === 'char' && isStringType(from)) return true
  if (isDateTimeType(from) && isDateTimeType(to)) return true
  return (from === 'json' && to === 'jsonb') || (from === 'jsonb' && to === 'json')
}

/** True when CAST(x AS to) exists for an x of type `from`. */
export function canCastExplicitly(from: SqlType, to: SqlType): boolean {
  if (canCastByAssignment(from, to)) return true
  if ((from === 'bytea' && to === 'ddsketch') || (from === 'ddsketch' && to === 'bytea'))
    return true
  if (isArrayType(from) && isArrayType(to))
    return canCastExplicitly(elementTypeOf(from), elementTypeOf(to))
  if (isArrayType(to)) return isStringType(from)
  if (isStringType(from)) return true
  if (from === 'jsonb' && (isNumericType(to) || to === 'bool')) return true
  if (
    (from === 'bool' && (to === 'int4' || to === 'int8')) ||
    (to === 'bool' && (from === 'int4' || from === 'int8'))
  ) {
    return true
  }
  return (from === 'oid' && isNumericType(to)) || (to === 'oid' && isNumericType(from))
}

/**
 * The common type of CASE branches, COALESCE arguments and IN lists (PostgreSQL's
 * select_common_type): unknowns take the others' type, all-unknown is text; numbers widen,
 * strings become text, date/times widen to timestamptz. Undefined when they do not match.
 */
export function commonType(types: readonly SqlType[]): SqlType | undefined {
  const known = types.filter((t) => t !== 'unknown')
  const first = known[0]
  if (first === undefined) return 'text'
  if (known.every((t) => t === first)) return first
  if (known.every(isArrayType)) {
    const element = commonType(
      known.map((t) => elementTypeOf(t as Parameters<typeof elementTypeOf>[0])),
    )
    return element === undefined ? undefined : arrayTypeOf(element)
  }
  if (known.some(isArrayType)) return undefined
  const oidLike = (t: SqlType): boolean => t === 'oid' || isRegType(t)
  if (known.some(oidLike) && known.every((t) => oidLike(t) || isIntegerType(t))) return 'oid'
  if (known.every(isNumericType)) return maxBy(known, numericRank)
  if (known.every(isStringType)) return 'text'
  if (known.every(isDateTimeType)) return maxBy(known, dateTimeRank)
  return undefined
}

function maxBy(types: readonly SqlType[], rank: Partial<Record<SqlType, number>>): SqlType {
  return types.reduce((best, t) => ((rank[t] ?? 0) > (rank[best] ?? 0) ? t : best))
}

/** PostgreSQL's name for a type in messages: `integer`, `text`, `timestamp with time zone`. */
export function displayType(type: SqlType): string {
  return SqlTypes[type].displayName
}

// ---------------------------------------------------------------------------------------
const int32Max = 2147483647
const int64Max = 9223372036854775807n

/** The type of an integer literal as written: int4, int8 when it does not fit, numeric beyond. */
export function integerLiteralType(text: string): SqlType {
  const value = BigInt(text)
  const magnitude = value < 0n ? -value : value
  if (magnitude <= BigInt(int32Max) || value === -BigInt(int32Max) - 1n) return 'int4'
  if (magnitude <= int64Max || value === -int64Max - 1n) return 'int8'
  return 'numeric'
}
