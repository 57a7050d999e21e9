// BlobStore on S3 (or any S3-compatible store: MinIO, s3rver) through @aws-sdk/client-s3.
//
// * put: one PutObject up to multipartThresholdBytes, a multipart upload beyond (parts of
//   partBytes, a few in flight). S3 makes an object visible only when its PUT or
//   CompleteMultipartUpload succeeds, and then durably, so put keeps the contract's atomic,
//   durable replace; a failed multipart upload is aborted.
// * getRange: one ranged GET (`Range: bytes=a-b`); the segment reader reads the footer first
//   and then only the column chunks a query needs.
// * Retries: our own loop, exponential backoff with jitter, on 5xx answers and network errors
//   only. A 4xx is the caller's mistake or a missing key: retrying cannot help. The SDK's own
//   retries are off (maxAttempts 1) so the rule is in one place and retries are counted.
// * Every request adds to blob-counters.ts (GETs, PUTs, bytes read and written).
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { setTimeout as sleep } from 'node:timers/promises'
import { PgError, SqlState, assert } from '../common/index.js'
import {
  countBlobTraffic,
  countTableBlobTraffic,
  emptyBlobStoreCounters,
  tableOidOfBlobKey,
  type BlobStoreCounters,
} from './blob-counters.js'
import { blobMissing, isValidBlobKey, type BlobStore } from './blob-store.js'

export const DefaultMultipartThresholdBytes = 8 * 1024 * 1024
export const DefaultPartBytes = 8 * 1024 * 1024
/** S3 rejects smaller parts (except the last) with EntityTooSmall. */
const PartBytesMin = 5 * 1024 * 1024
const PartsInFlightMax = 4

export interface S3BlobStoreOptions {
  readonly bucket: string
  /** '' or a prefix ending in '/', put before every key. */
  readonly prefix?: string
  /** An S3-compatible endpoint; addressing is then path-style (http://host/bucket/key). */
  readonly endpoint?: string
  /** Defaults to AWS_REGION, then us-east-1. */
  readonly region?: string
  /** Explicit credentials; the standard AWS environment and profile chain otherwise. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string }
  readonly multipartThresholdBytes?: number
  readonly partBytes?: number
  /** Attempts per request, the first included: 5xx and network errors are retried. */
  readonly attemptsMax?: number
  /** First backoff; each retry doubles it, up to backoffMaxMs. */
  readonly backoffBaseMs?: number
  readonly backoffMaxMs?: number
  /** Per-request timeout: a store that accepts but never answers fails the request. */
  readonly requestTimeoutMs?: number
}

interface S3ErrorShape {
  readonly name?: string
  readonly code?: string
  readonly $metadata?: { readonly httpStatusCode?: number }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  return (error as S3ErrorShape).$metadata?.httpStatusCode
}

/** True for what a retry can fix: 5xx answers and errors below HTTP (refused, reset, timeout). */
export function isRetryableS3Error(error: unknown): boolean {
  if (error instanceof PgError || typeof error !== 'object' || error === null) return false
  const status = statusOf(error)
  if (status !== undefined) return status >= 500
  const { name, code } = error as S3ErrorShape
  return (
    (typeof code === 'string' && /^E[A-Z]+/.test(code)) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout'
  )
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const status = statusOf(error)
  const code = (error as S3ErrorShape).code
  const parts = [error.name, status === undefined ? undefined : `HTTP ${status}`, code]
  const tag = parts.filter((part) => part !== undefined && part !== '').join(', ')
  return error.message === '' ? tag : `${error.message} (${tag})`
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client
  readonly bucket: string
  readonly prefix: string
  /** This store's own traffic; the thread-wide totals are in blobStoreCounters(). */
  readonly counters: BlobStoreCounters = emptyBlobStoreCounters()
  private readonly multipartThresholdBytes: number
  private readonly partBytes: number
  private readonly attemptsMax: number
  private readonly backoffBaseMs: number
  private readonly backoffMaxMs: number

  constructor(options: S3BlobStoreOptions) {
    const prefix = options.prefix ?? ''
    assert(prefix === '' || prefix.endsWith('/'), 'an S3 key prefix ends with a slash')
    this.bucket = options.bucket
    this.prefix = prefix
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? DefaultMultipartThresholdBytes
    this.partBytes = options.partBytes ?? DefaultPartBytes
    assert(this.partBytes >= PartBytesMin, 'multipart parts are at least 5 MiB')
    this.attemptsMax = options.attemptsMax ?? 6
    assert(this.attemptsMax >= 1, 'at least one attempt per request')
    this.backoffBaseMs = options.backoffBaseMs ?? 50
    this.backoffMaxMs = options.backoffMaxMs ?? 2_000
    const compatible = options.endpoint !== undefined
    this.client = new S3Client({
      region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: 5_000,
        requestTimeout: options.requestTimeoutMs ?? 60_000,
      },
      ...(compatible
        ? {
            endpoint: options.endpoint,
            forcePathStyle: true,
            // S3-compatible stores often reject the SDK's newer default checksum headers.
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
      ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    })
  }

  private objectKey(key: string): string {
    assert(isValidBlobKey(key), `blob key is well formed: ${JSON.stringify(key)}`)
    return this.prefix + key
  }

  /** Counts traffic for this store and this thread; GETs and PUTs of `key` also per table. */
  private count(delta: Partial<BlobStoreCounters>, key?: string): void {
    countBlobTraffic(delta, this.counters)
    const oid = key === undefined ? undefined : tableOidOfBlobKey(key)
    if (oid === undefined) return
    countTableBlobTraffic(oid, {
      getRequests: delta.getRequests ?? 0,
      bytesRead: delta.bytesRead ?? 0,
      putRequests: delta.putRequests ?? 0,
      bytesWritten: delta.bytesWritten ?? 0,
    })
  }

  /** Runs `request`, retrying 5xx and network errors with exponential backoff and jitter. */
  private async withRetries<T>(what: string, key: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request()
      } catch (error) {
        if (!isRetryableS3Error(error)) throw error
        if (attempt >= this.attemptsMax) throw this.unavailable(what, key, error, attempt)
        this.count({ retries: 1 })
        const ceilingMs = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1))
        await sleep(ceilingMs / 2 + Math.random() * (ceilingMs / 2))
      }
    }
  }

  private unavailable(what: string, key: string, error: unknown, attempts: number): PgError {
    return new PgError({
      code: SqlState.ioError,
      message: `could not ${what} blob "${key}" in S3 bucket "${this.bucket}"`,
      detail: `${describe(error)}; gave up after ${attempts} attempts.`,
      hint: 'Check that the S3 endpoint is reachable; the statement can be retried.',
    })
  }

  private failed(what: string, key: string, error: unknown): PgError {
    if (error instanceof PgError) return error
    return new PgError({
      code: SqlState.ioError,
      message: `could not ${what} blob "${key}" in S3 bucket "${this.bucket}"`,
      detail: describe(error),
    })
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const Key = this.objectKey(key)
    try {
      if (bytes.length <= this.multipartThresholdBytes) {
        await this.withRetries('write', key, () =>
          this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: bytes })),
        )
        this.count({ putRequests: 1, bytesWritten: bytes.length }, key)
      } else {
        await this.putMultipart(key, Key, bytes)
      }
    } catch (error) {
      throw this.failed('write', key, error)
    }
  }

  private async putMultipart(key: string, Key: string, bytes: Uint8Array): Promise<void> {
    const Bucket = this.bucket
    const created = await this.withRetries('write', key, () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket, Key })),
    )
    this.count({ putRequests: 1 }, key)
    const UploadId = created.UploadId
    assert(UploadId !== undefined, 'CreateMultipartUpload answers an upload id')
    const partCount = Math.ceil(bytes.length / this.partBytes)
    const etags = new Array<string>(partCount)
    let next = 0
    const uploadParts = async (): Promise<void> => {
      while (next < partCount) {
        const index = next++
        const Body = bytes.subarray(index * this.partBytes, (index + 1) * this.partBytes)
        const PartNumber = index + 1
        const answer = await this.withRetries('write', key, () =>
          this.client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body })),
        )
        assert(answer.ETag !== undefined, 'UploadPart answers an ETag')
        etags[index] = answer.ETag
        this.count({ putRequests: 1, bytesWritten: Body.length }, key)
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(PartsInFlightMax, partCount) }, uploadParts))
      const Parts = etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 }))
      await this.withRetries('write', key, () =>
        this.client.send(
          new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }),
        ),
      )
      this.count({ putRequests: 1 }, key)
    } catch (error) {
      // Best effort: an upload left behind costs storage, never correctness (never visible).
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
        .catch(() => undefined)
      throw error
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const Key = this.objectKey(key)
    try {
      return await this.withRetries('read', key, async () => {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }))
        const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array(0)
        this.count({ getRequests: 1, bytesRead: bytes.length }, key)
        return bytes
      })
    } catch (error) {
      if (isNotFound(error)) {
        this.count({ getRequests: 1 }, key)
        return undefined
      }
      throw this.failed('read', key, error)
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    assert(Number.isSafeInteger(offset) && offset >= 0, 'range offset is a non-negative integer')
    assert(Number.isSafeInteger(length) && length >= 0, 'range length is a non-negative integer')
    if (length === 0) {
      // An empty HTTP range does not exist; still answer 58030 for a missing key.
      if ((await this.size(key)) === undefined) throw blobMissing(key)
      return new Uint8Array(0)
    }
    const Key = this.objectKey(key)
    const Range = `bytes=${offset}-${offset + length - 1}`
    try {
      return await this.withRetries('read', key, async () => {
        const answer = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key, Range }),
        )
        const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array(0)
        this.count({ getRequests: 1, bytesRead: bytes.length }, key)
        assert(bytes.length <= length, 'a ranged GET answers at most the range')
        return bytes
      })
    } catch (error) {
      this.count({ getRequests: 1 }, key)
      if (isNotFound(error)) throw blobMissing(key)
      // 416: the range starts at or past the end of an object that exists.
      if (statusOf(error) === 416) return new Uint8Array(0)
      throw this.failed('read', key, error)
    }
  }

  async size(key: string): Promise<number | undefined> {
    const Key = this.objectKey(key)
    try {
      const answer = await this.withRetries('read', key, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })),
      )
      this.count({ headRequests: 1 })
      return answer.ContentLength ?? 0
    } catch (error) {
      this.count({ headRequests: 1 })
      if (isNotFound(error)) return undefined
      throw this.failed('read', key, error)
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key)
    try {
      await this.withRetries('delete', key, () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
      )
      this.count({ deleteRequests: 1 })
    } catch (error) {
      if (isNotFound(error)) return
      throw this.failed('delete', key, error)
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let ContinuationToken: string | undefined
    try {
      do {
        const token = ContinuationToken
        const answer = await this.withRetries('list', prefix, () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: this.prefix + prefix,
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
          ),
        )
        this.count({ listRequests: 1 })
        for (const object of answer.Contents ?? []) {
          if (object.Key !== undefined) keys.push(object.Key.slice(this.prefix.length))
        }
        ContinuationToken = answer.IsTruncated === true ? answer.NextContinuationToken : undefined
      } while (ContinuationToken !== undefined)
    } catch (error) {
      throw this.failed('list', prefix, error)
    }
    return keys.sort()
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy()
  }
}
