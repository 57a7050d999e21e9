// What the virtual catalog tables are built from: the tenant's tables from storage, the
// virtual relations themselves (pg_class lists pg_class), and the session. Built once per
// statement that reads a catalog table; the rows are small (a few hundred per relation).
import type { ScalarValue } from '../../executor/plan.js'
import type { ColumnInfo } from '../../storage/api.js'
import type { SessionActivity } from './session-activity.js'

/** A relation as pg_class and pg_attribute show it. */
export interface RelationInfo {
  readonly oid: number
  readonly name: string
  readonly namespaceOid: number
  readonly schema: string
  /** 'r' for tables (user tables and pg_catalog tables), 'v' for views. */
  readonly relkind: 'r' | 'v'
  readonly columns: readonly ColumnInfo[]
}

export interface CatalogSnapshot {
  /** The database: Malamute's tenant. */
  readonly tenant: string
  /** The session's user; Malamute shows it as the one role, oid 10 (PostgreSQL's bootstrap superuser). */
  readonly user: string
  readonly settings: ReadonlyMap<string, string>
  /** User tables (public) first, by oid, then the virtual relations. */
  readonly relations: readonly RelationInfo[]
  /** The sessions on this database (pg_stat_activity); none outside a server. */
  readonly activity?: readonly SessionActivity[]
}

/** One row by column name; columns a builder leaves out are NULL. */
export type CatalogRow = Readonly<Record<string, ScalarValue>>

/** PostgreSQL's namespace oids (pg_namespace.dat; information_schema as initdb assigns it in 15). */
export const NamespaceOid = {
  pg_catalog: 11,
  public: 2200,
  information_schema: 13207,
  /** Malamute's system views (malamute.tables, .segments, .compactions, .blob_stats). */
  malamute: 16300,
} as const

/** The bootstrap superuser's oid, which owns everything Malamute shows. */
export const OwnerOid = 10
