// Session settings from the startup packet, the parameters PostgreSQL reports with
// ParameterStatus (GUC_REPORT ones: https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-ASYNC),
// and statement_timeout's units.
import { PgError, SqlState } from '../common/index.js'

/** The version clients see: PostgreSQL 15 syntax, so drivers that parse it pick 15's dialect. */
export const serverVersion = '15.0 (Malamute 0.1.0)'

/** Reported parameters as the wire spells them, with their lower-case settings key. */
export const reportedParameters: readonly (readonly [wireName: string, key: string])[] = [
  ['application_name', 'application_name'],
  ['client_encoding', 'client_encoding'],
  ['DateStyle', 'datestyle'],
  ['default_transaction_read_only', 'default_transaction_read_only'],
  ['in_hot_standby', 'in_hot_standby'],
  ['integer_datetimes', 'integer_datetimes'],
  ['IntervalStyle', 'intervalstyle'],
  ['is_superuser', 'is_superuser'],
  ['server_encoding', 'server_encoding'],
  ['server_version', 'server_version'],
  ['session_authorization', 'session_authorization'],
  ['standard_conforming_strings', 'standard_conforming_strings'],
  ['TimeZone', 'timezone'],
]

/** Startup-packet keys that name the connection rather than set a parameter. */
const connectionKeys = new Set(['user', 'database', 'options', 'replication'])

/**
 * Builds a session's settings: defaults, then the startup packet's parameters and its
 * `options` (`-c name=value` and `--name=value`), keys lower-cased. client_encoding stays
 * UTF8 whatever the client asks: the server neither converts nor needs to.
 */
export function startupSettings(
  parameters: ReadonlyMap<string, string>,
  user: string,
): Map<string, string> {
  const settings = new Map<string, string>([
    ['application_name', ''],
    ['client_encoding', 'UTF8'],
    ['datestyle', 'ISO, MDY'],
    ['default_transaction_read_only', 'off'],
    ['extra_float_digits', '1'],
    ['in_hot_standby', 'off'],
    ['integer_datetimes', 'on'],
    ['intervalstyle', 'postgres'],
    ['is_superuser', 'on'],
    ['search_path', '"$user", public'],
    ['server_encoding', 'UTF8'],
    ['server_version', serverVersion],
    ['server_version_num', '150000'],
    ['session_authorization', user],
    ['standard_conforming_strings', 'on'],
    ['statement_timeout', '0'],
    ['timezone', 'UTC'],
  ])
  for (const [name, value] of parameters) {
    if (connectionKeys.has(name) || name.startsWith('_pq_.')) continue
    settings.set(name.toLowerCase(), value)
  }
  for (const [name, value] of parseOptions(parameters.get('options') ?? ''))
    settings.set(name, value)
  settings.set('client_encoding', 'UTF8')
  return settings
}

/** Reads the startup `options` string: `-c name=value`, `--name=value`, backslash escapes spaces. */
export function parseOptions(options: string): [string, string][] {
  const words: string[] = []
  let word = ''
  for (let i = 0; i < options.length; i++) {
    const char = options[i] ?? ''
    if (char === '\\' && i + 1 < options.length) word += options[++i] ?? ''
    else if (/\s/.test(char)) {
      if (word !== '') words.push(word)
      word = ''
    } else word += char
  }
  if (word !== '') words.push(word)
  const pairs: [string, string][] = []
  for (let i = 0; i < words.length; i++) {
    let assignment = words[i] ?? ''
    if (assignment === '-c') assignment = words[++i] ?? ''
    else if (assignment.startsWith('-c')) assignment = assignment.slice(2)
    else if (assignment.startsWith('--')) assignment = assignment.slice(2)
    else continue
    const equals = assignment.indexOf('=')
    if (equals <= 0) continue
    pairs.push([
      assignment.slice(0, equals).toLowerCase().replaceAll('-', '_'),
      assignment.slice(equals + 1),
    ])
  }
  return pairs
}

const timeUnitsMs: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/** Reads statement_timeout (milliseconds unless a unit says otherwise); 0 disables it. */
export function statementTimeoutMs(value: string | undefined): number {
  if (value === undefined) return 0
  const match = /^\s*'?(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?'?\s*$/i.exec(value)
  if (match === null) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `invalid value for parameter "statement_timeout": "${value}"`,
      hint: 'Valid units for this parameter are "ms", "s", "min", "h", and "d".',
    })
  }
  return Math.round(Number(match[1]) * (timeUnitsMs[(match[2] ?? 'ms').toLowerCase()] ?? 1))
}
