// The transaction block of one session: its status (I, T, E), its writes (SessionState.
// transaction, made on BEGIN), its savepoints and its cursors, and the session commands
// (session-commands.ts) that act on them: SAVEPOINT, RELEASE, ROLLBACK TO, DECLARE, FETCH,
// MOVE and CLOSE.
//
// A savepoint remembers how many rows the block's WriteTransaction had received; ROLLBACK TO
// it returns E to T only when none arrived since, because a bulk append cannot take back part
// of its upload. A cursor is a portal of its own, kept by name; FETCH sends its rows through
// the FETCH portal's writers (query-protocol.ts does the sending).
//
// It never writes to the wire and never touches the session's prepared statements or portals
// itself: what it needs from the session comes through BlockHost.
import type { Logger } from 'pino'
import { PgError, SqlState, assert } from '../common/index.js'
import type { WriteTransaction } from '../executor/index.js'
import type { Description, ResultStream, SessionState } from './engine.js'
import type { Portal } from './portal.js'
import { closePortal, createPortal, shiftPosition } from './portal.js'
import type { SessionCommand } from './session-commands.js'
import type { TransactionStatus } from './protocol/backend-writer.js'

/** What the transaction block needs from the session that owns it. */
export interface BlockHost {
  readonly session: SessionState
  readonly logger: Logger
  /** Starts a portal's statement as the session starts any portal (DECLARE's query). */
  startPortal(portal: Portal): Promise<void>
  /** Closes the session's portals whose rows were not drained, except the one running now. */
  closeUndrainedPortals(): void
  /** The writes of a new block (Engine.beginTransaction), or null when the engine has none. */
  beginWrites(): WriteTransaction | null
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

export class TransactionBlock {
  /** ReadyForQuery's status: I outside a block, T inside one, E inside a failed one. */
  status: TransactionStatus = 'I'
  private savepoints: Savepoint[] = []
  private readonly cursors = new Map<string, Cursor>()

  constructor(private readonly host: BlockHost) {}

  /** BEGIN has completed: the block is open, with writes of its own if the engine has them. */
  begin(): void {
    this.status = 'T'
    this.host.session.transaction ??= this.host.beginWrites()
  }

  /** A DECLAREd cursor is a portal of the protocol too: Describe, Execute and Close reach it. */
  cursorPortal(name: string): Portal | undefined {
    return this.cursors.get(name)?.portal
  }

  /** Close (portal) of a cursor's name closes the cursor, as PostgreSQL's does. */
  closeCursor(name: string): void {
    const cursor = this.cursors.get(name)
    if (cursor === undefined) return
    closePortal(cursor.portal)
    this.cursors.delete(name)
  }

  /** Closes every cursor and aborts the block's writes: the connection is going away. */
  close(): void {
    for (const cursor of this.cursors.values()) closePortal(cursor.portal)
    this.cursors.clear()
    const transaction = this.host.session.transaction
    this.host.session.transaction = null
    transaction
      ?.abort()
      .catch((error: unknown) => this.host.logger.error({ err: error }, 'aborting a transaction'))
  }

  /** The row shape a session command answers with, for Describe: FETCH's cursor's, else none. */
  commandFields(command: SessionCommand): Description['fields'] {
    const cursor = command.kind === 'fetch' ? this.cursors.get(command.name) : undefined
    const fields = command.kind === 'fetch' && !command.move ? cursor?.portal.result?.fields : null
    return fields ?? null
  }

  /** Runs SAVEPOINT, RELEASE, ROLLBACK TO, DECLARE, FETCH, MOVE or CLOSE on session state. */
  async runSessionCommand(portal: Portal, command: SessionCommand): Promise<ResultStream> {
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
        // The cursor's statement's reg names: its rows print as its database names them.
        const regNames = cursor.portal.result?.regNames
        return {
          ...completed('FETCH 0'),
          fields,
          commandTag: () => portal.tag ?? 'FETCH 0',
          ...(regNames === undefined ? {} : { regNames }),
        }
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

  /**
   * Commits or aborts the block's writes. A failed COMMIT has aborted them all: the block is
   * over (status I, as after PostgreSQL's failed COMMIT) and the error goes to the client.
   */
  async endWrites(action: 'commit' | 'rollback'): Promise<void> {
    const transaction = this.host.session.transaction
    this.host.session.transaction = null
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
  endTransactionBlock(end: 'commit' | 'rollback'): void {
    this.status = 'I'
    this.savepoints = []
    for (const [name, cursor] of this.cursors) {
      if (cursor.hold && (end === 'commit' || !cursor.declaredInBlock)) {
        cursor.declaredInBlock = false
        continue
      }
      closePortal(cursor.portal)
      this.cursors.delete(name)
    }
    this.host.closeUndrainedPortals()
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
    this.status = 'T'
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
      await this.host.startPortal(cursor)
    } catch (error) {
      closePortal(cursor)
      throw shiftPosition(error, command.query.offset - (portal.statement?.offset ?? 0))
    }
    this.cursors.set(command.name, {
      portal: cursor,
      binary: command.binary,
      hold: command.hold,
      declaredInBlock: this.status !== 'I',
    })
    return completed('DECLARE CURSOR')
  }

  private requireBlock(command: string): void {
    if (this.status !== 'I') return
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
    return this.host.session.transaction?.rowsAdded ?? 0
  }

  private cursorNamed(name: string): Cursor {
    const cursor = this.cursors.get(name)
    if (cursor !== undefined) return cursor
    throw new PgError({
      code: SqlState.invalidCursorName,
      message: `cursor "${name}" does not exist`,
    })
  }
}

const noBatches: AsyncIterable<never> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
}

/** The result of a statement the session answered itself: no rows, then `tag`. */
function completed(tag: string): ResultStream {
  return { fields: null, batches: noBatches, commandTag: () => tag, transaction: null }
}
