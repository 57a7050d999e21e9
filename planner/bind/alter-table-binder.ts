// Binds ALTER TABLE ... SET/RESET (storage parameters). Malamute's table parameters:
//   retention    an interval; segments whose newest row is older than now − retention are
//                dropped whole by the compactor role
//   max_columns  a whole number 1..100000; JSON fields that would add a column past it go
//                into the `_overflow` jsonb column (storage/column-cap.ts)
//   time_field   the JSON field read as event time, and the table's time column
// PostgreSQL's own parameters (fillfactor, autovacuum_*) mean nothing here and are rejected
// as PostgreSQL rejects an unknown one (22023).
import { PgError, SqlState } from '../../common/index.js'
import { parseInterval } from '../../executor/interval/interval-text.js'
import type { ExecutableStatement } from '../../executor/plan.js'
import type { TableRetention, TableSettingsChange } from '../../storage/api.js'
import type { AlterTableNode, TableOptionNode } from '../sql/ast.js'
import { virtualRelationNamed } from '../catalog/virtual-catalog.js'
import type { CatalogScope } from './statement-binder.js'

const MicrosPerDay = 86_400_000_000

/** Binds ALTER TABLE; a missing table is 42P01 unless IF EXISTS. */
export async function bindAlterTable(
  node: AlterTableNode,
  scope: CatalogScope,
): Promise<Extract<ExecutableStatement, { kind: 'alter-table' }>> {
  const name = node.table.name
  if (virtualRelationNamed(name) !== undefined) {
    throw new PgError({
      code: SqlState.insufficientPrivilege,
      message: `permission denied: "${name.split('.').pop() ?? name}" is a system catalog`,
    })
  }
  // As PostgreSQL: the table first (42P01, or nothing at all under IF EXISTS), then options.
  const statement = {
    kind: 'alter-table',
    tenant: scope.tenant,
    table: name,
    ifExists: true,
  } as const
  if ((await scope.catalog.getTable(scope.tenant, name)) === undefined) {
    if (node.ifExists) return { ...statement, settings: {} }
    throw new PgError({
      code: SqlState.undefinedTable,
      message: `relation "${name}" does not exist`,
    })
  }
  return { ...statement, ifExists: node.ifExists, settings: bindTableSettings(node) }
}

/** The settings of ALTER TABLE SET/RESET or CREATE TABLE ... WITH; unknown ones are 22023. */
export function bindTableSettings(node: {
  readonly action: 'set' | 'reset'
  readonly options: readonly TableOptionNode[]
}): TableSettingsChange {
  const settings: { -readonly [K in keyof TableSettingsChange]: TableSettingsChange[K] } = {}
  const set = node.action === 'set'
  for (const option of node.options) {
    if (option.name === 'retention') settings.retention = set ? retentionOf(option) : null
    else if (option.name === 'max_columns') settings.maxColumns = set ? maxColumnsOf(option) : null
    else if (option.name === 'time_field') settings.timeField = set ? timeFieldOf(option) : null
    else {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `unrecognized parameter "${option.name}"`,
      })
    }
  }
  return settings
}

/** Most columns max_columns may allow: the overflow column is for junk, not for schemas. */
const MaxColumnsLimit = 100_000

/** `max_columns = 500`: a whole number from 1 to 100000, as PostgreSQL checks an integer reloption. */
function maxColumnsOf(option: TableOptionNode): number {
  const text = (option.value ?? '').trim()
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(value)) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `invalid value for integer option "max_columns": ${text}`,
    })
  }
  if (value < 1 || value > MaxColumnsLimit) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `value ${text} out of bounds for option "max_columns"`,
      detail: `Valid values are between "1" and "${MaxColumnsLimit}".`,
    })
  }
  return value
}

/** `time_field = 'event_time'`: a field name of 1 to 63 bytes (a column name). */
function timeFieldOf(option: TableOptionNode): string {
  const text = option.value ?? ''
  if (text === '' || Buffer.byteLength(text) > 63) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `invalid value for parameter "time_field": "${text}"`,
      hint: "Give the name of the JSON field holding the event time, such as 'event_time'.",
    })
  }
  return text
}

/** `retention = '30 days'`: a positive interval, a month counted as 30 days. */
function retentionOf(option: TableOptionNode): TableRetention {
  const text = option.value ?? ''
  const invalid = (): PgError =>
    new PgError({
      code: SqlState.invalidParameterValue,
      message: `invalid value for parameter "retention": "${text}"`,
      hint: "Give an interval, such as '30 days' or '12 hours'.",
    })
  let micros: number
  try {
    const interval = parseInterval(text)
    micros = (interval.months * 30 + interval.days) * MicrosPerDay + interval.micros
  } catch {
    throw invalid()
  }
  if (!(micros > 0) || !Number.isSafeInteger(micros)) throw invalid()
  return { text: text.trim(), micros }
}
