// The COPY sub-protocol of one statement
// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-COPY):
//
//   FROM STDIN:  CopyInResponse ─► client CopyData* ─► CopyDone | CopyFail ─► CommandComplete
//   TO STDOUT:   CopyOutResponse ─► CopyData* ─► CopyDone ─► CommandComplete
//
// An error ends COPY IN at once; the client's remaining CopyData, CopyDone and CopyFail are
// then ignored like any copy message outside COPY (query-protocol.ts does that).
//
// It only moves COPY bytes between the wire and the executor's CopyTransfer: it never parses
// or writes rows itself and never touches the session's transaction state.
import { PgError, SqlState } from '../common/index.js'
import type { CopyTransfer } from '../executor/index.js'
import type { Portal, PortalOutput } from './portal.js'
import { flushBytesThreshold, raceAbort } from './portal.js'
import type { FrontendMessage } from './protocol/frontend-messages.js'

/** What COPY needs from the connection: output, draining it, and the client's next message. */
export interface CopyWire extends PortalOutput {
  /** The next message from the client; null when the connection closed. */
  nextMessage(): Promise<FrontendMessage | null>
}

/** Runs a started COPY portal to its CommandComplete. */
export async function runCopy(wire: CopyWire, portal: Portal, copy: CopyTransfer): Promise<void> {
  const out = wire.out
  out.copyResponse(copy.direction, copy.columnCount)
  if (copy.direction === 'in') {
    await wire.flush()
    await copy.consume(copyInData(wire, portal.controller.signal))
  } else {
    const iterator = copy.chunks[Symbol.asyncIterator]()
    for (;;) {
      const next = await raceAbort(iterator.next(), portal.controller.signal)
      if (next.done === true) break
      const { bytes, rowEnds } = next.value
      let start = 0
      for (const end of rowEnds) {
        out.copyData(bytes.subarray(start, end))
        start = end
        if (out.length >= flushBytesThreshold) await wire.flush()
      }
    }
    out.copyDone()
  }
  portal.iterator = null
  portal.tag = portal.result?.commandTag() ?? 'COPY 0'
  out.commandComplete(portal.tag)
}

/** The CopyData payloads of a COPY FROM STDIN, until CopyDone; CopyFail becomes 57014. */
async function* copyInData(wire: CopyWire, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for (;;) {
    const message = await raceAbort(wire.nextMessage(), signal)
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
