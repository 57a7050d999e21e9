// COPY FROM's text and csv formats, parsed incrementally: CopyData chunks split rows, fields
// and escape sequences at arbitrary bytes, so every piece of state survives between push()
// calls. Fields land as raw bytes in one text column per target column; the caller casts a
// whole column at a time. Rules follow PostgreSQL 15 (src/backend/commands/copyfromparse.c):
//
//   text  fields split by the delimiter, rows by \n, \r\n or \r; backslash escapes \b \f \n \r
//         \t \v \\ \<octal 1-3> \x<hex 1-2>, any other \c is c; a field whose raw text equals
//         the null string (\N) is NULL
//   csv   a quote toggles quoting anywhere; inside quotes, the escape (by default the quote
//         itself, doubled) escapes a quote; only an unquoted field equal to the null string
//         (by default empty) is NULL, so "" is the empty string
//   both  a line holding only \. ends the data; HEADER skips the first line
import { PgError, SqlState, type TextVector } from '../../common/index.js'
import type { CopyOptions } from './copy-options.js'
import { RawColumnBuilder } from './raw-column-builder.js'

export interface RawCopyBatch {
  readonly rows: number
  /** The line number of the first row, counting the header: error details name lines by it. */
  readonly firstLine: number
  readonly columns: readonly TextVector[]
}

const LF = 10
const CR = 13
const BACKSLASH = 92

const enum State {
  Unquoted,
  Quoted,
  QuoteInQuoted,
  EscapeInQuoted,
  Backslash,
  Octal,
  Hex,
  AfterCr,
}

const textEscapes = new Map<number, number>([
  [98, 8], // \b
  [102, 12], // \f
  [110, LF], // \n
  [114, CR], // \r
  [116, 9], // \t
  [118, 11], // \v
])

const endMarker = new Uint8Array([BACKSLASH, 46]) // \.

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48
  if (byte >= 97 && byte <= 102) return byte - 87
  if (byte >= 65 && byte <= 70) return byte - 55
  return -1
}

export class CopyParser {
  private readonly csv: boolean
  private readonly delimiter: number
  private readonly quote: number
  private readonly escape: number
  private readonly nullBytes: Uint8Array
  private readonly columns: RawColumnBuilder[]
  private readonly ready: RawCopyBatch[] = []
  private state = State.Unquoted
  private field = new Uint8Array(256)
  private fieldLength = 0
  /** Field bytes not yet copied to `field`: [pendingStart, pendingEnd) of pendingChunk. */
  private pendingChunk: Uint8Array | null = null
  private pendingStart = 0
  private pendingEnd = 0
  private rawLength = 0
  private rawNull = true
  private rawEnd = true
  private quoted = false
  private escapeValue = 0
  private escapeDigits = 0
  private fieldIndex = 0
  private line = 1
  private skipping: boolean
  private batchRows = 0
  private batchFirstLine = 1
  private ended = false

  constructor(
    options: CopyOptions,
    private readonly tableName: string,
    private readonly columnNames: readonly string[],
    private readonly rowsPerBatch: number,
    firstLine = 1,
  ) {
    this.line = firstLine
    this.csv = options.format === 'csv'
    this.delimiter = options.delimiter.charCodeAt(0)
    this.quote = this.csv ? options.quote.charCodeAt(0) : -1
    this.escape = this.csv ? options.escape.charCodeAt(0) : -1
    this.nullBytes = Buffer.from(options.nullString, 'utf8')
    this.skipping = options.header
    this.columns = columnNames.map(() => new RawColumnBuilder(rowsPerBatch))
  }

  /** Parses one chunk; complete batches are then available from takeReady(). */
  push(input: Uint8Array): void {
    // A plain view: Buffer's subarray builds a FastBuffer, several times dearer per field.
    const chunk =
      input instanceof Buffer ? new Uint8Array(input.buffer, input.byteOffset, input.length) : input
    let i = 0
    const n = chunk.length
    while (i < n && !this.ended) {
      const byte = chunk[i]!
      switch (this.state) {
        case State.Unquoted:
          i = this.unquoted(chunk, i)
          continue
        case State.Quoted:
          i = this.quotedRun(chunk, i)
          continue
        case State.QuoteInQuoted:
          if (byte === this.quote) {
            this.content(byte)
            this.state = State.Quoted
            i++
          } else {
            this.state = State.Unquoted
          }
          continue
        case State.EscapeInQuoted:
          if (byte === this.quote || byte === this.escape) {
            this.content(byte)
            i++
          } else {
            this.appendFieldByte(this.escape)
          }
          this.state = State.Quoted
          continue
        case State.Backslash:
          i = this.backslash(byte, i)
          continue
        case State.Octal:
        case State.Hex:
          i = this.numericEscape(byte, i)
          continue
        case State.AfterCr:
          this.state = State.Unquoted
          if (byte === LF) i++
          continue
      }
    }
    this.materialize()
  }

  /** Ends the stream: a last row without a newline still counts. */
  finish(): void {
    if (!this.ended) {
      if (this.state === State.Quoted || this.state === State.EscapeInQuoted)
        throw this.formatError('unterminated CSV quoted field')
      if (this.state === State.Octal || this.state === State.Hex) this.flushNumericEscape()
      if (this.state === State.Backslash) this.appendFieldByte(BACKSLASH)
      if (this.fieldIndex > 0 || this.rawLength > 0 || this.quoted) this.endOfLine()
    }
    if (this.batchRows > 0) this.cutBatch()
  }

  /** Returns and forgets the batches completed so far. */
  takeReady(): RawCopyBatch[] {
    return this.ready.splice(0, this.ready.length)
  }

  /** Whether a line holding only \. ended the data. */
  get endedByMarker(): boolean {
    return this.ended
  }

  /** The line being read now (1-based, header counted). */
  get currentLine(): number {
    return this.line
  }

  private unquoted(chunk: Uint8Array, start: number): number {
    const { delimiter, quote } = this
    const special = this.csv ? quote : BACKSLASH
    let i = start
    const n = chunk.length
    while (i < n) {
      const byte = chunk[i]!
      if (byte === delimiter || byte === LF || byte === CR || byte === special) break
      i++
    }
    if (i > start) this.contentRange(chunk, start, i)
    if (i === n) return i
    const byte = chunk[i]!
    if (byte === delimiter) this.endField()
    else if (byte === LF) this.endOfLine()
    else if (byte === CR) {
      this.endOfLine()
      this.state = State.AfterCr
    } else if (this.csv) {
      this.quoted = true
      this.matchRaw(byte)
      this.state = State.Quoted
    } else {
      this.matchRaw(byte)
      this.state = State.Backslash
    }
    return i + 1
  }

  private quotedRun(chunk: Uint8Array, start: number): number {
    const { quote, escape } = this
    let i = start
    const n = chunk.length
    if (quote === escape) {
      i = chunk.indexOf(quote, start)
      if (i < 0) i = n
    } else {
      while (i < n) {
        const byte = chunk[i]!
        if (byte === quote || byte === escape) break
        i++
      }
    }
    if (i > start) this.contentRange(chunk, start, i)
    if (i === n) return i
    const byte = chunk[i]!
    this.matchRaw(byte)
    if (byte === quote) this.state = escape === quote ? State.QuoteInQuoted : State.Unquoted
    else this.state = State.EscapeInQuoted
    return i + 1
  }

  private backslash(byte: number, i: number): number {
    this.matchRaw(byte)
    const control = textEscapes.get(byte)
    if (control !== undefined) {
      this.appendFieldByte(control)
      this.state = State.Unquoted
    } else if (byte >= 48 && byte <= 55) {
      this.escapeValue = byte - 48
      this.escapeDigits = 1
      this.state = State.Octal
    } else if (byte === 120) {
      this.escapeValue = 0
      this.escapeDigits = 0
      this.state = State.Hex
    } else {
      this.appendFieldByte(byte)
      this.state = State.Unquoted
    }
    return i + 1
  }

  private numericEscape(byte: number, i: number): number {
    const octal = this.state === State.Octal
    const digit = octal ? (byte >= 48 && byte <= 55 ? byte - 48 : -1) : hexValue(byte)
    if (digit < 0) {
      this.flushNumericEscape()
      return i
    }
    this.matchRaw(byte)
    this.escapeValue = this.escapeValue * (octal ? 8 : 16) + digit
    this.escapeDigits++
    if (this.escapeDigits === (octal ? 3 : 2)) this.flushNumericEscape()
    return i + 1
  }

  private flushNumericEscape(): void {
    if (this.state === State.Hex && this.escapeDigits === 0) this.appendFieldByte(120)
    else this.appendFieldByte(this.escapeValue & 0xff)
    this.state = State.Unquoted
  }

  private matchRaw(byte: number): void {
    if (this.rawNull)
      this.rawNull =
        this.rawLength < this.nullBytes.length && this.nullBytes[this.rawLength] === byte
    if (this.rawEnd) this.rawEnd = this.rawLength < 2 && endMarker[this.rawLength] === byte
    this.rawLength++
  }

  private content(byte: number): void {
    this.matchRaw(byte)
    this.appendFieldByte(byte)
  }

  private contentRange(chunk: Uint8Array, start: number, end: number): void {
    if (this.rawNull || this.rawEnd) {
      for (let i = start; i < end; i++) this.matchRaw(chunk[i]!)
    } else {
      this.rawLength += end - start
    }
    // A field that is one run of one chunk is appended from the chunk itself (endField).
    if (this.fieldLength === 0 && this.pendingChunk === null) {
      this.pendingChunk = chunk
      this.pendingStart = start
      this.pendingEnd = end
      return
    }
    this.materialize()
    const needed = this.fieldLength + (end - start)
    if (needed > this.field.length) this.growField(needed)
    this.field.set(chunk.subarray(start, end), this.fieldLength)
    this.fieldLength = needed
  }

  /** Copies a pending run into the field buffer. */
  private materialize(): void {
    const chunk = this.pendingChunk
    if (chunk === null) return
    this.pendingChunk = null
    const length = this.pendingEnd - this.pendingStart
    if (this.fieldLength + length > this.field.length) this.growField(this.fieldLength + length)
    this.field.set(chunk.subarray(this.pendingStart, this.pendingEnd), this.fieldLength)
    this.fieldLength += length
  }

  private appendFieldByte(byte: number): void {
    this.materialize()
    if (this.fieldLength === this.field.length) this.growField(this.fieldLength + 1)
    this.field[this.fieldLength++] = byte
  }

  private growField(needed: number): void {
    const grown = new Uint8Array(Math.max(needed, this.field.length * 2))
    grown.set(this.field.subarray(0, this.fieldLength))
    this.field = grown
  }

  private endField(): void {
    if (!this.skipping) {
      const column = this.columns[this.fieldIndex]
      if (column === undefined) throw this.formatError('extra data after last expected column')
      const isNull = !this.quoted && this.rawNull && this.rawLength === this.nullBytes.length
      if (isNull) column.appendNull()
      else if (this.pendingChunk !== null)
        column.appendBytes(this.pendingChunk, this.pendingStart, this.pendingEnd)
      else column.appendBytes(this.field, 0, this.fieldLength)
    }
    this.pendingChunk = null
    this.fieldIndex++
    this.fieldLength = 0
    this.rawLength = 0
    this.rawNull = true
    this.rawEnd = true
    this.quoted = false
  }

  private endOfLine(): void {
    if (this.fieldIndex === 0 && !this.quoted && this.rawEnd && this.rawLength === 2) {
      this.ended = true
      return
    }
    this.endField()
    if (this.skipping) {
      this.skipping = false
    } else {
      const missing = this.columnNames[this.fieldIndex]
      if (missing !== undefined) throw this.formatError(`missing data for column "${missing}"`)
      if (this.batchRows === 0) this.batchFirstLine = this.line
      this.batchRows++
      if (this.batchRows === this.rowsPerBatch) this.cutBatch()
    }
    this.fieldIndex = 0
    this.line++
  }

  private cutBatch(): void {
    const columns = this.columns.map((column) => column.finish())
    this.ready.push({ rows: this.batchRows, firstLine: this.batchFirstLine, columns })
    this.batchRows = 0
  }

  private formatError(message: string): PgError {
    return new PgError({
      code: SqlState.badCopyFileFormat,
      message,
      detail: `COPY ${this.tableName}, line ${this.line}`,
    })
  }
}
