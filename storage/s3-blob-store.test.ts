// S3BlobStore against a real S3 HTTP server (s3rver on 127.0.0.1, started here): the BlobStore
// contract, bare and behind the range cache; multipart uploads; no retry on 4xx; and a segment
// written by the ingest writer read back with ranged GETs, counted.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { PgError, type Batch, type Field, type Vector } from '../common/index.js'
import { blobStoreCounters } from './blob-counters.js'
import { parseBlobLocation, parseMetadataLocation } from './blob-location.js'
import { CachingBlobStore } from './blob-range-cache.js'
import { blobStoreContract } from './blob-store.contract.js'
import { openStorage } from './index.js'
import { S3BlobStore, isRetryableS3Error } from './s3-blob-store.js'
import { S3TestCredentials, startS3TestServer, type S3TestServer } from './s3-test-server.js'
import { openSegmentReader } from './segment/segment-reader.js'

let server: S3TestServer
const stores: S3BlobStore[] = []
let prefixes = 0

before(async () => {
  server = await startS3TestServer()
})

after(async () => {
  for (const store of stores) store.close()
  await server.close()
})

/** A store over a fresh prefix of the shared bucket: empty, as the contract asks. */
function freshStore(options: { multipartThresholdBytes?: number; attemptsMax?: number } = {}) {
  const store = new S3BlobStore({
    bucket: server.bucket,
    prefix: `run-${process.pid}-${prefixes++}/`,
    endpoint: server.endpoint,
    credentials: S3TestCredentials,
    ...options,
  })
  stores.push(store)
  return store
}

blobStoreContract('s3', { open: async () => freshStore() })
blobStoreContract('s3 behind the range cache', {
  open: async () => new CachingBlobStore(freshStore(), 1024 * 1024),
})

test('s3: objects over the threshold go up in parts and read back whole', async () => {
  const store = freshStore({ multipartThresholdBytes: 1024 })
  const bytes = Uint8Array.from({ length: 12 * 1024 * 1024 + 3 }, (_, index) => (index * 7) % 256)
  await store.put('big/object', bytes)
  // CreateMultipartUpload, two 8 MiB-or-less parts, CompleteMultipartUpload.
  assert.equal(store.counters.putRequests, 4)
  assert.equal(store.counters.bytesWritten, bytes.length)
  assert.equal(await store.size('big/object'), bytes.length)
  assert.deepEqual(await store.get('big/object'), bytes)
  const middle = 8 * 1024 * 1024 - 5
  assert.deepEqual(await store.getRange('big/object', middle, 10), bytes.slice(middle, middle + 10))
})

test('s3: a 4xx is not retried, a refused connection is, then fails with 58030', async () => {
  const noSuchBucket = new S3BlobStore({
    bucket: 'no-such-bucket',
    endpoint: server.endpoint,
    credentials: S3TestCredentials,
  })
  stores.push(noSuchBucket)
  await assert.rejects(noSuchBucket.put('k', new Uint8Array([1])), PgError)
  assert.equal(noSuchBucket.counters.retries, 0)

  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
  const unreachable = new S3BlobStore({
    bucket: server.bucket,
    endpoint: `http://127.0.0.1:${closedPort}`,
    credentials: S3TestCredentials,
    attemptsMax: 3,
    backoffBaseMs: 1,
  })
  stores.push(unreachable)
  await assert.rejects(unreachable.get('k'), (error: unknown) => {
    return (
      error instanceof PgError &&
      error.code === '58030' &&
      /3 attempts/.test(error.fields.detail ?? '')
    )
  })
  assert.equal(unreachable.counters.retries, 2)
  assert.equal(isRetryableS3Error({ $metadata: { httpStatusCode: 503 } }), true)
  assert.equal(isRetryableS3Error({ $metadata: { httpStatusCode: 403 } }), false)
})

const numbers = (type: 'int8' | 'timestamptz', values: number[]): Vector => ({
  kind: 'number',
  type,
  length: values.length,
  validity: null,
  values: Float64Array.from(values),
})

test('s3: an ingested segment reads back through ranged GETs: footer, then only asked chunks', async () => {
  const prefix = `storage-${process.pid}`
  const storage = await openStorage({
    dataDir: mkdtempSync(join(tmpdir(), 'malamute-s3-storage-')),
    blob: parseBlobLocation(`s3://${server.bucket}/${prefix}`, { endpoint: server.endpoint }),
    metadata: parseMetadataLocation('lmdb'),
    s3Credentials: S3TestCredentials,
  })
  try {
    const fields: Field[] = [
      { name: 'ts', type: 'timestamptz' },
      { name: 'a', type: 'int8' },
      { name: 'b', type: 'int8' },
      { name: 'c', type: 'int8' },
    ]
    await storage.catalog.createTable('acme', 'events', fields, false)
    // Larger than the reader's 64 KiB tail read, and hard to compress (or bit-pack: 31 bits
    // of a hash per value, no common step or delta).
    const rows = 20_000
    const ids = Array.from({ length: rows }, (_, row) => row)
    const scrambled = (row: number, factor: number): number => {
      let h = Math.imul(row ^ (row >>> 16), Math.imul(0x45d9f3b, factor))
      h = Math.imul(h ^ (h >>> 16), 0x45d9f3b)
      return (h ^ (h >>> 16)) >>> 1
    }
    const batch: Batch = {
      length: rows,
      columns: [
        numbers(
          'timestamptz',
          ids.map((row) => 1_700_000_000_000_000 + row),
        ),
        numbers('int8', ids),
        numbers(
          'int8',
          ids.map((row) => scrambled(row, 2)),
        ),
        numbers(
          'int8',
          ids.map((row) => scrambled(row, 3)),
        ),
      ],
    }
    assert.equal(await storage.writer.append('acme', 'events', fields, batch), rows)
    const [segment] = await storage.catalog.listSegments('acme', 'events')
    assert.ok(segment !== undefined)
    assert.ok(segment.blobKey.length > 0)

    // A reader with its own uncached store, so every read is a request.
    const direct = new S3BlobStore({
      bucket: server.bucket,
      prefix: `${prefix}/`,
      endpoint: server.endpoint,
      credentials: S3TestCredentials,
    })
    stores.push(direct)
    const before = blobStoreCounters()
    const segmentReader = await openSegmentReader(direct, segment.blobKey)
    assert.equal(direct.counters.headRequests, 1)
    assert.equal(direct.counters.getRequests, 1, 'one ranged GET of the tail reads the footer')
    const b = await segmentReader.readColumn(0, 'b', 'int8')
    assert.equal(direct.counters.getRequests, 2, 'one more ranged GET for the one chunk asked')
    assert.ok(b.kind === 'number' && b.values[10] === scrambled(10, 2))
    assert.ok(direct.counters.bytesRead < segment.bytes, 'only part of the segment was read')
    assert.equal(blobStoreCounters().getRequests - before.getRequests, 2)

    // Through the storage's own cached store, a second read of the chunk makes no request.
    const cachedReader = await storage.openSegment(segment.blobKey)
    await cachedReader.readColumn(0, 'c', 'int8')
    const requestsAfterFirst = blobStoreCounters().getRequests
    const hitsAfterFirst = blobStoreCounters().cacheHits
    const again = await (await storage.openSegment(segment.blobKey)).readColumn(0, 'c', 'int8')
    assert.ok(again.kind === 'number' && again.values[10] === scrambled(10, 3))
    assert.equal(blobStoreCounters().getRequests, requestsAfterFirst)
    assert.ok(blobStoreCounters().cacheHits > hitsAfterFirst)
  } finally {
    await storage.close()
  }
})

test('s3: --blob and --metadata values parse, bad ones fail with 22023', () => {
  assert.deepEqual(parseBlobLocation('file:'), { kind: 'directory' })
  assert.deepEqual(parseBlobLocation('s3://bucket-one/a/b/', { endpoint: 'http://h:1' }), {
    kind: 's3',
    bucket: 'bucket-one',
    prefix: 'a/b/',
    endpoint: 'http://h:1',
  })
  assert.deepEqual(parseBlobLocation('s3://bucket-one'), {
    kind: 's3',
    bucket: 'bucket-one',
    prefix: '',
  })
  assert.deepEqual(parseMetadataLocation('fdb:/etc/fdb.cluster'), {
    kind: 'fdb',
    clusterFile: '/etc/fdb.cluster',
  })
  for (const bad of ['s3://', 'http://x/y', 's3://b/a//c', 's3://UPPER/x']) {
    assert.throws(
      () => parseBlobLocation(bad),
      (error: unknown) => {
        return error instanceof PgError && error.code === '22023'
      },
    )
  }
  assert.throws(() => parseMetadataLocation('postgres'), PgError)
})
