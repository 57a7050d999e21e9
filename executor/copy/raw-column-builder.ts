// A growable text column for COPY's parsers: field bytes land here as they are cut from the
// stream, before any cast. Unlike TextVectorBuilder it need not know its final row count.
import type { TextVector } from '../../common/index.js'

export class RawColumnBuilder {
  private data: Uint8Array
  private byteLength = 0
  private offsets: Int32Array
  private validity: Uint8Array | null = null
  private row = 0

  constructor(private readonly capacityRows: number) {
    this.data = new Uint8Array(Math.max(1024, capacityRows * 8))
    this.offsets = new Int32Array(capacityRows + 1)
  }

  get rows(): number {
    return this.row
  }

  appendBytes(source: Uint8Array, start: number, end: number): void {
    this.appendPart(source, start, end)
    this.finishRow()
  }

  /** Appends bytes to the row being built, which endRow() then ends. */
  appendPart(source: Uint8Array, start: number, end: number): void {
    const needed = this.byteLength + (end - start)
    this.reserve(end - start)
    if (end - start <= 32) {
      const data = this.data
      let at = this.byteLength
      for (let i = start; i < end; i++) data[at++] = source[i]!
    } else this.data.set(source.subarray(start, end), this.byteLength)
    this.byteLength = needed
  }

  /**
   * Appends the csv quoted field whose text starts at source[start] (just past the opening
   * quote), a doubled quote standing for one; answers the index just past the closing quote,
   * or -1 when `end` comes first. The row stays open for endRow().
   */
  appendQuoted(source: Uint8Array, start: number, end: number, quote: number): number {
    let data = this.data
    let at = this.byteLength
    let i = start
    for (;;) {
      if (i >= end) return -1
      const byte = source[i]!
      if (byte === quote) {
        if (source[i + 1] !== quote) break
        i++ // a doubled quote is one quote
      }
      if (at === data.length) {
        this.byteLength = at
        this.reserve(1)
        data = this.data
      }
      data[at++] = byte
      i++
    }
    this.byteLength = at
    return i + 1
  }

  /** Ends the row appendPart() built (no part makes an empty string). */
  endRow(): void {
    this.finishRow()
  }

  appendNull(): void {
    if (this.row >= this.offsets.length - 1) this.growRows()
    if (this.validity === null) this.validity = new Uint8Array(this.offsets.length - 1).fill(1)
    this.validity[this.row] = 0
    this.finishRow()
  }

  /** Returns the rows so far as a text vector and starts empty. */
  finish(): TextVector {
    const rows = this.row
    const vector: TextVector = {
      kind: 'text',
      type: 'text',
      length: rows,
      validity: this.validity === null ? null : this.validity.subarray(0, rows),
      offsets: this.offsets.subarray(0, rows + 1),
      data: this.data.subarray(0, this.byteLength),
    }
    // The vector keeps the buffers; the next rows start in fresh ones (no copy of these).
    this.data = new Uint8Array(Math.max(1024, this.byteLength + (this.byteLength >> 3)))
    this.byteLength = 0
    this.row = 0
    this.validity = null
    this.offsets = new Int32Array(this.capacityRows + 1)
    return vector
  }

  /** Makes room for `extra` more bytes. */
  private reserve(extra: number): void {
    const needed = this.byteLength + extra
    if (needed <= this.data.length) return
    const grown = new Uint8Array(Math.max(needed, this.data.length * 2))
    grown.set(this.data.subarray(0, this.byteLength))
    this.data = grown
  }

  private finishRow(): void {
    if (this.row >= this.offsets.length - 1) this.growRows()
    this.row += 1
    this.offsets[this.row] = this.byteLength
  }

  private growRows(): void {
    const offsets = new Int32Array(this.offsets.length * 2)
    offsets.set(this.offsets)
    this.offsets = offsets
    if (this.validity !== null) {
      const validity = new Uint8Array(offsets.length - 1).fill(1)
      validity.set(this.validity)
      this.validity = validity
    }
  }
}
