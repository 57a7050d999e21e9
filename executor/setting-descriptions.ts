// What SHOW ALL and pg_settings say about each setting Malamute knows: PostgreSQL 15's
// pg_settings columns (category, short_desc, vartype, context, unit), copied from a real
// PostgreSQL 15 so that tools that read them see the same text.
export interface SettingDescription {
  readonly category: string
  readonly description: string
  readonly vartype: 'bool' | 'enum' | 'integer' | 'real' | 'string'
  readonly context: string
  readonly unit: string | null
}

const entry = (
  category: string,
  description: string,
  vartype: SettingDescription['vartype'],
  context: string,
  unit: string | null = null,
): SettingDescription => ({ category, description, vartype, context, unit })

/** By lower-case setting name. */
export const settingDescriptions: Readonly<Record<string, SettingDescription>> = {
  application_name: entry(
    'Reporting and Logging / What to Log',
    'Sets the application name to be reported in statistics and logs.',
    'string',
    'user',
  ),
  block_size: entry('Preset Options', 'Shows the size of a disk block.', 'integer', 'internal'),
  bytea_output: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the output format for bytea.',
    'enum',
    'user',
  ),
  client_encoding: entry(
    'Client Connection Defaults / Locale and Formatting',
    "Sets the client's character set encoding.",
    'string',
    'user',
  ),
  client_min_messages: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the message levels that are sent to the client.',
    'enum',
    'user',
  ),
  datestyle: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the display format for date and time values.',
    'string',
    'user',
  ),
  default_transaction_isolation: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the transaction isolation level of each new transaction.',
    'enum',
    'user',
  ),
  default_transaction_read_only: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the default read-only status of new transactions.',
    'bool',
    'user',
  ),
  extra_float_digits: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the number of digits displayed for floating-point values.',
    'integer',
    'user',
  ),
  idle_in_transaction_session_timeout: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the maximum allowed idle time between queries, when in a transaction.',
    'integer',
    'user',
    'ms',
  ),
  in_hot_standby: entry(
    'Preset Options',
    'Shows whether hot standby is currently active.',
    'bool',
    'internal',
  ),
  integer_datetimes: entry(
    'Preset Options',
    'Shows whether datetimes are integer based.',
    'bool',
    'internal',
  ),
  intervalstyle: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the display format for interval values.',
    'enum',
    'user',
  ),
  lc_collate: entry('Preset Options', 'Shows the collation order locale.', 'string', 'internal'),
  lc_ctype: entry(
    'Preset Options',
    'Shows the character classification and case conversion locale.',
    'string',
    'internal',
  ),
  lc_messages: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the language in which messages are displayed.',
    'string',
    'superuser',
  ),
  lc_monetary: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the locale for formatting monetary amounts.',
    'string',
    'user',
  ),
  lc_numeric: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the locale for formatting numbers.',
    'string',
    'user',
  ),
  lc_time: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the locale for formatting date and time values.',
    'string',
    'user',
  ),
  lock_timeout: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the maximum allowed duration of any wait for a lock.',
    'integer',
    'user',
    'ms',
  ),
  max_identifier_length: entry(
    'Preset Options',
    'Shows the maximum identifier length.',
    'integer',
    'internal',
  ),
  max_index_keys: entry(
    'Preset Options',
    'Shows the maximum number of index keys.',
    'integer',
    'internal',
  ),
  search_path: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the schema search order for names that are not schema-qualified.',
    'string',
    'user',
  ),
  server_encoding: entry(
    'Preset Options',
    'Shows the server (database) character set encoding.',
    'string',
    'internal',
  ),
  server_version: entry('Preset Options', 'Shows the server version.', 'string', 'internal'),
  server_version_num: entry(
    'Preset Options',
    'Shows the server version as an integer.',
    'integer',
    'internal',
  ),
  standard_conforming_strings: entry(
    'Version and Platform Compatibility / Previous PostgreSQL Versions',
    "Causes '...' strings to treat backslashes literally.",
    'bool',
    'user',
  ),
  statement_timeout: entry(
    'Client Connection Defaults / Statement Behavior',
    'Sets the maximum allowed duration of any statement.',
    'integer',
    'user',
    'ms',
  ),
  timezone: entry(
    'Client Connection Defaults / Locale and Formatting',
    'Sets the time zone for displaying and interpreting time stamps.',
    'string',
    'user',
  ),
  transaction_isolation: entry(
    'Client Connection Defaults / Statement Behavior',
    "Sets the current transaction's isolation level.",
    'enum',
    'user',
  ),
  transaction_read_only: entry(
    'Client Connection Defaults / Statement Behavior',
    "Sets the current transaction's read-only status.",
    'bool',
    'user',
  ),
}
