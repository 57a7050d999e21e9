// Signatures of the interval, time-zone and jsonb functions and operators (see signatures.ts
// for the conventions). The binder maps operators with mixed operand types (timestamp −
// timestamp, date + int, jsonb -> text) onto these names in planner/bind/typed-operators.ts.
import type { Signature } from './signatures.js'

const times = ['timestamptz', 'timestamp'] as const

export function timeSignatures(): Record<string, readonly Signature[]> {
  const intervalUnary: Signature[] = [{ args: ['interval'], returns: 'interval' }]
  const ints = (count: number): ('int4' | 'float8')[] => Array<'int4'>(count).fill('int4')
  const clock = (returns: 'timestamptz' | 'timestamp' | 'date' | 'text'): Signature[] => [
    { args: [], returns },
  ]
  return {
    current_date: clock('date'),
    localtimestamp: clock('timestamp'),
    transaction_timestamp: clock('timestamptz'),
    statement_timestamp: clock('timestamptz'),
    clock_timestamp: clock('timestamptz'),
    timeofday: clock('text'),
    make_date: [{ args: ints(3), returns: 'date' }],
    make_timestamp: [{ args: [...ints(5), 'float8'], returns: 'timestamp' }],
    make_timestamptz: [
      { args: [...ints(5), 'float8'], returns: 'timestamptz' },
      { args: [...ints(5), 'float8', 'text'], returns: 'timestamptz' },
    ],
    make_interval: [{ args: [...ints(6), 'float8'], returns: 'interval' }],
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
    interval_qualify: [{ args: ['interval', 'text'], returns: 'interval' }],
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
    to_char: [
      { args: ['timestamptz', 'text'], returns: 'text' },
      { args: ['timestamp', 'text'], returns: 'text' },
      { args: ['int4', 'text'], returns: 'text' },
      { args: ['int8', 'text'], returns: 'text' },
      { args: ['numeric', 'text'], returns: 'text' },
      { args: ['float4', 'text'], returns: 'text' },
      { args: ['float8', 'text'], returns: 'text' },
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

export function jsonSignatures(): Record<string, readonly Signature[]> {
  const access = (text: boolean): Signature[] => [
    { args: ['jsonb', 'text'], returns: text ? 'text' : 'jsonb' },
    { args: ['jsonb', 'int4'], returns: text ? 'text' : 'jsonb' },
    { args: ['json', 'text'], returns: text ? 'text' : 'json' },
    { args: ['json', 'int4'], returns: text ? 'text' : 'json' },
  ]
  const path = (text: boolean): Signature[] => [
    { args: ['jsonb', 'text'], returns: text ? 'text' : 'jsonb' },
    { args: ['json', 'text'], returns: text ? 'text' : 'json' },
  ]
  const variadicPath = (text: boolean): Signature[] => [
    { args: ['jsonb', 'text'], returns: text ? 'text' : 'jsonb', variadic: true },
    { args: ['json', 'text'], returns: text ? 'text' : 'json', variadic: true },
  ]
  const keyTest: Signature[] = [{ args: ['jsonb', 'text'], returns: 'bool' }]
  const build = (returns: 'json' | 'jsonb'): Signature[] => [
    { args: [], returns },
    { args: ['any'], returns, variadic: true },
  ]
  return {
    jsonb_field: access(false),
    jsonb_field_text: access(true),
    jsonb_path: path(false),
    jsonb_path_text: path(true),
    jsonb_exists: keyTest,
    jsonb_exists_any: keyTest,
    jsonb_exists_all: keyTest,
    jsonb_contains: [{ args: ['jsonb', 'jsonb'], returns: 'bool' }],
    jsonb_contained: [{ args: ['jsonb', 'jsonb'], returns: 'bool' }],
    jsonb_typeof: [{ args: ['jsonb'], returns: 'text' }],
    json_typeof: [{ args: ['json'], returns: 'text' }],
    jsonb_array_length: [{ args: ['jsonb'], returns: 'int4' }],
    json_array_length: [{ args: ['json'], returns: 'int4' }],
    jsonb_extract_path: variadicPath(false),
    jsonb_extract_path_text: variadicPath(true),
    jsonb_build_object: build('jsonb'),
    json_build_object: build('json'),
    jsonb_build_array: build('jsonb'),
    json_build_array: build('json'),
    to_jsonb: [{ args: ['any'], returns: 'jsonb' }],
    jsonb_concat: [{ args: ['jsonb', 'jsonb'], returns: 'jsonb' }],
    jsonb_delete: [
      { args: ['jsonb', 'text'], returns: 'jsonb' },
      { args: ['jsonb', 'int4'], returns: 'jsonb' },
    ],
    // path edits (executor/functions/jsonb-set-kernels.ts); `#-` is jsonb_delete_path and
    // `jsonb - text[]` jsonb_delete_keys
    jsonb_set: [
      { args: ['jsonb', '_text', 'jsonb'], returns: 'jsonb' },
      { args: ['jsonb', '_text', 'jsonb', 'bool'], returns: 'jsonb' },
    ],
    jsonb_set_lax: [
      { args: ['jsonb', '_text', 'jsonb'], returns: 'jsonb' },
      { args: ['jsonb', '_text', 'jsonb', 'bool'], returns: 'jsonb' },
      { args: ['jsonb', '_text', 'jsonb', 'bool', 'text'], returns: 'jsonb' },
    ],
    jsonb_insert: [
      { args: ['jsonb', '_text', 'jsonb'], returns: 'jsonb' },
      { args: ['jsonb', '_text', 'jsonb', 'bool'], returns: 'jsonb' },
    ],
    jsonb_delete_path: [{ args: ['jsonb', '_text'], returns: 'jsonb' }],
    jsonb_delete_keys: [{ args: ['jsonb', '_text'], returns: 'jsonb' }],
  }
}
