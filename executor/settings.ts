// Run-time settings as SET and SHOW see them. Sessions keep only what they changed, under
// lower-case names; everything else reads PostgreSQL 15's defaults from this table, spelled
// as PostgreSQL's GUC table spells them (SHOW names its column that way: `TimeZone`).
import { PgError, SqlState, type Batch } from '../common/index.js'
import { makeTextVector } from './expr/vector-builders.js'
import type { OutputField } from './plan.js'
import { settingDescriptions, type SettingDescription } from './setting-descriptions.js'

const defaults: readonly (readonly [string, string])[] = [
  ['application_name', ''],
  ['block_size', '8192'],
  ['bytea_output', 'hex'],
  ['client_encoding', 'UTF8'],
  ['client_min_messages', 'notice'],
  ['DateStyle', 'ISO, MDY'],
  ['default_transaction_isolation', 'read committed'],
  ['default_transaction_read_only', 'off'],
  ['extra_float_digits', '1'],
  ['idle_in_transaction_session_timeout', '0'],
  ['integer_datetimes', 'on'],
  ['IntervalStyle', 'postgres'],
  ['is_superuser', 'off'],
  ['lc_collate', 'C'],
  ['lc_ctype', 'C'],
  ['lc_messages', 'C'],
  ['lc_monetary', 'C'],
  ['lc_numeric', 'C'],
  ['lc_time', 'C'],
  ['lock_timeout', '0'],
  ['max_identifier_length', '63'],
  ['max_index_keys', '32'],
  ['search_path', '"$user", public'],
  ['server_encoding', 'UTF8'],
  ['server_version', '15.0'],
  ['server_version_num', '150000'],
  ['standard_conforming_strings', 'on'],
  ['statement_timeout', '0'],
  ['TimeZone', 'UTC'],
  ['transaction_isolation', 'read committed'],
  ['transaction_read_only', 'off'],
]

const byLowerName = new Map(defaults.map(([name, value]) => [name.toLowerCase(), { name, value }]))

/** Returns the setting's display name and current value; unknown names raise 42704. */
export function showSetting(
  name: string,
  settings: ReadonlyMap<string, string>,
): { name: string; value: string } {
  const lower = name.toLowerCase()
  const known = byLowerName.get(lower)
  const value = settings.get(lower) ?? known?.value
  if (value === undefined) {
    const message = `unrecognized configuration parameter "${name}"`
    throw new PgError({ code: SqlState.undefinedObject, message })
  }
  return { name: known?.name ?? lower, value }
}

/** Applies SET name TO value (null: back to the default) to a session's settings. */
export function applySetting(
  name: string,
  value: string | null,
  settings: Map<string, string>,
): void {
  const lower = name.toLowerCase()
  if (value === null) settings.delete(lower)
  else settings.set(lower, value)
}

/**
 * Lists every setting SHOW ALL and pg_settings show, sorted by name as PostgreSQL sorts them
 * (case-insensitively): the known ones, plus custom (dotted) names the session set.
 */
export function listSettings(
  settings: ReadonlyMap<string, string>,
): { name: string; value: string; description: SettingDescription | undefined }[] {
  // Like PostgreSQL, leave out the ones it marks GUC_NO_SHOW_ALL (is_superuser, session_authorization).
  const shown = (name: string): boolean => name in settingDescriptions || name.includes('.')
  const lowerNames = new Set([...byLowerName.keys(), ...settings.keys()].filter(shown))
  return [...lowerNames].sort().map((lower) => ({
    ...showSetting(lower, settings),
    description: settingDescriptions[lower],
  }))
}

/** SHOW ALL's columns, as PostgreSQL names them. */
export const showAllFields: OutputField[] = ['name', 'setting', 'description'].map((name) => ({
  name,
  type: 'text',
  tableOid: 0,
  columnNumber: 0,
}))

/** SHOW ALL's rows: every setting with its value and PostgreSQL's one-line description. */
export function showAllBatch(settings: ReadonlyMap<string, string>): Batch {
  const listed = listSettings(settings)
  return {
    length: listed.length,
    columns: [
      makeTextVector(
        'text',
        listed.map((s) => s.name),
      ),
      makeTextVector(
        'text',
        listed.map((s) => s.value),
      ),
      makeTextVector(
        'text',
        listed.map((s) => s.description?.description ?? null),
      ),
    ],
  }
}
