// The metadata store contract: an ordered key-value store with serializable transactions.
// The embedded default is lmdb (lmdb-metadata-store.ts); FoundationDB implements the same
// contract later, so reads are async and every write happens inside `transact`.
//
// Keys and values are bytes. Keys order bytewise (memcmp), as in LMDB and FoundationDB;
// key-layout.ts is the one module that knows how keys are encoded.

export interface KeyValue {
  readonly key: Uint8Array
  readonly value: Uint8Array
}

export interface RangeReadOptions {
  /** At most this many entries; all when unset. */
  readonly limit?: number
  /** From the end of the range backwards. */
  readonly reverse?: boolean
}

/** Reads see one snapshot plus the transaction's own writes. */
export interface MetadataReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  /** Entries with start <= key < end, in key order (reversed when asked). */
  getRange(start: Uint8Array, end: Uint8Array, options?: RangeReadOptions): Promise<KeyValue[]>
}

export interface MetadataTransaction extends MetadataReader {
  set(key: Uint8Array, value: Uint8Array): void
  clear(key: Uint8Array): void
  /** Clears every key with start <= key < end. */
  clearRange(start: Uint8Array, end: Uint8Array): void
}

/**
 * Contract every backend keeps (metadata-store.contract.ts checks it):
 *
 * - `transact(fn)` runs fn against a snapshot, buffering its writes, then commits them
 *   atomically and durably (fsynced) before resolving. Transactions are serializable: when
 *   something fn read changed before the commit, nothing is written and fn runs again on a
 *   fresh snapshot. So fn may run more than once and must have no effects other than through
 *   the transaction. After too many conflicts, transact throws PgError 40001 (clients retry).
 * - If fn throws, nothing is written and the error propagates (no retry).
 * - `read(fn)` runs fn on one consistent snapshot and writes nothing.
 */
export interface MetadataStore {
  transact<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T>
  read<T>(fn: (reader: MetadataReader) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Compares two keys bytewise, as the store orders them. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let index = 0; index < length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

/** Returns the first key after every key that starts with `prefix` (FoundationDB's strinc). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  let last = prefix.length - 1
  while (last >= 0 && prefix[last] === 0xff) last--
  if (last < 0) throw new RangeError('prefixEnd: prefix of only 0xff bytes has no end')
  const end = prefix.slice(0, last + 1)
  end[last] = (end[last] ?? 0) + 1
  return end
}
