// EXTRACT(field FROM interval) as PostgreSQL 15's interval_part_common: fields of interval2itm
// (years and months from the month count, days as stored, the time split into hours, minutes,
// seconds and microseconds, all truncating toward zero), epoch with 365.25-day years.
import { PgError, SqlState } from '../../common/index.js'
import type { IntervalValue } from './interval-layout.js'

export type IntervalField =
  | 'epoch'
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'

const supported: ReadonlySet<string> = new Set<IntervalField>([
  'epoch',
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'day',
  'month',
  'quarter',
  'year',
  'decade',
  'century',
  'millennium',
])

/** Checks a field (already resolved from its spelling) is one intervals have; 0A000 if not. */
export function intervalField(field: string, written: string): IntervalField {
  if (!supported.has(field)) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `unit "${written}" not supported for type interval`,
    })
  }
  return field as IntervalField
}

/** The field's value as an unscaled integer and its scale (second: 6, milliseconds: 3). */
export function intervalFieldValue(field: IntervalField, value: IntervalValue): [bigint, number] {
  const year = Math.trunc(value.months / 12)
  const month = value.months - year * 12
  const time = value.micros
  const hour = Math.trunc(time / 3_600_000_000)
  const minute = Math.trunc((time - hour * 3_600_000_000) / 60_000_000)
  const secondMicros = time - hour * 3_600_000_000 - minute * 60_000_000
  const int = (n: number): [bigint, number] => [BigInt(n), 0]
  switch (field) {
    case 'epoch': {
      const quarterDays = 1461 * year + 120 * month + 4 * value.days
      return [BigInt(quarterDays) * 21_600_000_000n + BigInt(time), 6]
    }
    case 'microseconds':
      return int(secondMicros)
    case 'milliseconds':
      return [BigInt(secondMicros), 3]
    case 'second':
      return [BigInt(secondMicros), 6]
    case 'minute':
      return int(minute)
    case 'hour':
      return int(hour)
    case 'day':
      return int(value.days)
    case 'month':
      return int(month)
    case 'quarter':
      return int(Math.trunc(month / 3) + 1)
    case 'year':
      return int(year)
    case 'decade':
      return int(Math.trunc(year / 10))
    case 'century':
      return int(Math.trunc(year / 100))
    case 'millennium':
      return int(Math.trunc(year / 1000))
  }
}
