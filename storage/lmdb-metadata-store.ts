// MetadataStore over lmdb: the embedded default.
//
// Serializability is optimistic, as FoundationDB does it: a transaction reads one lmdb read
// snapshot and records what it read (keys and ranges, with what it saw). At commit, inside
// lmdb's single write transaction (a lock shared by every process on the environment), the
// reads are repeated against the latest state; if any answer differs, nothing is written and
// fn runs again on a new snapshot. Otherwise the buffered writes apply in that write
// transaction, which lmdb fsyncs before the commit promise resolves (overlappingSync off, so
// a commit is durable before it is visible).
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb'
import { PgError, SqlState, assert } from '../common/index.js'
import {
  compareKeys,
  type KeyValue,
  type MetadataReader,
  type MetadataStore,
  type MetadataTransaction,
  type RangeReadOptions,
} from './metadata-store.js'

export interface LmdbMetadataStoreOptions {
  /** Attempts before transact gives up with 40001. */
  readonly conflictRetriesMax?: number
}

type Write =
  | { readonly kind: 'set'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'clear'; readonly key: Uint8Array }
  | { readonly kind: 'clearRange'; readonly start: Uint8Array; readonly end: Uint8Array }

interface KeyRead {
  readonly key: Uint8Array
  readonly value: Uint8Array | undefined
}

interface RangeRead {
  readonly start: Uint8Array
  readonly end: Uint8Array
  readonly limit: number | undefined
  readonly reverse: boolean
  readonly entries: readonly KeyValue[]
}

type Db = Database<Buffer, Buffer>

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return compareKeys(a, b) === 0
}

function readRange(
  db: Db,
  start: Uint8Array,
  end: Uint8Array,
  limit: number | undefined,
  reverse: boolean,
  transaction?: Transaction,
): KeyValue[] {
  // lmdb's reverse ranges go from `start` down to `end`, so swap the bounds.
  const options = reverse
    ? {
        start: toBuffer(end),
        end: toBuffer(start),
        reverse: true,
        exclusiveStart: true,
        inclusiveEnd: true,
      }
    : { start: toBuffer(start), end: toBuffer(end) }
  const entries: KeyValue[] = []
  if (compareKeys(start, end) >= 0) return entries
  const rangeOptions = {
    ...options,
    ...(limit === undefined ? {} : { limit }),
    ...(transaction === undefined ? {} : { transaction }),
  }
  for (const { key, value } of db.getRange(rangeOptions)) {
    entries.push({ key: Uint8Array.from(key), value: Uint8Array.from(value) })
  }
  return entries
}

function inRange(key: Uint8Array, start: Uint8Array, end: Uint8Array): boolean {
  return compareKeys(key, start) >= 0 && compareKeys(key, end) < 0
}

class LmdbTransaction implements MetadataTransaction {
  readonly writes: Write[] = []
  readonly keyReads: KeyRead[] = []
  readonly rangeReads: RangeRead[] = []

  constructor(
    private readonly db: Db,
    private readonly snapshot: Transaction,
    private readonly writable: boolean,
  ) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    for (let index = this.writes.length - 1; index >= 0; index--) {
      const write = this.writes[index]
      assert(write !== undefined, 'write index is in bounds')
      if (write.kind === 'set' && compareKeys(write.key, key) === 0) return write.value.slice()
      if (write.kind === 'clear' && compareKeys(write.key, key) === 0) return undefined
      if (write.kind === 'clearRange' && inRange(key, write.start, write.end)) return undefined
    }
    const found = this.db.get(toBuffer(key), { transaction: this.snapshot })
    const value = found === undefined ? undefined : Uint8Array.from(found)
    this.keyReads.push({ key: key.slice(), value })
    return value?.slice()
  }

  async getRange(
    start: Uint8Array,
    end: Uint8Array,
    options: RangeReadOptions = {},
  ): Promise<KeyValue[]> {
    const reverse = options.reverse ?? false
    const touched = this.writes.some((write) =>
      write.kind === 'clearRange'
        ? compareKeys(write.start, end) < 0 && compareKeys(start, write.end) < 0
        : inRange(write.key, start, end),
    )
    // With own writes in the range, read it whole and apply them; the limit applies after.
    const snapshotLimit = touched ? undefined : options.limit
    const entries = readRange(this.db, start, end, snapshotLimit, reverse, this.snapshot)
    this.rangeReads.push({
      start: start.slice(),
      end: end.slice(),
      limit: snapshotLimit,
      reverse,
      entries,
    })
    if (!touched)
      return entries.map((entry) => ({ key: entry.key.slice(), value: entry.value.slice() }))
    return this.applyWrites(entries, start, end, options)
  }

  private applyWrites(
    entries: readonly KeyValue[],
    start: Uint8Array,
    end: Uint8Array,
    options: RangeReadOptions,
  ): KeyValue[] {
    const byKey = new Map<string, KeyValue>()
    const hex = (key: Uint8Array): string => Buffer.from(key).toString('hex')
    for (const entry of entries) byKey.set(hex(entry.key), entry)
    for (const write of this.writes) {
      if (write.kind === 'set' && inRange(write.key, start, end)) {
        byKey.set(hex(write.key), { key: write.key, value: write.value })
      } else if (write.kind === 'clear') {
        byKey.delete(hex(write.key))
      } else if (write.kind === 'clearRange') {
        for (const [name, entry] of byKey) {
          if (inRange(entry.key, write.start, write.end)) byKey.delete(name)
        }
      }
    }
    const merged = [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key))
    if (options.reverse === true) merged.reverse()
    const limited = options.limit === undefined ? merged : merged.slice(0, options.limit)
    return limited.map((entry) => ({ key: entry.key.slice(), value: entry.value.slice() }))
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.assertWritable()
    this.writes.push({ kind: 'set', key: key.slice(), value: value.slice() })
  }

  clear(key: Uint8Array): void {
    this.assertWritable()
    this.writes.push({ kind: 'clear', key: key.slice() })
  }

  clearRange(start: Uint8Array, end: Uint8Array): void {
    this.assertWritable()
    this.writes.push({ kind: 'clearRange', start: start.slice(), end: end.slice() })
  }

  private assertWritable(): void {
    assert(this.writable, 'writes happen inside transact, not read')
  }

  /** Repeats every read against the write transaction's state: true when all answer the same. */
  readsStillHold(): boolean {
    for (const read of this.keyReads) {
      if (!sameBytes(this.db.get(toBuffer(read.key)), read.value)) return false
    }
    for (const read of this.rangeReads) {
      const now = readRange(this.db, read.start, read.end, read.limit, read.reverse)
      if (now.length !== read.entries.length) return false
      for (let index = 0; index < now.length; index++) {
        const before = read.entries[index]
        const after = now[index]
        if (!sameBytes(before?.key, after?.key) || !sameBytes(before?.value, after?.value))
          return false
      }
    }
    return true
  }

  /** Applies the buffered writes; runs inside lmdb's write transaction. */
  applyInWriteTransaction(): void {
    for (const write of this.writes) {
      if (write.kind === 'set') {
        this.db.putSync(toBuffer(write.key), toBuffer(write.value))
      } else if (write.kind === 'clear') {
        this.db.removeSync(toBuffer(write.key))
      } else {
        const keys = readRange(this.db, write.start, write.end, undefined, false).map(
          (entry) => entry.key,
        )
        for (const key of keys) this.db.removeSync(toBuffer(key))
      }
    }
  }
}

export class LmdbMetadataStore implements MetadataStore {
  private readonly conflictRetriesMax: number
  private closed = false
  private retryLock: Promise<void> = Promise.resolve()

  private constructor(
    private readonly root: RootDatabase<Buffer, Buffer>,
    options: LmdbMetadataStoreOptions,
  ) {
    this.conflictRetriesMax = options.conflictRetriesMax ?? 50
  }

  /** Opens (creating when missing) the lmdb environment in directory `path`. */
  static open(path: string, options: LmdbMetadataStoreOptions = {}): LmdbMetadataStore {
    const root = open<Buffer, Buffer>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      // Durable commits: the commit promise resolves after fsync, before readers see it.
      overlappingSync: false,
    })
    return new LmdbMetadataStore(root, options)
  }

  async transact<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    // The first attempt runs optimistically. Retries in this process take turns behind one
    // lock, so transactions that keep colliding here make progress instead of livelocking.
    const first = await this.attempt(fn)
    if (first.committed) return first.result
    for (let attempt = 2; attempt <= this.conflictRetriesMax; attempt++) {
      const outcome = await this.withRetryLock(() => this.attempt(fn))
      if (outcome.committed) return outcome.result
      await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 10) * Math.random()))
    }
    throw new PgError({
      code: SqlState.serializationFailure,
      message: 'could not serialize access due to concurrent update',
      detail: `A metadata transaction conflicted ${this.conflictRetriesMax} times.`,
      hint: 'Retry the statement.',
    })
  }

  private async attempt<T>(
    fn: (tx: MetadataTransaction) => Promise<T>,
  ): Promise<{ committed: boolean; result: T }> {
    this.assertOpen()
    const snapshot = this.root.useReadTransaction()
    const tx = new LmdbTransaction(this.root, snapshot, true)
    let result: T
    try {
      result = await fn(tx)
    } finally {
      snapshot.done()
    }
    if (tx.writes.length === 0) return { committed: true, result }
    let committed = false
    await this.root.transaction(() => {
      if (!tx.readsStillHold()) return
      tx.applyInWriteTransaction()
      committed = true
    })
    return { committed, result }
  }

  private async withRetryLock<T>(body: () => Promise<T>): Promise<T> {
    const previous = this.retryLock
    let release = (): void => {}
    this.retryLock = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    try {
      return await body()
    } finally {
      release()
    }
  }

  async read<T>(fn: (reader: MetadataReader) => Promise<T>): Promise<T> {
    this.assertOpen()
    const snapshot = this.root.useReadTransaction()
    try {
      return await fn(new LmdbTransaction(this.root, snapshot, false))
    } finally {
      snapshot.done()
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.root.close()
  }

  private assertOpen(): void {
    assert(!this.closed, 'metadata store is open')
  }
}
