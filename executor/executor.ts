// The executor's entry point: runs one planned statement. Queries stream batches from an
// operator tree; INSERT drains its source and commits the rows in one append; DDL goes to
// the catalog; SET/SHOW/BEGIN/COMMIT/ROLLBACK answer from the session. Inside a transaction
// block INSERT and COPY FROM add to the session's WriteTransaction, which the gateway ends.
import { availableParallelism } from 'node:os'
import { PgError, SqlState, assertNever, type Batch } from '../common/index.js'
import type { Storage } from '../storage/api.js'
import { DirectoryBlobLocation } from '../storage/index.js'
import { copyFrom } from './copy/copy-from.js'
import type { CopyRows, CopyTransfer } from './copy/copy-transfer.js'
import { CopyWriter } from './copy/copy-writer.js'
import { explainBatch } from './explain.js'
import { explainAnalyze } from './explain-analyze.js'
import { concatBatches } from './expr/batch-ops.js'
import { makeTextVector } from './expr/vector-builders.js'
import { buildOperator } from './operators/build.js'
import { checkCanceled, type OperatorContext } from './operators/operator.js'
import type { RegNames } from './functions/reg-names.js'
import type { ExecutableStatement, OutputField, PhysicalPlan } from './plan.js'
import { CachedInlineRunner, CoordinatorCacheSizes } from './pool/cached-inline-runner.js'
import { CachedSegments } from './pool/cached-segments.js'
import type { FragmentRunner } from './pool/fragment-runner.js'
import { InlineRunner } from './pool/inline-runner.js'
import { WorkerPoolRunner } from './pool/worker-pool.js'
import { applySetting, showAllBatch, showAllFields, showSetting } from './settings.js'
import type { WriteTransaction } from './write-transaction.js'

/** Rows one INSERT may add: they are held in memory to commit atomically. */
export const InsertRowsMax = 1_000_000
/** How long truncated segments stay readable for statements that pinned them. */
const TruncateGraceMs = 60_000

export interface ExecutorOptions {
  readonly storage: Storage
  readonly dataDir: string
  /** Worker threads for scan fragments; 0 runs fragments inline. Defaults to the core count. */
  readonly workerThreads?: number
}

export interface ExecutionSession {
  readonly timeZone: string
  /** SET writes here under lower-case names; the caller derives timeZone etc. from it. */
  readonly settings: Map<string, string>
  /** Inside BEGIN ... COMMIT: where INSERT and COPY FROM put their rows until COMMIT. */
  readonly transaction?: WriteTransaction | null
  /** The statement's reg names (set from the statement by run()). */
  readonly regNames?: RegNames
  /** pg_cancel_backend / pg_terminate_backend: the server's sessions, by pid. */
  readonly signalBackend?: (pid: number, kind: 'cancel' | 'terminate') => boolean
}

export interface ExecutionResult {
  readonly fields: readonly OutputField[] | null
  readonly batches: AsyncIterable<Batch>
  /** The CommandComplete tag, final once `batches` is drained. */
  commandTag(): string
  readonly transaction: 'begin' | 'commit' | 'rollback' | null
  /** Set for COPY: the gateway runs the COPY sub-protocol with it. */
  readonly copy?: CopyTransfer
  /** Set for DEALLOCATE / DISCARD: the prepared statements the session drops. */
  readonly release?: readonly string[] | 'all'
  /** The names the rows' reg values print as (the statement's database's). */
  readonly regNames?: RegNames
}

const noBatches: AsyncIterable<Batch> = { [Symbol.asyncIterator]: async function* () {} }

function done(tag: string, transaction: ExecutionResult['transaction'] = null): ExecutionResult {
  return { fields: null, batches: noBatches, commandTag: () => tag, transaction }
}

export class Executor {
  private readonly storage: Storage
  private readonly dataDir: string
  private readonly workerThreads: number
  private runner: FragmentRunner | null = null
  private smallRunner: FragmentRunner | null = null

  constructor(options: ExecutorOptions) {
    this.storage = options.storage
    this.dataDir = options.dataDir
    this.workerThreads = options.workerThreads ?? availableParallelism()
  }

  /** The pool starts with the first scan, so sessions that never scan start no threads. */
  private fragments(): FragmentRunner {
    this.runner ??=
      this.workerThreads <= 0
        ? new InlineRunner(this.storage)
        : new WorkerPoolRunner({
            maxThreads: this.workerThreads,
            ...(this.storage.config.blob === undefined ? {} : { blob: this.storage.config.blob }),
          })
    return this.runner
  }

  /** With a worker pool, the coordinator's own runner for tiny scans (cached-inline-runner.ts). */
  private smallFragments(): FragmentRunner | null {
    if (this.workerThreads <= 0) return null
    this.smallRunner ??= new CachedInlineRunner(
      new CachedSegments(this.storage.config.blob ?? DirectoryBlobLocation, CoordinatorCacheSizes),
    )
    return this.smallRunner
  }

  /** Runs one statement; row-returning statements stream their batches lazily. */
  async run(
    statement: ExecutableStatement,
    session: ExecutionSession,
    signal: AbortSignal,
  ): Promise<ExecutionResult> {
    checkCanceled(signal)
    const regNames = 'regNames' in statement ? statement.regNames : undefined
    if (regNames !== undefined) session = { ...session, regNames }
    switch (statement.kind) {
      case 'query':
        if (statement.analyze === true)
          return this.runExplainAnalyze(statement.plan, statement.fields, session, signal)
        return this.runQuery(statement.plan, statement.fields, session, signal)
      case 'insert':
        return done(`INSERT 0 ${await this.runInsert(statement, session, signal)}`)
      case 'create-table': {
        const { tenant, table, columns, ifNotExists, settings } = statement
        await this.storage.catalog.createTable(tenant, table, columns, ifNotExists, settings)
        return done('CREATE TABLE')
      }
      case 'add-columns': {
        const { tenant, table, columns, ifExists } = statement
        const found = await this.storage.catalog.addColumns(tenant, table, columns, true)
        if (!found && !ifExists) {
          throw new PgError({
            code: SqlState.undefinedTable,
            message: `relation "${table}" does not exist`,
          })
        }
        return done('ALTER TABLE')
      }
      case 'truncate':
        for (const table of statement.tables)
          await this.storage.catalog.truncateTable(statement.tenant, table, TruncateGraceMs)
        return done('TRUNCATE TABLE')
      case 'create-table-as':
        return done(await this.runCreateTableAs(statement, session, signal))
      case 'drop-table':
        await this.dropTables(statement.tenant, statement.tables, statement.ifExists)
        return done('DROP TABLE')
      case 'alter-table': {
        const { tenant, table, settings } = statement
        const found = await this.storage.catalog.alterTableSettings(tenant, table, settings)
        if (!found && !statement.ifExists) {
          throw new PgError({
            code: SqlState.undefinedTable,
            message: `relation "${table}" does not exist`,
          })
        }
        return done('ALTER TABLE')
      }
      case 'transaction':
        return done(statement.action.toUpperCase(), statement.action)
      case 'set':
        applySetting(statement.name, statement.value, session.settings)
        return done('SET')
      case 'show':
        return this.runShow(statement.name, session)
      case 'empty':
        return done('')
      case 'release':
        return { ...done(statement.tag), release: statement.statements }
      case 'copy-from':
        return this.runCopyFrom(statement, session, signal)
      case 'copy-to':
        return this.runCopyTo(statement, session, signal)
      default:
        return assertNever(statement, 'statement kind')
    }
  }

  private context(session: ExecutionSession, signal: AbortSignal): OperatorContext {
    const small = this.smallFragments()
    return {
      evalContext: {
        timeZone: session.timeZone,
        nowMicros: Date.now() * 1000,
        ...(session.regNames === undefined ? {} : { regNames: session.regNames }),
        ...(session.signalBackend === undefined ? {} : { signalBackend: session.signalBackend }),
      },
      signal,
      fragments: this.fragments(),
      ...(small === null ? {} : { smallFragments: small }),
      dataDir: this.dataDir,
    }
  }

  private runQuery(
    plan: PhysicalPlan,
    fields: readonly OutputField[],
    session: ExecutionSession,
    signal: AbortSignal,
  ): ExecutionResult {
    const operator = buildOperator(plan, this.context(session, signal))
    let rows = 0
    const batches = async function* (): AsyncGenerator<Batch> {
      for await (const batch of operator) {
        rows += batch.length
        yield batch
      }
    }
    return {
      fields,
      batches: batches(),
      commandTag: () => `SELECT ${rows}`,
      transaction: null,
      ...(session.regNames === undefined ? {} : { regNames: session.regNames }),
    }
  }

  private runExplainAnalyze(
    plan: PhysicalPlan,
    fields: readonly OutputField[],
    session: ExecutionSession,
    signal: AbortSignal,
  ): ExecutionResult {
    const context = this.context(session, signal)
    const batches = async function* (): AsyncGenerator<Batch> {
      yield explainBatch(await explainAnalyze(plan, context))
    }
    return { fields, batches: batches(), commandTag: () => 'EXPLAIN', transaction: null }
  }

  private async runInsert(
    statement: ExecutableStatement & { kind: 'insert' },
    session: ExecutionSession,
    signal: AbortSignal,
  ): Promise<number> {
    const collected: Batch[] = []
    let rows = 0
    for await (const batch of buildOperator(statement.source, this.context(session, signal))) {
      rows += batch.length
      if (rows > InsertRowsMax) {
        throw new PgError({
          code: SqlState.programLimitExceeded,
          message: 'too many rows in one INSERT statement',
          detail: `One INSERT may add at most ${InsertRowsMax} rows.`,
          hint: 'Split the rows over several INSERT statements, or use COPY.',
        })
      }
      if (batch.length > 0) collected.push(batch)
    }
    checkCanceled(signal)
    if (rows === 0) return 0
    const { tenant, table, columns } = statement
    const batch = concatBatches(collected)
    if (session.transaction != null) await session.transaction.add(tenant, table, columns, batch)
    else await this.storage.writer.append(tenant, table, columns, batch)
    return rows
  }

  /**
   * CREATE TABLE ... AS: creates the table, then loads the query's rows as one bulk append,
   * so they become visible together; on any failure the table is dropped again, leaving
   * nothing behind, as PostgreSQL's transactional DDL would.
   */
  private async runCreateTableAs(
    statement: ExecutableStatement & { kind: 'create-table-as' },
    session: ExecutionSession,
    signal: AbortSignal,
  ): Promise<string> {
    const { tenant, table, columns, ifNotExists, settings, source } = statement
    const created = await this.storage.catalog.createTable(
      tenant,
      table,
      columns,
      ifNotExists,
      settings,
    )
    // Skipped (IF NOT EXISTS) or WITH NO DATA: PostgreSQL's tag names the statement.
    if (created === undefined || source === null) return 'CREATE TABLE AS'
    try {
      const bulk = await this.storage.writer.beginBulk(tenant, table)
      try {
        for await (const batch of buildOperator(source, this.context(session, signal))) {
          checkCanceled(signal)
          if (batch.length > 0) await bulk.add(columns, batch)
        }
        return `SELECT ${await bulk.commit()}`
      } catch (error) {
        await bulk.abort()
        throw error
      }
    } catch (error) {
      await this.storage.catalog.dropTable(tenant, table)
      throw error
    }
  }

  private async dropTables(
    tenant: string,
    tables: readonly string[],
    ifExists: boolean,
  ): Promise<void> {
    // Like PostgreSQL, check every name before dropping any.
    const existing: string[] = []
    for (const table of tables) {
      if ((await this.storage.catalog.getTable(tenant, table)) !== undefined) existing.push(table)
      else if (!ifExists) {
        const message = `table "${table}" does not exist`
        throw new PgError({ code: SqlState.undefinedTable, message })
      }
    }
    for (const table of existing) await this.storage.catalog.dropTable(tenant, table)
  }

  private runShow(name: string, session: ExecutionSession): ExecutionResult {
    const all = name.toLowerCase() === 'all'
    const setting = all ? null : showSetting(name, session.settings)
    const batch: Batch =
      setting === null
        ? showAllBatch(session.settings)
        : { length: 1, columns: [makeTextVector('text', [setting.value])] }
    const fields: OutputField[] =
      setting === null
        ? showAllFields
        : [{ name: setting.name, type: 'text', tableOid: 0, columnNumber: 0 }]
    const batches = async function* (): AsyncGenerator<Batch> {
      yield batch
    }
    return { fields, batches: batches(), commandTag: () => 'SHOW', transaction: null }
  }

  private runCopyFrom(
    statement: ExecutableStatement & { kind: 'copy-from' },
    session: ExecutionSession,
    signal: AbortSignal,
  ): ExecutionResult {
    let rows = 0
    const storage = this.storage
    const copy: CopyTransfer = {
      direction: 'in',
      columnCount: statement.columns.length,
      consume: async (source) => {
        const transaction = session.transaction ?? null
        rows = await copyFrom(storage, statement, source, session.timeZone, signal, transaction)
        return rows
      },
    }
    return { ...done(''), commandTag: () => `COPY ${rows}`, copy }
  }

  private runCopyTo(
    statement: ExecutableStatement & { kind: 'copy-to' },
    session: ExecutionSession,
    signal: AbortSignal,
  ): ExecutionResult {
    const operator = buildOperator(statement.plan, this.context(session, signal))
    const writer = new CopyWriter(statement.options, {
      timeZone: session.timeZone,
      ...(session.regNames === undefined ? {} : { regNames: session.regNames }),
    })
    let rows = 0
    const chunks = async function* (): AsyncGenerator<CopyRows> {
      if (statement.options.header) yield writer.header(statement.fields)
      for await (const batch of operator) {
        if (batch.length === 0) continue
        rows += batch.length
        yield writer.rows(batch)
      }
    }
    const copy: CopyTransfer = {
      direction: 'out',
      columnCount: statement.fields.length,
      chunks: chunks(),
    }
    return { ...done(''), commandTag: () => `COPY ${rows}`, copy }
  }

  /** Stops the worker pool; running statements fail. */
  async close(): Promise<void> {
    const runner = this.runner
    this.runner = null
    if (runner !== null) await runner.close()
  }
}
