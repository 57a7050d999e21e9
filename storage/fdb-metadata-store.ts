// MetadataStore over FoundationDB, for when metadata outgrows one machine. The `foundationdb`
// npm package is an optionalDependency loaded by dynamic import only when `--metadata fdb`
// asks for it: it binds libfdb_c (the FoundationDB client library, installed with the
// FoundationDB client packages), which most machines lack, and nothing else may need it.
//
// FoundationDB already is what metadata-store.ts describes: an ordered byte-key store with
// serializable optimistic transactions and read-your-writes (range reads included). So each
// call maps one to one: transact runs fn in `doTransaction`, which retries fn on conflicts;
// after conflictRetriesMax retries FoundationDB answers not_committed (1020), which becomes
// PgError 40001. Every key lives under `keyPrefix`, so clusters and tests can share one
// database. Limits to know: values up to 100 kB, keys up to 10 kB, a transaction up to 10 MB
// and 5 seconds.
import { PgError, SqlState, assert } from '../common/index.js'
import type {
  KeyValue,
  MetadataReader,
  MetadataStore,
  MetadataTransaction,
  RangeReadOptions,
} from './metadata-store.js'

/** The API version Malamute is written against (FoundationDB 6.2 and later accept it). */
const FdbApiVersion = 620
/** FoundationDB's not_committed: the transaction conflicted (and retries ran out). */
const NotCommittedCode = 1020

export interface FdbMetadataStoreOptions {
  /** The cluster file; FoundationDB's default search (FDB_CLUSTER_FILE, /etc) when unset. */
  readonly clusterFile?: string
  /** Every key is stored under this prefix. */
  readonly keyPrefix?: Uint8Array
  /** Conflict retries before transact gives up with 40001. */
  readonly conflictRetriesMax?: number
}

// The slice of the `foundationdb` package this file uses: it is optional, so its own types
// may be absent at build time.
interface FdbTransaction {
  get(key: Buffer): Promise<Buffer | undefined | null>
  getRangeAll(
    start: Buffer,
    end: Buffer,
    options?: { limit?: number; reverse?: boolean },
  ): Promise<[Buffer, Buffer][]>
  set(key: Buffer, value: Buffer): void
  clear(key: Buffer): void
  clearRange(start: Buffer, end: Buffer): void
}

interface FdbDatabase {
  doTransaction<T>(
    body: (tn: FdbTransaction) => Promise<T>,
    options?: Record<string, unknown>,
  ): Promise<T>
  close(): void
}

interface FdbModule {
  setAPIVersion(version: number): void
  open(clusterFile?: string): FdbDatabase
}

let loadedModule: FdbModule | undefined

/** Loads the foundationdb package once, or explains what is missing. */
async function loadFoundationDb(): Promise<FdbModule> {
  if (loadedModule !== undefined) return loadedModule
  // A variable specifier: the compiler must not require the optional package's types.
  const specifier = 'foundationdb'
  let imported: { default?: FdbModule } & Partial<FdbModule>
  try {
    imported = (await import(specifier)) as typeof imported
  } catch (error) {
    throw new PgError({
      code: SqlState.systemError,
      message: 'could not load the FoundationDB client',
      detail: `${error instanceof Error ? error.message : String(error)}`,
      hint:
        '--metadata fdb needs the foundationdb npm package (an optional dependency: npm install ' +
        'foundationdb) and libfdb_c, the FoundationDB client library (install foundationdb-clients ' +
        'from the FoundationDB releases). Use --metadata lmdb for the embedded store.',
    })
  }
  const module = imported.default ?? (imported as FdbModule)
  assert(typeof module.open === 'function', 'the foundationdb package exports open')
  module.setAPIVersion(FdbApiVersion)
  loadedModule = module
  return module
}

const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

function concat(prefix: Uint8Array, key: Uint8Array): Buffer {
  const joined = Buffer.allocUnsafe(prefix.length + key.length)
  joined.set(prefix, 0)
  joined.set(key, prefix.length)
  return joined
}

/** One FoundationDB transaction seen through our reader and transaction interfaces. */
class FdbTransactionView implements MetadataTransaction {
  constructor(
    private readonly tn: FdbTransaction,
    private readonly prefix: Uint8Array,
  ) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.tn.get(concat(this.prefix, key))
    return value ?? undefined
  }

  async getRange(
    start: Uint8Array,
    end: Uint8Array,
    options: RangeReadOptions = {},
  ): Promise<KeyValue[]> {
    if (Buffer.compare(toBuffer(start), toBuffer(end)) >= 0) return []
    if (options.limit !== undefined && options.limit <= 0) return []
    const entries = await this.tn.getRangeAll(
      concat(this.prefix, start),
      concat(this.prefix, end),
      {
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.reverse === true ? { reverse: true } : {}),
      },
    )
    return entries.map(([key, value]) => ({ key: key.subarray(this.prefix.length), value }))
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.tn.set(concat(this.prefix, key), toBuffer(value))
  }

  clear(key: Uint8Array): void {
    this.tn.clear(concat(this.prefix, key))
  }

  clearRange(start: Uint8Array, end: Uint8Array): void {
    this.tn.clearRange(concat(this.prefix, start), concat(this.prefix, end))
  }
}

function isNotCommitted(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === NotCommittedCode
  )
}

export class FdbMetadataStore implements MetadataStore {
  private closed = false

  constructor(
    private readonly database: FdbDatabase,
    readonly keyPrefix: Uint8Array,
    private readonly conflictRetriesMax: number,
  ) {}

  async transact<T>(fn: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    assert(!this.closed, 'transact on an open metadata store')
    try {
      return await this.database.doTransaction(
        (tn) => fn(new FdbTransactionView(tn, this.keyPrefix)),
        { retry_limit: this.conflictRetriesMax },
      )
    } catch (error) {
      if (!isNotCommitted(error)) throw error
      throw new PgError({
        code: SqlState.serializationFailure,
        message: 'could not serialize access due to concurrent metadata updates',
        hint: 'The statement can be retried.',
      })
    }
  }

  read<T>(fn: (reader: MetadataReader) => Promise<T>): Promise<T> {
    assert(!this.closed, 'read on an open metadata store')
    // A read-only transaction commits trivially: one snapshot, nothing written.
    return this.database.doTransaction((tn) => fn(new FdbTransactionView(tn, this.keyPrefix)))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.database.close()
  }
}

/** Loads FoundationDB and opens the database the cluster file names. */
export async function openFdbMetadataStore(
  clusterFile?: string,
  options: Omit<FdbMetadataStoreOptions, 'clusterFile'> = {},
): Promise<FdbMetadataStore> {
  const fdb = await loadFoundationDb()
  const database = fdb.open(clusterFile)
  const keyPrefix = options.keyPrefix ?? new TextEncoder().encode('malamute/')
  return new FdbMetadataStore(database, keyPrefix, options.conflictRetriesMax ?? 100)
}
