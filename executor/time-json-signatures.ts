// Signatures of the interval, time-zone and jsonb functions and operators (see signatures.ts
// for the conventions). The binder maps operators with mixed operand types (timestamp −
// timestamp, date + int, jsonb -> text) onto these names in planner/bind/typed-operators.ts.
import type { Signature } from './signatures.js'

const times = ['timestamptz', 'timestamp'] as const

export function timeSignatures(): Record<string, readonly Signature[]> {
  const intervalUnary: Signature[] = [{ args: ['interval'], returns: 'interval' }]
  return {
    timestamp_add_interval: times.map((t) => ({ args: [t, 'interval'], returns: t })),
    timestamp_subtract_interval: times.map((t) => ({ args: [t, 'interval'], returns: t })),
    timestamp_difference: times.map((t) => ({ args: [t, t], returns: 'interval' })),
    date_difference: [{ args: ['date', 'date'], returns: 'int4' }],
    date_add_days: [{ args: ['date', 'int4'], returns: 'date' }],
    date_subtract_days: [{ args: ['date', 'int4'], returns: 'date' }],
    interval_add: [{ args: ['interval', 'interval'], returns: 'interval' }],
    interval_subtract: [{ args: ['interval', 'interval'], returns: 'interval' }],
    interval_negate: intervalUnary,
    interval_multiply: [{ args: ['interval', 'float8'], returns: 'interval' }],
    interval_divide: [{ args: ['interval', 'float8'], returns: 'interval' }],
    justify_days: intervalUnary,
    justify_hours: intervalUnary,
    justify_interval: intervalUnary,
    age: [
      { args: ['timestamptz', 'timestamptz'], returns: 'interval' },
      { args: ['timestamp', 'timestamp'], returns: 'interval' },
      { args: ['timestamptz'], returns: 'interval' },
      { args: ['timestamp'], returns: 'interval' },
    ],
    date_bin: [
      { args: ['interval', 'timestamptz', 'timestamptz'], returns: 'timestamptz' },
      { args: ['interval', 'timestamp', 'timestamp'], returns: 'timestamp' },
    ],
    // AT TIME ZONE: timestamptz → timestamp and timestamp → timestamptz
    timezone: [
      { args: ['text', 'timestamptz'], returns: 'timestamp' },
      { args: ['text', 'timestamp'], returns: 'timestamptz' },
      { args: ['interval', 'timestamptz'], returns: 'timestamp' },
      { args: ['interval', 'timestamp'], returns: 'timestamptz' },
    ],
    extract: [
      { args: ['text', 'timestamptz'], returns: 'numeric' },
      { args: ['text', 'timestamp'], returns: 'numeric' },
      { args: ['text', 'date'], returns: 'numeric' },
      { args: ['text', 'interval'], returns: 'numeric' },
    ],
    date_part: [
      { args: ['text', 'timestamptz'], returns: 'float8' },
      { args: ['text', 'timestamp'], returns: 'float8' },
      { args: ['text', 'interval'], returns: 'float8' },
    ],
  }
}
