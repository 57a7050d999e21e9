// The worker's view of the segment directory: a read-only BlobStore that keeps file
// descriptors open (segments are immutable, so an open descriptor always reads the bytes the
// metadata named, even after compaction deletes the file) and reads with positioned
// synchronous reads. A worker thread runs one task at a time, so blocking it on a page-cache
// read is cheaper than three libuv round trips (open, read, close) per column chunk.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { PgError, SqlState, assert } from '../../common/index.js'
import {
  SegmentFooterCache,
  openSegmentReader,
  storagePaths,
  type BlobStore,
  type SegmentReader,
} from '../../storage/index.js'

/** Descriptors a worker keeps open; the least recently used is closed past this. */
const OpenFilesMax = 512
/** Footers a worker keeps parsed. */
const FootersMax = 4096

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT'
}

class CachedFileBlobStore implements BlobStore {
  private readonly descriptors = new Map<string, number>()

  constructor(private readonly root: string) {}

  private descriptor(key: string): number {
    const cached = this.descriptors.get(key)
    if (cached !== undefined) {
      this.descriptors.delete(key)
      this.descriptors.set(key, cached)
      return cached
    }
    const parts = key.split('/')
    assert(
      parts.every((part) => part !== '' && part !== '.' && part !== '..'),
      'blob key is a relative path',
    )
    let descriptor: number
    try {
      descriptor = openSync(join(this.root, ...parts), 'r')
    } catch (error) {
      if (isMissing(error))
        throw new PgError({
          code: SqlState.ioError,
          message: `could not read blob "${key}"`,
          detail: 'The blob does not exist.',
        })
      throw error
    }
    this.descriptors.set(key, descriptor)
    while (this.descriptors.size > OpenFilesMax) {
      const oldest = this.descriptors.entries().next()
      if (oldest.done === true) break
      this.descriptors.delete(oldest.value[0])
      closeSync(oldest.value[1])
    }
    return descriptor
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    assert(Number.isSafeInteger(offset) && offset >= 0, 'range offset is a non-negative integer')
    assert(Number.isSafeInteger(length) && length >= 0, 'range length is a non-negative integer')
    const descriptor = this.descriptor(key)
    const bytes = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const read = readSync(descriptor, bytes, filled, length - filled, offset + filled)
      if (read === 0) break
      filled += read
    }
    return filled === length ? bytes : bytes.slice(0, filled)
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return fstatSync(this.descriptor(key)).size
    } catch (error) {
      if (error instanceof PgError) return undefined
      throw error
    }
  }

  put(): Promise<void> {
    throw new Error('worker segment files are read-only')
  }

  get(): Promise<Uint8Array | undefined> {
    throw new Error('worker segment files are read whole only through getRange')
  }

  delete(): Promise<void> {
    throw new Error('worker segment files are read-only')
  }

  list(): Promise<string[]> {
    throw new Error('worker segment files do not list')
  }
}

/** Opens segments of one data directory, keeping descriptors and footers across tasks. */
export class WorkerSegmentFiles {
  private readonly blobs: CachedFileBlobStore
  private readonly footers = new SegmentFooterCache(FootersMax)

  constructor(dataDir: string) {
    this.blobs = new CachedFileBlobStore(storagePaths(dataDir).segmentsDir)
  }

  openSegment(blobKey: string): Promise<SegmentReader> {
    return openSegmentReader(this.blobs, blobKey, this.footers)
  }
}
