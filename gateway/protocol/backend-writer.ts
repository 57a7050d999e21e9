// Encodes backend messages into one growing Buffer, so a batch of DataRows costs one
// allocation and one socket write rather than one of each per row. `take()` hands the bytes
// to the socket and starts a fresh buffer: the socket may still hold the old one.
import type { PgErrorFields } from '../../common/index.js'
import type { OutputField } from '../../executor/plan.js'
import { SqlTypes } from '../../common/index.js'
import type { FormatCode } from './frontend-messages.js'
import { AuthenticationCode, BackendCode } from './message-codes.js'

export type TransactionStatus = 'I' | 'T' | 'E'

const initialBytes = 16 * 1024

export class BackendWriter {
  private buffer = Buffer.allocUnsafe(initialBytes)
  /** Bytes written so far. */
  length = 0

  /** Returns everything written since the last call and starts over, or null when nothing was. */
  take(): Buffer | null {
    if (this.length === 0) return null
    const bytes = this.buffer.subarray(0, this.length)
    this.buffer = Buffer.allocUnsafe(Math.max(initialBytes, Math.min(this.buffer.length, 1 << 20)))
    this.length = 0
    return bytes
  }

  /** Makes room for `bytes` more bytes, doubling the buffer as needed. */
  ensure(bytes: number): void {
    const needed = this.length + bytes
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const grown = Buffer.allocUnsafe(size)
    this.buffer.copy(grown, 0, 0, this.length)
    this.buffer = grown
  }

  /** Writes the type byte and a length placeholder; returns where the length word sits. */
  begin(code: BackendCode): number {
    this.ensure(5)
    this.buffer[this.length] = code
    const lengthAt = this.length + 1
    this.length += 5
    return lengthAt
  }

  /** Patches the length word written by `begin`. */
  end(lengthAt: number): void {
    this.buffer.writeInt32BE(this.length - lengthAt, lengthAt)
  }

  byte(value: number): this {
    this.ensure(1)
    this.buffer[this.length++] = value
    return this
  }

  int16(value: number): this {
    this.ensure(2)
    this.buffer.writeInt16BE(value, this.length)
    this.length += 2
    return this
  }

  int32(value: number): this {
    this.ensure(4)
    this.buffer.writeInt32BE(value | 0, this.length)
    this.length += 4
    return this
  }

  uint32(value: number): this {
    this.ensure(4)
    this.buffer.writeUInt32BE(value >>> 0, this.length)
    this.length += 4
    return this
  }

  /** Writes a signed 64-bit integer from a number (exact within ±2^53) without a BigInt. */
  int64(value: number): this {
    const high = Math.floor(value / 4294967296)
    const low = value - high * 4294967296
    this.ensure(8)
    this.buffer.writeInt32BE(high | 0, this.length)
    this.buffer.writeUInt32BE(low >>> 0, this.length + 4)
    this.length += 8
    return this
  }

  float32(value: number): this {
    this.ensure(4)
    this.buffer.writeFloatBE(value, this.length)
    this.length += 4
    return this
  }

  float64(value: number): this {
    this.ensure(8)
    this.buffer.writeDoubleBE(value, this.length)
    this.length += 8
    return this
  }

  /** Writes UTF-8 text without a terminator; returns the byte count. */
  text(value: string): number {
    this.ensure(value.length * 3)
    const written = this.buffer.write(value, this.length, 'utf8')
    this.length += written
    return written
  }

  /** Writes an int32 byte length followed by the UTF-8 text, as a DataRow column value. */
  lengthPrefixedText(value: string): void {
    this.ensure(4 + value.length * 3)
    const lengthAt = this.length
    this.length += 4
    const written = this.text(value)
    this.buffer.writeInt32BE(written, lengthAt)
  }

  cstring(value: string): this {
    this.text(value)
    return this.byte(0)
  }

  bytes(value: Uint8Array, start = 0, end = value.length): this {
    const count = end - start
    this.ensure(count)
    this.buffer.set(value.subarray(start, end), this.length)
    this.length += count
    return this
  }

  /** Overwrites an int32 already written at `at` (for lengths known only afterwards). */
  patchInt32(at: number, value: number): void {
    this.buffer.writeInt32BE(value, at)
  }

  // ---- Messages, in the order of the protocol-message-formats page. -------------------

  authentication(code: AuthenticationCode, data?: Buffer | readonly string[]): this {
    const at = this.begin(BackendCode.Authentication)
    this.int32(code)
    if (Buffer.isBuffer(data)) this.bytes(data)
    else if (data !== undefined) {
      for (const mechanism of data) this.cstring(mechanism)
      this.byte(0)
    }
    this.end(at)
    return this
  }

  backendKeyData(processId: number, secretKey: number): this {
    const at = this.begin(BackendCode.BackendKeyData)
    this.int32(processId).int32(secretKey)
    this.end(at)
    return this
  }

  bindComplete(): this {
    return this.empty(BackendCode.BindComplete)
  }

  closeComplete(): this {
    return this.empty(BackendCode.CloseComplete)
  }

  commandComplete(tag: string): this {
    const at = this.begin(BackendCode.CommandComplete)
    this.cstring(tag)
    this.end(at)
    return this
  }

  /** CopyInResponse or CopyOutResponse: overall format 0 (text), every column text. */
  copyResponse(direction: 'in' | 'out', columnCount: number): this {
    const code = direction === 'in' ? BackendCode.CopyInResponse : BackendCode.CopyOutResponse
    const at = this.begin(code)
    this.byte(0)
    this.int16(columnCount)
    for (let i = 0; i < columnCount; i++) this.int16(0)
    this.end(at)
    return this
  }

  copyData(data: Uint8Array): this {
    const at = this.begin(BackendCode.CopyData)
    this.bytes(data)
    this.end(at)
    return this
  }

  copyDone(): this {
    return this.empty(BackendCode.CopyDone)
  }

  emptyQueryResponse(): this {
    return this.empty(BackendCode.EmptyQueryResponse)
  }

  /** ErrorResponse or NoticeResponse with fields S V C M D H P and the object-name fields. */
  errorResponse(fields: PgErrorFields, kind: 'error' | 'notice' = 'error'): this {
    const at = this.begin(kind === 'error' ? BackendCode.ErrorResponse : BackendCode.NoticeResponse)
    const severity = fields.severity ?? (kind === 'error' ? 'ERROR' : 'NOTICE')
    this.field(0x53, severity) // S
    this.field(0x56, severity) // V: never localized
    this.field(0x43, fields.code) // C
    this.field(0x4d, fields.message) // M
    this.field(0x44, fields.detail) // D
    this.field(0x48, fields.hint) // H
    this.field(0x50, fields.position === undefined ? undefined : String(fields.position)) // P
    this.field(0x73, fields.schema) // s
    this.field(0x74, fields.table) // t
    this.field(0x63, fields.column) // c
    this.field(0x64, fields.dataType) // d
    this.field(0x6e, fields.constraint) // n
    this.byte(0)
    this.end(at)
    return this
  }

  negotiateProtocolVersion(newestMinor: number, unrecognized: readonly string[]): this {
    const at = this.begin(BackendCode.NegotiateProtocolVersion)
    this.int32(newestMinor).int32(unrecognized.length)
    for (const option of unrecognized) this.cstring(option)
    this.end(at)
    return this
  }

  noData(): this {
    return this.empty(BackendCode.NoData)
  }

  parameterDescription(typeOids: readonly number[]): this {
    const at = this.begin(BackendCode.ParameterDescription)
    this.int16(typeOids.length)
    for (const oid of typeOids) this.uint32(oid)
    this.end(at)
    return this
  }

  parameterStatus(name: string, value: string): this {
    const at = this.begin(BackendCode.ParameterStatus)
    this.cstring(name).cstring(value)
    this.end(at)
    return this
  }

  parseComplete(): this {
    return this.empty(BackendCode.ParseComplete)
  }

  portalSuspended(): this {
    return this.empty(BackendCode.PortalSuspended)
  }

  readyForQuery(status: TransactionStatus): this {
    const at = this.begin(BackendCode.ReadyForQuery)
    this.byte(status.charCodeAt(0))
    this.end(at)
    return this
  }

  /** RowDescription; `formats` as Bind gives them (empty: text, one: all, else per column). */
  rowDescription(fields: readonly OutputField[], formats: readonly FormatCode[]): this {
    const at = this.begin(BackendCode.RowDescription)
    this.int16(fields.length)
    fields.forEach((field, index) => {
      const type = SqlTypes[field.type]
      this.cstring(field.name)
      this.uint32(field.tableOid).int16(field.columnNumber)
      this.uint32(type.oid).int16(type.typlen).int32(-1)
      this.int16(formatAt(formats, index))
    })
    this.end(at)
    return this
  }

  private empty(code: BackendCode): this {
    const at = this.begin(code)
    this.end(at)
    return this
  }

  private field(code: number, value: string | undefined): void {
    if (value === undefined) return
    this.byte(code).cstring(value)
  }
}

/** The format of column or parameter `index` under Bind's format-code rules. */
export function formatAt(formats: readonly FormatCode[], index: number): FormatCode {
  if (formats.length === 0) return 0
  if (formats.length === 1) return formats[0] ?? 0
  return formats[index] ?? 0
}
