// The one module that knows how metadata keys are encoded. Both backends (lmdb now,
// FoundationDB later) share it, so a key written by one reads the same on the other.
//
// Keys are tuples encoded so that bytewise order equals tuple order, after FoundationDB's
// tuple layer: a string is 0x02, its UTF-8 bytes with 0x00 escaped as 0x00 0xff, then 0x00;
// a non-negative integer is 0x15 then 8 bytes big-endian. Layout:
//
//   (0x01 'format')                                  -> layout version, JSON number
//   (0x01 'oid-counter')                             -> next table oid, JSON number
//   (0x10 tenant name)                               -> TableRecord JSON
//   (0x11 tenant name attnum)                        -> ColumnRecord JSON
//   (0x12 tenant name segmentId)                     -> SegmentMeta JSON
//   (0x13 blobKey)                                   -> blob to delete once no query needs it
//   (0x14 deleteAfterMs blobKey)                     -> ReplacedBlobRecord JSON: a blob compaction
//                                                       replaced, deleted after its grace period
//   (0x15 tenant table source partition)             -> SourcePositionRecord JSON: where an ingest
//                                                       source (a Kafka topic) resumes, committed
//                                                       with the segments it produced
//   (0x16 tenant table eventId)                      -> committedAtMs, JSON number: an event id in
//                                                       the table's de-duplication window
//   (0x17 tenant table committedAtMs eventId)        -> empty: the same ids in commit-time order,
//                                                       so the oldest expire first
//   (0x18 tenant finishedAtMs segmentId)             -> CompactionRecord JSON: a finished merge or
//                                                       retention drop, for malamute.compactions
//   (0x19 processId)                                 -> ProcessRecord JSON: a running process's
//                                                       role and blob counters (heartbeat)
//
// Records are JSON: metadata is small and read rarely compared with segment bytes.
import { assert } from '../common/index.js'
import { prefixEnd } from './metadata-store.js'

export const KeyLayoutVersion = 1

const Space = {
  system: 0x01,
  table: 0x10,
  column: 0x11,
  segment: 0x12,
  garbage: 0x13,
  replaced: 0x14,
  sourcePosition: 0x15,
  eventId: 0x16,
  eventIdByTime: 0x17,
  compaction: 0x18,
  process: 0x19,
} as const

const StringCode = 0x02
const IntegerCode = 0x15
const encoder = new TextEncoder()
const decoder = new TextDecoder()

type TupleItem = string | number

// Keys are built per event id on the ingest path, so encoding writes straight into one
// buffer instead of going through a number array. The answer is a plain Uint8Array (a
// Buffer's slice() would share memory, and callers rely on slice() copying).
function encodeTuple(space: number, items: readonly TupleItem[]): Uint8Array {
  let bytesMax = 1
  for (const item of items) bytesMax += typeof item === 'string' ? item.length * 3 + 2 : 9
  const out = Buffer.allocUnsafe(bytesMax)
  out[0] = space
  let at = 1
  for (const item of items) {
    if (typeof item === 'string') {
      out[at++] = StringCode
      if (item.includes('\u0000')) {
        for (const byte of encoder.encode(item)) {
          out[at++] = byte
          if (byte === 0x00) out[at++] = 0xff
        }
      } else {
        at += out.write(item, at, 'utf8')
      }
      out[at++] = 0x00
    } else {
      assert(Number.isSafeInteger(item), 'tuple integers are safe integers')
      assert(item >= 0, 'tuple integers are non-negative')
      out[at++] = IntegerCode
      out.writeUInt32BE(Math.floor(item / 2 ** 32), at)
      out.writeUInt32BE(item >>> 0, at + 4)
      at += 8
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, at)
}

/** Decodes a tuple key written by this module (for tests and for listing keys). */
export function decodeTuple(key: Uint8Array): { space: number; items: TupleItem[] } {
  const items: TupleItem[] = []
  let index = 1
  while (index < key.length) {
    const code = key[index++]
    if (code === StringCode) {
      const bytes: number[] = []
      for (;;) {
        const byte = key[index++]
        assert(byte !== undefined, 'tuple string is terminated')
        if (byte === 0x00) {
          if (key[index] === 0xff) {
            bytes.push(0x00)
            index++
            continue
          }
          break
        }
        bytes.push(byte)
      }
      items.push(decoder.decode(Uint8Array.from(bytes)))
    } else {
      assert(code === IntegerCode, 'tuple item code is known')
      let value = 0
      for (let byteIndex = 0; byteIndex < 8; byteIndex++) value = value * 256 + (key[index++] ?? 0)
      items.push(value)
    }
  }
  return { space: key[0] ?? 0, items }
}

export interface KeyRange {
  readonly start: Uint8Array
  readonly end: Uint8Array
}

function rangeOf(prefix: Uint8Array): KeyRange {
  return { start: prefix, end: prefixEnd(prefix) }
}

export const Keys = {
  formatVersion: (): Uint8Array => encodeTuple(Space.system, ['format']),
  oidCounter: (): Uint8Array => encodeTuple(Space.system, ['oid-counter']),
  table: (tenant: string, name: string): Uint8Array => encodeTuple(Space.table, [tenant, name]),
  tablesOf: (tenant: string): KeyRange => rangeOf(encodeTuple(Space.table, [tenant])),
  column: (tenant: string, table: string, attnum: number): Uint8Array =>
    encodeTuple(Space.column, [tenant, table, attnum]),
  columnsOf: (tenant: string, table: string): KeyRange =>
    rangeOf(encodeTuple(Space.column, [tenant, table])),
  segment: (tenant: string, table: string, segmentId: string): Uint8Array =>
    encodeTuple(Space.segment, [tenant, table, segmentId]),
  segmentsOf: (tenant: string, table: string): KeyRange =>
    rangeOf(encodeTuple(Space.segment, [tenant, table])),
  garbage: (blobKey: string): Uint8Array => encodeTuple(Space.garbage, [blobKey]),
  allGarbage: (): KeyRange => rangeOf(Uint8Array.of(Space.garbage)),
  /** Every table record of every tenant. */
  allTables: (): KeyRange => rangeOf(Uint8Array.of(Space.table)),
  /** Every segment record of every tenant and table. */
  allSegments: (): KeyRange => rangeOf(Uint8Array.of(Space.segment)),
  replaced: (deleteAfterMs: number, blobKey: string): Uint8Array =>
    encodeTuple(Space.replaced, [deleteAfterMs, blobKey]),
  allReplaced: (): KeyRange => rangeOf(Uint8Array.of(Space.replaced)),
  sourcePosition: (tenant: string, table: string, source: string, partition: number): Uint8Array =>
    encodeTuple(Space.sourcePosition, [tenant, table, source, partition]),
  sourcePositionsOf: (tenant: string, table: string, source: string): KeyRange =>
    rangeOf(encodeTuple(Space.sourcePosition, [tenant, table, source])),
  /** Every source position of a table (DROP TABLE clears them). */
  sourcePositionsOfTable: (tenant: string, table: string): KeyRange =>
    rangeOf(encodeTuple(Space.sourcePosition, [tenant, table])),
  eventId: (tenant: string, table: string, eventId: string): Uint8Array =>
    encodeTuple(Space.eventId, [tenant, table, eventId]),
  eventIdsOf: (tenant: string, table: string): KeyRange =>
    rangeOf(encodeTuple(Space.eventId, [tenant, table])),
  eventIdByTime: (
    tenant: string,
    table: string,
    committedAtMs: number,
    eventId: string,
  ): Uint8Array => encodeTuple(Space.eventIdByTime, [tenant, table, committedAtMs, eventId]),
  eventIdsByTimeOf: (tenant: string, table: string): KeyRange =>
    rangeOf(encodeTuple(Space.eventIdByTime, [tenant, table])),
  /** A table's ids committed before `beforeMs`, oldest first. */
  eventIdsCommittedBefore: (tenant: string, table: string, beforeMs: number): KeyRange => ({
    start: encodeTuple(Space.eventIdByTime, [tenant, table]),
    end: encodeTuple(Space.eventIdByTime, [tenant, table, Math.max(0, Math.floor(beforeMs))]),
  }),
  /** Replaced blobs whose delete-after time is at most `nowMs`: ordered by that time, so a prefix. */
  replacedDueBy: (nowMs: number): KeyRange => ({
    start: Uint8Array.of(Space.replaced),
    end: encodeTuple(Space.replaced, [Math.floor(nowMs) + 1]),
  }),
  compaction: (tenant: string, finishedAtMs: number, segmentId: string): Uint8Array =>
    encodeTuple(Space.compaction, [tenant, Math.floor(finishedAtMs), segmentId]),
  compactionsOf: (tenant: string): KeyRange => rangeOf(encodeTuple(Space.compaction, [tenant])),
  /** A tenant's compaction records finished before `beforeMs`: a prefix of compactionsOf. */
  compactionsBefore: (tenant: string, beforeMs: number): KeyRange => ({
    start: encodeTuple(Space.compaction, [tenant]),
    end: encodeTuple(Space.compaction, [tenant, Math.max(0, Math.floor(beforeMs))]),
  }),
  process: (processId: string): Uint8Array => encodeTuple(Space.process, [processId]),
  allProcesses: (): KeyRange => rangeOf(Uint8Array.of(Space.process)),
} as const

/** Encodes a record value as JSON bytes. */
export function encodeRecord(record: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(record))
}

/** Decodes a record value written by encodeRecord. */
export function decodeRecord<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T
}
