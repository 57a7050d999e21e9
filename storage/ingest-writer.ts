// Group-committing ingest: appends to one (tenant, table) buffer until a flush is cut, when
// the buffered rows reach flushRowsThreshold or flushIntervalMs after the first buffered
// append. One flush per table is in flight at a time; rows arriving meanwhile wait for the
// next. A flush:
//
//   buffered appends ──► union schema, concat, sort by time column ──► encode segment
//        ──► BlobStore.put (fsynced) ──► ONE metadata transaction: new columns + segment record
//        ──► resolve every append in the group
//
// If any step fails, every append in the group is rejected and nothing is committed (the
// written blob is deleted; if the process dies first, it is an unreferenced file that no
// listSegments ever returns). Acknowledged rows are therefore exactly the committed ones.
import { randomBytes } from 'node:crypto'
import {
  PgError,
  SqlState,
  SqlTypes,
  assert,
  type Batch,
  type Field,
  type SqlType,
  type Vector,
} from '../common/index.js'
import type {
  EncodedBulkSegment,
  BulkAddOptions,
  BulkAppend,
  ColumnInfo,
  CommitExtras,
  IngestWriter,
  SegmentMeta,
  TableInfo,
} from './api.js'
import type { BlobStore } from './blob-store.js'
import {
  addColumn,
  addOverflowFields,
  addSegment,
  readTable,
  timeColumnOf,
  undefinedTable,
} from './catalog.js'
import { DefaultMaxColumns, OverflowColumn, capNewColumns } from './column-cap.js'
import { overflowFieldsCounter } from './ingest-metrics.js'
import type { Catalog } from './api.js'
import type { MetadataStore } from './metadata-store.js'
import { checkValuesFit } from './segment/column-codec.js'
import { encodeSegment, segmentColumnStats } from './segment/segment-writer.js'
import {
  concatVectors,
  nullVector,
  takeRows,
  takeRowsFromParts,
  timeSortPermutation,
} from './segment/vector-ops.js'
import { uploadsInFlight } from './garbage-collector.js'
import { reconcileTypes } from './type-drift.js'
import {
  DefaultEventIdWindowMs,
  checkEventIds,
  eventIdsOf,
  keepNewEventIds,
  recordEventIds,
} from './event-ids.js'
import {
  checkSourcePositions,
  readSourcePositions,
  writeSourcePositions,
} from './source-positions.js'

export interface IngestWriterOptions {
  /** How long the first buffered append waits for company before a flush is cut. */
  readonly flushIntervalMs?: number
  /** Buffered rows that cut a flush at once. */
  readonly flushRowsThreshold?: number
  /** Rows a bulk append (COPY, large intake requests) gathers into each segment it uploads. */
  readonly bulkSegmentRows?: number
  /** How long a committed event id keeps its duplicates out (storage/event-ids.ts). */
  readonly eventIdWindowMs?: number
  /** Columns a table gains before new fields go to `_overflow`, unless it sets max_columns. */
  readonly maxColumnsDefault?: number
}

export interface RowGroup {
  readonly fields: readonly Field[]
  readonly batch: Batch
}

/** Encodes `group` as one segment file, sorted by the table's time column (no I/O). */
export function encodeBulkSegment(info: TableInfo, group: readonly RowGroup[]): EncodedBulkSegment {
  const { fields, parts } = unionParts(group)
  const sorted = sortByTime(info, fields, parts)
  const { bytes, footer } = encodeSegment(fields, sorted.columns)
  return { fields, bytes, footer, timeColumn: sorted.timeColumn }
}

interface PendingAppend {
  readonly fields: readonly Field[]
  readonly batch: Batch
  /** Values the column cap moved into `_overflow`. */
  readonly overflowed: number
  readonly resolve: (rows: number) => void
  readonly reject: (error: unknown) => void
}

interface TableBuffer {
  readonly key: string
  readonly tenant: string
  readonly table: string
  readonly oid: number
  pending: PendingAppend[]
  rows: number
  /** Types of buffered fields, so two appends cannot introduce one new column with two types. */
  pendingTypes: Map<string, SqlType>
  timer: NodeJS.Timeout | null
  flushing: Promise<void> | null
  dueWhileFlushing: boolean
}

function typeMismatch(column: string, columnType: SqlType, valueType: SqlType): PgError {
  return new PgError({
    code: SqlState.datatypeMismatch,
    message: `column "${column}" is of type ${SqlTypes[columnType].displayName} but expression is of type ${SqlTypes[valueType].displayName}`,
    hint: 'You will need to rewrite or cast the expression.',
  })
}

function newSegmentId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`
}

export class GroupCommitIngestWriter implements IngestWriter {
  private readonly buffers = new Map<string, TableBuffer>()
  private readonly flushIntervalMs: number
  private readonly flushRowsThreshold: number
  private readonly bulkSegmentRows: number
  private readonly eventIdWindowMs: number
  readonly maxColumnsDefault: number

  constructor(
    private readonly catalog: Catalog,
    private readonly metadata: MetadataStore,
    private readonly blobs: BlobStore,
    options: IngestWriterOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 10
    this.flushRowsThreshold = options.flushRowsThreshold ?? 100_000
    this.bulkSegmentRows = options.bulkSegmentRows ?? 65_536
    this.eventIdWindowMs = options.eventIdWindowMs ?? DefaultEventIdWindowMs
    this.maxColumnsDefault = options.maxColumnsDefault ?? DefaultMaxColumns
    assert(this.maxColumnsDefault > 0, 'the column cap is positive')
    assert(this.flushIntervalMs >= 0, 'flush interval is not negative')
    assert(this.flushRowsThreshold > 0, 'flush threshold is positive')
  }

  async append(
    tenant: string,
    table: string,
    fields: readonly Field[],
    batch: Batch,
  ): Promise<number> {
    checkAppend(fields, batch)
    const info = await this.catalog.getTable(tenant, table)
    if (info === undefined) throw undefinedTable(table)
    const buffer = this.bufferFor(info)
    const known = new Map(info.columns.map((column) => [column.name, column.type]))
    const typeOf = (name: string): SqlType | undefined =>
      known.get(name) ?? buffer.pendingTypes.get(name)
    const capped = this.capColumns(info, fields, batch, typeOf, buffer.pendingTypes.keys())
    const reconciled = reconcileTypes(typeOf, capped.fields, capped.batch)
    if (batch.length === 0) return 0
    return new Promise<number>((resolve, reject) => {
      buffer.pending.push({ ...reconciled, overflowed: capped.overflowed, resolve, reject })
      buffer.rows += batch.length
      for (const field of reconciled.fields) buffer.pendingTypes.set(field.name, field.type)
      this.schedule(buffer)
    })
  }

  /** Folds the fields past the table's column cap into `_overflow` (storage/column-cap.ts). */
  capColumns(
    info: TableInfo,
    fields: readonly Field[],
    batch: Batch,
    typeOf: (name: string) => SqlType | undefined,
    buffered: Iterable<string>,
  ): ReturnType<typeof capNewColumns> {
    // The steady state: every field already has its column, nothing to count.
    if (fields.every((field) => typeOf(field.name) !== undefined && field.name !== OverflowColumn))
      return { fields: [...fields], batch, overflowed: 0 }
    const isCounted = (name: string): boolean => name !== OverflowColumn
    const committed = new Set(info.columns.map((column) => column.name))
    let columns = info.columns.filter((column) => isCounted(column.name)).length
    for (const name of buffered) if (isCounted(name) && !committed.has(name)) columns++
    return capNewColumns(fields, batch, {
      known: (name) => typeOf(name) !== undefined,
      columns,
      maxColumns: info.maxColumns ?? this.maxColumnsDefault,
      timeField: info.timeField ?? info.timeColumn,
    })
  }

  /**
   * Starts an append of many batches that commits all or nothing: each add() may upload a
   * segment, but none is visible until commit() records them all in one metadata
   * transaction; abort() deletes what was uploaded.
   */
  async beginBulk(tenant: string, table: string): Promise<BulkAppend> {
    const info = await this.catalog.getTable(tenant, table)
    if (info === undefined) throw undefinedTable(table)
    return new BulkAppendSession(this, info, this.bulkSegmentRows)
  }

  /**
   * Encodes `group` as one segment and uploads it (fsynced); nothing is committed. The key
   * stays in uploadsInFlight, safe from the orphan scan however long a bulk load takes,
   * until the caller's commit or abort releases it (releaseUploads).
   */
  async writeSegment(
    info: TableInfo,
    group: readonly RowGroup[],
  ): Promise<{ fields: Field[]; segment: SegmentMeta }> {
    return this.uploadSegment(info, encodeBulkSegment(info, group))
  }

  /** Uploads a segment encodeBulkSegment made (maybe on a worker thread), as writeSegment does. */
  async uploadSegment(
    info: TableInfo,
    encoded: EncodedBulkSegment,
  ): Promise<{ fields: Field[]; segment: SegmentMeta }> {
    const { fields, bytes, footer, timeColumn } = encoded
    const segmentId = newSegmentId()
    const blobKey = `t${info.oid}/${segmentId}.seg`
    uploadsInFlight.add(blobKey)
    try {
      await this.blobs.put(blobKey, bytes)
    } catch (error) {
      uploadsInFlight.delete(blobKey)
      throw error
    }
    const stats = segmentColumnStats(footer)
    const arrivalUs = Date.now() * 1000
    const timeStats = stats.find((column) => column.name === timeColumn)
    const segment: SegmentMeta = {
      segmentId,
      tenant: info.tenant,
      table: info.name,
      blobKey,
      rows: footer.rows,
      bytes: bytes.length,
      minTs: typeof timeStats?.min === 'number' ? timeStats.min : arrivalUs,
      maxTs: typeof timeStats?.max === 'number' ? timeStats.max : arrivalUs,
      level: 0,
      createdAtMs: Date.now(),
      columns: stats,
    }
    return { fields, segment }
  }

  /** Which rows of a bulk's batch to keep: see keepNewEventIds (a snapshot read). */
  async keepNewEventIds(
    info: TableInfo,
    ids: readonly (string | null)[],
    seen: Set<string>,
  ): Promise<Uint8Array> {
    const windowStartMs = Date.now() - this.eventIdWindowMs
    return this.metadata.read((reader) =>
      keepNewEventIds(reader, info.tenant, info.name, ids, seen, windowStartMs),
    )
  }

  async readSourcePositions(
    tenant: string,
    table: string,
    source: string,
  ): Promise<Map<number, string>> {
    return this.metadata.read((reader) => readSourcePositions(reader, tenant, table, source))
  }

  /** Deletes uploaded, uncommitted segment files. */
  async deleteBlobs(blobKeys: readonly string[]): Promise<void> {
    for (const key of blobKeys) await this.blobs.delete(key).catch(() => undefined)
  }

  /** Ends the orphan scan's protection of uploads whose commit or abort is over. */
  releaseUploads(blobKeys: readonly string[]): void {
    for (const key of blobKeys) uploadsInFlight.delete(key)
  }

  /** Flushes every buffered row and waits for in-flight flushes. */
  async close(): Promise<void> {
    while (this.buffers.size > 0) {
      for (const buffer of [...this.buffers.values()]) {
        if (buffer.flushing === null && buffer.pending.length > 0) this.startFlush(buffer)
        if (buffer.flushing !== null) await buffer.flushing
        else if (buffer.pending.length === 0) this.buffers.delete(buffer.key)
      }
    }
  }

  private bufferFor(info: TableInfo): TableBuffer {
    const key = `${info.tenant}\u0000${info.name}\u0000${info.oid}`
    let buffer = this.buffers.get(key)
    if (buffer === undefined) {
      buffer = {
        key,
        tenant: info.tenant,
        table: info.name,
        oid: info.oid,
        pending: [],
        rows: 0,
        pendingTypes: new Map(),
        timer: null,
        flushing: null,
        dueWhileFlushing: false,
      }
      this.buffers.set(key, buffer)
    }
    return buffer
  }

  private schedule(buffer: TableBuffer): void {
    if (buffer.flushing !== null) {
      if (buffer.rows >= this.flushRowsThreshold) buffer.dueWhileFlushing = true
      else if (buffer.timer === null && !buffer.dueWhileFlushing) this.startTimer(buffer)
      return
    }
    if (buffer.rows >= this.flushRowsThreshold) this.startFlush(buffer)
    else if (buffer.timer === null) this.startTimer(buffer)
  }

  private startTimer(buffer: TableBuffer): void {
    buffer.timer = setTimeout(() => {
      buffer.timer = null
      if (buffer.flushing !== null) buffer.dueWhileFlushing = true
      else if (buffer.pending.length > 0) this.startFlush(buffer)
    }, this.flushIntervalMs)
  }

  private startFlush(buffer: TableBuffer): void {
    assert(buffer.flushing === null, 'at most one flush per table is in flight')
    if (buffer.timer !== null) clearTimeout(buffer.timer)
    const group = buffer.pending
    buffer.timer = null
    buffer.pending = []
    buffer.rows = 0
    buffer.pendingTypes = new Map()
    buffer.dueWhileFlushing = false
    buffer.flushing = this.flushGroup(buffer, group).finally(() => {
      buffer.flushing = null
      if (buffer.pending.length === 0) {
        if (buffer.timer === null && this.buffers.get(buffer.key) === buffer)
          this.buffers.delete(buffer.key)
      } else if (buffer.dueWhileFlushing || buffer.rows >= this.flushRowsThreshold) {
        this.startFlush(buffer)
      } else if (buffer.timer === null) {
        this.startTimer(buffer)
      }
    })
  }

  private async flushGroup(buffer: TableBuffer, group: readonly PendingAppend[]): Promise<void> {
    let blobKey: string | undefined
    try {
      const info = await this.catalog.getTable(buffer.tenant, buffer.table)
      if (info === undefined || info.oid !== buffer.oid) throw undefinedTable(buffer.table)
      const { fields, segment } = await this.writeSegment(info, group)
      blobKey = segment.blobKey
      const overflowFields = group.reduce((sum, append) => sum + append.overflowed, 0)
      await this.commitTables([{ info, fields, segments: [segment], overflowFields }])
    } catch (error) {
      if (blobKey !== undefined) await this.blobs.delete(blobKey).catch(() => undefined)
      for (const append of group) append.reject(error)
      return
    } finally {
      if (blobKey !== undefined) this.releaseUploads([blobKey])
    }
    for (const append of group) append.resolve(append.batch.length)
  }

  /** Adds new columns and the segment records in one metadata transaction. */
  async commit(
    info: TableInfo,
    fields: readonly Field[],
    segments: readonly SegmentMeta[],
  ): Promise<void> {
    await this.commitTables([{ info, fields, segments }])
  }

  /**
   * commit() for several tables in one metadata transaction, with their event ids and the
   * extras. Every check reads before anything is written (buffered writes slow reads down).
   */
  async commitTables(tables: readonly TableCommit[], extras: CommitExtras = {}): Promise<void> {
    const positions = extras.sourcePositions ?? []
    await this.metadata.transact(async (tx) => {
      const nowMs = Date.now()
      await checkSourcePositions(tx, positions)
      const idCommits = []
      for (const { info, eventIds } of tables) {
        if (eventIds === undefined || eventIds.length === 0) continue
        const entry = { tenant: info.tenant, table: info.name, ids: eventIds }
        idCommits.push({
          entry,
          expiry: await checkEventIds(tx, entry, nowMs, this.eventIdWindowMs),
        })
      }
      for (const { info, fields, segments } of tables) {
        const table = await readTable(tx, info.tenant, info.name)
        if (table === undefined || table.oid !== info.oid) throw undefinedTable(info.name)
        const existing = new Map(table.columns.map((column) => [column.name, column]))
        let attnum = table.columns.reduce((max, column) => Math.max(max, column.attnum), 0)
        for (const field of fields) {
          const column = existing.get(field.name)
          if (column === undefined) addColumn(tx, table, field, false, ++attnum)
          else if (column.type !== field.type)
            throw typeMismatch(field.name, column.type, field.type)
        }
        for (const segment of segments) addSegment(tx, segment)
      }
      for (const { info, overflowFields } of tables)
        if (overflowFields !== undefined && overflowFields > 0)
          await addOverflowFields(tx, info.tenant, info.name, overflowFields)
      for (const { entry, expiry } of idCommits) recordEventIds(tx, entry, nowMs, expiry)
      writeSourcePositions(tx, positions, nowMs)
    })
    for (const { info, overflowFields } of tables)
      if (overflowFields !== undefined && overflowFields > 0)
        overflowFieldsCounter.inc({ database: info.tenant, table: info.name }, overflowFields)
  }

  async commitBulks(bulks: readonly BulkAppend[], extras: CommitExtras = {}): Promise<void> {
    const sessions = bulks.map((bulk) => {
      assert(bulk instanceof BulkAppendSession && bulk.writer === this, 'a bulk of this writer')
      return bulk
    })
    try {
      const tables: TableCommit[] = []
      for (const session of sessions) {
        const table = await session.prepare()
        if (table.segments.length > 0) tables.push(table)
      }
      const hasExtras = (extras.sourcePositions?.length ?? 0) > 0
      if (tables.length > 0 || hasExtras) await this.commitTables(tables, extras)
    } catch (error) {
      for (const session of sessions) await session.abort()
      throw error
    }
    for (const session of sessions) session.committed()
  }
}

interface TableCommit {
  readonly info: TableInfo
  readonly fields: readonly Field[]
  readonly segments: readonly SegmentMeta[]
  /** Ids of the committed rows, recorded in the table's de-duplication window. */
  readonly eventIds?: readonly string[]
  /** Values the column cap moved into `_overflow`, added to the table's count. */
  readonly overflowFields?: number
}

/** Checks one append's shape: a vector per field, of its type and the batch's length, no name twice. */
export function checkAppend(fields: readonly Field[], batch: Batch): void {
  assert(fields.length === batch.columns.length, 'one column per field')
  const names = new Set<string>()
  fields.forEach((field, index) => {
    const column = batch.columns[index]
    assert(column !== undefined && column.length === batch.length, 'columns have the batch length')
    assert(column.type === field.type, 'column vectors have their field type')
    if (names.has(field.name)) {
      throw new PgError({
        code: SqlState.duplicateColumn,
        message: `column "${field.name}" specified more than once`,
      })
    }
    names.add(field.name)
    checkValuesFit(column)
  })
}

/** One all-or-nothing append of many batches (see GroupCommitIngestWriter.beginBulk). */
class BulkAppendSession implements BulkAppend {
  private pending: RowGroup[] = []
  private pendingRows = 0
  private rows = 0
  private readonly newTypes = new Map<string, SqlType>()
  private readonly known: Map<string, SqlType>
  private readonly segments: SegmentMeta[] = []
  private readonly fields = new Map<string, Field>()
  private state: 'open' | 'committed' | 'aborted' = 'open'
  private readonly eventIds: string[] = []
  private readonly seenEventIds = new Set<string>()
  private duplicates = 0
  private overflowed = 0

  constructor(
    readonly writer: GroupCommitIngestWriter,
    private readonly info: TableInfo,
    private readonly segmentRows: number,
  ) {
    this.known = new Map(info.columns.map((column) => [column.name, column.type]))
  }

  get duplicateRows(): number {
    return this.duplicates
  }

  async add(fields: readonly Field[], input: Batch, options: BulkAddOptions = {}): Promise<void> {
    assert(this.state === 'open', 'bulk append is open')
    checkAppend(fields, input)
    const batch =
      options.idField === undefined
        ? input
        : await this.dropDuplicates(fields, input, options.idField)
    const typeOf = (name: string): SqlType | undefined =>
      this.known.get(name) ?? this.newTypes.get(name)
    const capped = this.writer.capColumns(this.info, fields, batch, typeOf, this.newTypes.keys())
    const reconciled = reconcileTypes(typeOf, capped.fields, capped.batch)
    if (batch.length === 0) return
    this.overflowed += capped.overflowed
    for (const field of reconciled.fields)
      if (!this.known.has(field.name)) this.newTypes.set(field.name, field.type)
    this.pending.push(reconciled)
    this.pendingRows += batch.length
    this.rows += batch.length
    if (this.pendingRows >= this.segmentRows) await this.writePending()
  }

  async addEncoded(encoded: EncodedBulkSegment): Promise<void> {
    assert(this.state === 'open', 'bulk append is open')
    for (const field of encoded.fields) {
      const type = this.known.get(field.name) ?? this.newTypes.get(field.name)
      assert(type === field.type, "an encoded segment holds the table's column types")
    }
    await this.writePending() // rows added before go first
    const { fields, segment } = await this.writer.uploadSegment(this.info, encoded)
    this.segments.push(segment)
    this.rows += segment.rows
    for (const field of fields) if (!this.fields.has(field.name)) this.fields.set(field.name, field)
  }

  async commit(): Promise<number> {
    await this.writer.commitBulks([this])
    return this.rows
  }

  /** Uploads what is still pending; answers what commitBulks records for this table. */
  async prepare(): Promise<TableCommit> {
    assert(this.state === 'open', 'bulk append is open')
    await this.writePending()
    const fields = [...this.fields.values()]
    return {
      info: this.info,
      fields,
      segments: this.segments,
      eventIds: this.eventIds,
      overflowFields: this.overflowed,
    }
  }

  /** The rows of `batch` whose event id is new to the table; remembers their ids. */
  private async dropDuplicates(
    fields: readonly Field[],
    batch: Batch,
    idField: string,
  ): Promise<Batch> {
    const ids = eventIdsOf(fields, batch, idField)
    if (ids === null) return batch
    const keep = await this.writer.keepNewEventIds(this.info, ids, this.seenEventIds)
    const kept: number[] = []
    for (let row = 0; row < batch.length; row++) {
      if (keep[row] !== 1) continue
      kept.push(row)
      const id = ids[row]
      if (id !== null && id !== undefined) this.eventIds.push(id)
    }
    this.duplicates += batch.length - kept.length
    if (kept.length === batch.length) return batch
    const indices = Uint32Array.from(kept)
    return {
      length: kept.length,
      columns: batch.columns.map((column) => takeRows(column, indices)),
    }
  }

  /** Called by commitBulks once the metadata transaction recorded this bulk's segments. */
  committed(): void {
    this.state = 'committed'
    this.writer.releaseUploads(this.segments.map((segment) => segment.blobKey))
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return
    this.state = 'aborted'
    this.pending = []
    const blobKeys = this.segments.map((segment) => segment.blobKey)
    await this.writer.deleteBlobs(blobKeys)
    this.writer.releaseUploads(blobKeys)
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return
    const group = this.pending
    this.pending = []
    this.pendingRows = 0
    const { fields, segment } = await this.writer.writeSegment(this.info, group)
    this.segments.push(segment)
    for (const field of fields) if (!this.fields.has(field.name)) this.fields.set(field.name, field)
  }
}

/**
 * A group's batches under the union of their fields (a missing field is NULL), as per-field
 * parts: the caller concatenates or gathers them.
 */
function unionParts(group: readonly RowGroup[]): { fields: Field[]; parts: Vector[][] } {
  const types = new Map<string, SqlType>()
  for (const append of group) {
    for (const field of append.fields) if (!types.has(field.name)) types.set(field.name, field.type)
  }
  const fields = [...types].map(([name, type]) => ({ name, type }))
  const parts = fields.map((field) =>
    group.map((append) => {
      const index = append.fields.findIndex((candidate) => candidate.name === field.name)
      return index < 0 ? nullVector(field.type, append.batch.length) : append.batch.columns[index]!
    }),
  )
  return { fields, parts }
}

/**
 * Concatenates each field's parts in the order of the table's time column (as it will be after
 * this commit), if it has one: only the time column is concatenated to find the order; every
 * column is then gathered from its parts in one copy.
 */
function sortByTime(
  info: TableInfo,
  fields: readonly Field[],
  parts: readonly (readonly Vector[])[],
): { columns: Vector[]; timeColumn: string | null } {
  const whole = (index: number): Vector => {
    const field = fields[index]!
    const columnParts = parts[index]!
    return columnParts.length === 1 ? columnParts[0]! : concatVectors(field.type, columnParts)
  }
  const known = new Set(info.columns.map((column) => column.name))
  const added: ColumnInfo[] = fields
    .filter((field) => !known.has(field.name))
    .map((field, index) => ({ ...field, attnum: info.columns.length + index + 1, declared: false }))
  const timeColumn = timeColumnOf([...info.columns, ...added], info.timeField)
  const timeIndex = fields.findIndex((field) => field.name === timeColumn)
  if (timeIndex < 0) return { columns: fields.map((_, index) => whole(index)), timeColumn: null }
  const order = timeSortPermutation(whole(timeIndex))
  let sorted = true
  for (let row = 0; row < order.length && sorted; row++) sorted = order[row] === row
  if (sorted) return { columns: fields.map((_, index) => whole(index)), timeColumn }
  const columns = fields.map((field, index) => takeRowsFromParts(field.type, parts[index]!, order))
  return { columns, timeColumn }
}
