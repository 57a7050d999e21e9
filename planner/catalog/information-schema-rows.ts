// Rows of the information_schema views Malamute serves (tables, columns, schemata, views,
// routines), derived from the same snapshot as pg_catalog, spelled as PostgreSQL 15 spells
// them (data_type `timestamp with time zone`, YES/NO flags, precision facts per type).
import { SqlTypes, isArrayType, type SqlType } from '../../common/index.js'
import type { CatalogRow, CatalogSnapshot } from './catalog-snapshot.js'
import { listRoutines } from './pg-catalog-rows.js'
import { sqlTypeByOid } from '../../common/index.js'

export function tablesRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations.map((r) => ({
    table_catalog: snapshot.tenant,
    table_schema: r.schema,
    table_name: r.name,
    table_type: r.relkind === 'r' ? 'BASE TABLE' : 'VIEW',
    is_insertable_into: r.schema === 'public' ? 'YES' : 'NO',
    is_typed: 'NO',
  }))
}

export function columnsRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations.flatMap((r) =>
    [...r.columns]
      .sort((a, b) => a.attnum - b.attnum)
      .map((column) => ({
        table_catalog: snapshot.tenant,
        table_schema: r.schema,
        table_name: r.name,
        column_name: column.name,
        ordinal_position: column.attnum,
        is_nullable: 'YES',
        // A type outside PostgreSQL's own (ddsketch) is USER-DEFINED there, named in udt_name.
        data_type:
          column.type === 'ddsketch'
            ? 'USER-DEFINED'
            : isArrayType(column.type)
              ? 'ARRAY'
              : SqlTypes[column.type].displayName,
        ...typePrecision(column.type),
        ...(column.type === 'name' ? collationColumns : {}),
        udt_catalog: snapshot.tenant,
        udt_schema: 'pg_catalog',
        udt_name: column.type,
        dtd_identifier: String(column.attnum),
        is_self_referencing: 'NO',
        is_identity: 'NO',
        identity_cycle: 'NO',
        is_generated: 'NEVER',
        is_updatable: r.schema === 'public' ? 'YES' : 'NO',
      })),
  )
}

/** PostgreSQL reports a collation only where it differs from the database default (name: "C"). */
const collationColumns: CatalogRow = {
  collation_catalog: null,
  collation_schema: 'pg_catalog',
  collation_name: 'C',
}

/** The precision columns information_schema.columns derives from the type (no typmods here). */
function typePrecision(type: SqlType): CatalogRow {
  const binary = (bits: number): CatalogRow => ({
    numeric_precision: bits,
    numeric_precision_radix: 2,
    numeric_scale: type === 'float4' || type === 'float8' ? null : 0,
  })
  switch (type) {
    case 'int2':
      return binary(16)
    case 'int4':
      return binary(32)
    case 'int8':
      return binary(64)
    case 'float4':
      return binary(24)
    case 'float8':
      return binary(53)
    case 'numeric':
      return { numeric_precision_radix: 10 }
    case 'text':
    case 'varchar':
    case 'bpchar':
      return { character_octet_length: 1073741824 }
    case 'timestamptz':
    case 'timestamp':
    case 'interval':
      return { datetime_precision: 6 }
    case 'date':
      return { datetime_precision: 0 }
    default:
      return {}
  }
}

export function schemataRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return ['pg_catalog', 'public', 'information_schema', 'malamute'].map((schema) => ({
    catalog_name: snapshot.tenant,
    schema_name: schema,
    schema_owner: snapshot.user,
  }))
}

export function viewsRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return snapshot.relations
    .filter((r) => r.relkind === 'v')
    .map((r) => ({
      table_catalog: snapshot.tenant,
      table_schema: r.schema,
      table_name: r.name,
      check_option: 'NONE',
      is_updatable: 'NO',
      is_insertable_into: 'NO',
      is_trigger_updatable: 'NO',
      is_trigger_deletable: 'NO',
      is_trigger_insertable_into: 'NO',
    }))
}

/** Functions only (prokind 'f'), as PostgreSQL's view lists them. */
export function routinesRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return listRoutines()
    .filter((r) => r.kind === 'f')
    .map((r) => {
      const returns = sqlTypeByOid(r.returnTypeOid)
      return {
        specific_catalog: snapshot.tenant,
        specific_schema: 'pg_catalog',
        specific_name: `${r.name}_${r.oid}`,
        routine_catalog: snapshot.tenant,
        routine_schema: 'pg_catalog',
        routine_name: r.name,
        routine_type: 'FUNCTION',
        data_type: returns === undefined ? 'anyelement' : SqlTypes[returns].displayName,
        type_udt_catalog: snapshot.tenant,
        type_udt_schema: 'pg_catalog',
        type_udt_name: returns ?? 'anyelement',
        dtd_identifier: '0',
        routine_body: 'EXTERNAL',
        external_name: r.registryName,
        external_language: 'INTERNAL',
        parameter_style: 'GENERAL',
        is_deterministic: r.name === 'now' || r.name === 'current_timestamp' ? 'NO' : 'YES',
        sql_data_access: 'MODIFIES',
        is_null_call: 'YES',
        schema_level_routine: 'YES',
        max_dynamic_result_sets: 0,
        is_user_defined_cast: 'NO',
        is_implicitly_invocable: null,
        security_type: 'INVOKER',
        as_locator: 'NO',
        is_udt_dependent: 'NO',
      }
    })
}
