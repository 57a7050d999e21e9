// The virtual catalog: pg_catalog and information_schema relations answered by the same
// engine as user tables. The binder asks here before the storage catalog; a hit is a
// TableInfo carrying its rows as one Batch, built at bind time from the tenant's tables
// (they are small), which the physical planner turns into a Batches leaf instead of a scan.
//
// Name resolution follows PostgreSQL's search path `pg_catalog, "$user", public`:
// `pg_catalog.x` and `information_schema.x` name a virtual relation; an unqualified name
// is one when pg_catalog has it (every such name starts with `pg_`).
import { PgError, SqlState, type Batch } from '../../common/index.js'
import { vectorFromValues } from '../../executor/expr/vector-builders.js'
import type { BatchesPlan } from '../../executor/plan.js'
import type { Catalog, ColumnInfo, TableInfo } from '../../storage/api.js'
import { NamespaceOid, type CatalogSnapshot, type RelationInfo } from './catalog-snapshot.js'
import type { SessionActivity } from './session-activity.js'
import { virtualRelations, type VirtualRelationDef } from './virtual-relations.js'

/** A virtual relation bound for one statement: its rows travel with it. */
export interface VirtualTableInfo extends TableInfo {
  readonly rows: Batch
  /**
   * Leading columns that are join keys only (a LATERAL subquery's outer values): hidden from
   * `*` and names, reachable only qualified by the relation's internal name.
   */
  readonly hiddenKeys?: number
}

export function isVirtualTable(table: TableInfo): table is VirtualTableInfo {
  return 'rows' in table
}

export interface VirtualCatalogScope {
  readonly tenant: string
  readonly catalog: Catalog
  /** Session settings (pg_settings, the user); defaults when absent. */
  readonly settings?: ReadonlyMap<string, string>
  /** The server's sessions on this database, for pg_stat_activity. */
  readonly activity?: () => readonly SessionActivity[]
}

const bySchemaAndName = new Map(virtualRelations.map((r) => [`${r.schema}.${r.name}`, r]))

/** Returns the virtual relation `name` (as the parser joins `schema.name`) means, if any. */
export function virtualRelationNamed(name: string): VirtualRelationDef | undefined {
  return bySchemaAndName.get(name) ?? bySchemaAndName.get(`pg_catalog.${name}`)
}

/** Resolves `name` to a virtual relation with its rows, or undefined for a storage table. */
export async function lookupVirtualTable(
  name: string,
  scope: VirtualCatalogScope,
): Promise<VirtualTableInfo | undefined> {
  const relation = virtualRelationNamed(name)
  if (relation === undefined) return undefined
  const info = relationInfo(relation)
  const rows =
    relation.loadRows === undefined
      ? relation.rows(await takeSnapshot(scope))
      : await relation.loadRows(scope)
  return {
    oid: relation.oid,
    tenant: scope.tenant,
    name: relation.name,
    columns: info.columns,
    timeColumn: null,
    createdAtMs: 0,
    rows: buildBatch(info.columns, rows),
  }
}

/** The tenant's tables and the virtual relations, with the session facts rows need. */
export async function takeSnapshot(scope: VirtualCatalogScope): Promise<CatalogSnapshot> {
  const settings = scope.settings ?? new Map<string, string>()
  const tables = (await scope.catalog.listTables(scope.tenant)).sort((a, b) => a.oid - b.oid)
  const userRelations: RelationInfo[] = tables.map((t) => ({
    oid: t.oid,
    name: t.name,
    namespaceOid: NamespaceOid.public,
    schema: 'public',
    relkind: 'r',
    columns: t.columns,
  }))
  return {
    tenant: scope.tenant,
    user: settings.get('session_authorization') ?? scope.tenant,
    settings,
    relations: [...userRelations, ...virtualRelations.map(relationInfo)],
    ...(scope.activity === undefined ? {} : { activity: scope.activity() }),
  }
}

function relationInfo(relation: VirtualRelationDef): RelationInfo {
  const columns: ColumnInfo[] = relation.columns.map((c, i) => ({
    name: c.name,
    type: c.type,
    attnum: i + 1,
    declared: true,
  }))
  return {
    oid: relation.oid,
    name: relation.name,
    namespaceOid: NamespaceOid[relation.schema],
    schema: relation.schema,
    relkind: relation.relkind,
    columns,
  }
}

/** Lays rows (by column name; missing is NULL) out as one columnar batch. */
function buildBatch(
  columns: readonly ColumnInfo[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Batch {
  return {
    length: rows.length,
    columns: columns.map((column) =>
      vectorFromValues(
        column.type,
        rows.map((row) => {
          const value = row[column.name]
          return value === undefined ? null : (value as string | number | boolean | null)
        }),
      ),
    ),
  }
}

/** Rejects INSERT and COPY FROM into a catalog relation, as PostgreSQL does (42501). */
export function checkWritable(table: TableInfo): void {
  if (!isVirtualTable(table)) return
  throw new PgError({
    code: SqlState.insufficientPrivilege,
    message: `permission denied: "${table.name}" is a system catalog`,
  })
}

/** The leaf that reads a virtual relation: its rows, already in memory, all columns in order. */
export function virtualTablePlan(table: VirtualTableInfo): BatchesPlan {
  return {
    kind: 'batches',
    fields: table.columns.map((c) => ({ name: c.name, type: c.type })),
    batches: [table.rows],
    note: `catalog ${table.name}`,
  }
}
