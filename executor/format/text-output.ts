// PostgreSQL 15's text output functions (the DataRow text format), byte-identical for the
// types Malamute holds. Row-at-a-time by nature: the gateway calls it per DataRow field.
import { assertNever, isRegType, type SqlType, type Vector } from '../../common/index.js'
import { noRegNames, regOutputText, type RegNames } from '../functions/reg-names.js'
import { decimalToString } from '../decimal.js'
import { arrayTextAt } from '../expr/array-values.js'
import { decimalAt, textAt, vectorFromValues } from '../expr/vector-builders.js'
import type { ScalarValue } from '../plan.js'
import { formatDateText, formatTimestampText, formatTimestamptzText } from './datetime-text.js'
import { formatFloatText } from './float-text.js'
import { formatDdsketch } from '../sketch/ddsketch-cast.js'

export interface TextOutputOptions {
  readonly timeZone: string
  /** The names reg values print as (the statement's database); numbers when absent. */
  readonly regNames?: RegNames
}

function formatNumber(value: number, type: SqlType, options: TextOutputOptions): string {
  switch (type) {
    case 'float8':
      return formatFloatText(value, false)
    case 'float4':
      return formatFloatText(value, true)
    case 'timestamptz':
      return formatTimestamptzText(value, options.timeZone)
    case 'timestamp':
      return formatTimestampText(value)
    case 'date':
      return formatDateText(value)
    default:
      if (isRegType(type)) return regOutputText(type, value, options.regNames ?? noRegNames)
      return Object.is(value, -0) ? '0' : String(value)
  }
}

/** The text PostgreSQL sends for row `row` of `vector`, or null for NULL. */
export function formatValueText(
  vector: Vector,
  row: number,
  options: TextOutputOptions,
): string | null {
  if (vector.validity !== null && vector.validity[row] === 0) return null
  switch (vector.kind) {
    case 'bool':
      return vector.values[row] === 1 ? 't' : 'f'
    case 'number':
      return formatNumber(vector.values[row] ?? 0, vector.type, options)
    case 'numeric':
      return decimalToString(decimalAt(vector, row))
    case 'text':
      if (vector.type === 'ddsketch') return formatDdsketch(vector, row)
      return vector.type === 'bytea' ? `\\x${textAt(vector, row)}` : textAt(vector, row)
    case 'array':
      return arrayTextAt(vector, row, options)
    default:
      return assertNever(vector, 'vector kind')
  }
}

/** The text PostgreSQL sends for one scalar of `type`, or null for NULL. */
export function formatScalarText(
  value: ScalarValue,
  type: SqlType,
  options: TextOutputOptions,
): string | null {
  return formatValueText(vectorFromValues(type, [value]), 0, options)
}
