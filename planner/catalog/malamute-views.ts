// The `malamute` schema: system views over storage, answered by the same engine as user
// tables (filters, joins, aggregates all work). Rows are read from the metadata store when a
// statement binds, so they show what every process (gateway, writer, compactor) committed:
//
//   malamute.tables       one row per table of this database: columns, live segments, rows,
//                         bytes, time range, retention, segments compaction would still merge,
//                         its object-store GETs and PUTs since the running processes started,
//                         and its schemaless settings: max_columns (NULL: the writer's
//                         default), time_field (the setting, else the time column) and the
//                         field values overflowed into `_overflow`
//   malamute.segments     one row per live segment
//   malamute.compactions  finished merges and retention drops (the last day, newest 1,000),
//                         then the merges compaction has planned but not done (its backlog)
//   malamute.blob_stats   one row per running process: its role and its blob store traffic
//                         (GETs, PUTs, bytes, cache hits), from each process's heartbeat
import type { SqlType } from '../../common/index.js'
import type { Catalog, SegmentMeta, TableInfo } from '../../storage/api.js'
import { planCompactions } from '../../storage/compaction-policy.js'
import { NamespaceOid, type CatalogRow } from './catalog-snapshot.js'

/** What a malamute view's rows are read from. */
export interface SystemViewScope {
  readonly tenant: string
  readonly catalog: Catalog
}

export interface MalamuteViewDef {
  readonly name: string
  readonly oid: number
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[]
  readonly loadRows: (scope: SystemViewScope) => Promise<CatalogRow[]>
}

/** The malamute schema's namespace oid; its views follow (all below FirstNormalObjectId). */
export const MalamuteNamespaceOid = NamespaceOid.malamute

function columns(spec: string): MalamuteViewDef['columns'] {
  return spec.split(' ').map((column) => {
    const [name = '', type = ''] = column.split(':')
    return { name, type: type as SqlType }
  })
}

async function tablesWithSegments(
  scope: SystemViewScope,
): Promise<{ table: TableInfo; segments: SegmentMeta[] }[]> {
  const tables = (await scope.catalog.listTables(scope.tenant)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  const result: { table: TableInfo; segments: SegmentMeta[] }[] = []
  for (const table of tables) {
    result.push({ table, segments: await scope.catalog.listSegments(scope.tenant, table.name) })
  }
  return result
}

function sum(segments: readonly SegmentMeta[], pick: (segment: SegmentMeta) => number): number {
  return segments.reduce((total, segment) => total + pick(segment), 0)
}

/** GETs and PUTs per table oid, summed over every running process's heartbeat. */
async function trafficByTable(
  scope: SystemViewScope,
): Promise<Map<string, { gets: number; getBytes: number; puts: number; putBytes: number }>> {
  const totals = new Map<
    string,
    { gets: number; getBytes: number; puts: number; putBytes: number }
  >()
  for (const process of await scope.catalog.listProcesses()) {
    for (const [oid, traffic] of Object.entries(process.tables ?? {})) {
      const total = totals.get(oid) ?? { gets: 0, getBytes: 0, puts: 0, putBytes: 0 }
      total.gets += traffic.getRequests
      total.getBytes += traffic.bytesRead
      total.puts += traffic.putRequests
      total.putBytes += traffic.bytesWritten
      totals.set(oid, total)
    }
  }
  return totals
}

async function tablesRows(scope: SystemViewScope): Promise<CatalogRow[]> {
  const traffic = await trafficByTable(scope)
  return (await tablesWithSegments(scope)).map(({ table, segments }) => ({
    table_name: table.name,
    columns: table.columns.length,
    segments: segments.length,
    rows: sum(segments, (s) => s.rows),
    bytes: sum(segments, (s) => s.bytes),
    min_ts: segments.length === 0 ? null : Math.min(...segments.map((s) => s.minTs)),
    max_ts: segments.length === 0 ? null : Math.max(...segments.map((s) => s.maxTs)),
    retention: table.retention?.text ?? null,
    compaction_backlog: planCompactions(segments).backlogSegments,
    get_requests: traffic.get(String(table.oid))?.gets ?? 0,
    get_bytes: traffic.get(String(table.oid))?.getBytes ?? 0,
    put_requests: traffic.get(String(table.oid))?.puts ?? 0,
    put_bytes: traffic.get(String(table.oid))?.putBytes ?? 0,
    max_columns: table.maxColumns ?? null,
    time_field: table.timeField ?? table.timeColumn,
    overflow_fields: table.overflowFields ?? 0,
  }))
}

async function segmentsRows(scope: SystemViewScope): Promise<CatalogRow[]> {
  const rows: CatalogRow[] = []
  for (const { table, segments } of await tablesWithSegments(scope)) {
    for (const segment of segments) {
      rows.push({
        table_name: table.name,
        segment_id: segment.segmentId,
        level: segment.level,
        rows: segment.rows,
        bytes: segment.bytes,
        min_ts: segment.minTs,
        max_ts: segment.maxTs,
        created_at: segment.createdAtMs * 1000,
      })
    }
  }
  return rows
}

async function compactionsRows(scope: SystemViewScope): Promise<CatalogRow[]> {
  const done = await scope.catalog.listCompactions(scope.tenant)
  const rows: CatalogRow[] = done.map((record) => ({
    table_name: record.table,
    kind: record.kind,
    status: 'done',
    started_at: record.startedAtMs * 1000,
    finished_at: record.finishedAtMs * 1000,
    level: record.level,
    inputs: record.inputs,
    outputs: record.outputs,
    rows: record.rows,
    input_bytes: record.inputBytes,
    output_bytes: record.outputBytes,
    duration_ms: record.finishedAtMs - record.startedAtMs,
  }))
  for (const { table, segments } of await tablesWithSegments(scope)) {
    for (const merge of planCompactions(segments).merges) {
      rows.push({
        table_name: table.name,
        kind: 'merge',
        status: 'planned',
        level: Math.max(...merge.inputs.map((input) => input.level)) + 1,
        inputs: merge.inputs.length,
        outputs: 1,
        rows: merge.rows,
        input_bytes: sum(merge.inputs, (s) => s.bytes),
      })
    }
  }
  return rows
}

async function blobStatsRows(scope: SystemViewScope): Promise<CatalogRow[]> {
  return (await scope.catalog.listProcesses()).map((process) => ({
    process_id: process.processId,
    role: process.role,
    host: process.host,
    pid: process.pid,
    started_at: process.startedAtMs * 1000,
    updated_at: process.updatedAtMs * 1000,
    get_requests: process.blob.getRequests,
    put_requests: process.blob.putRequests,
    delete_requests: process.blob.deleteRequests,
    list_requests: process.blob.listRequests,
    retries: process.blob.retries,
    bytes_read: process.blob.bytesRead,
    bytes_written: process.blob.bytesWritten,
    cache_hits: process.blob.cacheHits,
    cache_misses: process.blob.cacheMisses,
  }))
}

/** The views of the malamute schema. */
export const malamuteViews: readonly MalamuteViewDef[] = [
  {
    name: 'tables',
    oid: MalamuteNamespaceOid + 1,
    columns: columns(
      'table_name:name columns:int4 segments:int8 rows:int8 bytes:int8 min_ts:timestamptz ' +
        'max_ts:timestamptz retention:text compaction_backlog:int8 get_requests:int8 ' +
        'get_bytes:int8 put_requests:int8 put_bytes:int8 max_columns:int4 time_field:text ' +
        'overflow_fields:int8',
    ),
    loadRows: tablesRows,
  },
  {
    name: 'segments',
    oid: MalamuteNamespaceOid + 2,
    columns: columns(
      'table_name:name segment_id:text level:int4 rows:int8 bytes:int8 min_ts:timestamptz ' +
        'max_ts:timestamptz created_at:timestamptz',
    ),
    loadRows: segmentsRows,
  },
  {
    name: 'compactions',
    oid: MalamuteNamespaceOid + 3,
    columns: columns(
      'table_name:name kind:text status:text started_at:timestamptz finished_at:timestamptz ' +
        'level:int4 inputs:int4 outputs:int4 rows:int8 input_bytes:int8 output_bytes:int8 ' +
        'duration_ms:int8',
    ),
    loadRows: compactionsRows,
  },
  {
    name: 'blob_stats',
    oid: MalamuteNamespaceOid + 4,
    columns: columns(
      'process_id:text role:text host:text pid:int4 started_at:timestamptz ' +
        'updated_at:timestamptz get_requests:int8 put_requests:int8 delete_requests:int8 ' +
        'list_requests:int8 retries:int8 bytes_read:int8 bytes_written:int8 cache_hits:int8 ' +
        'cache_misses:int8',
    ),
    loadRows: blobStatsRows,
  },
]
