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
// The block's state, savepoints and cursors live in transaction-block.ts; COPY in
// copy-protocol.ts. FETCH sends a cursor's rows through the FETCH portal's writers here.
import type { Logger } from 'pino'
import { PgError, SqlState, asPgError } from '../common/index.js'
import { runCopy, type CopyWire } from './copy-protocol.js'
import type { Description, Engine, ParsedStatement, SessionState } from './engine.js'
import type { Portal, PortalFetch } from './portal.js'
import {
  canceledByTimeout,
  canceledByUser,
  closePortal,
  createPortal,
  endsTransaction,
  raceAbort,
  rollsBackToSavepoint,
  sendRows,
  shiftPosition,
} from './portal.js'
import { parameterOids, PreparedStatements, type PreparedStatement } from './prepared-statements.js'
import { parseSessionCommand } from './session-commands.js'
import { TransactionBlock } from './transaction-block.js'
import type { TransactionStatus } from './protocol/backend-writer.js'
import { formatAt } from './protocol/backend-writer.js'
import type { FrontendMessage } from './protocol/frontend-messages.js'
import { columnWriters } from './types/data-rows.js'
import { decodeParameter } from './types/parameters.js'
import { reportedParameters, statementTimeoutMs } from './session-settings.js'

/** What the session needs from its connection: the output buffer and a way to drain it. */
export interface Wire extends CopyWire {
  readonly logger: Logger
}

export class QuerySession {
  private ignoreUntilSync = false
  private readonly statements = new PreparedStatements()
  private readonly portals = new Map<string, Portal>()
  private running: Portal | null = null
  private readonly reported = new Map<string, string>()
  private readonly block: TransactionBlock

  constructor(
    private readonly engine: Engine,
    readonly session: SessionState,
    private readonly wire: Wire,
  ) {
    this.block = new TransactionBlock({
      session,
      logger: wire.logger,
      startPortal: (portal) => this.start(portal),
      closeUndrainedPortals: () => this.closeUndrainedPortals(),
      beginWrites: () => this.engine.beginTransaction?.() ?? null,
    })
  }

  /** ReadyForQuery's status: I, T in a transaction block, E in a failed one. */
  get transactionStatus(): TransactionStatus {
    return this.block.status
  }

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
    this.block.close()
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
          return this.describeStatement(this.statements.named(message.name))
        return this.describePortal(this.portalNamed(message.name))
      case 'execute':
        return this.execute(this.portalNamed(message.portalName), message.maxRows)
      case 'close':
        if (message.target === 'statement') this.statements.close(message.name)
        else if (this.portals.has(message.name)) this.closePortalNamed(message.name)
        else this.block.closeCursor(message.name)
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
    this.session.backend?.activity.started(sql)
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
    this.session.backend?.activity.idle(this.transactionStatus)
    this.reportParameters()
    this.wire.out.readyForQuery(this.transactionStatus)
  }

  /** Sends an ErrorResponse; an error inside a transaction block fails the block. */
  private fail(error: unknown): void {
    if (!(error instanceof PgError)) this.wire.logger.error({ err: error }, 'internal error')
    this.wire.out.errorResponse(asPgError(error).fields)
    if (this.block.status === 'T') this.block.status = 'E'
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
    this.statements.add(name, this.engine.parse(sql), oids)
    this.wire.out.parseComplete()
  }

  private async described(prepared: PreparedStatement): Promise<Description> {
    if (prepared.description !== null) return prepared.description
    if (prepared.statement === null) return { paramTypes: [], fields: null }
    const command = parseSessionCommand(prepared.statement)
    if (command !== null) return { paramTypes: [], fields: this.block.commandFields(command) }
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
    const oids = parameterOids(prepared, description)
    this.wire.out.parameterDescription(oids)
    if (description.fields === null) this.wire.out.noData()
    else this.wire.out.rowDescription(description.fields, [])
  }

  private async bind(message: Extract<FrontendMessage, { kind: 'bind' }>): Promise<void> {
    const prepared = this.statements.named(message.statementName)
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
    this.session.backend?.activity.started(portal.statement.text)
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
        ? await this.block.runSessionCommand(portal, command)
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
        this.engine.formatText(vector, row, this.session, result),
      )
    }
  }

  /** Sends up to `maxRows` rows (0: all), then CommandComplete, or PortalSuspended when rows may remain. */
  private async run(portal: Portal, maxRows: number): Promise<void> {
    const out = this.wire.out
    if (portal.localTransaction !== null || portal.tag !== null) {
      portal.tag ??= 'ROLLBACK'
      if (portal.localTransaction !== null) {
        await this.block.endWrites('rollback')
        this.block.endTransactionBlock('rollback')
      }
      out.commandComplete(portal.tag)
      return
    }
    const result = portal.result
    if (result === null)
      throw new PgError({ code: SqlState.internalError, message: 'portal was not started' })
    if (result.copy !== undefined) return runCopy(this.wire, portal, result.copy)
    if (portal.fetch !== null) return this.runFetch(portal, portal.fetch)
    const limit = maxRows > 0 ? maxRows : Infinity
    const sent = await sendRows(this.wire, portal, portal.writers, limit, portal.controller.signal)
    if (sent === limit) {
      out.portalSuspended()
      return
    }
    if (result.release !== undefined) this.statements.release(result.release)
    if (result.transaction === 'commit' || result.transaction === 'rollback')
      await this.block.endWrites(result.transaction)
    portal.tag = result.commandTag()
    out.commandComplete(portal.tag)
    if (result.transaction === 'begin') this.block.begin()
    else if (result.transaction !== null) this.block.endTransactionBlock(result.transaction)
    this.reportParameters()
  }

  /** FETCH / MOVE: the cursor's next rows, then `FETCH n` / `MOVE n`. */
  private async runFetch(portal: Portal, fetch: PortalFetch): Promise<void> {
    const writers = fetch.move ? null : portal.writers
    const sent = await sendRows(
      this.wire,
      fetch.cursor,
      writers,
      fetch.count,
      portal.controller.signal,
    )
    portal.tag = `${fetch.move ? 'MOVE' : 'FETCH'} ${sent}`
    this.wire.out.commandComplete(portal.tag)
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

  private portalNamed(name: string): Portal {
    const portal = this.portals.get(name) ?? this.block.cursorPortal(name)
    if (portal !== undefined) return portal
    throw new PgError({
      code: SqlState.invalidCursorName,
      message: `portal "${name}" does not exist`,
    })
  }

  /** At a block's end: portals whose rows were not drained go, except the one running now. */
  private closeUndrainedPortals(): void {
    for (const [name, portal] of this.portals) {
      if (portal.tag === null && portal !== this.running) {
        closePortal(portal)
        this.portals.delete(name)
      }
    }
  }

  private closePortalNamed(name: string): void {
    const portal = this.portals.get(name)
    if (portal === undefined) return
    closePortal(portal)
    this.portals.delete(name)
  }
}
