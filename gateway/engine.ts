// What the wire protocol needs from the SQL engine, and nothing more: the connection state
// machine speaks bytes and hands statements here; rows come back as columnar batches.
import type { SqlType, Vector } from '../common/index.js'
import type { ExecutionResult, WriteTransaction } from '../executor/index.js'
import type { OutputField, ScalarValue } from '../executor/plan.js'
import type { BackendActivity, BackendRegistry } from './backend-registry.js'

/** One statement cut from a query string, with its place in the original text. */
export interface ParsedStatement {
  readonly text: string
  /** 0-based offset of `text` in the string the client sent: error positions add it. */
  readonly offset: number
}

export interface SessionState {
  /** The tenant: the database named in the startup packet. */
  readonly database: string
  readonly user: string
  /** Settings as SET/SHOW see them, lower-case names; startup parameters are applied here. */
  readonly settings: Map<string, string>
  /** The writes of the open transaction block (BEGIN ... COMMIT), null outside one. */
  transaction: WriteTransaction | null
  /** The server's view of this session (pg_stat_activity, pg_backend_pid); absent in tests. */
  readonly backend?: SessionBackend
}

/** This session's pid and activity, and the server's other sessions. */
export interface SessionBackend {
  readonly pid: number
  readonly activity: BackendActivity
  readonly registry: BackendRegistry
}

export interface Description {
  /** One type per $n; unknown ones inferred from context, text when nothing constrains them. */
  readonly paramTypes: readonly SqlType[]
  /** The row shape, or null for statements that return no rows (INSERT, CREATE, SET ...). */
  readonly fields: readonly OutputField[] | null
}

/** What running one statement yields: the executor's result, handed to the wire as it is. */
export type ResultStream = ExecutionResult

export interface Engine {
  /** Splits a query string into statements; throws PgError 42601 with a position on bad syntax. */
  parse(sql: string): ParsedStatement[]
  describe(
    statement: ParsedStatement,
    paramTypes: readonly (SqlType | undefined)[],
    session: SessionState,
  ): Promise<Description>
  /**
   * Runs a statement. Parameters come decoded: binary ones as typed values, text ones as
   * their text, to be read by the parameter type's input function.
   */
  execute(
    statement: ParsedStatement,
    params: readonly ScalarValue[],
    /** The types the client declared in Parse (undefined where it left the type to the server). */
    paramTypes: readonly (SqlType | undefined)[],
    session: SessionState,
    signal: AbortSignal,
  ): Promise<ResultStream>
  /**
   * Starts the writes of a transaction block: BEGIN calls it, COMMIT commits and ROLLBACK
   * aborts what it returns. An engine without it runs every statement in autocommit.
   */
  beginTransaction?(): WriteTransaction
  /**
   * PostgreSQL's text output of one value (DataRow text format), or null for NULL; `result`
   * is the statement's, whose reg names its reg values print as.
   */
  formatText(
    vector: Vector,
    row: number,
    session: SessionState,
    result?: ResultStream,
  ): string | null
}
