// The simple and extended query protocols of one session
// (https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.4):
//
//   simple:    Query ─► per statement: [RowDescription, DataRow*] CommandComplete ─► ReadyForQuery
//   extended:  Parse ─► Bind ─► Describe ─► Execute(maxRows) ─► … ─► Sync ─► ReadyForQuery
//                                              └ PortalSuspended: the next Execute resumes
//
// After an error the extended protocol discards messages until Sync. ReadyForQuery's status
// follows ResultStream.transaction: BEGIN makes it T, an error inside a block makes it E,
// and in E only COMMIT/ROLLBACK pass (COMMIT then rolls back, with the tag ROLLBACK). The
// block's writes (SessionState.transaction, made on BEGIN) commit before COMMIT's
// CommandComplete and are aborted by ROLLBACK, by COMMIT of a failed block, or by close().
//
// Savepoints and cursors (session-commands.ts) are answered here. A savepoint remembers how
// many rows the block's WriteTransaction had received; ROLLBACK TO it returns E to T only when
// none arrived since, because a bulk append cannot take back part of its upload. A cursor is
// a portal of its own, kept by name; FETCH sends its rows through the FETCH portal's writers.
import type { Logger } from 'pino'
import type { SqlType } from '../common/index.js'
import { PgError, SqlState, asPgError, assert, sqlTypeByOid, SqlTypes } from '../common/index.js'
import type { CopyTransfer } from '../executor/index.js'
import type { Description, Engine, ParsedStatement, ResultStream, SessionState } from './engine.js'
import type { Portal, PortalFetch } from './portal.js'
import {
  canceledByTimeout,
  canceledByUser,
  closePortal,
  createPortal,
  endsTransaction,
  raceAbort,
  rollsBackToSavepoint,
} from './portal.js'
import { parseSessionCommand, type SessionCommand } from './session-commands.js'
import type { BackendWriter, TransactionStatus } from './protocol/backend-writer.js'
import { formatAt } from './protocol/backend-writer.js'
import type { FrontendMessage } from './protocol/frontend-messages.js'
import { columnWriters, writeDataRows, type ColumnWriter } from './types/data-rows.js'
import { decodeParameter } from './types/parameters.js'
import { reportedParameters, statementTimeoutMs } from './session-settings.js'

interface PreparedStatement {
  readonly statement: ParsedStatement | null
  /** Types the client declared in Parse (undefined: infer); `oids` keeps what it sent. */
  readonly declaredTypes: readonly (SqlType | undefined)[]
  readonly declaredOids: readonly number[]
  description: Description | null
}

/** What the session needs from its connection: the output buffer and a way to drain it. */
export interface Wire {
  readonly out: BackendWriter
  /** Writes buffered output to the socket, waiting for drain when the socket pushes back. */
  flush(): Promise<void>
  /** The next message from the client, for COPY FROM STDIN; null when the connection closed. */
  nextMessage(): Promise<FrontendMessage | null>
  readonly logger: Logger
}

interface Savepoint {
  readonly name: string
  /** WriteTransaction.rowsAdded when the savepoint was set. */
  readonly rowsAdded: number
  /** The cursors open then: ROLLBACK TO closes the ones declared after. */
  readonly cursors: ReadonlySet<string>
}

interface Cursor {
  readonly portal: Portal
  readonly binary: boolean
  /** WITH HOLD: survives COMMIT (not ROLLBACK of the block that declared it). */
  readonly hold: boolean
  declaredInBlock: boolean
}

/** Output past this many bytes is written out mid-result, so memory stays bounded. */
const flushBytesThreshold = 256 * 1024

export class QuerySession {
  transactionStatus: TransactionStatus = 'I'
  private ignoreUntilSync = false
  private readonly statements = new Map<string, PreparedStatement>()
  private readonly portals = new Map<string, Portal>()
  private running: Portal | null = null
  private readonly reported = new Map<string, string>()
  private savepoints: Savepoint[] = []
  private readonly cursors = new Map<string, Cursor>()

  constructor(
    private readonly engine: Engine,
    readonly session: SessionState,
    private readonly wire: Wire,
  ) {}

  /** Sends every reported parameter whose value changed since it was last sent. */
  reportParameters(): void {
    for (const [wireName, key] of reportedParameters) {
      const value = this.session.settings.get(key) ?? ''
      if (this.reported.get(key) === value) continue
      this.reported.set(key, value)
      this.wire.out.parameterStatus(wireName, value)
    }
  }

  /** Aborts the statement running now, if any (CancelRequest). */
  cancel(): void {
    const portal = this.running
    if (portal !== null && !portal.controller.signal.aborted)
      portal.controller.abort(canceledByUser())
  }

  /** Ends every portal and aborts an open block's writes: the connection is going away. */
  close(): void {
    for (const portal of this.portals.values()) closePortal(portal)
    this.portals.clear()
    if (this.running !== null) closePortal(this.running)
    for (const cursor of this.cursors.values()) closePortal(cursor.portal)
    this.cursors.clear()
    const transaction = this.session.transaction
    this.session.transaction = null
    transaction
      ?.abort()
      .catch((error: unknown) => this.wire.logger.error({ err: error }, 'aborting a transaction'))
  }

  /** Handles one query-phase message. */
  async handle(message: FrontendMessage): Promise<void> {
    if (message.kind === 'query') return this.simpleQuery(message.sql)
    if (message.kind === 'sync') return this.sync()
    if (this.ignoreUntilSync) return
    try {
      await this.extended(message)
    } catch (error) {
      this.fail(error)
      this.ignoreUntilSync = true
    }
  }

  private async extended(message: FrontendMessage): Promise<void> {
    const out = this.wire.out
    switch (message.kind) {
      case 'parse':
        return this.parse(message.statementName, message.sql, message.paramTypeOids)
      case 'bind':
        return this.bind(message)
      case 'describe':
        if (message.target === 'statement')
          return this.describeStatement(this.statementNamed(message.name))
        return this.describePortal(this.portalNamed(message.name))
      case 'execute':
        return this.execute(this.portalNamed(message.portalName), message.maxRows)
      case 'close':
        if (message.target === 'statement') this.statements.delete(message.name)
        else this.closePortalNamed(message.name)
        out.closeComplete()
        return
      case 'flush':
        return this.wire.flush()
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        return // PostgreSQL ignores COPY messages outside COPY.
      default:
        throw new PgError({
          code: SqlState.protocolViolation,
          message: `unexpected message type ${message.kind}`,
        })
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    this.ignoreUntilSync = false
    this.closePortalNamed('')
    let statements: ParsedStatement[]
    try {
      statements = this.engine.parse(sql)
    } catch (error) {
      this.fail(error)
      this.readyForQuery()
      return
    }
    if (statements.length === 0) this.wire.out.emptyQueryResponse()
    for (const statement of statements) {
      const portal = createPortal(statement, [], [], [])
      try {
        this.checkNotFailed(statement)
        await this.scoped(portal, async () => {
          await this.start(portal)
          if (portal.result?.fields != null)
            this.wire.out.rowDescription(portal.result.fields, portal.resultFormats)
          await this.run(portal, 0)
        })
      } catch (error) {
        closePortal(portal)
        this.fail(error)
        break
      }
    }
    this.readyForQuery()
  }

  private sync(): void {
    this.ignoreUntilSync = false
    if (this.transactionStatus === 'I') {
      for (const portal of this.portals.values()) closePortal(portal)
      this.portals.clear()
    }
    this.readyForQuery()
  }

  private readyForQuery(): void {
    this.reportParameters()
    this.wire.out.readyForQuery(this.transactionStatus)
  }

  /** Sends an ErrorResponse; an error inside a transaction block fails the block. */
  private fail(error: unknown): void {
    if (!(error instanceof PgError)) this.wire.logger.error({ err: error }, 'internal error')
    this.wire.out.errorResponse(asPgError(error).fields)
    if (this.transactionStatus === 'T') this.transactionStatus = 'E'
  }

  private checkNotFailed(statement: ParsedStatement): void {
    if (this.transactionStatus !== 'E') return
    if (endsTransaction(statement.text) !== null || rollsBackToSavepoint(statement.text)) return
    throw new PgError({
      code: SqlState.inFailedSqlTransaction,
      message: 'current transaction is aborted, commands ignored until end of transaction block',
    })
  }

  private parse(name: string, sql: string, oids: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) {
      throw new PgError({
        code: SqlState.duplicatePreparedStatement,
        message: `prepared statement "${name}" already exists`,
      })
    }
    const parsed = this.engine.parse(sql)
    if (parsed.length > 1) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'cannot insert multiple commands into a prepared statement',
      })
    }
    const declaredTypes = oids.map((oid) => (oid === 0 ? undefined : sqlTypeByOid(oid)))
    this.statements.set(name, {
      statement: parsed[0] ?? null,
      declaredTypes,
      declaredOids: oids,
      description: null,
    })
    this.wire.out.parseComplete()
  }

  private async described(prepared: PreparedStatement): Promise<Description> {
    if (prepared.description !== null) return prepared.description
    if (prepared.statement === null) return { paramTypes: [], fields: null }
    const command = parseSessionCommand(prepared.statement)
    if (command !== null) {
      const cursor = command.kind === 'fetch' ? this.cursors.get(command.name) : undefined
      const fields =
        command.kind === 'fetch' && !command.move ? cursor?.portal.result?.fields : null
      return { paramTypes: [], fields: fields ?? null }
    }
    try {
      prepared.description = await this.engine.describe(
        prepared.statement,
        prepared.declaredTypes,
        this.session,
      )
    } catch (error) {
      throw shiftPosition(error, prepared.statement.offset)
    }
    return prepared.description
  }

  private async describeStatement(prepared: PreparedStatement): Promise<void> {
    const description = await this.described(prepared)
    const count = Math.max(description.paramTypes.length, prepared.declaredOids.length)
    const oids: number[] = []
    for (let i = 0; i < count; i++) {
      const declared = prepared.declaredOids[i] ?? 0
      const inferred = description.paramTypes[i]
      oids.push(
        declared !== 0
          ? declared
          : inferred === undefined
            ? SqlTypes.text.oid
            : SqlTypes[inferred].oid,
      )
    }
    this.wire.out.parameterDescription(oids)
    if (description.fields === null) this.wire.out.noData()
    else this.wire.out.rowDescription(description.fields, [])
  }

  private async bind(message: Extract<FrontendMessage, { kind: 'bind' }>): Promise<void> {
    const prepared = this.statementNamed(message.statementName)
    if (message.portalName !== '' && this.portals.has(message.portalName)) {
      throw new PgError({
        code: SqlState.duplicateCursor,
        message: `cursor "${message.portalName}" already exists`,
      })
    }
    if (prepared.statement !== null) this.checkNotFailed(prepared.statement)
    const needsTypes = message.params.some(
      (_, i) => formatAt(message.paramFormats, i) === 1 && prepared.declaredTypes[i] === undefined,
    )
    const inferred = needsTypes ? (await this.described(prepared)).paramTypes : []
    const expected = prepared.description?.paramTypes.length ?? prepared.declaredOids.length
    if (message.params.length < expected) {
      throw new PgError({
        code: SqlState.protocolViolation,
        message: `bind message supplies ${message.params.length} parameters, but prepared statement "${message.statementName}" requires ${expected}`,
      })
    }
    const params = message.params.map((bytes, i) => {
      const type = prepared.declaredTypes[i] ?? inferred[i] ?? 'text'
      return decodeParameter(type, formatAt(message.paramFormats, i), bytes)
    })
    this.closePortalNamed(message.portalName)
    this.portals.set(
      message.portalName,
      createPortal(prepared.statement, params, prepared.declaredTypes, message.resultFormats),
    )
    this.wire.out.bindComplete()
  }

  private async describePortal(portal: Portal): Promise<void> {
    await this.scoped(portal, () => this.start(portal))
    const fields = portal.result?.fields
    if (fields == null) this.wire.out.noData()
    else this.wire.out.rowDescription(fields, portal.resultFormats)
  }

  private async execute(portal: Portal, maxRows: number): Promise<void> {
    if (portal.statement === null) {
      this.wire.out.emptyQueryResponse()
      return
    }
    try {
      await this.scoped(portal, async () => {
        await this.start(portal)
        await this.run(portal, maxRows)
      })
    } catch (error) {
      closePortal(portal)
      throw error
    }
  }

  /** Starts the statement behind a portal (once): engine.execute, or the gateway's own answer. */
  private async start(portal: Portal): Promise<void> {
    if (portal.result !== null || portal.localTransaction !== null || portal.statement === null)
      return
    if (this.transactionStatus === 'E' && endsTransaction(portal.statement.text) !== null) {
      portal.localTransaction = 'rollback'
      return
    }
    const signal = portal.controller.signal
    const command = parseSessionCommand(portal.statement)
    const result =
      command !== null
        ? await this.runSessionCommand(portal, command)
        : await raceAbort(
            this.engine.execute(
              portal.statement,
              portal.params,
              portal.paramTypes,
              this.session,
              signal,
            ),
            signal,
          )
    portal.result = result
    portal.iterator = result.batches[Symbol.asyncIterator]()
    if (result.fields !== null) {
      portal.writers = columnWriters(result.fields, portal.resultFormats, (vector, row) =>
        this.engine.formatText(vector, row, this.session),
      )
    }
  }

  /** Sends up to `maxRows` rows (0: all), then CommandComplete, or PortalSuspended when rows may remain. */
  private async run(portal: Portal, maxRows: number): Promise<void> {
    const out = this.wire.out
    if (portal.localTransaction !== null || portal.tag !== null) {
      portal.tag ??= 'ROLLBACK'
      if (portal.localTransaction !== null) {
        await this.endWrites('rollback')
        this.endTransactionBlock('rollback')
      }
      out.commandComplete(portal.tag)
      return
    }
    const result = portal.result
    if (result === null)
      throw new PgError({ code: SqlState.internalError, message: 'portal was not started' })
    if (result.copy !== undefined) return this.runCopy(portal, result.copy)
    if (portal.fetch !== null) return this.runFetch(portal, portal.fetch)
    const limit = maxRows > 0 ? maxRows : Infinity
    const sent = await this.sendRows(portal, portal.writers, limit, portal.controller.signal)
    if (sent === limit) {
      out.portalSuspended()
      return
    }
    if (result.release !== undefined) this.releaseStatements(result.release)
    if (result.transaction === 'commit' || result.transaction === 'rollback')
      await this.endWrites(result.transaction)
    portal.tag = result.commandTag()
    out.commandComplete(portal.tag)
    if (result.transaction === 'begin') {
      this.transactionStatus = 'T'
      this.session.transaction ??= this.engine.beginTransaction?.() ?? null
    } else if (result.transaction !== null) this.endTransactionBlock(result.transaction)
    this.reportParameters()
  }

  /**
   * Sends up to `limit` rows of `source` through `writers` (null: skips them) and returns how
   * many; fewer than `limit` means the rows ran out, and the source's iterator is dropped.
   */
  private async sendRows(
    source: Portal,
    writers: ColumnWriter[] | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<number> {
    const out = this.wire.out
    let sent = 0
    while (sent < limit) {
      const batch = source.batch
      if (batch !== null && source.rowOffset < batch.length) {
        const end = Math.min(batch.length, source.rowOffset + (limit - sent))
        if (writers !== null) writeDataRows(out, batch, source.rowOffset, end, writers)
        sent += end - source.rowOffset
        source.rowOffset = end
        if (out.length >= flushBytesThreshold) await this.wire.flush()
        continue
      }
      const iterator = source.iterator
      if (iterator === null) break
      const next = await raceAbort(iterator.next(), signal)
      if (next.done === true) break
      source.batch = next.value
      source.rowOffset = 0
    }
    if (sent < limit) {
      source.iterator = null
      source.batch = null
    }
    return sent
  }

  /** FETCH / MOVE: the cursor's next rows, then `FETCH n` / `MOVE n`. */
  private async runFetch(portal: Portal, fetch: PortalFetch): Promise<void> {
    const writers = fetch.move ? null : portal.writers
    const sent = await this.sendRows(fetch.cursor, writers, fetch.count, portal.controller.signal)
    portal.tag = `${fetch.move ? 'MOVE' : 'FETCH'} ${sent}`
    this.wire.out.commandComplete(portal.tag)
  }

  /** Runs SAVEPOINT, RELEASE, ROLLBACK TO, DECLARE, FETCH, MOVE or CLOSE on session state. */
  private async runSessionCommand(portal: Portal, command: SessionCommand): Promise<ResultStream> {
    switch (command.kind) {
      case 'savepoint':
        this.requireBlock('SAVEPOINT')
        this.savepoints.push({
          name: command.name,
          rowsAdded: this.rowsAdded(),
          cursors: new Set(this.cursors.keys()),
        })
        return completed('SAVEPOINT')
      case 'release':
        this.requireBlock('RELEASE SAVEPOINT')
        this.savepoints.length = this.savepointIndex(command.name)
        return completed('RELEASE')
      case 'rollbackTo':
        return this.rollbackToSavepoint(command.name)
      case 'declare':
        return this.declareCursor(portal, command)
      case 'fetch': {
        const cursor = this.cursorNamed(command.name)
        portal.fetch = { cursor: cursor.portal, count: command.count, move: command.move }
        if (cursor.binary && portal.resultFormats.length === 0) portal.resultFormats = [1]
        const fields = command.move ? null : (cursor.portal.result?.fields ?? null)
        return { ...completed('FETCH 0'), fields, commandTag: () => portal.tag ?? 'FETCH 0' }
      }
      case 'close': {
        const names = command.name === null ? [...this.cursors.keys()] : [command.name]
        for (const name of names) {
          closePortal(this.cursorNamed(name).portal)
          this.cursors.delete(name)
        }
        return completed('CLOSE CURSOR')
      }
    }
  }

  /** ROLLBACK TO: keeps the savepoint, drops later ones and the cursors declared since. */
  private rollbackToSavepoint(name: string): ResultStream {
    this.requireBlock('ROLLBACK TO SAVEPOINT')
    const index = this.savepointIndex(name)
    const savepoint = this.savepoints[index]
    assert(savepoint !== undefined, 'savepointIndex returns an index of the stack')
    if (this.rowsAdded() > savepoint.rowsAdded) {
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: 'ROLLBACK TO SAVEPOINT after writes is not supported yet',
        detail: 'Rows were written in this transaction block since the savepoint was set.',
        hint: 'Roll back the whole transaction block with ROLLBACK.',
      })
    }
    this.savepoints.length = index + 1
    for (const [cursorName, cursor] of this.cursors) {
      if (savepoint.cursors.has(cursorName)) continue
      closePortal(cursor.portal)
      this.cursors.delete(cursorName)
    }
    this.transactionStatus = 'T'
    return completed('ROLLBACK')
  }

  /** DECLARE: starts the query in a portal of its own, kept until CLOSE or the block's end. */
  private async declareCursor(
    portal: Portal,
    command: Extract<SessionCommand, { kind: 'declare' }>,
  ): Promise<ResultStream> {
    if (!command.hold) this.requireBlock('DECLARE CURSOR')
    if (this.cursors.has(command.name)) {
      throw new PgError({
        code: SqlState.duplicateCursor,
        message: `cursor "${command.name}" already exists`,
      })
    }
    const formats = command.binary ? [1 as const] : []
    const cursor = createPortal(command.query, portal.params, portal.paramTypes, formats)
    try {
      await this.start(cursor)
    } catch (error) {
      closePortal(cursor)
      throw shiftPosition(error, command.query.offset - (portal.statement?.offset ?? 0))
    }
    this.cursors.set(command.name, {
      portal: cursor,
      binary: command.binary,
      hold: command.hold,
      declaredInBlock: this.transactionStatus !== 'I',
    })
    return completed('DECLARE CURSOR')
  }

  private requireBlock(command: string): void {
    if (this.transactionStatus !== 'I') return
    throw new PgError({
      code: SqlState.noActiveSqlTransaction,
      message: `${command} can only be used in transaction blocks`,
    })
  }

  /** The newest savepoint of that name (3B001 when there is none). */
  private savepointIndex(name: string): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--)
      if (this.savepoints[i]?.name === name) return i
    throw new PgError({
      code: SqlState.invalidSavepointSpecification,
      message: `savepoint "${name}" does not exist`,
    })
  }

  private rowsAdded(): number {
    return this.session.transaction?.rowsAdded ?? 0
  }

  private cursorNamed(name: string): Cursor {
    const cursor = this.cursors.get(name)
    if (cursor !== undefined) return cursor
    throw new PgError({
      code: SqlState.invalidCursorName,
      message: `cursor "${name}" does not exist`,
    })
  }

  /**
   * The COPY sub-protocol (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-COPY):
   *
   *   FROM STDIN:  CopyInResponse ─► client CopyData* ─► CopyDone | CopyFail ─► CommandComplete
   *   TO STDOUT:   CopyOutResponse ─► CopyData* ─► CopyDone ─► CommandComplete
   *
   * An error ends COPY IN at once; the client's remaining CopyData, CopyDone and CopyFail are
   * then ignored like any copy message outside COPY.
   */
  private async runCopy(portal: Portal, copy: CopyTransfer): Promise<void> {
    const out = this.wire.out
    out.copyResponse(copy.direction, copy.columnCount)
    if (copy.direction === 'in') {
      await this.wire.flush()
      await copy.consume(this.copyInData(portal.controller.signal))
    } else {
      const iterator = copy.chunks[Symbol.asyncIterator]()
      for (;;) {
        const next = await raceAbort(iterator.next(), portal.controller.signal)
        if (next.done === true) break
        out.copyData(next.value)
        if (out.length >= flushBytesThreshold) await this.wire.flush()
      }
      out.copyDone()
    }
    portal.iterator = null
    portal.tag = portal.result?.commandTag() ?? 'COPY 0'
    out.commandComplete(portal.tag)
  }

  /** The CopyData payloads of a COPY FROM STDIN, until CopyDone; CopyFail becomes 57014. */
  private async *copyInData(signal: AbortSignal): AsyncGenerator<Uint8Array> {
    for (;;) {
      const message = await raceAbort(this.wire.nextMessage(), signal)
      if (message === null) {
        throw new PgError({
          code: SqlState.connectionFailure,
          message: 'unexpected EOF on client connection with an open transaction',
        })
      }
      switch (message.kind) {
        case 'copyData':
          yield message.data
          continue
        case 'copyDone':
          return
        case 'copyFail':
          throw new PgError({
            code: SqlState.queryCanceled,
            message: `COPY from stdin failed: ${message.message}`,
          })
        case 'flush':
        case 'sync':
          continue // PostgreSQL ignores Flush and Sync during COPY IN.
        default:
          throw new PgError({
            code: SqlState.protocolViolation,
            message: `unexpected message type ${message.kind} during COPY from stdin`,
          })
      }
    }
  }

  /**
   * Commits or aborts the block's writes. A failed COMMIT has aborted them all: the block is
   * over (status I, as after PostgreSQL's failed COMMIT) and the error goes to the client.
   */
  private async endWrites(action: 'commit' | 'rollback'): Promise<void> {
    const transaction = this.session.transaction
    this.session.transaction = null
    if (transaction === null) return
    if (action === 'rollback') return transaction.abort()
    try {
      await transaction.commit()
    } catch (error) {
      this.endTransactionBlock('rollback')
      throw error
    }
  }

  /** Back to I: savepoints go; cursors too, except WITH HOLD ones a COMMIT keeps. */
  private endTransactionBlock(end: 'commit' | 'rollback'): void {
    this.transactionStatus = 'I'
    this.savepoints = []
    for (const [name, cursor] of this.cursors) {
      if (cursor.hold && (end === 'commit' || !cursor.declaredInBlock)) {
        cursor.declaredInBlock = false
        continue
      }
      closePortal(cursor.portal)
      this.cursors.delete(name)
    }
    for (const [name, portal] of this.portals) {
      if (portal.tag === null && portal !== this.running) {
        closePortal(portal)
        this.portals.delete(name)
      }
    }
  }

  /**
   * Runs a portal's work with statement_timeout armed and the portal registered as the one
   * CancelRequest aborts. An error raised after the signal aborted is reported as the abort's
   * reason (57014); error positions are shifted by the statement's offset in its query string.
   */
  private async scoped<T>(portal: Portal, body: () => Promise<T>): Promise<T> {
    const controller = portal.controller
    const timeoutMs = statementTimeoutMs(this.session.settings.get('statement_timeout'))
    const timer =
      timeoutMs > 0 ? setTimeout(() => controller.abort(canceledByTimeout()), timeoutMs) : null
    this.running = portal
    try {
      return await body()
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof PgError)
        throw controller.signal.reason
      throw shiftPosition(error, portal.statement?.offset ?? 0)
    } finally {
      if (timer !== null) clearTimeout(timer)
      this.running = null
    }
  }

  /** DEALLOCATE name (26000 when there is none) or ALL; the unnamed statement is never dropped. */
  private releaseStatements(names: readonly string[] | 'all'): void {
    if (names === 'all') {
      for (const name of this.statements.keys()) if (name !== '') this.statements.delete(name)
      return
    }
    for (const name of names) this.statementNamed(name)
    for (const name of names) this.statements.delete(name)
  }

  private statementNamed(name: string): PreparedStatement {
    const prepared = this.statements.get(name)
    if (prepared !== undefined) return prepared
    throw new PgError({
      code: SqlState.invalidSqlStatementName,
      message: `prepared statement "${name}" does not exist`,
    })
  }

  private portalNamed(name: string): Portal {
    const portal = this.portals.get(name)
    if (portal !== undefined) return portal
    throw new PgError({
      code: SqlState.invalidCursorName,
      message: `portal "${name}" does not exist`,
    })
  }

  private closePortalNamed(name: string): void {
    const portal = this.portals.get(name)
    if (portal === undefined) return
    closePortal(portal)
    this.portals.delete(name)
  }
}

const noBatches: AsyncIterable<never> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
}

/** The result of a statement the session answered itself: no rows, then `tag`. */
function completed(tag: string): ResultStream {
  return { fields: null, batches: noBatches, commandTag: () => tag, transaction: null }
}

/** Makes an error's position count from the start of the client's query string. */
function shiftPosition(error: unknown, offset: number): unknown {
  if (!(error instanceof PgError) || offset === 0) return error
  const position = error.fields.position
  return position === undefined
    ? error
    : new PgError({ ...error.fields, position: position + offset })
}
