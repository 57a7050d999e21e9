// storage/: where events live. It owns the segment format (immutable, Arrow-layout column
// chunks sorted by the time column, with a footer of per-batch statistics), the blob stores
// that hold segment files, the metadata store (an ordered, transactional KV: lmdb embedded,
// FoundationDB later) with its one key layout, the catalog kept in it, and the group-commit
// ingest writer, and the compactor with its garbage collector (compactor.ts: merges swap in one
// transaction, replaced files outlive the swap by a grace period). Its one promise: a segment
// is visible exactly when its metadata transaction committed, and that commit happens only
// after the segment file is durable; an append is acknowledged only after that commit. It must never expose a segment that is not committed,
// never acknowledge rows before they are durable, never modify a segment file after writing it,
// and never import from the executor, planner or gateway.
//
// Data directory layout: <dataDir>/meta holds the lmdb environment, <dataDir>/segments the
// segment files (blob keys are paths below it). With `blob: s3` the segment files live in a
// bucket instead (s3-blob-store.ts, readers behind a range cache); with `metadata: fdb` the
// metadata lives in FoundationDB (fdb-metadata-store.ts, loaded only when asked for).
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { SegmentReader, Storage, StorageConfig } from './api.js'
import {
  DirectoryBlobLocation,
  LmdbMetadataLocation,
  type BlobLocation,
  type MetadataLocation,
} from './blob-location.js'
import { CachingBlobStore, DefaultRangeCacheBytesMax } from './blob-range-cache.js'
import type { BlobStore } from './blob-store.js'
import { MetadataCatalog } from './catalog.js'
import { Compactor, type CompactorOptions } from './compactor.js'
import { GarbageCollector, type GarbageCollectorOptions } from './garbage-collector.js'
import { DirectoryBlobStore } from './directory-blob-store.js'
import { GroupCommitIngestWriter } from './ingest-writer.js'
import { openFdbMetadataStore } from './fdb-metadata-store.js'
import { LmdbMetadataStore } from './lmdb-metadata-store.js'
import type { MetadataStore } from './metadata-store.js'
import { openSegmentReader, SegmentFooterCache } from './segment/segment-reader.js'

export type * from './api.js'
export type { BlobStore } from './blob-store.js'
export type {
  KeyValue,
  MetadataReader,
  MetadataStore,
  MetadataTransaction,
  RangeReadOptions,
} from './metadata-store.js'
export { compareKeys, prefixEnd } from './metadata-store.js'
export { DirectoryBlobStore } from './directory-blob-store.js'
export { LmdbMetadataStore } from './lmdb-metadata-store.js'
export { FdbMetadataStore, openFdbMetadataStore } from './fdb-metadata-store.js'
// s3-blob-store.ts is loaded on first use (it brings in the AWS SDK): import it directly.
export type { S3BlobStore, S3BlobStoreOptions } from './s3-blob-store.js'
export { CachingBlobStore, DefaultRangeCacheBytesMax } from './blob-range-cache.js'
export {
  blobStoreCounters,
  countTableBlobTraffic,
  tableBlobTraffic,
  tableOidOfBlobKey,
  type BlobStoreCounters,
  type TableBlobTraffic,
} from './blob-counters.js'
export {
  DirectoryBlobLocation,
  LmdbMetadataLocation,
  describeBlobLocation,
  parseBlobLocation,
  parseMetadataLocation,
  type BlobLocation,
  type MetadataLocation,
} from './blob-location.js'
export { FirstTableOid, MetadataCatalog, ProcessStaleMs, timeColumnOf } from './catalog.js'
export {
  GroupCommitIngestWriter,
  checkAppend,
  encodeBulkSegment,
  type IngestWriterOptions,
} from './ingest-writer.js'
export {
  JsonEventBatchBuilder,
  JsonEventError,
  parseIsoTimestampMicros,
  type JsonEventsOptions,
} from './json-events.js'
export { reconcileTypes } from './type-drift.js'
export { DefaultMaxColumns, OverflowColumn } from './column-cap.js'
export { DefaultEventIdWindowMs } from './event-ids.js'
export { encodeSegment, segmentColumnStats } from './segment/segment-writer.js'
export {
  openSegmentReader,
  readSegmentFooter,
  SegmentFooterCache,
} from './segment/segment-reader.js'
export type { SegmentFooter } from './segment/footer.js'
export {
  mayContainTrigrams,
  mayContainValue,
  trigramsOf,
  BitsPerKey as TokenFilterBitsPerKey,
  HashCount as TokenFilterHashCount,
} from './segment/token-filter.js'
export {
  Compactor,
  DefaultCompactionGraceMs,
  compactionCounters,
  type CompactionCounters,
  type CompactionFilter,
  type CompactionHooks,
  type CompactorOptions,
  type MergeResult,
  type PreparedMerge,
} from './compactor.js'
export {
  DefaultCompactionPolicy,
  planCompactions,
  tierOf,
  timeBucketOf,
  type CompactionPolicyOptions,
} from './compaction-policy.js'
export {
  DefaultOrphanSafetyMs,
  GarbageCollector,
  uploadsInFlight,
  type GarbageCollectorOptions,
} from './garbage-collector.js'
export { CompactionHistoryMs, enforceTableRetention, type RetentionDrop } from './retention.js'
export {
  DefaultHeartbeatIntervalMs,
  startProcessHeartbeat,
  type ProcessHeartbeat,
  type ProcessHeartbeatOptions,
} from './process-heartbeat.js'
export {
  startCompactionLoop,
  type CompactionLoop,
  type CompactionLoopOptions,
} from './compaction-loop.js'

/** Footers a process keeps parsed; each is a few KB. */
const FooterCacheEntriesMax = 4096

/** Where a data directory keeps its metadata and its segment files. */
export function storagePaths(dataDir: string): { metaDir: string; segmentsDir: string } {
  return { metaDir: join(dataDir, 'meta'), segmentsDir: join(dataDir, 'segments') }
}

/** Storage with the embedded parts exposed, for tests and for the lead's wiring. */
export interface EmbeddedStorage extends Storage {
  readonly metadata: MetadataStore
  readonly blobs: BlobStore
  readonly catalog: MetadataCatalog
  readonly writer: GroupCommitIngestWriter
}

/** StorageConfig plus knobs only the embedded storage has. */
export interface EmbeddedStorageConfig extends StorageConfig {
  /** Buffered rows per table that cut a flush before flushIntervalMs. */
  readonly flushRowsThreshold?: number
  /** S3 credentials for tests; the standard AWS environment otherwise. */
  readonly s3Credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string }
}

/**
 * Opens the blob store `location` names (creating its directory). S3 sits behind a bounded
 * range cache, and its module (with the AWS SDK) loads only when asked for.
 */
export async function openBlobStore(
  location: BlobLocation,
  dataDir: string,
  credentials?: EmbeddedStorageConfig['s3Credentials'],
): Promise<BlobStore> {
  if (location.kind === 'directory') {
    const { segmentsDir } = storagePaths(dataDir)
    await mkdir(segmentsDir, { recursive: true })
    return new DirectoryBlobStore(segmentsDir)
  }
  const { S3BlobStore } = await import('./s3-blob-store.js')
  const s3 = new S3BlobStore({
    bucket: location.bucket,
    prefix: location.prefix,
    ...(location.endpoint === undefined ? {} : { endpoint: location.endpoint }),
    ...(location.region === undefined ? {} : { region: location.region }),
    ...(credentials === undefined ? {} : { credentials }),
  })
  const cacheBytesMax = location.cacheBytesMax ?? DefaultRangeCacheBytesMax
  return cacheBytesMax > 0 ? new CachingBlobStore(s3, cacheBytesMax) : s3
}

/** Opens the metadata store `location` names (FoundationDB is loaded only when named). */
export async function openMetadataStore(
  location: MetadataLocation,
  dataDir: string,
): Promise<MetadataStore> {
  if (location.kind === 'fdb') return openFdbMetadataStore(location.clusterFile)
  const { metaDir } = storagePaths(dataDir)
  await mkdir(metaDir, { recursive: true })
  return LmdbMetadataStore.open(metaDir)
}

/** Closes what a blob store holds open (an S3 client's sockets). */
function closeBlobStore(blobs: BlobStore): void {
  const inner: BlobStore & { close?: unknown } =
    blobs instanceof CachingBlobStore ? blobs.inner : blobs
  if (typeof inner.close === 'function') inner.close()
}

/** Opens (creating when missing) the storage in `config.dataDir`, or where config names. */
export async function openStorage(config: EmbeddedStorageConfig): Promise<EmbeddedStorage> {
  await mkdir(config.dataDir, { recursive: true })
  const metadata = await openMetadataStore(config.metadata ?? LmdbMetadataLocation, config.dataDir)
  const blobs = await openBlobStore(
    config.blob ?? DirectoryBlobLocation,
    config.dataDir,
    config.s3Credentials,
  )
  const catalog = new MetadataCatalog(metadata, blobs)
  await catalog.collectGarbage()
  const writer = new GroupCommitIngestWriter(catalog, metadata, blobs, {
    ...(config.flushIntervalMs === undefined ? {} : { flushIntervalMs: config.flushIntervalMs }),
    ...(config.flushRowsThreshold === undefined
      ? {}
      : { flushRowsThreshold: config.flushRowsThreshold }),
    ...(config.eventIdWindowMs === undefined ? {} : { eventIdWindowMs: config.eventIdWindowMs }),
    ...(config.maxColumnsDefault === undefined
      ? {}
      : { maxColumnsDefault: config.maxColumnsDefault }),
  })
  const footers = new SegmentFooterCache(FooterCacheEntriesMax)
  let closed = false
  return {
    config,
    metadata,
    blobs,
    catalog,
    writer,
    openSegment: (blobKey: string): Promise<SegmentReader> =>
      openSegmentReader(blobs, blobKey, footers),
    close: async (): Promise<void> => {
      if (closed) return
      closed = true
      await writer.close()
      await metadata.close()
      closeBlobStore(blobs)
    },
  }
}

/** Compaction and garbage collection settings for `compactionFor`. */
export interface CompactionConfig extends CompactorOptions, GarbageCollectorOptions {}

/** The compactor and garbage collector of an embedded storage. */
export function compactionFor(
  storage: EmbeddedStorage,
  config: CompactionConfig = {},
): { compactor: Compactor; collector: GarbageCollector } {
  return {
    compactor: new Compactor(storage.metadata, storage.blobs, config),
    collector: new GarbageCollector(storage.metadata, storage.blobs, config),
  }
}

/** What an executor worker thread needs: segments by blob key, footers cached (bounded). */
export interface WorkerSegments {
  openSegment(blobKey: string): Promise<SegmentReader>
}

/**
 * Opens segments for a worker thread that knows only the data directory and the blob
 * location (no metadata store). Each worker thread keeps its own range cache.
 */
export function openSegmentsForWorker(
  dataDir: string,
  footerCacheEntriesMax = FooterCacheEntriesMax,
  blob: BlobLocation = DirectoryBlobLocation,
): WorkerSegments {
  let blobs: Promise<BlobStore> | undefined
  const footers = new SegmentFooterCache(footerCacheEntriesMax)
  return {
    openSegment: async (blobKey) =>
      openSegmentReader(await (blobs ??= openBlobStore(blob, dataDir)), blobKey, footers),
  }
}
