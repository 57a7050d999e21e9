import { SqlState } from './sql-state.js'

/** The ErrorResponse fields a user-caused error carries (the field set of pg-protocol's DatabaseError). */
export interface PgErrorFields {
  readonly code: SqlState
  readonly message: string
  readonly severity?: 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE'
  readonly detail?: string
  readonly hint?: string
  /** 1-based character offset into the statement text, as PostgreSQL reports it. */
  readonly position?: number
  readonly schema?: string
  readonly table?: string
  readonly column?: string
  readonly dataType?: string
  readonly constraint?: string
}

/**
 * An error a user can cause. Messages follow PostgreSQL's Error Message Style Guide:
 * short, lowercase, no final period; facts go in `detail`, advice in `hint`.
 */
export class PgError extends Error {
  readonly fields: PgErrorFields

  constructor(fields: PgErrorFields) {
    super(fields.message)
    this.name = 'PgError'
    this.fields = fields
  }

  get code(): SqlState {
    return this.fields.code
  }

  /** Returns a copy positioned at `position`, unless this error already has one. */
  withPosition(position: number | undefined): PgError {
    if (position === undefined || this.fields.position !== undefined) return this
    return new PgError({ ...this.fields, position })
  }

  /** Returns the error as plain data, so it survives structured clone across a worker boundary. */
  toPlain(): PlainError {
    return { kind: 'pg-error', fields: this.fields }
  }
}

/** What crosses a worker boundary in place of an Error: class instances lose their prototypes there. */
export type PlainError =
  | { readonly kind: 'pg-error'; readonly fields: PgErrorFields }
  | { readonly kind: 'internal'; readonly message: string; readonly stack?: string }

/** Turns any thrown value into plain data for a worker reply. */
export function toPlainError(error: unknown): PlainError {
  if (error instanceof PgError) return error.toPlain()
  if (error instanceof Error) {
    return error.stack === undefined
      ? { kind: 'internal', message: error.message }
      : { kind: 'internal', message: error.message, stack: error.stack }
  }
  return { kind: 'internal', message: String(error) }
}

/** Turns a worker's plain error back into a PgError on the coordinator (internal ones become XX000). */
export function fromPlainError(plain: PlainError): PgError {
  if (plain.kind === 'pg-error') return new PgError(plain.fields)
  return new PgError({ code: SqlState.internalError, message: plain.message })
}

/** Turns any thrown value into a PgError; anything that is not one already is an internal error (XX000). */
export function asPgError(error: unknown): PgError {
  if (error instanceof PgError) return error
  return fromPlainError(toPlainError(error))
}

export function syntaxError(message: string, position?: number): PgError {
  return new PgError(
    position === undefined
      ? { code: SqlState.syntaxError, message }
      : { code: SqlState.syntaxError, message, position },
  )
}

export function notSupported(what: string): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message: `${what} is not supported yet`,
  })
}
