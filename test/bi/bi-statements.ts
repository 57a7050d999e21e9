// What Grafana, Metabase, Superset and DBeaver send on connect and when they browse tables, as
// /work/shared/clients/README.md documents them (from their source code and published server
// logs). Grafana's search-path constraint and the keyword list are spelled out in full here.
// `rows: 'same'` marks statements whose rows depend only on the user's tables, so PostgreSQL's
// rows must be Malamute's too; for the rest the column names and types must match.

export interface BiStatement {
  readonly tool: 'grafana' | 'metabase' | 'superset' | 'dbeaver'
  readonly what: string
  readonly sql: string
  readonly params?: readonly string[]
  readonly rows?: 'same' | 'none'
  /** Statements with no result set (SET ...): only success is compared. */
  readonly command?: true
  /** What Malamute still answers differently: the test runs as a TODO (docs/clients.md). */
  readonly gap?: string
}

/** The table every tool browses; created in both servers before the statements run. */
export const BiTable = 'bi_events'
export const BiTableDdl = `CREATE TABLE ${BiTable} (ts timestamptz, service text, duration_ms float8, status int4)`

const searchPathConstraint = `quote_ident(table_schema) IN (
    SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
    FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1),
                         array_upper(string_to_array(current_setting('search_path'),','),1)) as i,
         string_to_array(current_setting('search_path'),',') s)`

const timescaleSchemas = `'_timescaledb_cache','_timescaledb_catalog','_timescaledb_internal','_timescaledb_config','timescaledb_information','timescaledb_experimental'`

const privilege = (fn: string, kind: string): string =>
  `pg_catalog.${fn}(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"', '${kind}') as "${kind}"`

export const biStatements: readonly BiStatement[] = [
  {
    tool: 'grafana',
    what: 'data source settings: server version',
    sql: `SELECT current_setting('server_version_num')::int/100 as version`,
    rows: 'same',
  },
  {
    tool: 'grafana',
    what: 'data source settings: TimescaleDB detection',
    sql: `SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`,
    rows: 'none',
  },
  {
    tool: 'grafana',
    what: 'schema dropdown',
    sql: `SELECT schema_name AS "name" FROM information_schema.schemata
  WHERE schema_name NOT IN ('information_schema','pg_catalog','pg_toast',${timescaleSchemas})
  ORDER BY schema_name`,
  },
  {
    tool: 'grafana',
    what: 'table dropdown with a schema',
    sql: `SELECT quote_ident(table_name) AS "table" FROM information_schema.tables WHERE quote_ident(table_schema) = 'public' ORDER BY 1`,
    rows: 'same',
  },
  {
    tool: 'grafana',
    what: 'table dropdown without a schema',
    sql: `SELECT CASE WHEN ${searchPathConstraint} THEN quote_ident(table_name)
              ELSE quote_ident(table_schema) || '.' || quote_ident(table_name) END AS "table"
  FROM information_schema.tables
  WHERE quote_ident(table_schema) NOT IN ('information_schema','pg_catalog',${timescaleSchemas})
    AND quote_ident(table_schema) = 'public'
  ORDER BY CASE WHEN ${searchPathConstraint} THEN 0 ELSE 1 END, 1`,
    rows: 'same',
  },
  {
    tool: 'grafana',
    what: 'column dropdown',
    sql: `SELECT quote_ident(column_name) AS "column", data_type AS "type"
  FROM information_schema.columns
  WHERE CASE WHEN array_length(parse_ident('${BiTable}'),1) = 2
    THEN quote_ident(table_schema) = (parse_ident('${BiTable}'))[1]
     AND quote_ident(table_name) = (parse_ident('${BiTable}'))[2]
    ELSE quote_ident(table_name) = '${BiTable}' AND ${searchPathConstraint} END
  ORDER BY 1`,
    rows: 'same',
  },
  {
    tool: 'grafana',
    what: 'a time-series panel with $__timeFilter and $__timeGroup expanded',
    sql: `SELECT floor(extract(epoch from ts)/60)*60 AS "time", count(*) AS n FROM ${BiTable}
  WHERE ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T01:00:00Z' GROUP BY 1 ORDER BY 1`,
    rows: 'same',
  },
  { tool: 'metabase', what: 'float digits', sql: 'SET extra_float_digits = 2', command: true },
  {
    tool: 'metabase',
    what: 'application name',
    sql: `SET application_name = 'Metabase v0.55.1 [0c3d1b5e]'`,
    command: true,
  },
  { tool: 'metabase', what: 'connection test', sql: 'SELECT 1', rows: 'same' },
  {
    tool: 'metabase',
    what: 'isolation level',
    sql: 'SHOW TRANSACTION ISOLATION LEVEL',
    rows: 'same',
  },
  {
    tool: 'metabase',
    what: 'isolation level change',
    sql: 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED',
    command: true,
  },
  {
    tool: 'metabase',
    what: 'isolation level back',
    sql: 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
    command: true,
  },
  {
    tool: 'metabase',
    what: 'DatabaseMetaData.getSchemas()',
    sql: `SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace
  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_' OR nspname = (pg_catalog.current_schemas(true))[1])
  AND (nspname !~ '^pg_toast_temp_' OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))
  ORDER BY "TABLE_SCHEM"`,
  },
  {
    tool: 'metabase',
    what: 'table privileges',
    sql: `with table_privileges as (
  select NULL as role, t.schemaname as schema, t.objectname as table,
    ${privilege('has_any_column_privilege', 'update')},
    ${privilege('has_any_column_privilege', 'select')},
    ${privilege('has_any_column_privilege', 'insert')},
    ${privilege('has_table_privilege', 'delete')}
  from (select schemaname, tablename as objectname from pg_catalog.pg_tables
        union select schemaname, viewname as objectname from pg_catalog.pg_views
        union select schemaname, matviewname as objectname from pg_catalog.pg_matviews) t
  where t.schemaname !~ '^pg_' and t.schemaname <> 'information_schema'
    and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage'))
select t.* from table_privileges t where t.schema = 'public' order by t.table`,
    rows: 'same',
  },
  {
    tool: 'metabase',
    what: 'table list',
    sql: `SELECT "n"."nspname" AS "schema", "c"."relname" AS "name",
  CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
    WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type",
  "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count"
FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid"
LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = '0') AND ("d"."classoid" = 'pg_class'::regclass)
LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname")
WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema')
  AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public'))
ORDER BY "type" ASC, "schema" ASC, "name" ASC`,
  },
  { tool: 'metabase', what: 'time zone', sql: 'show timezone', rows: 'same' },
  {
    tool: 'metabase',
    what: 'sampling',
    sql: `SELECT "public"."${BiTable}"."service" AS "service" FROM "public"."${BiTable}" LIMIT 10000`,
    rows: 'same',
  },
  {
    tool: 'superset',
    what: 'catalog (database) list',
    sql: 'SELECT datname FROM pg_database WHERE datistemplate = false',
  },
  {
    tool: 'superset',
    what: 'SQL Lab schema prequery',
    sql: 'set search_path = "public"',
    command: true,
  },
  { tool: 'superset', what: 'backend pid before a query', sql: 'SELECT pg_backend_pid()' },
  {
    tool: 'superset',
    what: 'stop query (no such session)',
    sql: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid='1'`,
    rows: 'none',
  },
  {
    tool: 'superset',
    what: 'cost estimate',
    sql: `EXPLAIN SELECT service, count(*) FROM ${BiTable} GROUP BY service`,
  },
  { tool: 'dbeaver', what: 'float digits', sql: 'SET extra_float_digits = 3', command: true },
  {
    tool: 'dbeaver',
    what: 'application name',
    sql: `SET application_name = 'DBeaver 25.1.5 - Main <postgres>'`,
    command: true,
  },
  {
    tool: 'dbeaver',
    what: 'current schema',
    sql: 'SELECT current_schema(),session_user',
    rows: 'same',
  },
  {
    tool: 'dbeaver',
    what: 'schemas',
    sql: `SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n
  LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass
  ORDER BY nspname`,
  },
  {
    tool: 'dbeaver',
    what: 'pgjdbc type lookup (aclitem[])',
    sql: `SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1`,
    params: ['1034'],
    rows: 'same',
  },
  {
    tool: 'dbeaver',
    what: 'pgjdbc array type check',
    sql: `SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid FROM pg_catalog.pg_type
  LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r from pg_namespace as ns
             join (select s.r, (current_schemas(false))[s.r] as nspname
                   from generate_series(1, array_upper(current_schemas(false), 1)) as s(r)) as r using (nspname)
            ) as sp ON sp.nspoid = typnamespace
  WHERE pg_type.oid = $1 ORDER BY sp.r, pg_type.oid DESC`,
    params: ['1034'],
    rows: 'same',
  },
  { tool: 'dbeaver', what: 'search path', sql: 'SHOW search_path', rows: 'same' },
  {
    tool: 'dbeaver',
    what: 'database',
    sql: `SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname='postgres'`,
  },
  {
    tool: 'dbeaver',
    what: 'settings',
    sql: `SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'`,
  },
  {
    tool: 'dbeaver',
    what: 'keywords beyond the standard',
    sql: `SELECT string_agg(word, ',') from pg_catalog.pg_get_keywords() where word <> ALL ('{a,abs,absolute,action,ada,add,admin,after,all,allocate,alter,always,and,any,are,array,as,asc,year,zone}'::text[])`,
    rows: 'same',
  },
  { tool: 'dbeaver', what: 'version', sql: 'SELECT version()' },
  {
    tool: 'dbeaver',
    what: 'pg_enum probe',
    sql: 'SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1',
    rows: 'none',
  },
  {
    tool: 'dbeaver',
    what: 'pg_class probe',
    sql: 'SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1',
    rows: 'none',
  },
  {
    tool: 'dbeaver',
    what: 'data types',
    sql: `SELECT t.oid,t.*,c.relkind,format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description
  FROM pg_catalog.pg_type t LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem
  LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid
  WHERE t.typname IS NOT NULL AND (c.relkind IS NULL OR c.relkind = 'c') AND (et.typcategory IS NULL OR et.typcategory <> 'C')`,
  },
]
