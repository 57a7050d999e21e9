// The few protocol buffer wire-format pieces the DDSketch message needs
// (https://protobuf.dev/programming-guides/encoding/): varints, zigzag sint32, little-endian
// doubles, length-delimited fields, and skipping fields this reader does not know.
import { PgError, SqlState } from '../../common/index.js'

export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const

/** A forward-only reader over one message's bytes; every overrun is 22P02. */
export class ProtoReader {
  private at: number
  private readonly view: DataView

  /** `view`: a DataView over `bytes` (nested readers share their parent's). */
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
    view?: DataView,
  ) {
    this.at = start
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get done(): boolean {
    return this.at >= this.end
  }

  /** The read position (for messages read in place: see enter()). */
  get position(): number {
    return this.at
  }

  /** The next tag as one number: field * 8 + wire type. */
  rawTag(): number {
    return this.varint()
  }

  /**
   * Reads a length-delimited field's length and stays at its first byte: the caller reads
   * the nested message in place, up to the end returned, with no reader of its own.
   */
  enter(): number {
    const length = this.varint()
    this.need(length)
    return this.at + length
  }

  /** `count` doubles from here into `into` at `from`. */
  doubles(into: Float64Array, from: number, count: number): void {
    this.need(count * 8)
    const view = this.view
    let at = this.at
    for (let i = 0; i < count; i++, at += 8) into[from + i] = view.getFloat64(at, true)
    this.at = at
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint()
    return { field: Math.floor(tag / 8), wireType: tag & 7 }
  }

  varint(): number {
    let result = 0
    let scale = 1
    for (let shift = 0; shift < 64; shift += 7) {
      const byte = this.byte()
      result += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return result
      scale *= 128
    }
    throw malformed('a varint longer than 10 bytes')
  }

  /** sint32: zigzag-decoded. */
  sint32(): number {
    const value = this.varint()
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2
  }

  double(): number {
    this.need(8)
    const value = this.view.getFloat64(this.at, true)
    this.at += 8
    return value
  }

  /** A length-delimited field's bytes, as a reader over them. */
  nested(): ProtoReader {
    const length = this.varint()
    this.need(length)
    const reader = new ProtoReader(this.bytes, this.at, this.at + length, this.view)
    this.at += length
    return reader
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.varint()
        return
      case WireType.fixed64:
        this.need(8)
        this.at += 8
        return
      case WireType.lengthDelimited:
        this.nested()
        return
      case WireType.fixed32:
        this.need(4)
        this.at += 4
        return
      default:
        throw malformed(`wire type ${wireType}`)
    }
  }

  private byte(): number {
    this.need(1)
    return this.bytes[this.at++]!
  }

  private need(count: number): void {
    if (this.at + count > this.end) throw malformed('a field past the end of its message')
  }
}

/**
 * Builds one message; nested messages are built separately and added as bytes. Bytes go into
 * one growing buffer (a sketch's contiguous counts are thousands of bytes, written per group).
 */
export class ProtoWriter {
  private buffer: Uint8Array
  private view: DataView
  private length = 0

  /** `capacity`: the bytes expected, when known (the buffer grows past it if need be). */
  constructor(capacity = 64) {
    this.buffer = new Uint8Array(Math.max(16, capacity))
    this.view = new DataView(this.buffer.buffer)
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType)
  }

  varint(value: number): this {
    this.reserve(10)
    let rest = value
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 128) | 0x80
      rest = Math.floor(rest / 128)
    }
    this.buffer[this.length++] = rest
    return this
  }

  sint32(value: number): this {
    return this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  double(value: number): this {
    this.reserve(8)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
    return this
  }

  bytes(bytes: Uint8Array): this {
    this.varint(bytes.length)
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.length)
    this.length += bytes.length
    return this
  }

  finish(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length)
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count))
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }
}

/** The bytes of `value` (a non-negative integer) as a varint. */
export function varintSize(value: number): number {
  let size = 1
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 128)) size++
  return size
}

export function malformed(what: string): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: 'invalid DDSketch protobuf',
    detail: `The message has ${what}.`,
  })
}
