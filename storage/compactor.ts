// Compaction: merges small segments of one (tenant, table, time bucket) into one larger,
// time-sorted segment and swaps inputs for output in one metadata transaction.
//
//   plan (compaction-policy.ts) ──► open inputs ──► read the time column of every input
//   ──► merge permutation (k-way over sorted runs) ──► per column: read all inputs' batches,
//   gather by the permutation ──► encode ──► BlobStore.put (fsynced) ──► ONE transaction:
//   every input still live? remove inputs, add output, record inputs as replaced (delete after
//   the grace period) : abort, nothing changes
//
// The output blob key sits in an in-progress set from before its upload until its commit ends,
// so the garbage collector never takes it for an orphan. An aborted commit (an input was
// dropped or merged elsewhere meanwhile) leaves the output as an orphan for the collector.
// Queries read one snapshot of segment records (listSegments), so each sees either the inputs
// or the output, never both and never neither; replaced blobs outlive the swap by the grace
// period so a query that pinned the old snapshot finishes. Memory is bounded by the output
// size (outputRowsMax rows): columns are read and gathered one at a time, but the segment
// writer encodes the whole output at once.
import { randomBytes } from 'node:crypto'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { assert, type Vector } from '../common/index.js'
import type { CompactionRecord, SegmentMeta, TableInfo } from './api.js'
import type { BlobStore } from './blob-store.js'
import { addSegment, decodeSegment, readTable } from './catalog.js'
import {
  DefaultCompactionPolicy,
  assertPolicyValid,
  planCompactions,
  type CompactionPolicyOptions,
  type PlannedMerge,
} from './compaction-policy.js'
import { uploadsInFlight, type ReplacedBlobRecord } from './garbage-collector.js'
import { Keys, decodeRecord, encodeRecord } from './key-layout.js'
import type { MetadataStore } from './metadata-store.js'
import { prefetchedBlob } from './prefetched-blob.js'
import { openSegmentReader } from './segment/segment-reader.js'
import { encodeSegment, segmentColumnStats } from './segment/segment-writer.js'
import { mergeOrder, readTimeRuns, unionFields } from './merge-order.js'
import { concatVectors, takeRows } from './segment/vector-ops.js'
import { CompactionHistoryMs, enforceTableRetention, type RetentionDrop } from './retention.js'

export interface CompactorOptions {
  readonly policy?: Partial<CompactionPolicyOptions>
  /** How long replaced blobs stay readable after the swap. */
  readonly graceMs?: number
  readonly now?: () => number
}

export const DefaultCompactionGraceMs = 60_000

/** Restricts compaction to a tenant and/or a table. */
export interface CompactionFilter {
  readonly tenant?: string
  readonly table?: string
}

/** One merge's outcome. */
export interface MergeResult {
  readonly tenant: string
  readonly table: string
  readonly committed: boolean
  readonly inputs: number
  readonly outputs: number
  readonly rows: number
  readonly inputBytes: number
  readonly outputBytes: number
  readonly durationMs: number
}

/** Process-wide compaction counters, for a system view. */
export interface CompactionCounters {
  mergesCommitted: number
  mergesAborted: number
  mergesFailed: number
  segmentsMerged: number
  segmentsWritten: number
  rowsMerged: number
  bytesRead: number
  bytesWritten: number
  /** Segments the last plan would merge (per table, summed): compaction's remaining work. */
  backlogSegments: number
  replacedBlobsDeleted: number
  orphanBlobsDeleted: number
  /** Segments dropped whole because their rows passed the table's retention. */
  segmentsExpired: number
}

const counters: CompactionCounters = {
  mergesCommitted: 0,
  mergesAborted: 0,
  mergesFailed: 0,
  segmentsMerged: 0,
  segmentsWritten: 0,
  rowsMerged: 0,
  bytesRead: 0,
  bytesWritten: 0,
  backlogSegments: 0,
  replacedBlobsDeleted: 0,
  orphanBlobsDeleted: 0,
  segmentsExpired: 0,
}

/** A copy of this process's compaction counters. */
export function compactionCounters(): Readonly<CompactionCounters> {
  return { ...counters }
}

/** Adds to the process-wide counters (the garbage collection loop reports its deletes here). */
export function countCompaction(delta: Partial<CompactionCounters>): void {
  for (const [name, value] of Object.entries(delta) as [keyof CompactionCounters, number][]) {
    counters[name] += value
  }
}

/** An output written and durable but not yet committed. */
export interface PreparedMerge {
  readonly table: TableInfo
  readonly inputs: readonly SegmentMeta[]
  readonly output: SegmentMeta
  readonly startedAtMs: number
}

export class Compactor {
  readonly policy: CompactionPolicyOptions
  readonly graceMs: number
  private readonly now: () => number
  private readonly inProgress = new Set<string>()

  constructor(
    private readonly metadata: MetadataStore,
    private readonly blobs: BlobStore,
    options: CompactorOptions = {},
  ) {
    this.policy = { ...DefaultCompactionPolicy, ...options.policy }
    assertPolicyValid(this.policy)
    this.graceMs = options.graceMs ?? DefaultCompactionGraceMs
    this.now = options.now ?? Date.now
    assert(this.graceMs >= 0, 'grace period is not negative')
  }

  /** Blob keys of outputs being written or committed right now. */
  inProgressBlobKeys(): ReadonlySet<string> {
    return this.inProgress
  }

  /** Every table (of every tenant, or those `filter` names). */
  async listTables(filter: CompactionFilter = {}): Promise<TableInfo[]> {
    return this.metadata.read(async (reader) => {
      const range = Keys.allTables()
      const tables: TableInfo[] = []
      for (const entry of await reader.getRange(range.start, range.end)) {
        const record = decodeRecord<{ tenant: string; name: string }>(entry.value)
        if (filter.tenant !== undefined && record.tenant !== filter.tenant) continue
        if (filter.table !== undefined && record.name !== filter.table) continue
        const table = await readTable(reader, record.tenant, record.name)
        if (table !== undefined) tables.push(table)
      }
      return tables
    })
  }

  /** Plans merges for every table `filter` admits and updates the backlog counter. */
  async plan(filter: CompactionFilter = {}): Promise<{ table: TableInfo; merge: PlannedMerge }[]> {
    const planned: { table: TableInfo; merge: PlannedMerge }[] = []
    let backlogSegments = 0
    for (const table of await this.listTables(filter)) {
      const segments = await this.metadata.read(async (reader) => {
        const range = Keys.segmentsOf(table.tenant, table.name)
        return (await reader.getRange(range.start, range.end)).map((e) => decodeSegment(e.value))
      })
      const plan = planCompactions(segments, this.policy)
      backlogSegments += plan.backlogSegments
      for (const merge of plan.merges) planned.push({ table, merge })
    }
    counters.backlogSegments = backlogSegments
    return planned
  }

  /**
   * Plans once and runs the planned merges one after another; answers their results. Stops
   * early when `shouldStop` says so. A merge that throws counts as failed and is reported
   * through `onError`; the others still run.
   */
  async compactRound(
    filter: CompactionFilter = {},
    hooks: CompactionHooks = {},
  ): Promise<MergeResult[]> {
    const results: MergeResult[] = []
    for (const { table, merge } of await this.plan(filter)) {
      if (hooks.shouldStop?.() === true) break
      try {
        const result = await this.merge(table, merge.inputs)
        results.push(result)
        hooks.onMerge?.(result)
      } catch (error) {
        counters.mergesFailed++
        hooks.onError?.(error)
      }
      await yieldToEventLoop()
    }
    return results
  }

  /** Drops expired segments of every table `filter` admits that has a retention. */
  async enforceRetention(filter: CompactionFilter = {}): Promise<RetentionDrop[]> {
    const drops: RetentionDrop[] = []
    for (const table of await this.listTables(filter)) {
      const drop = await enforceTableRetention(this.metadata, table, this.graceMs, this.now())
      if (drop === null) continue
      counters.segmentsExpired += drop.segments
      drops.push(drop)
    }
    return drops
  }

  /** Runs rounds until a round commits nothing (or shouldStop); answers every result. */
  async compactUntilIdle(
    filter: CompactionFilter = {},
    hooks: CompactionHooks = {},
  ): Promise<MergeResult[]> {
    const results: MergeResult[] = []
    for (;;) {
      const round = await this.compactRound(filter, hooks)
      results.push(...round)
      if (hooks.shouldStop?.() === true || !round.some((result) => result.committed)) break
    }
    return results
  }

  /** Merges `inputs` (segments of `table`) and commits the swap; answers what happened. */
  async merge(table: TableInfo, inputs: readonly SegmentMeta[]): Promise<MergeResult> {
    const prepared = await this.prepareMerge(table, inputs)
    let committed: boolean
    try {
      committed = await this.commitMerge(prepared)
    } finally {
      this.unmarkInProgress(prepared.output.blobKey)
    }
    const rows = prepared.output.rows
    const inputBytes = inputs.reduce((sum, input) => sum + input.bytes, 0)
    const outputBytes = prepared.output.bytes
    if (committed) {
      counters.mergesCommitted++
      counters.segmentsMerged += inputs.length
      counters.segmentsWritten++
      counters.rowsMerged += rows
      counters.bytesRead += inputBytes
      counters.bytesWritten += outputBytes
    } else {
      counters.mergesAborted++
    }
    return {
      tenant: table.tenant,
      table: table.name,
      committed,
      inputs: inputs.length,
      outputs: 1,
      rows,
      inputBytes,
      outputBytes,
      durationMs: this.now() - prepared.startedAtMs,
    }
  }

  /**
   * Writes the merged output durably and marks it in progress; the caller commits it with
   * commitMerge and then calls release (merge does both).
   */
  async prepareMerge(table: TableInfo, inputs: readonly SegmentMeta[]): Promise<PreparedMerge> {
    assert(inputs.length >= 1, 'a merge has inputs')
    const startedAtMs = this.now()
    // Oldest first, so rows with equal times keep their arrival order.
    const ordered = [...inputs].sort((a, b) => (a.segmentId < b.segmentId ? -1 : 1))
    const readers = await Promise.all(
      ordered.map(async (input) =>
        openSegmentReader(
          await prefetchedBlob(this.blobs, input.blobKey, input.bytes),
          input.blobKey,
        ),
      ),
    )
    const fields = unionFields(readers)
    const timeField = fields.find((field) => field.name === table.timeColumn)
    const order =
      timeField === undefined ? null : mergeOrder(await readTimeRuns(readers, timeField))
    const columns: Vector[] = []
    for (const field of fields) {
      const parts: Vector[] = []
      for (const reader of readers) {
        for (let batch = 0; batch < reader.batchCount; batch++) {
          parts.push(await reader.readColumn(batch, field.name, field.type))
        }
      }
      const whole = parts.length === 1 ? parts[0]! : concatVectors(field.type, parts)
      columns.push(order === null ? whole : takeRows(whole, order))
      await yieldToEventLoop()
    }
    const { bytes, footer } = encodeSegment(fields, columns)
    assert(footer.rows === sumRows(inputs), 'a merge keeps every row')
    const segmentId = newSegmentId(this.now())
    const output: SegmentMeta = {
      segmentId,
      tenant: table.tenant,
      table: table.name,
      blobKey: `t${table.oid}/${segmentId}.seg`,
      rows: footer.rows,
      bytes: bytes.length,
      minTs: Math.min(...inputs.map((input) => input.minTs)),
      maxTs: Math.max(...inputs.map((input) => input.maxTs)),
      level: Math.max(...inputs.map((input) => input.level)) + 1,
      createdAtMs: this.now(),
      columns: segmentColumnStats(footer),
    }
    this.markInProgress(output.blobKey)
    try {
      await this.blobs.put(output.blobKey, bytes)
    } catch (error) {
      this.unmarkInProgress(output.blobKey)
      throw error
    }
    return { table, inputs, output, startedAtMs }
  }

  /**
   * Swaps inputs for the output in one transaction when every input is still live; answers
   * false (and changes nothing) otherwise.
   */
  async commitMerge(prepared: PreparedMerge): Promise<boolean> {
    const { table, inputs, output } = prepared
    const deleteAfterMs = this.now() + this.graceMs
    return this.metadata.transact(async (tx) => {
      for (const input of inputs) {
        const stored = await tx.get(Keys.segment(table.tenant, table.name, input.segmentId))
        if (stored === undefined || decodeSegment(stored).blobKey !== input.blobKey) return false
      }
      for (const input of inputs) {
        tx.clear(Keys.segment(table.tenant, table.name, input.segmentId))
        const record: ReplacedBlobRecord = {
          blobKey: input.blobKey,
          replacedBySegmentId: output.segmentId,
        }
        tx.set(Keys.replaced(deleteAfterMs, input.blobKey), encodeRecord(record))
      }
      addSegment(tx, output)
      const finishedAtMs = this.now()
      const record: CompactionRecord = {
        kind: 'merge',
        tenant: table.tenant,
        table: table.name,
        outputSegmentId: output.segmentId,
        level: output.level,
        inputs: inputs.length,
        outputs: 1,
        rows: output.rows,
        inputBytes: inputs.reduce((sum, input) => sum + input.bytes, 0),
        outputBytes: output.bytes,
        startedAtMs: prepared.startedAtMs,
        finishedAtMs,
      }
      tx.set(Keys.compaction(table.tenant, finishedAtMs, output.segmentId), encodeRecord(record))
      // The history is bounded by age; the merge that adds a record trims the old ones.
      const old = Keys.compactionsBefore(table.tenant, finishedAtMs - CompactionHistoryMs)
      tx.clearRange(old.start, old.end)
      return true
    })
  }

  /** Ends a prepared merge's in-progress mark (an uncommitted output becomes an orphan). */
  release(prepared: PreparedMerge): void {
    this.unmarkInProgress(prepared.output.blobKey)
  }

  private markInProgress(blobKey: string): void {
    this.inProgress.add(blobKey)
    uploadsInFlight.add(blobKey)
  }

  private unmarkInProgress(blobKey: string): void {
    this.inProgress.delete(blobKey)
    uploadsInFlight.delete(blobKey)
  }
}

export interface CompactionHooks {
  readonly onMerge?: (result: MergeResult) => void
  readonly onError?: (error: unknown) => void
  readonly shouldStop?: () => boolean
}

/** A segment id as the writers make them: creation time (base36, sortable), then randomness. */
function newSegmentId(nowMs: number): string {
  return `${Math.floor(nowMs).toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`
}

function sumRows(segments: readonly SegmentMeta[]): number {
  return segments.reduce((sum, segment) => sum + segment.rows, 0)
}
