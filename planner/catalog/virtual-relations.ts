// The virtual relations: PostgreSQL 15's column lists (name:type as format_type prints them,
// copied from a real PostgreSQL 15, with `information_schema.` dropped from domain names and
// spaces as underscores), their pg_class oids, and the builder of their rows.
//
// Column types map to the closest Malamute type (see columnType): oid, name, bool, int2/4/8,
// float4, timestamptz, regproc, "char", xid, pg_node_tree, aclitem[] and "char"[] as
// themselves; text[], oid[], smallint[] and int2vector as arrays (oidvector as oid[]); the
// rest (anyarray, inet) as text holding PostgreSQL's text form; information_schema's domains
// as their base types (sql_identifier name, cardinal_number int4, character_data and
// yes_or_no varchar).
import type { SqlType } from '../../common/index.js'
import type { CatalogRow, CatalogSnapshot } from './catalog-snapshot.js'
import {
  columnsRows,
  routinesRows,
  schemataRows,
  tablesRows,
  viewsRows,
} from './information-schema-rows.js'
import {
  pgAmRows,
  pgAttributeRows,
  pgAuthidRows,
  pgClassRows,
  pgCollationRows,
  pgDatabaseRows,
  pgNamespaceRows,
  pgProcRows,
  pgRolesRows,
  pgSettingsRows,
  pgTablesRows,
  pgTablespaceRows,
  pgUserRows,
  pgViewsRows,
  pgStatUserTablesRows,
  pgLanguageRows,
} from './pg-catalog-rows.js'
import { malamuteViews, type SystemViewScope } from './malamute-views.js'
import { pgTypeRows } from './pg-type-rows.js'
import { pgStatActivityRows } from './session-activity.js'

/** By relation name: [pg_class oid, PostgreSQL 15's columns]. */
const columnSpecs: Readonly<Record<string, readonly [number, string]>> = {
  pg_am: [2601, 'oid:oid amname:name amhandler:regproc amtype:"char"'],
  pg_attrdef: [2604, 'oid:oid adrelid:oid adnum:smallint adbin:pg_node_tree'],
  pg_attribute: [
    1249,
    'attrelid:oid attname:name atttypid:oid attstattarget:integer attlen:smallint attnum:smallint attndims:integer attcacheoff:integer atttypmod:integer attbyval:boolean attalign:"char" attstorage:"char" attcompression:"char" attnotnull:boolean atthasdef:boolean atthasmissing:boolean attidentity:"char" attgenerated:"char" attisdropped:boolean attislocal:boolean attinhcount:integer attcollation:oid attacl:aclitem[] attoptions:text[] attfdwoptions:text[] attmissingval:anyarray',
  ],
  pg_authid: [
    1260,
    'oid:oid rolname:name rolsuper:boolean rolinherit:boolean rolcreaterole:boolean rolcreatedb:boolean rolcanlogin:boolean rolreplication:boolean rolbypassrls:boolean rolconnlimit:integer rolpassword:text rolvaliduntil:timestamp_with_time_zone',
  ],
  pg_class: [
    1259,
    'oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid relfilenode:oid reltablespace:oid relpages:integer reltuples:real relallvisible:integer reltoastrelid:oid relhasindex:boolean relisshared:boolean relpersistence:"char" relkind:"char" relnatts:smallint relchecks:smallint relhasrules:boolean relhastriggers:boolean relhassubclass:boolean relrowsecurity:boolean relforcerowsecurity:boolean relispopulated:boolean relreplident:"char" relispartition:boolean relrewrite:oid relfrozenxid:xid relminmxid:xid relacl:aclitem[] reloptions:text[] relpartbound:pg_node_tree',
  ],
  pg_collation: [
    3456,
    'oid:oid collname:name collnamespace:oid collowner:oid collprovider:"char" collisdeterministic:boolean collencoding:integer collcollate:text collctype:text colliculocale:text collversion:text',
  ],
  pg_constraint: [
    2606,
    'oid:oid conname:name connamespace:oid contype:"char" condeferrable:boolean condeferred:boolean convalidated:boolean conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:"char" confdeltype:"char" confmatchtype:"char" conislocal:boolean coninhcount:integer connoinherit:boolean conkey:smallint[] confkey:smallint[] conpfeqop:oid[] conppeqop:oid[] conffeqop:oid[] confdelsetcols:smallint[] conexclop:oid[] conbin:pg_node_tree',
  ],
  pg_database: [
    1262,
    'oid:oid datname:name datdba:oid encoding:integer datlocprovider:"char" datistemplate:boolean datallowconn:boolean datconnlimit:integer datfrozenxid:xid datminmxid:xid dattablespace:oid datcollate:text datctype:text daticulocale:text datcollversion:text datacl:aclitem[]',
  ],
  pg_depend: [
    2608,
    'classid:oid objid:oid objsubid:integer refclassid:oid refobjid:oid refobjsubid:integer deptype:"char"',
  ],
  pg_description: [2609, 'objoid:oid classoid:oid objsubid:integer description:text'],
  pg_enum: [3501, 'oid:oid enumtypid:oid enumsortorder:real enumlabel:name'],
  pg_extension: [
    3079,
    'oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:boolean extversion:text extconfig:oid[] extcondition:text[]',
  ],
  pg_index: [
    2610,
    'indexrelid:oid indrelid:oid indnatts:smallint indnkeyatts:smallint indisunique:boolean indnullsnotdistinct:boolean indisprimary:boolean indisexclusion:boolean indimmediate:boolean indisclustered:boolean indisvalid:boolean indcheckxmin:boolean indisready:boolean indislive:boolean indisreplident:boolean indkey:int2vector indcollation:oidvector indclass:oidvector indoption:int2vector indexprs:pg_node_tree indpred:pg_node_tree',
  ],
  pg_inherits: [2611, 'inhrelid:oid inhparent:oid inhseqno:integer inhdetachpending:boolean'],
  pg_language: [
    2612,
    'oid:oid lanname:name lanowner:oid lanispl:boolean lanpltrusted:boolean lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:aclitem[]',
  ],
  pg_matviews: [
    12038,
    'schemaname:name matviewname:name matviewowner:name tablespace:name hasindexes:boolean ispopulated:boolean definition:text',
  ],
  pg_namespace: [2615, 'oid:oid nspname:name nspowner:oid nspacl:aclitem[]'],
  pg_policy: [
    3256,
    'oid:oid polname:name polrelid:oid polcmd:"char" polpermissive:boolean polroles:oid[] polqual:pg_node_tree polwithcheck:pg_node_tree',
  ],
  pg_proc: [
    1255,
    'oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:real prorows:real provariadic:oid prosupport:regproc prokind:"char" prosecdef:boolean proleakproof:boolean proisstrict:boolean proretset:boolean provolatile:"char" proparallel:"char" pronargs:smallint pronargdefaults:smallint prorettype:oid proargtypes:oidvector proallargtypes:oid[] proargmodes:"char"[] proargnames:text[] proargdefaults:pg_node_tree protrftypes:oid[] prosrc:text probin:text prosqlbody:pg_node_tree proconfig:text[] proacl:aclitem[]',
  ],
  pg_publication: [
    6104,
    'oid:oid pubname:name pubowner:oid puballtables:boolean pubinsert:boolean pubupdate:boolean pubdelete:boolean pubtruncate:boolean pubviaroot:boolean',
  ],
  pg_publication_namespace: [6237, 'oid:oid pnpubid:oid pnnspid:oid'],
  pg_publication_rel: [
    6106,
    'oid:oid prpubid:oid prrelid:oid prqual:pg_node_tree prattrs:int2vector',
  ],
  pg_range: [
    3541,
    'rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid rngcanonical:regproc rngsubdiff:regproc',
  ],
  pg_roles: [
    12000,
    'rolname:name rolsuper:boolean rolinherit:boolean rolcreaterole:boolean rolcreatedb:boolean rolcanlogin:boolean rolreplication:boolean rolconnlimit:integer rolpassword:text rolvaliduntil:timestamp_with_time_zone rolbypassrls:boolean rolconfig:text[] oid:oid',
  ],
  pg_sequence: [
    2224,
    'seqrelid:oid seqtypid:oid seqstart:bigint seqincrement:bigint seqmax:bigint seqmin:bigint seqcache:bigint seqcycle:boolean',
  ],
  pg_settings: [
    12104,
    'name:text setting:text unit:text category:text short_desc:text extra_desc:text context:text vartype:text source:text min_val:text max_val:text enumvals:text[] boot_val:text reset_val:text sourcefile:text sourceline:integer pending_restart:boolean',
  ],
  pg_stat_user_tables: [
    12161,
    'relid:oid schemaname:name relname:name seq_scan:bigint seq_tup_read:bigint idx_scan:bigint idx_tup_fetch:bigint n_tup_ins:bigint n_tup_upd:bigint n_tup_del:bigint n_tup_hot_upd:bigint n_live_tup:bigint n_dead_tup:bigint n_mod_since_analyze:bigint n_ins_since_vacuum:bigint last_vacuum:timestamp_with_time_zone last_autovacuum:timestamp_with_time_zone last_analyze:timestamp_with_time_zone last_autoanalyze:timestamp_with_time_zone vacuum_count:bigint autovacuum_count:bigint analyze_count:bigint autoanalyze_count:bigint',
  ],
  pg_stat_activity: [
    12222,
    'datid:oid datname:name pid:integer leader_pid:integer usesysid:oid usename:name application_name:text client_addr:inet client_hostname:text client_port:integer backend_start:timestamp_with_time_zone xact_start:timestamp_with_time_zone query_start:timestamp_with_time_zone state_change:timestamp_with_time_zone wait_event_type:text wait_event:text state:text backend_xid:xid backend_xmin:xid query_id:bigint query:text backend_type:text',
  ],
  pg_statistic_ext: [
    3381,
    'oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxstattarget:integer stxkeys:int2vector stxkind:"char"[] stxexprs:pg_node_tree',
  ],
  pg_tables: [
    12033,
    'schemaname:name tablename:name tableowner:name tablespace:name hasindexes:boolean hasrules:boolean hastriggers:boolean rowsecurity:boolean',
  ],
  pg_tablespace: [1213, 'oid:oid spcname:name spcowner:oid spcacl:aclitem[] spcoptions:text[]'],
  pg_type: [
    1247,
    'oid:oid typname:name typnamespace:oid typowner:oid typlen:smallint typbyval:boolean typtype:"char" typcategory:"char" typispreferred:boolean typisdefined:boolean typdelim:"char" typrelid:oid typsubscript:regproc typelem:oid typarray:oid typinput:regproc typoutput:regproc typreceive:regproc typsend:regproc typmodin:regproc typmodout:regproc typanalyze:regproc typalign:"char" typstorage:"char" typnotnull:boolean typbasetype:oid typtypmod:integer typndims:integer typcollation:oid typdefaultbin:pg_node_tree typdefault:text typacl:aclitem[]',
  ],
  pg_user: [
    12014,
    'usename:name usesysid:oid usecreatedb:boolean usesuper:boolean userepl:boolean usebypassrls:boolean passwd:text valuntil:timestamp_with_time_zone useconfig:text[]',
  ],
  pg_views: [12028, 'schemaname:name viewname:name viewowner:name definition:text'],
  columns: [
    13295,
    'table_catalog:sql_identifier table_schema:sql_identifier table_name:sql_identifier column_name:sql_identifier ordinal_position:cardinal_number column_default:character_data is_nullable:yes_or_no data_type:character_data character_maximum_length:cardinal_number character_octet_length:cardinal_number numeric_precision:cardinal_number numeric_precision_radix:cardinal_number numeric_scale:cardinal_number datetime_precision:cardinal_number interval_type:character_data interval_precision:cardinal_number character_set_catalog:sql_identifier character_set_schema:sql_identifier character_set_name:sql_identifier collation_catalog:sql_identifier collation_schema:sql_identifier collation_name:sql_identifier domain_catalog:sql_identifier domain_schema:sql_identifier domain_name:sql_identifier udt_catalog:sql_identifier udt_schema:sql_identifier udt_name:sql_identifier scope_catalog:sql_identifier scope_schema:sql_identifier scope_name:sql_identifier maximum_cardinality:cardinal_number dtd_identifier:sql_identifier is_self_referencing:yes_or_no is_identity:yes_or_no identity_generation:character_data identity_start:character_data identity_increment:character_data identity_maximum:character_data identity_minimum:character_data identity_cycle:yes_or_no is_generated:character_data generation_expression:character_data is_updatable:yes_or_no',
  ],
  routines: [
    13377,
    'specific_catalog:sql_identifier specific_schema:sql_identifier specific_name:sql_identifier routine_catalog:sql_identifier routine_schema:sql_identifier routine_name:sql_identifier routine_type:character_data module_catalog:sql_identifier module_schema:sql_identifier module_name:sql_identifier udt_catalog:sql_identifier udt_schema:sql_identifier udt_name:sql_identifier data_type:character_data character_maximum_length:cardinal_number character_octet_length:cardinal_number character_set_catalog:sql_identifier character_set_schema:sql_identifier character_set_name:sql_identifier collation_catalog:sql_identifier collation_schema:sql_identifier collation_name:sql_identifier numeric_precision:cardinal_number numeric_precision_radix:cardinal_number numeric_scale:cardinal_number datetime_precision:cardinal_number interval_type:character_data interval_precision:cardinal_number type_udt_catalog:sql_identifier type_udt_schema:sql_identifier type_udt_name:sql_identifier scope_catalog:sql_identifier scope_schema:sql_identifier scope_name:sql_identifier maximum_cardinality:cardinal_number dtd_identifier:sql_identifier routine_body:character_data routine_definition:character_data external_name:character_data external_language:character_data parameter_style:character_data is_deterministic:yes_or_no sql_data_access:character_data is_null_call:yes_or_no sql_path:character_data schema_level_routine:yes_or_no max_dynamic_result_sets:cardinal_number is_user_defined_cast:yes_or_no is_implicitly_invocable:yes_or_no security_type:character_data to_sql_specific_catalog:sql_identifier to_sql_specific_schema:sql_identifier to_sql_specific_name:sql_identifier as_locator:yes_or_no created:time_stamp last_altered:time_stamp new_savepoint_level:yes_or_no is_udt_dependent:yes_or_no result_cast_from_data_type:character_data result_cast_as_locator:yes_or_no result_cast_char_max_length:cardinal_number result_cast_char_octet_length:cardinal_number result_cast_char_set_catalog:sql_identifier result_cast_char_set_schema:sql_identifier result_cast_char_set_name:sql_identifier result_cast_collation_catalog:sql_identifier result_cast_collation_schema:sql_identifier result_cast_collation_name:sql_identifier result_cast_numeric_precision:cardinal_number result_cast_numeric_precision_radix:cardinal_number result_cast_numeric_scale:cardinal_number result_cast_datetime_precision:cardinal_number result_cast_interval_type:character_data result_cast_interval_precision:cardinal_number result_cast_type_udt_catalog:sql_identifier result_cast_type_udt_schema:sql_identifier result_cast_type_udt_name:sql_identifier result_cast_scope_catalog:sql_identifier result_cast_scope_schema:sql_identifier result_cast_scope_name:sql_identifier result_cast_maximum_cardinality:cardinal_number result_cast_dtd_identifier:sql_identifier',
  ],
  schemata: [
    13382,
    'catalog_name:sql_identifier schema_name:sql_identifier schema_owner:sql_identifier default_character_set_catalog:sql_identifier default_character_set_schema:sql_identifier default_character_set_name:sql_identifier sql_path:character_data',
  ],
  tables: [
    13425,
    'table_catalog:sql_identifier table_schema:sql_identifier table_name:sql_identifier table_type:character_data self_referencing_column_name:sql_identifier reference_generation:character_data user_defined_type_catalog:sql_identifier user_defined_type_schema:sql_identifier user_defined_type_name:sql_identifier is_insertable_into:yes_or_no is_typed:yes_or_no commit_action:character_data',
  ],
  views: [
    13483,
    'table_catalog:sql_identifier table_schema:sql_identifier table_name:sql_identifier view_definition:character_data check_option:character_data is_updatable:yes_or_no is_insertable_into:yes_or_no is_trigger_updatable:yes_or_no is_trigger_deletable:yes_or_no is_trigger_insertable_into:yes_or_no',
  ],
}

/** The information_schema views Malamute serves; every other relation here is pg_catalog's. */
const informationSchemaNames = new Set(['tables', 'columns', 'schemata', 'views', 'routines'])
const pgCatalogViews = new Set([
  'pg_roles',
  'pg_user',
  'pg_settings',
  'pg_tables',
  'pg_views',
  'pg_matviews',
  'pg_stat_user_tables',
  'pg_stat_activity',
])

type RowBuilder = (snapshot: CatalogSnapshot) => CatalogRow[]

/** Builders of the relations that have rows; the others are empty in Malamute. */
const rowBuilders: Readonly<Record<string, RowBuilder>> = {
  pg_namespace: pgNamespaceRows,
  pg_class: pgClassRows,
  pg_attribute: pgAttributeRows,
  pg_type: pgTypeRows,
  pg_database: pgDatabaseRows,
  pg_roles: pgRolesRows,
  pg_user: pgUserRows,
  pg_authid: pgAuthidRows,
  pg_settings: pgSettingsRows,
  pg_am: pgAmRows,
  pg_proc: pgProcRows,
  pg_collation: pgCollationRows,
  pg_tablespace: pgTablespaceRows,
  pg_tables: pgTablesRows,
  pg_views: pgViewsRows,
  pg_language: pgLanguageRows,
  pg_stat_user_tables: pgStatUserTablesRows,
  pg_stat_activity: pgStatActivityRows,
  tables: tablesRows,
  columns: columnsRows,
  schemata: schemataRows,
  views: viewsRows,
  routines: routinesRows,
}

export interface VirtualRelationDef {
  readonly schema: 'pg_catalog' | 'information_schema' | 'malamute'
  readonly name: string
  readonly oid: number
  readonly relkind: 'r' | 'v'
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[]
  readonly rows: RowBuilder
  /** The malamute views read their rows from storage instead of the catalog snapshot. */
  readonly loadRows?: (scope: SystemViewScope) => Promise<CatalogRow[]>
}

/** Every virtual relation: pg_catalog's first, then information_schema's, then malamute's. */
export const virtualRelations: readonly VirtualRelationDef[] = [
  ...postgresRelations(),
  ...malamuteViews.map((view): VirtualRelationDef => ({
    schema: 'malamute',
    name: view.name,
    oid: view.oid,
    relkind: 'v',
    columns: view.columns,
    rows: () => [],
    loadRows: view.loadRows,
  })),
]

function postgresRelations(): VirtualRelationDef[] {
  return Object.entries(columnSpecs).map(([name, [oid, spec]]) => {
    const schema = informationSchemaNames.has(name) ? 'information_schema' : 'pg_catalog'
    return {
      schema,
      name,
      oid,
      relkind: schema === 'information_schema' || pgCatalogViews.has(name) ? 'v' : 'r',
      columns: spec.split(' ').map((column) => {
        const [columnName = '', type = ''] = column.split(':')
        return { name: columnName, type: columnType(type) }
      }),
      rows: rowBuilders[name] ?? (() => []),
    }
  })
}

/** The Malamute type that stands in for a PostgreSQL catalog column type. */
function columnType(pgType: string): SqlType {
  switch (pgType) {
    case 'oid':
      return 'oid'
    case 'name':
    case 'sql_identifier':
      return 'name'
    case 'boolean':
      return 'bool'
    case 'smallint':
      return 'int2'
    case 'integer':
    case 'cardinal_number':
      return 'int4'
    case 'bigint':
      return 'int8'
    case 'real':
      return 'float4'
    case 'timestamp_with_time_zone':
    case 'time_stamp':
      return 'timestamptz'
    case 'character_data':
    case 'yes_or_no':
      return 'varchar'
    // Arrays of types Malamute has; aclitem[] stays text. int2vector (only in relations
    // Malamute leaves empty: pg_index, pg_statistic_ext, pg_publication_rel) reads as
    // smallint[], so clients' generate_subscripts(indkey, 1) and indkey[n] bind; oidvector as
    // oid[], so pgcli's `proargtypes::regtype[]` casts (both print as arrays, `{23,25}`).
    case 'regproc':
      return 'regproc'
    case '"char"':
      return 'char'
    case 'xid':
      return 'xid'
    case 'pg_node_tree':
      return 'pg_node_tree'
    case 'aclitem[]':
      return '_aclitem'
    case '"char"[]':
      return '_char'
    case 'text[]':
      return '_text'
    case 'oid[]':
    case 'oidvector':
      return '_oid'
    case 'smallint[]':
    case 'int2vector':
      return '_int2'
    default:
      return 'text'
  }
}
