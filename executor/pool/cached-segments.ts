// A thread's segment openers with its caches: open descriptors and parsed footers, decoded
// column chunks and token filters. Every worker thread has one; the coordinator has a smaller
// one for the scans it runs itself (cached-inline-runner.ts). Segments never change, so none
// of these caches goes stale.
import {
  DirectoryBlobLocation,
  openSegmentsForWorker,
  type BlobLocation,
} from '../../storage/index.js'
import type { SegmentReader } from '../../storage/api.js'
import { DecodedColumnCache } from './decoded-column-cache.js'
import { WorkerSegmentFiles } from './segment-files.js'
import { TokenFilterCache } from './token-filter-cache.js'

export interface SegmentCacheSizes {
  readonly decodedBytes: number
  readonly tokenFilterBytes: number
}

export class CachedSegments {
  private readonly openers = new Map<string, Pick<WorkerSegmentFiles, 'openSegment'>>()
  readonly decoded: DecodedColumnCache
  readonly filters: TokenFilterCache

  constructor(
    private readonly blob: BlobLocation = DirectoryBlobLocation,
    sizes: SegmentCacheSizes,
  ) {
    this.decoded = new DecodedColumnCache(sizes.decodedBytes)
    this.filters = new TokenFilterCache(sizes.tokenFilterBytes)
  }

  /** Opens segment `blobKey` of the data dir `dataDir` through the caches. */
  async open(dataDir: string, blobKey: string): Promise<SegmentReader> {
    let opener = this.openers.get(dataDir)
    if (opener === undefined) {
      opener =
        this.blob.kind === 'directory'
          ? new WorkerSegmentFiles(dataDir)
          : openSegmentsForWorker(dataDir, undefined, this.blob)
      this.openers.set(dataDir, opener)
    }
    const reader = this.decoded.wrap(await opener.openSegment(blobKey), blobKey)
    return this.filters.wrap(reader, blobKey)
  }
}
