// What storage offers the layers above it. Implementations live beside this file; the
// planner and executor import only these interfaces and `openStorage`.
import type { Batch, Field, SqlType } from '../common/index.js'
import type { BlobLocation, MetadataLocation } from './blob-location.js'
import type { TokenFilter } from './segment/token-filter.js'
import type { SegmentFooter } from './segment/footer.js'

export type { TokenFilter } from './segment/token-filter.js'

export interface ColumnInfo {
  readonly name: string
  readonly type: SqlType
  /** 1-based, stable for the table's life: RowDescription and pg_attribute report it. */
  readonly attnum: number
  /** Declared by CREATE TABLE, as opposed to discovered by ingestion. */
  readonly declared: boolean
}

export interface TableInfo {
  /** Stable, unique across tenants: pg_class.oid and RowDescription's table OID. */
  readonly oid: number
  readonly tenant: string
  readonly name: string
  readonly columns: readonly ColumnInfo[]
  /** The column segments are sorted and pruned by, or null when the table has none. */
  readonly timeColumn: string | null
  readonly createdAtMs: number
  /** ALTER TABLE SET (retention = ...): segments whose maxTs is older are dropped whole. */
  readonly retention?: TableRetention
  /**
   * ALTER TABLE SET (max_columns = n): fields that would add a column past n go into the
   * `_overflow` jsonb column (storage/column-cap.ts). Unset: the writer's default.
   */
  readonly maxColumns?: number
  /** ALTER TABLE SET (time_field = 'name'): the JSON field read as event time, and the time column. */
  readonly timeField?: string
  /** Field values committed into `_overflow` because the table had max_columns columns. */
  readonly overflowFields?: number
}

/** An ALTER TABLE SET/RESET: an absent member is left as it is, null resets it. */
export interface TableSettingsChange {
  readonly retention?: TableRetention | null
  readonly maxColumns?: number | null
  readonly timeField?: string | null
}

/** How long a table keeps its rows, as the user wrote it and in microseconds. */
export interface TableRetention {
  /** The interval text as given: `30 days`. */
  readonly text: string
  /** Its length, a month counted as 30 days (PostgreSQL's justify_days). */
  readonly micros: number
}

/** A finished merge or retention drop, as malamute.compactions lists it. */
export interface CompactionRecord {
  readonly kind: 'merge' | 'retention'
  readonly tenant: string
  readonly table: string
  /** The merge's output segment, or null for a retention drop. */
  readonly outputSegmentId: string | null
  readonly level: number
  readonly inputs: number
  readonly outputs: number
  readonly rows: number
  readonly inputBytes: number
  readonly outputBytes: number
  readonly startedAtMs: number
  readonly finishedAtMs: number
}

/** A running Malamute process, as its heartbeat records it (malamute.blob_stats). */
export interface ProcessRecord {
  readonly processId: string
  /** `serve`, `gateway`, `writer`, `compactor` or `compact`. */
  readonly role: string
  readonly host: string
  readonly pid: number
  readonly startedAtMs: number
  readonly updatedAtMs: number
  readonly blob: {
    readonly getRequests: number
    readonly putRequests: number
    readonly deleteRequests: number
    readonly listRequests: number
    readonly retries: number
    readonly bytesRead: number
    readonly bytesWritten: number
    readonly cacheHits: number
    readonly cacheMisses: number
  }
  /** GETs and PUTs per table since the process started, by table oid. */
  readonly tables?: Readonly<
    Record<
      string,
      {
        readonly getRequests: number
        readonly bytesRead: number
        readonly putRequests: number
        readonly bytesWritten: number
      }
    >
  >
}

export interface ColumnStats {
  readonly name: string
  readonly type: SqlType
  readonly nullCount: number
  /** Min/max as numbers for number-like columns and as strings for text; null when all NULL. */
  readonly min: number | string | boolean | null
  readonly max: number | string | boolean | null
}

/** A committed segment as the metadata store records it: enough to prune it unread. */
export interface SegmentMeta {
  readonly segmentId: string
  readonly tenant: string
  readonly table: string
  readonly blobKey: string
  readonly rows: number
  readonly bytes: number
  /** Time range of the table's time column, epoch microseconds; the arrival time when the table has none. */
  readonly minTs: number
  readonly maxTs: number
  /** 0 for writer output; compaction raises it. */
  readonly level: number
  readonly createdAtMs: number
  readonly columns: readonly ColumnStats[]
}

export interface Catalog {
  listTables(tenant: string): Promise<TableInfo[]>
  getTable(tenant: string, name: string): Promise<TableInfo | undefined>
  /** Creates the table; answers undefined when it exists and ifNotExists is set, throws 42P07 otherwise. */
  createTable(
    tenant: string,
    name: string,
    columns: readonly Field[],
    ifNotExists: boolean,
    settings?: TableSettingsChange,
  ): Promise<TableInfo | undefined>
  /** Drops the table and its segments; answers false when it did not exist. */
  dropTable(tenant: string, name: string): Promise<boolean>
  /**
   * TRUNCATE: removes every segment and stored event id in one commit; statements that
   * already pinned the segments finish reading them (the blobs go after the compactor's
   * grace period). Answers false when there is no table.
   */
  truncateTable(tenant: string, name: string, graceMs: number): Promise<boolean>
  /**
   * ALTER TABLE ADD COLUMN: declared columns after the existing ones. A name the table has is
   * 42701 unless `ifNotExists` (then skipped). Answers false when there is no table.
   */
  addColumns(
    tenant: string,
    name: string,
    fields: readonly Field[],
    ifNotExists: boolean,
  ): Promise<boolean>
  /** The segments visible now: a consistent snapshot that a query pins for its whole run. */
  listSegments(tenant: string, table: string): Promise<SegmentMeta[]>
  /**
   * Applies ALTER TABLE SET/RESET of retention, max_columns and time_field; answers false
   * when there is no table. Changing the time column of a table holding segments is 55000.
   */
  alterTableSettings(tenant: string, name: string, change: TableSettingsChange): Promise<boolean>
  /** The tenant's recent compactions (the last day, at most the newest 1,000), oldest first. */
  listCompactions(tenant: string): Promise<CompactionRecord[]>
  /** The processes whose heartbeat is fresh, by process id. */
  listProcesses(): Promise<ProcessRecord[]>
}

export interface IngestWriter {
  /**
   * Appends rows to a table, adding columns it has not seen (schemaless). Resolves once the
   * rows are in a committed, fsynced segment: then, and only then, may the caller acknowledge.
   * Concurrent appends to one table are group-committed into one segment.
   */
  append(tenant: string, table: string, fields: readonly Field[], batch: Batch): Promise<number>
  /**
   * Starts an all-or-nothing append of many batches (COPY, large intake requests): segments
   * are uploaded as rows arrive, and committed together by commit() in one metadata
   * transaction, or deleted by abort(). Fields follow append()'s type-drift rules.
   */
  beginBulk(tenant: string, table: string): Promise<BulkAppend>
  /**
   * Commits several open bulk appends of this writer (any tables) in ONE metadata
   * transaction: all become visible, or none (on failure every one is aborted). `extras`
   * are written in the same transaction (source positions, checked first: 40001 when one
   * moved meanwhile, as when a bulk's event id was committed meanwhile).
   */
  commitBulks(bulks: readonly BulkAppend[], extras?: CommitExtras): Promise<void>
  /** The stored positions of every partition of an ingest source feeding a table. */
  readSourcePositions(tenant: string, table: string, source: string): Promise<Map<number, string>>
}

/** What a commit writes besides segments, atomically with them. */
export interface CommitExtras {
  readonly sourcePositions?: readonly SourcePositionUpdate[]
}

/** Moves an ingest source's partition (a Kafka topic partition) to where it resumes. */
export interface SourcePositionUpdate {
  readonly tenant: string
  readonly table: string
  /** The source's name, e.g. `kafka/events` for topic `events`. */
  readonly source: string
  readonly partition: number
  /** The stored position this commit continues from; null when none is stored yet. */
  readonly expected: string | null
  /** The position to resume from after this commit (Kafka: last offset + 1). */
  readonly next: string
}

export interface BulkAddOptions {
  /**
   * De-duplicate by this field: a row whose id came earlier in this bulk or was committed
   * to the table within the id window is dropped, and the ids kept are recorded in the
   * commit (storage/event-ids.ts).
   */
  readonly idField?: string
}

/** One bulk segment's file and what its upload records: plain data, so a worker can make it. */
export interface EncodedBulkSegment {
  readonly fields: Field[]
  readonly bytes: Uint8Array
  readonly footer: SegmentFooter
  readonly timeColumn: string | null
}

export interface BulkAppend {
  add(fields: readonly Field[], batch: Batch, options?: BulkAddOptions): Promise<void>
  /** Uploads a segment encodeBulkSegment made of rows in the table's declared columns. */
  addEncoded(encoded: EncodedBulkSegment): Promise<void>
  /** Rows add() dropped as duplicates of an earlier or committed event id. */
  readonly duplicateRows: number
  /** Commits every added row; resolves with their count once durable. */
  commit(): Promise<number>
  /** Deletes uploaded segments; nothing becomes visible. Safe to call twice. */
  abort(): Promise<void>
}

/** Reads one segment file: a footer first, then only the batches and columns asked for. */
export interface SegmentReader {
  readonly rows: number
  readonly batchCount: number
  batchRows(batchIndex: number): number
  /** Per-batch statistics for `column`, or undefined when the segment lacks the column. */
  batchStats(batchIndex: number, column: string): ColumnStats | undefined
  /**
   * The batch's token filter of text column `column` (segment format 2), or undefined when
   * the segment has none for it: then the batch cannot be pruned by tokens.
   */
  tokenFilter?(batchIndex: number, column: string): Promise<TokenFilter | undefined>
  /** Stored bytes of that token filter (0 when none), for EXPLAIN ANALYZE's bytes read. */
  tokenFilterBytes?(batchIndex: number, column: string): number
  /** Reads a column of a batch as `type`; a column the segment lacks reads as all NULL. */
  readColumn(
    batchIndex: number,
    column: string,
    type: SqlType,
  ): Promise<import('../common/index.js').Vector>
}

export interface StorageConfig {
  readonly dataDir: string
  /** Where segment files live: a directory under dataDir when unset, or S3. */
  readonly blob?: BlobLocation
  /** Where metadata lives: lmdb under dataDir when unset, or FoundationDB. */
  readonly metadata?: MetadataLocation
  /** How long a writer waits for more rows before cutting a segment. */
  readonly flushIntervalMs?: number
  /** How long a committed event id keeps its duplicates out (storage/event-ids.ts). */
  readonly eventIdWindowMs?: number
  /** Columns a table may gain before new fields overflow into `_overflow` (max_columns unset). */
  readonly maxColumnsDefault?: number
}

export interface Storage {
  readonly config: StorageConfig
  readonly catalog: Catalog
  readonly writer: IngestWriter
  openSegment(blobKey: string): Promise<SegmentReader>
  close(): Promise<void>
}
