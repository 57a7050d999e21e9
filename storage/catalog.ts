// The catalog: tables, columns and committed segments, kept in the metadata store under
// key-layout.ts's keys. Tenants are database names. Table oids come from one counter key
// (starting at 16384, PostgreSQL's FirstNormalObjectId), so they are unique across tenants.
import { PgError, SqlState, SqlTypes, type Field } from '../common/index.js'
import type {
  Catalog,
  ColumnInfo,
  CompactionRecord,
  ProcessRecord,
  SegmentMeta,
  TableInfo,
  TableRetention,
  TableSettingsChange,
} from './api.js'
import type { BlobStore } from './blob-store.js'
import type { ReplacedBlobRecord } from './garbage-collector.js'
import { Keys, decodeRecord, decodeTuple, encodeRecord } from './key-layout.js'
import { decodeStat, encodeStat } from './segment/footer.js'
import type { MetadataReader, MetadataStore, MetadataTransaction } from './metadata-store.js'

/** PostgreSQL's FirstNormalObjectId: oids below it belong to the system catalogs. */
export const FirstTableOid = 16384

const TimeColumnNames = new Set(['ts', 'timestamp', 'time'])

interface TableRecord {
  readonly oid: number
  readonly tenant: string
  readonly name: string
  readonly createdAtMs: number
  readonly retention?: TableRetention
  readonly maxColumns?: number
  readonly timeField?: string
  readonly overflowFields?: number
}

/** Compaction records listCompactions answers at most (the newest). */
export const CompactionRecordsListedMax = 1000

/** A heartbeat older than this means the process is gone (it beats every few seconds). */
export const ProcessStaleMs = 10_000

/**
 * The time column: the table's time_field when set (once it is a column of a timestamp type),
 * else the first column named ts, timestamp or time of a timestamp type.
 */
export function timeColumnOf(columns: readonly ColumnInfo[], timeField?: string): string | null {
  const isTime = (column: ColumnInfo): boolean =>
    column.type === 'timestamptz' || column.type === 'timestamp'
  const found =
    timeField === undefined
      ? columns.find((column) => TimeColumnNames.has(column.name) && isTime(column))
      : columns.find((column) => column.name === timeField && isTime(column))
  return found?.name ?? null
}

export function undefinedTable(name: string): PgError {
  return new PgError({
    code: SqlState.undefinedTable,
    message: `relation "${name}" does not exist`,
  })
}

/** Reads a table with its columns (ordered by attnum) through `reader`. */
export async function readTable(
  reader: MetadataReader,
  tenant: string,
  name: string,
): Promise<TableInfo | undefined> {
  const bytes = await reader.get(Keys.table(tenant, name))
  if (bytes === undefined) return undefined
  const record = decodeRecord<TableRecord>(bytes)
  const range = Keys.columnsOf(tenant, name)
  const columns = (await reader.getRange(range.start, range.end)).map((entry) =>
    decodeRecord<ColumnInfo>(entry.value),
  )
  return { ...record, columns, timeColumn: timeColumnOf(columns, record.timeField) }
}

/** Adds `count` to the table's overflowed field values, in the commit that stores them. */
export async function addOverflowFields(
  tx: MetadataTransaction,
  tenant: string,
  name: string,
  count: number,
): Promise<void> {
  const bytes = await tx.get(Keys.table(tenant, name))
  if (bytes === undefined) throw undefinedTable(name)
  const record = decodeRecord<TableRecord>(bytes)
  const overflowFields = (record.overflowFields ?? 0) + count
  tx.set(Keys.table(tenant, name), encodeRecord({ ...record, overflowFields }))
}

/** Adds a column record with the next attnum; the caller has checked the name is new. */
export function addColumn(
  tx: MetadataTransaction,
  table: TableInfo,
  field: Field,
  declared: boolean,
  attnum: number,
): ColumnInfo {
  const column: ColumnInfo = { name: field.name, type: field.type, attnum, declared }
  tx.set(Keys.column(table.tenant, table.name, attnum), encodeRecord(column))
  return column
}

/** Records a committed segment. */
export function addSegment(tx: MetadataTransaction, segment: SegmentMeta): void {
  // JSON has no NaN or Infinity: column bounds are stored as the segment footer stores them.
  const columns = segment.columns.map((column) => ({
    ...column,
    min: encodeStat(column.min),
    max: encodeStat(column.max),
  }))
  const key = Keys.segment(segment.tenant, segment.table, segment.segmentId)
  tx.set(key, encodeRecord({ ...segment, columns }))
}

/** Decodes a segment record written by addSegment. */
export function decodeSegment(bytes: Uint8Array): SegmentMeta {
  const stored = decodeRecord<SegmentMeta>(bytes)
  const columns = stored.columns.map((column) => ({
    ...column,
    min: decodeStat(column.type, column.min),
    max: decodeStat(column.type, column.max),
  }))
  return { ...stored, columns }
}

function duplicateColumn(name: string): PgError {
  return new PgError({
    code: SqlState.duplicateColumn,
    message: `column "${name}" specified more than once`,
  })
}

/**
 * A time_field change must not move the time column of a table holding segments: their time
 * ranges (pruning, retention) and sort order were computed from the old one. The field, when
 * already a column, must be of a timestamp type.
 */
async function checkTimeFieldChange(
  tx: MetadataTransaction,
  table: TableInfo,
  timeField: string | null,
): Promise<void> {
  if (timeField !== null) checkTimeFieldType(table.columns, timeField)
  const next = timeColumnOf(table.columns, timeField ?? undefined)
  const unchanged =
    table.timeField === (timeField ?? undefined) || (next !== null && next === table.timeColumn)
  if (unchanged) return
  const segments = Keys.segmentsOf(table.tenant, table.name)
  const any = await tx.getRange(segments.start, segments.end, { limit: 1 })
  if (any.length === 0) return
  throw new PgError({
    code: SqlState.objectNotInPrerequisiteState,
    message: `cannot change time_field of table "${table.name}" because it holds rows`,
    detail: `Its segments are sorted and pruned by ${table.timeColumn === null ? 'arrival time' : `column "${table.timeColumn}"`}.`,
    hint: 'Set time_field before the first event arrives, or load the events into a new table.',
  })
}

/** The column time_field names, when it exists, must be of a timestamp type (42804). */
function checkTimeFieldType(columns: readonly Field[], timeField: string): void {
  const column = columns.find((candidate) => candidate.name === timeField)
  if (column !== undefined && column.type !== 'timestamptz' && column.type !== 'timestamp') {
    throw new PgError({
      code: SqlState.datatypeMismatch,
      message: `column "${column.name}" is of type ${SqlTypes[column.type].displayName} but time_field needs timestamp with time zone`,
    })
  }
}

async function allocateOid(tx: MetadataTransaction): Promise<number> {
  const current = await tx.get(Keys.oidCounter())
  const oid = current === undefined ? FirstTableOid : decodeRecord<number>(current)
  tx.set(Keys.oidCounter(), encodeRecord(oid + 1))
  return oid
}

export class MetadataCatalog implements Catalog {
  /** Decoded segment records of each table's latest listing, by record key (listSegments). */
  private readonly decodedSegments = new Map<string, Map<string, SegmentMeta>>()

  constructor(
    private readonly metadata: MetadataStore,
    private readonly blobs: BlobStore,
  ) {}

  async listTables(tenant: string): Promise<TableInfo[]> {
    return this.metadata.read(async (reader) => {
      const range = Keys.tablesOf(tenant)
      const records = (await reader.getRange(range.start, range.end)).map((entry) =>
        decodeRecord<TableRecord>(entry.value),
      )
      const tables: TableInfo[] = []
      for (const record of records) {
        const table = await readTable(reader, tenant, record.name)
        if (table !== undefined) tables.push(table)
      }
      return tables
    })
  }

  async getTable(tenant: string, name: string): Promise<TableInfo | undefined> {
    return this.metadata.read((reader) => readTable(reader, tenant, name))
  }

  async createTable(
    tenant: string,
    name: string,
    columns: readonly Field[],
    ifNotExists: boolean,
    settings: TableSettingsChange = {},
  ): Promise<TableInfo | undefined> {
    const seen = new Set<string>()
    for (const column of columns) {
      if (seen.has(column.name)) throw duplicateColumn(column.name)
      seen.add(column.name)
    }
    if (settings.timeField != null) checkTimeFieldType(columns, settings.timeField)
    return this.metadata.transact(async (tx) => {
      if ((await tx.get(Keys.table(tenant, name))) !== undefined) {
        if (ifNotExists) return undefined
        throw new PgError({
          code: SqlState.duplicateTable,
          message: `relation "${name}" already exists`,
        })
      }
      const record: TableRecord = {
        oid: await allocateOid(tx),
        tenant,
        name,
        createdAtMs: Date.now(),
        ...(settings.retention == null ? {} : { retention: settings.retention }),
        ...(settings.maxColumns == null ? {} : { maxColumns: settings.maxColumns }),
        ...(settings.timeField == null ? {} : { timeField: settings.timeField }),
      }
      tx.set(Keys.table(tenant, name), encodeRecord(record))
      const table: TableInfo = { ...record, columns: [], timeColumn: null }
      const infos = columns.map((field, index) => addColumn(tx, table, field, true, index + 1))
      const created = {
        ...record,
        columns: infos,
        timeColumn: timeColumnOf(infos, record.timeField),
      }
      return created
    })
  }

  async dropTable(tenant: string, name: string): Promise<boolean> {
    const blobKeys = await this.metadata.transact(async (tx) => {
      if ((await tx.get(Keys.table(tenant, name))) === undefined) return undefined
      const segments = Keys.segmentsOf(tenant, name)
      const keys = (await tx.getRange(segments.start, segments.end)).map(
        (entry) => decodeSegment(entry.value).blobKey,
      )
      tx.clear(Keys.table(tenant, name))
      const columns = Keys.columnsOf(tenant, name)
      tx.clearRange(columns.start, columns.end)
      tx.clearRange(segments.start, segments.end)
      // A table created again under the name starts with no ingest positions or event ids.
      for (const range of [
        Keys.sourcePositionsOfTable(tenant, name),
        Keys.eventIdsOf(tenant, name),
        Keys.eventIdsByTimeOf(tenant, name),
      ])
        tx.clearRange(range.start, range.end)
      // Garbage records make the blob deletion below survive a crash right after the commit.
      for (const key of keys) tx.set(Keys.garbage(key), new Uint8Array(0))
      return keys
    })
    if (blobKeys === undefined) return false
    this.decodedSegments.delete(JSON.stringify([tenant, name]))
    await this.deleteGarbage(blobKeys)
    return true
  }

  async truncateTable(tenant: string, name: string, graceMs: number): Promise<boolean> {
    return this.metadata.transact(async (tx) => {
      if ((await tx.get(Keys.table(tenant, name))) === undefined) return false
      const range = Keys.segmentsOf(tenant, name)
      const deleteAfterMs = Date.now() + graceMs
      for (const entry of await tx.getRange(range.start, range.end)) {
        const segment = decodeSegment(entry.value)
        const replaced: ReplacedBlobRecord = { blobKey: segment.blobKey, replacedBySegmentId: '' }
        tx.set(Keys.replaced(deleteAfterMs, segment.blobKey), encodeRecord(replaced))
      }
      tx.clearRange(range.start, range.end)
      // Ids of removed events must not reject the same ids sent again.
      for (const ids of [Keys.eventIdsOf(tenant, name), Keys.eventIdsByTimeOf(tenant, name)])
        tx.clearRange(ids.start, ids.end)
      return true
    })
  }

  async addColumns(
    tenant: string,
    name: string,
    fields: readonly Field[],
    ifNotExists: boolean,
  ): Promise<boolean> {
    return this.metadata.transact(async (tx) => {
      const table = await readTable(tx, tenant, name)
      if (table === undefined) return false
      const names = new Set(table.columns.map((column) => column.name))
      let attnum = Math.max(0, ...table.columns.map((column) => column.attnum))
      for (const field of fields) {
        if (names.has(field.name)) {
          if (ifNotExists) continue
          throw new PgError({
            code: SqlState.duplicateColumn,
            message: `column "${field.name}" of relation "${name}" already exists`,
          })
        }
        names.add(field.name)
        addColumn(tx, table, field, true, ++attnum)
      }
      return true
    })
  }

  async listSegments(tenant: string, table: string): Promise<SegmentMeta[]> {
    const range = Keys.segmentsOf(tenant, table)
    const entries = await this.metadata.read((reader) => reader.getRange(range.start, range.end))
    // A segment record is written once under its unique segment id and never changed (only
    // cleared), so its decoded form is kept by key: a statement decodes only new segments.
    const tableKey = JSON.stringify([tenant, table])
    const previous = this.decodedSegments.get(tableKey)
    const current = new Map<string, SegmentMeta>()
    const segments = entries.map((entry) => {
      const key = Buffer.from(entry.key.buffer, entry.key.byteOffset, entry.key.length).toString(
        'latin1',
      )
      const segment = previous?.get(key) ?? decodeSegment(entry.value)
      current.set(key, segment)
      return segment
    })
    this.decodedSegments.set(tableKey, current)
    return segments
  }

  async alterTableSettings(
    tenant: string,
    name: string,
    change: TableSettingsChange,
  ): Promise<boolean> {
    return this.metadata.transact(async (tx) => {
      const table = await readTable(tx, tenant, name)
      if (table === undefined) return false
      if (change.timeField !== undefined) await checkTimeFieldChange(tx, table, change.timeField)
      const stored = await tx.get(Keys.table(tenant, name))
      if (stored === undefined) return false
      const record: Record<string, unknown> = { ...decodeRecord<TableRecord>(stored) }
      const apply = (key: keyof TableSettingsChange): void => {
        const value = change[key]
        if (value === undefined) return
        if (value === null) delete record[key]
        else record[key] = value
      }
      apply('retention')
      apply('maxColumns')
      apply('timeField')
      tx.set(Keys.table(tenant, name), encodeRecord(record))
      return true
    })
  }

  async listCompactions(tenant: string): Promise<CompactionRecord[]> {
    return this.metadata.read(async (reader) => {
      const range = Keys.compactionsOf(tenant)
      const newest = await reader.getRange(range.start, range.end, {
        reverse: true,
        limit: CompactionRecordsListedMax,
      })
      return newest.reverse().map((entry) => decodeRecord<CompactionRecord>(entry.value))
    })
  }

  async listProcesses(): Promise<ProcessRecord[]> {
    const freshAfterMs = Date.now() - ProcessStaleMs
    return this.metadata.read(async (reader) => {
      const range = Keys.allProcesses()
      return (await reader.getRange(range.start, range.end))
        .map((entry) => decodeRecord<ProcessRecord>(entry.value))
        .filter((record) => record.updatedAtMs > freshAfterMs)
    })
  }

  /** Deletes blobs that committed drops left for deletion (after a crash, at open). */
  async collectGarbage(): Promise<number> {
    const keys = await this.metadata.read(async (reader) => {
      const range = Keys.allGarbage()
      return (await reader.getRange(range.start, range.end)).map((entry) => entry.key)
    })
    const blobKeys = keys.map((key) => String(decodeTuple(key).items[0]))
    await this.deleteGarbage(blobKeys)
    return blobKeys.length
  }

  private async deleteGarbage(blobKeys: readonly string[]): Promise<void> {
    for (const key of blobKeys) await this.blobs.delete(key)
    if (blobKeys.length === 0) return
    await this.metadata.transact(async (tx) => {
      for (const key of blobKeys) tx.clear(Keys.garbage(key))
    })
  }
}
