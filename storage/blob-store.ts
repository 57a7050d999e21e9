// The blob store contract: immutable objects by key, a local directory by default and S3
// when users outgrow one machine. Keys are relative paths: segments of [A-Za-z0-9._=-]
// joined by '/', no empty, '.' or '..' segment (both backends accept them as they are).
import { PgError, SqlState } from '../common/index.js'

/**
 * Contract every backend keeps (blob-store.contract.ts checks it):
 *
 * - `put` is atomic and durable: once it resolves, the whole object survives a crash, and a
 *   reader never sees a partial object. Putting an existing key replaces it.
 * - `get` and `size` answer undefined for a missing key; `getRange` throws 58030 for one.
 * - `delete` of a missing key is not an error.
 * - `list(prefix)` answers every key starting with `prefix`, sorted.
 */
export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>
  get(key: string): Promise<Uint8Array | undefined>
  /** Reads `length` bytes from `offset`; fewer only when the object ends first. */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>
  size(key: string): Promise<number | undefined>
  delete(key: string): Promise<void>
  list(prefix: string): Promise<string[]>
}

const keySegment = /^[A-Za-z0-9._=-]+$/

/** True when `key` is a well-formed blob key. */
export function isValidBlobKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024) return false
  return key.split('/').every((part) => keySegment.test(part) && part !== '.' && part !== '..')
}

/** The error for a blob that metadata names but the store lacks. */
export function blobMissing(key: string): PgError {
  return new PgError({
    code: SqlState.ioError,
    message: `could not read blob "${key}"`,
    detail: 'The blob does not exist.',
  })
}
