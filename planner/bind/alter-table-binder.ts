// Binds ALTER TABLE ... SET/RESET (storage parameters). Malamute's one table parameter is
// `retention`: an interval; segments whose newest row is older than now − retention are
// dropped whole by the compactor role. PostgreSQL's own parameters (fillfactor, autovacuum_*)
// mean nothing here and are rejected as PostgreSQL rejects an unknown one (22023).
import { PgError, SqlState } from '../../common/index.js'
import { parseInterval } from '../../executor/interval/interval-text.js'
import type { ExecutableStatement } from '../../executor/plan.js'
import type { TableRetention } from '../../storage/api.js'
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
    if (node.ifExists) return { ...statement, retention: null }
    throw new PgError({
      code: SqlState.undefinedTable,
      message: `relation "${name}" does not exist`,
    })
  }
  let retention: TableRetention | null = null
  for (const option of node.options) {
    if (option.name !== 'retention') {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `unrecognized parameter "${option.name}"`,
      })
    }
    retention = node.action === 'set' ? retentionOf(option) : null
  }
  return { ...statement, ifExists: node.ifExists, retention }
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
