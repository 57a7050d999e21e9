// Rows of the pg_catalog tables and views, true to Malamute's catalog: the tenant's tables
// in `public`, the virtual relations in pg_catalog and information_schema, one database
// (the tenant), one role (the session's user, oid 10). Catalogs of things Malamute does not
// have (indexes, constraints, defaults, policies, extensions, ...) are empty.
import { SqlTypes } from '../../common/index.js'
import { listSettings } from '../../executor/settings.js'
import {
  AggregateSignatures,
  ScalarSignatures,
  type SignatureType,
} from '../../executor/signatures.js'
import { aggregateFunctionNames, scalarFunctionNames } from '../bind/functions.js'
import {
  NamespaceOid,
  OwnerOid,
  type CatalogRow,
  type CatalogSnapshot,
} from './catalog-snapshot.js'
import { ioRoutineOid, ioRoutines } from './pg-io-routines.js'
import { CollationOid, typeFacts } from './pg-type-rows.js'

/** pg_am's heap access method: every table's relam. */
const HeapAmOid = 2
/** pg_tablespace's pg_default. */
const DefaultTablespaceOid = 1663

export function pgNamespaceRows(): CatalogRow[] {
  return Object.entries(NamespaceOid).map(([nspname, oid]) => ({
    oid,
    nspname,
    nspowner: OwnerOid,
  }))
}

export function pgClassRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations.map((r) => ({
    oid: r.oid,
    relname: r.name,
    relnamespace: r.namespaceOid,
    reltype: 0,
    reloftype: 0,
    relowner: OwnerOid,
    relam: r.relkind === 'r' ? HeapAmOid : 0,
    relfilenode: r.relkind === 'r' ? r.oid : 0,
    reltablespace: 0,
    relpages: 0,
    reltuples: -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: false,
    relisshared: false,
    relpersistence: 'p',
    relkind: r.relkind,
    relnatts: r.columns.length,
    relchecks: 0,
    relhasrules: r.relkind === 'v',
    relhastriggers: false,
    relhassubclass: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: r.relkind === 'r' ? 'd' : 'n',
    relispartition: false,
    relrewrite: 0,
    relfrozenxid: 0,
    relminmxid: 0,
  }))
}

export function pgAttributeRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations.flatMap((r) =>
    [...r.columns]
      .sort((a, b) => a.attnum - b.attnum)
      .map((column) => {
        const facts = typeFacts(column.type)
        return {
          attrelid: r.oid,
          attname: column.name,
          atttypid: SqlTypes[column.type].oid,
          attstattarget: -1,
          attlen: facts.typlen,
          attnum: column.attnum,
          attndims: 0,
          attcacheoff: -1,
          atttypmod: -1,
          attbyval: facts.byValue,
          attalign: facts.align,
          attstorage: facts.storage,
          attcompression: '',
          attnotnull: false,
          atthasdef: false,
          atthasmissing: false,
          attidentity: '',
          attgenerated: '',
          attisdropped: false,
          attislocal: true,
          attinhcount: 0,
          attcollation: facts.collation,
        }
      }),
  )
}

/** The tenant's database; its oid is a hash of the name, above every table oid. */
export function pgDatabaseRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return [
    {
      oid: databaseOid(snapshot.tenant),
      datname: snapshot.tenant,
      datdba: OwnerOid,
      encoding: 6,
      datlocprovider: 'c',
      datistemplate: false,
      datallowconn: true,
      datconnlimit: -1,
      datfrozenxid: 0,
      datminmxid: 1,
      dattablespace: DefaultTablespaceOid,
      datcollate: 'C',
      datctype: 'C',
    },
  ]
}

/** FNV-1a over the name, in [2^31, 2^32): distinct per tenant, clear of the table oid counter. */
export function databaseOid(tenant: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(tenant)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return (hash | 0x80000000) >>> 0
}

const superuser = {
  rolsuper: true,
  rolinherit: true,
  rolcreaterole: true,
  rolcreatedb: true,
  rolcanlogin: true,
  rolreplication: false,
  rolconnlimit: -1,
  rolbypassrls: true,
}

export function pgRolesRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return [{ rolname: snapshot.user, ...superuser, rolpassword: '********', oid: OwnerOid }]
}

export function pgAuthidRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return [{ oid: OwnerOid, rolname: snapshot.user, ...superuser }]
}

export function pgUserRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return [
    {
      usename: snapshot.user,
      usesysid: OwnerOid,
      usecreatedb: true,
      usesuper: true,
      userepl: false,
      usebypassrls: true,
      passwd: '********',
    },
  ]
}

export function pgSettingsRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return listSettings(snapshot.settings).map(({ name, value, description }) => ({
    name,
    setting: value,
    unit: description?.unit ?? null,
    category: description?.category ?? 'Customized Options',
    short_desc: description?.description ?? null,
    context: description?.context ?? 'user',
    vartype: description?.vartype ?? 'string',
    source: snapshot.settings.has(name.toLowerCase()) ? 'session' : 'default',
    reset_val: value,
    pending_restart: false,
  }))
}

export function pgAmRows(): CatalogRow[] {
  return [
    {
      oid: HeapAmOid,
      amname: 'heap',
      amhandler: ioRoutineOid('heap_tableam_handler'),
      amtype: 't',
    },
    { oid: 403, amname: 'btree', amhandler: ioRoutineOid('bthandler'), amtype: 'i' },
  ]
}

export function pgCollationRows(): CatalogRow[] {
  const row = (oid: number, collname: string, provider: string, collate: string | null) => ({
    oid,
    collname,
    collnamespace: NamespaceOid.pg_catalog,
    collowner: OwnerOid,
    collprovider: provider,
    collisdeterministic: true,
    collencoding: -1,
    collcollate: collate,
    collctype: collate,
  })
  return [
    row(CollationOid.default, 'default', 'd', null),
    row(CollationOid.c, 'C', 'c', 'C'),
    row(CollationOid.posix, 'POSIX', 'c', 'POSIX'),
  ]
}

export function pgTablespaceRows(): CatalogRow[] {
  return [
    { oid: DefaultTablespaceOid, spcname: 'pg_default', spcowner: OwnerOid },
    { oid: 1664, spcname: 'pg_global', spcowner: OwnerOid },
  ]
}

/** pg_tables: the tables (not views) of every schema, as PostgreSQL's view shows them. */
export function pgTablesRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations
    .filter((r) => r.relkind === 'r')
    .map((r) => ({
      schemaname: r.schema,
      tablename: r.name,
      tableowner: snapshot.user,
      hasindexes: false,
      hasrules: false,
      hastriggers: false,
      rowsecurity: false,
    }))
}

/** pg_language: the languages every PostgreSQL 15 has (oids from pg_language.dat). */
export function pgLanguageRows(): CatalogRow[] {
  const language = (oid: number, lanname: string, lanvalidator: number): CatalogRow => ({
    oid,
    lanname,
    lanowner: OwnerOid,
    lanispl: false,
    lanpltrusted: lanname === 'sql',
    lanplcallfoid: 0,
    laninline: 0,
    lanvalidator,
  })
  return [language(12, 'internal', 2246), language(13, 'c', 2247), language(14, 'sql', 2248)]
}

/**
 * pg_stat_user_tables: one row per user table, as Metabase's table list reads it. Malamute
 * keeps no access statistics: the counters are 0 and the vacuum/analyze times NULL.
 */
export function pgStatUserTablesRows(snapshot: CatalogSnapshot): CatalogRow[] {
  const counters = [
    'seq_scan',
    'seq_tup_read',
    'n_tup_ins',
    'n_tup_upd',
    'n_tup_del',
    'n_tup_hot_upd',
    'n_live_tup',
    'n_dead_tup',
    'n_mod_since_analyze',
    'n_ins_since_vacuum',
    'vacuum_count',
    'autovacuum_count',
    'analyze_count',
    'autoanalyze_count',
  ]
  return snapshot.relations
    .filter((r) => r.relkind === 'r' && r.schema === 'public')
    .map((r) => ({
      relid: r.oid,
      schemaname: r.schema,
      relname: r.name,
      ...Object.fromEntries(counters.map((name) => [name, 0])),
    }))
}

export function pgViewsRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations
    .filter((r) => r.relkind === 'v')
    .map((r) => ({ schemaname: r.schema, viewname: r.name, viewowner: snapshot.user }))
}

/** A pg_proc-like entry per signature of each SQL-callable function and aggregate. */
export interface RoutineInfo {
  readonly oid: number
  readonly name: string
  readonly kind: 'f' | 'a'
  readonly argTypeOids: readonly number[]
  readonly returnTypeOid: number
  /** The executor's registry name, pg_proc.prosrc. */
  readonly registryName: string
  /** pg_proc.provolatile: immutable, stable or volatile. */
  readonly volatility: 'i' | 's' | 'v'
}

/** pg_proc oids for Malamute's functions: their own range, stable while the function set is. */
const FirstRoutineOid = 9000
/** PostgreSQL's pseudo-types `"any"` and `anyelement`, for `any` arguments and `same` results. */
const AnyOid = 2276
const AnyElementOid = 2283

/** The routines pg_proc and information_schema.routines list, by name. */
export function listRoutines(): RoutineInfo[] {
  const entries: [string, 'f' | 'a', string][] = [
    ...Object.entries(scalarFunctionNames).map(([n, r]): [string, 'f', string] => [n, 'f', r]),
    ...[...aggregateFunctionNames].map((n): [string, 'a', string] => [n, 'a', n]),
  ]
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const oidOf = (t: SignatureType): number => (t === 'any' ? AnyOid : SqlTypes[t].oid)
  const routines: RoutineInfo[] = []
  for (const [name, kind, registryName] of entries) {
    const signatures =
      kind === 'f' ? ScalarSignatures[registryName] : AggregateSignatures[registryName]
    const listed =
      kind === 'a' && name === 'count'
        ? [...(AggregateSignatures['count_star'] ?? []), ...(signatures ?? [])]
        : (signatures ?? [])
    for (const signature of listed) {
      routines.push({
        oid: FirstRoutineOid + routines.length,
        name,
        kind,
        argTypeOids: signature.args.map(oidOf),
        returnTypeOid:
          signature.returns === 'same' ? AnyElementOid : SqlTypes[signature.returns].oid,
        registryName,
        volatility: name === 'now' || name === 'current_timestamp' ? 's' : 'i',
      })
    }
  }
  // The type I/O functions: in pg_proc so that pg_type's regproc columns name them.
  for (const [oid, name, argTypeOids, returnTypeOid, volatility] of ioRoutines)
    routines.push({
      oid,
      name,
      kind: 'f',
      argTypeOids,
      returnTypeOid,
      registryName: name,
      volatility,
    })
  return routines
}

export function pgProcRows(): CatalogRow[] {
  return listRoutines().map((r) => ({
    oid: r.oid,
    proname: r.name,
    pronamespace: NamespaceOid.pg_catalog,
    proowner: OwnerOid,
    prolang: 12,
    procost: 1,
    prorows: 0,
    provariadic: 0,
    prosupport: 0,
    prokind: r.kind,
    prosecdef: false,
    proleakproof: false,
    proisstrict: r.kind === 'f',
    proretset: false,
    provolatile: r.volatility,
    proparallel: 's',
    pronargs: r.argTypeOids.length,
    pronargdefaults: 0,
    prorettype: r.returnTypeOid,
    proargtypes: `{${r.argTypeOids.join(',')}}`,
    prosrc: r.registryName,
  }))
}
