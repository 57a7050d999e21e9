// Decodes whole frames into the FrontendMessage union
// (https://www.postgresql.org/docs/15/protocol-message-formats.html). Decoding copies what it
// keeps as strings; parameter values stay views into the frame, which is never overwritten.
import { PgError, SqlState } from '../../common/index.js'
import type { Frame } from './frame-reader.js'
import { FrontendCode, StartupCode } from './message-codes.js'

export type FormatCode = 0 | 1

export type FrontendMessage =
  | {
      readonly kind: 'startup'
      readonly protocolVersion: number
      readonly parameters: ReadonlyMap<string, string>
    }
  | { readonly kind: 'sslRequest' }
  | { readonly kind: 'gssEncRequest' }
  | { readonly kind: 'cancelRequest'; readonly processId: number; readonly secretKey: number }
  | { readonly kind: 'query'; readonly sql: string }
  | {
      readonly kind: 'parse'
      readonly statementName: string
      readonly sql: string
      readonly paramTypeOids: readonly number[]
    }
  | {
      readonly kind: 'bind'
      readonly portalName: string
      readonly statementName: string
      /** Empty: all text; one: applies to all; else one per parameter. */
      readonly paramFormats: readonly FormatCode[]
      readonly params: readonly (Buffer | null)[]
      /** Empty: all text; one: applies to all; else one per result column. */
      readonly resultFormats: readonly FormatCode[]
    }
  | { readonly kind: 'describe'; readonly target: 'statement' | 'portal'; readonly name: string }
  | { readonly kind: 'execute'; readonly portalName: string; readonly maxRows: number }
  | { readonly kind: 'close'; readonly target: 'statement' | 'portal'; readonly name: string }
  | { readonly kind: 'sync' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'passwordMessage'; readonly password: string }
  | {
      readonly kind: 'saslInitialResponse'
      readonly mechanism: string
      readonly data: Buffer | null
    }
  | { readonly kind: 'saslResponse'; readonly data: Buffer }
  | { readonly kind: 'copyData'; readonly data: Buffer }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string }
  | { readonly kind: 'functionCall' }

/** What a 'p' message means depends on what the server asked for last. */
export type PasswordKind = 'password' | 'saslInitial' | 'sasl'

function violation(message: string): PgError {
  return new PgError({ code: SqlState.protocolViolation, message })
}

/** Reads a frame body front to back; every read checks the bounds and throws 08P01 past them. */
class BodyReader {
  offset = 0
  constructor(private readonly body: Buffer) {}

  int16(): number {
    this.need(2)
    const value = this.body.readInt16BE(this.offset)
    this.offset += 2
    return value
  }

  int32(): number {
    this.need(4)
    const value = this.body.readInt32BE(this.offset)
    this.offset += 4
    return value
  }

  byte(): number {
    this.need(1)
    return this.body[this.offset++] ?? 0
  }

  cstring(): string {
    const end = this.body.indexOf(0, this.offset)
    if (end < 0) throw violation('invalid string in message')
    const value = this.body.toString('utf8', this.offset, end)
    this.offset = end + 1
    return value
  }

  bytes(length: number): Buffer {
    this.need(length)
    const value = this.body.subarray(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  rest(): Buffer {
    const value = this.body.subarray(this.offset)
    this.offset = this.body.length
    return value
  }

  end(): void {
    if (this.offset !== this.body.length) throw violation('invalid message format')
  }

  private need(length: number): void {
    if (length < 0 || this.offset + length > this.body.length)
      throw violation('insufficient data left in message')
  }
}

/** Decodes one frame; `passwordKind` says how to read a 'p' message. Throws 08P01 on malformed input. */
export function decodeFrontendMessage(
  frame: Frame,
  passwordKind: PasswordKind = 'password',
): FrontendMessage {
  const reader = new BodyReader(frame.body)
  const message = decodeBody(frame.code, reader, passwordKind)
  reader.end()
  return message
}

function decodeBody(code: number, reader: BodyReader, passwordKind: PasswordKind): FrontendMessage {
  switch (code) {
    case 0:
      return decodeStartup(reader)
    case FrontendCode.Query:
      return { kind: 'query', sql: reader.cstring() }
    case FrontendCode.Parse:
      return decodeParse(reader)
    case FrontendCode.Bind:
      return decodeBind(reader)
    case FrontendCode.Describe:
    case FrontendCode.Close: {
      const target = decodeTarget(reader.byte())
      const name = reader.cstring()
      return code === FrontendCode.Describe
        ? { kind: 'describe', target, name }
        : { kind: 'close', target, name }
    }
    case FrontendCode.Execute:
      return { kind: 'execute', portalName: reader.cstring(), maxRows: reader.int32() }
    case FrontendCode.Sync:
      return { kind: 'sync' }
    case FrontendCode.Flush:
      return { kind: 'flush' }
    case FrontendCode.Terminate:
      return { kind: 'terminate' }
    case FrontendCode.Password:
      return decodePassword(reader, passwordKind)
    case FrontendCode.CopyData:
      return { kind: 'copyData', data: reader.rest() }
    case FrontendCode.CopyDone:
      return { kind: 'copyDone' }
    case FrontendCode.CopyFail:
      return { kind: 'copyFail', message: reader.cstring() }
    case FrontendCode.FunctionCall:
      reader.rest()
      return { kind: 'functionCall' }
    default:
      throw violation(`invalid frontend message type ${code}`)
  }
}

function decodeStartup(reader: BodyReader): FrontendMessage {
  const requestCode = reader.int32()
  switch (requestCode) {
    case StartupCode.SslRequest:
      return { kind: 'sslRequest' }
    case StartupCode.GssEncRequest:
      return { kind: 'gssEncRequest' }
    case StartupCode.CancelRequest:
      return { kind: 'cancelRequest', processId: reader.int32(), secretKey: reader.int32() }
  }
  if (requestCode >>> 16 !== 3) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `unsupported frontend protocol ${requestCode >>> 16}.${requestCode & 0xffff}: server supports 3.0 to 3.0`,
    })
  }
  const parameters = new Map<string, string>()
  for (;;) {
    const name = reader.cstring()
    if (name === '') break
    parameters.set(name, reader.cstring())
  }
  return { kind: 'startup', protocolVersion: requestCode, parameters }
}

function decodeTarget(byte: number): 'statement' | 'portal' {
  if (byte === 0x53) return 'statement' // S
  if (byte === 0x50) return 'portal' // P
  throw violation(`invalid DESCRIBE/CLOSE message subtype ${byte}`)
}

function decodeParse(reader: BodyReader): FrontendMessage {
  const statementName = reader.cstring()
  const sql = reader.cstring()
  const count = reader.int16()
  const paramTypeOids: number[] = []
  for (let i = 0; i < count; i++) paramTypeOids.push(reader.int32() >>> 0)
  return { kind: 'parse', statementName, sql, paramTypeOids }
}

function decodeFormats(reader: BodyReader): FormatCode[] {
  const count = reader.int16()
  const formats: FormatCode[] = []
  for (let i = 0; i < count; i++) {
    const format = reader.int16()
    if (format !== 0 && format !== 1) throw violation(`unsupported format code: ${format}`)
    formats.push(format)
  }
  return formats
}

function decodeBind(reader: BodyReader): FrontendMessage {
  const portalName = reader.cstring()
  const statementName = reader.cstring()
  const paramFormats = decodeFormats(reader)
  const count = reader.int16()
  if (paramFormats.length > 1 && paramFormats.length !== count) {
    throw violation(
      `bind message has ${paramFormats.length} parameter formats but ${count} parameters`,
    )
  }
  const params: (Buffer | null)[] = []
  for (let i = 0; i < count; i++) {
    const length = reader.int32()
    params.push(length === -1 ? null : reader.bytes(length))
  }
  const resultFormats = decodeFormats(reader)
  return { kind: 'bind', portalName, statementName, paramFormats, params, resultFormats }
}

function decodePassword(reader: BodyReader, passwordKind: PasswordKind): FrontendMessage {
  switch (passwordKind) {
    case 'password':
      return { kind: 'passwordMessage', password: reader.cstring() }
    case 'saslInitial': {
      const mechanism = reader.cstring()
      const length = reader.int32()
      return {
        kind: 'saslInitialResponse',
        mechanism,
        data: length === -1 ? null : reader.bytes(length),
      }
    }
    case 'sasl':
      return { kind: 'saslResponse', data: reader.rest() }
  }
}
