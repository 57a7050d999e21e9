import type { RegNames } from '../functions/reg-names.js'

/** What an expression may read besides its input batch: session settings and the statement clock. */
export interface EvalContext {
  readonly timeZone: string
  /** now(): the statement's start, epoch microseconds. */
  readonly nowMicros: number
  /** The names reg types read and print: the statement's database's (RegNames). */
  readonly regNames?: RegNames
  /** pg_cancel_backend / pg_terminate_backend: signals a session of this database by pid. */
  readonly signalBackend?: (pid: number, kind: 'cancel' | 'terminate') => boolean
}
