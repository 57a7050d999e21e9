// Cuts TCP chunks into whole protocol frames. A frame can arrive split at any byte, and one
// chunk can hold many frames: keep the remainder and wait for the rest, as node-postgres's
// pg-protocol parser.ts does on the client side.
//
// Startup-phase packets (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) carry no
// type byte: int32 length, then the body. Every later message is a type byte, an int32
// length that counts itself but not the type byte, then the body
// (https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS).
import { PgError, SqlState } from '../../common/index.js'
import { StartupCode } from './message-codes.js'

/** One whole message: `code` is the type byte, or 0 for an untyped startup-phase packet. */
export interface Frame {
  readonly code: number
  /** The body after the length word. Never overwritten later: safe to keep while processing. */
  readonly body: Buffer
}

/** PostgreSQL refuses startup packets longer than this (MAX_STARTUP_PACKET_LENGTH). */
export const startupPacketBytesMax = 10_000
/** PostgreSQL's PQ_LARGE_MESSAGE_LIMIT: no frontend message may exceed 1 GB. */
export const messageBytesMax = 0x3fffffff

const emptyBuffer = Buffer.alloc(0)

export class FrameReader {
  private buffer: Buffer = emptyBuffer
  private startupPhase = true

  /** True until a StartupMessage has been framed: untyped packets are expected until then. */
  get inStartupPhase(): boolean {
    return this.startupPhase
  }

  /** Bytes received but not yet part of a whole frame. */
  get pendingBytes(): number {
    return this.buffer.length
  }

  /**
   * Appends a chunk and calls `onFrame` for every frame it completes. Frame bodies point into
   * buffers this reader never writes again, so a consumer may hold them across awaits.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    // Concatenating only when a remainder exists keeps the common case (whole messages per
    // chunk) copy-free, and gives every remainder a fresh buffer nobody else references.
    let buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    let offset = 0
    for (;;) {
      const frame = this.startupPhase
        ? this.readStartup(buffer, offset)
        : this.readTyped(buffer, offset)
      if (frame === null) break
      offset = frame.end
      onFrame({ code: frame.code, body: frame.body })
    }
    buffer = offset === buffer.length ? emptyBuffer : buffer.subarray(offset)
    this.buffer = buffer
  }

  private readStartup(
    buffer: Buffer,
    offset: number,
  ): { code: number; body: Buffer; end: number } | null {
    if (buffer.length - offset < 4) return null
    const length = buffer.readInt32BE(offset)
    if (length < 8 || length > startupPacketBytesMax) {
      throw new PgError({
        code: SqlState.protocolViolation,
        message: 'invalid length of startup packet',
      })
    }
    if (buffer.length - offset < length) return null
    const body = buffer.subarray(offset + 4, offset + length)
    if (body.readInt32BE(0) >>> 16 === 3) this.startupPhase = false
    return { code: 0, body, end: offset + length }
  }

  private readTyped(
    buffer: Buffer,
    offset: number,
  ): { code: number; body: Buffer; end: number } | null {
    if (buffer.length - offset < 5) return null
    const code = buffer[offset] ?? 0
    const length = buffer.readInt32BE(offset + 1)
    if (length < 4 || length > messageBytesMax) {
      throw new PgError({
        code: SqlState.protocolViolation,
        message: `invalid message length ${length} for message type "${String.fromCharCode(code)}"`,
      })
    }
    if (buffer.length - offset < length + 1) return null
    const body = buffer.subarray(offset + 5, offset + 1 + length)
    return { code, body, end: offset + 1 + length }
  }
}

/** True when an untyped packet's request code is one of the pre-startup requests. */
export function isStartupRequestCode(code: number): boolean {
  return (
    code === StartupCode.CancelRequest ||
    code === StartupCode.SslRequest ||
    code === StartupCode.GssEncRequest
  )
}
