// A portal: a statement with its parameters bound, and where its rows stopped. Execute with
// a row limit suspends it mid-batch; the next Execute resumes from the same batch offset.
import type { Batch, SqlType } from '../common/index.js'
import { PgError, SqlState } from '../common/index.js'
import type { ScalarValue } from '../executor/plan.js'
import type { ParsedStatement, ResultStream } from './engine.js'
import type { BackendWriter } from './protocol/backend-writer.js'
import type { FormatCode } from './protocol/frontend-messages.js'
import { writeDataRows, type ColumnWriter } from './types/data-rows.js'

export interface Portal {
  /** Null for an empty query string: Execute answers EmptyQueryResponse. */
  readonly statement: ParsedStatement | null
  readonly params: readonly ScalarValue[]
  /** Parameter types the client declared in Parse; undefined ones the planner infers. */
  readonly paramTypes: readonly (SqlType | undefined)[]
  /** Set by Bind; FETCH from a BINARY cursor in the simple protocol makes it binary. */
  resultFormats: readonly FormatCode[]
  /** Aborted by CancelRequest, statement_timeout, or closing the portal. */
  readonly controller: AbortController
  result: ResultStream | null
  iterator: AsyncIterator<Batch> | null
  writers: ColumnWriter[] | null
  batch: Batch | null
  /** First row of `batch` not yet sent. */
  rowOffset: number
  /** The CommandComplete tag once the rows are drained. */
  tag: string | null
  /** Set when the gateway answers the statement itself (transaction end in a failed block). */
  localTransaction: 'rollback' | null
  /** Set for FETCH and MOVE: the rows come from this cursor's portal. */
  fetch: PortalFetch | null
}

/** What FETCH or MOVE reads: up to `count` rows (Infinity: ALL) of a cursor. */
export interface PortalFetch {
  readonly cursor: Portal
  readonly count: number
  /** MOVE skips the rows instead of sending them. */
  readonly move: boolean
}

export function createPortal(
  statement: ParsedStatement | null,
  params: readonly ScalarValue[],
  paramTypes: readonly (SqlType | undefined)[],
  resultFormats: readonly FormatCode[],
): Portal {
  return {
    statement,
    params,
    paramTypes,
    resultFormats,
    controller: new AbortController(),
    result: null,
    iterator: null,
    writers: null,
    batch: null,
    rowOffset: 0,
    tag: null,
    localTransaction: null,
    fetch: null,
  }
}

/** Stops a portal's work: aborts the engine's signal and lets its iterator clean up. */
export function closePortal(portal: Portal): void {
  if (!portal.controller.signal.aborted) portal.controller.abort(portalClosed)
  const iterator = portal.iterator
  portal.iterator = null
  if (iterator?.return !== undefined) iterator.return().catch(() => undefined)
}

const portalClosed = new PgError({ code: SqlState.queryCanceled, message: 'portal closed' })

export const canceledByUser = (): PgError =>
  new PgError({ code: SqlState.queryCanceled, message: 'canceling statement due to user request' })

export const canceledByTimeout = (): PgError =>
  new PgError({
    code: SqlState.queryCanceled,
    message: 'canceling statement due to statement timeout',
  })

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined)
    return Promise.reject(signal.reason as Error)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/** True for ROLLBACK TO SAVEPOINT, which a failed block also accepts. */
export function rollsBackToSavepoint(text: string): boolean {
  return /^\s*(rollback|abort)\s+((work|transaction)\s+)?to\b/i.test(text)
}

/** True for statements that end a transaction block: accepted even in a failed one. */
export function endsTransaction(text: string): 'commit' | 'rollback' | null {
  const match = /^\s*(commit|end|rollback|abort)\b/i.exec(text)
  if (match === null) return null
  if (/^\s*rollback\s+(work\s+|transaction\s+)?to\b/i.test(text)) return null
  const word = (match[1] ?? '').toLowerCase()
  return word === 'commit' || word === 'end' ? 'commit' : 'rollback'
}

/** Output past this many bytes is written out mid-result, so memory stays bounded. */
export const flushBytesThreshold = 256 * 1024

/** Makes an error's position count from the start of the client's query string. */
export function shiftPosition(error: unknown, offset: number): unknown {
  if (!(error instanceof PgError) || offset === 0) return error
  const position = error.fields.position
  return position === undefined
    ? error
    : new PgError({ ...error.fields, position: position + offset })
}

/** Where a portal's rows go: the output buffer and a way to drain it. */
export interface PortalOutput {
  readonly out: BackendWriter
  /** Writes buffered output to the socket, waiting for drain when the socket pushes back. */
  flush(): Promise<void>
}

/**
 * Sends up to `limit` rows of `source` through `writers` (null: skips them) and returns how
 * many; fewer than `limit` means the rows ran out, and the source's iterator is dropped.
 */
export async function sendRows(
  output: PortalOutput,
  source: Portal,
  writers: ColumnWriter[] | null,
  limit: number,
  signal: AbortSignal,
): Promise<number> {
  const out = output.out
  let sent = 0
  while (sent < limit) {
    const batch = source.batch
    if (batch !== null && source.rowOffset < batch.length) {
      const end = Math.min(batch.length, source.rowOffset + (limit - sent))
      if (writers !== null) writeDataRows(out, batch, source.rowOffset, end, writers)
      sent += end - source.rowOffset
      source.rowOffset = end
      if (out.length >= flushBytesThreshold) await output.flush()
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
