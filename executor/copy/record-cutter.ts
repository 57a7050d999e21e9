// Cuts a COPY text or csv byte stream into chunks that each hold whole records, so each chunk
// parses on its own (on any worker thread) exactly as the one stream would. A record ends at
// a newline that is not data:
//
//   csv   a newline inside a quoted field is data; the quote toggles quoting anywhere, and
//         inside quotes the escape makes the next byte data (with escape = quote, a doubled
//         quote toggles twice, so the same rule holds)
//   text  a backslash makes the next byte data, a newline included (copyfromparse.c reads
//         `\` + newline as a newline inside the field)
//
// Chunks are cut after the newline, so a \r\n stays whole. A chunk's first line number is
// 1 + the records before it (the header counts, as PostgreSQL's CONTEXT lines do); a record
// ended by a lone \r is not counted here, so such files are cut only at newlines (one chunk
// when they hold none).
import type { CopyOptions } from './copy-options.js'

const LF = 10
/** Bytes of a quoted run scanCsv steps through before it asks memchr for the closing quote. */
const QuotedStepMax = 24
const BACKSLASH = 92

export interface RecordChunk {
  readonly bytes: Uint8Array
  /** The line number of the chunk's first record, 1-based, the header counted. */
  readonly firstLine: number
  /** Newline-ended records in the chunk (the last record may lack its newline at the end). */
  readonly records: number
}

export interface RecordCutterLimits {
  /** Records per chunk at most (fewer when `chunkBytesTarget` is reached first). */
  readonly chunkRecords: number
  /** Bytes after which a chunk is cut at its next record end. */
  readonly chunkBytesTarget: number
}

export class RecordCutter {
  private readonly csv: boolean
  private readonly quote: number
  private readonly escape: number
  private pieces: Uint8Array[] = []
  private pieceBytes = 0
  /** Scan state at the end of the bytes seen so far. */
  private quoted = false
  private skipNext = false
  /** Records ended in `pieces`. */
  private records = 0
  private nextLine = 1

  constructor(
    options: CopyOptions,
    private readonly limits: RecordCutterLimits,
  ) {
    this.csv = options.format === 'csv'
    this.quote = this.csv ? options.quote.charCodeAt(0) : -1
    this.escape = this.csv ? options.escape.charCodeAt(0) : BACKSLASH
  }

  /** Takes the next bytes of the stream; answers the chunks they complete, in order. */
  push(input: Uint8Array): RecordChunk[] {
    const chunks: RecordChunk[] = []
    let start = 0
    while (start < input.length) {
      const stop = this.scan(input, start)
      if (stop < 0) break
      // `stop` ends the record that completes a chunk: cut there.
      this.pieces.push(input.subarray(start, stop))
      this.pieceBytes += stop - start
      chunks.push(this.cut(this.pieceBytes))
      start = stop
    }
    if (start < input.length) {
      // A copy: the caller may reuse its buffer (a socket's) once push returns.
      this.pieces.push(input.slice(start))
      this.pieceBytes += input.length - start
    }
    return chunks
  }

  /** Ends the stream: answers what is left as a last chunk, or null when nothing is. */
  finish(): RecordChunk | null {
    if (this.pieceBytes === 0) return null
    return this.cut(this.pieceBytes)
  }

  /**
   * Scans `input` from `start`, counting record ends; answers the index just past the
   * record end that completes a chunk, or -1 when the input ends first. Runs between the
   * bytes that matter are skipped with indexOf (memchr), which is what keeps this thread,
   * the one reading the socket, cheap.
   */
  private scan(input: Uint8Array, start: number): number {
    if (this.csv && this.escape === this.quote) return this.scanCsv(input, start)
    const { quote, escape, csv } = this
    const special = csv ? quote : BACKSLASH
    const { chunkRecords, chunkBytesTarget } = this.limits
    const n = input.length
    let i = start
    if (this.skipNext && i < n) {
      this.skipNext = false
      i++
    }
    // The next special byte (quote, or backslash in text) and newline at or after i; n when none.
    let nextSpecial = -1
    let newline = -1
    while (i < n) {
      if (this.quoted) {
        const at = escape === quote ? input.indexOf(quote, i) : this.quotedEnd(input, i)
        if (at < 0) return -1
        i = at
        if (input[i] === quote) this.quoted = false
        else if (i + 1 < n)
          i++ // the escape and the byte it escapes
        else {
          this.skipNext = true
          return -1
        }
        i++
        continue
      }
      if (nextSpecial < i) {
        nextSpecial = input.indexOf(special, i)
        if (nextSpecial < 0) nextSpecial = n
      }
      if (newline < i) {
        newline = input.indexOf(LF, i)
        if (newline < 0) newline = n
      }
      if (newline < nextSpecial) {
        this.records++
        i = newline + 1
        if (this.records >= chunkRecords || this.pieceBytes + i - start >= chunkBytesTarget)
          return i
        continue
      }
      if (nextSpecial >= n) return -1
      i = nextSpecial + 1
      if (csv) this.quoted = true
      else if (i < n)
        i++ // the byte after a backslash is data
      else this.skipNext = true
    }
    return -1
  }

  /**
   * scan() for csv whose escape is the quote (the usual case), where every quote toggles
   * quoting. Quoted runs are mostly short (the keys of a JSON document in a field), so they
   * are stepped through here up to QuotedStepMax bytes before memchr takes over; unquoted
   * runs go to memchr at once.
   */
  private scanCsv(input: Uint8Array, start: number): number {
    const quote = this.quote
    const { chunkRecords, chunkBytesTarget } = this.limits
    const n = input.length
    let i = start
    // The next quote and newline at or after i when not quoted; -1: not searched yet.
    let nextQuote = -1
    let newline = -1
    while (i < n) {
      if (this.quoted) {
        const stepEnd = Math.min(n, i + QuotedStepMax)
        while (i < stepEnd && input[i] !== quote) i++
        if (i === stepEnd && i < n) {
          i = input.indexOf(quote, i)
          if (i < 0) return -1
        }
        if (i >= n) return -1
        this.quoted = false
        i++
        continue
      }
      if (input[i] === quote) {
        this.quoted = true
        i++
        continue
      }
      if (nextQuote < i) {
        nextQuote = input.indexOf(quote, i)
        if (nextQuote < 0) nextQuote = n
      }
      if (newline < i) {
        newline = input.indexOf(LF, i)
        if (newline < 0) newline = n
      }
      if (newline < nextQuote) {
        this.records++
        i = newline + 1
        if (this.records >= chunkRecords || this.pieceBytes + i - start >= chunkBytesTarget)
          return i
        continue
      }
      if (nextQuote >= n) return -1
      this.quoted = true
      i = nextQuote + 1
    }
    return -1
  }

  /** In a quoted field with an escape other than the quote: the next quote or escape. */
  private quotedEnd(input: Uint8Array, start: number): number {
    for (let i = start; i < input.length; i++) {
      const byte = input[i]
      if (byte === this.quote || byte === this.escape) return i
    }
    return -1
  }

  /** Joins the pieces' first `bytes` into one chunk (they are all of it: cuts are at the end). */
  private cut(bytes: number): RecordChunk {
    // Every byte is written below: no zero fill; its own ArrayBuffer, so it moves to a worker.
    const joined = new Uint8Array(Buffer.allocUnsafeSlow(bytes).buffer, 0, bytes)
    let at = 0
    for (const piece of this.pieces) {
      joined.set(piece, at)
      at += piece.length
    }
    const chunk = { bytes: joined, firstLine: this.nextLine, records: this.records }
    this.nextLine += this.records
    this.pieces = []
    this.pieceBytes = 0
    this.records = 0
    return chunk
  }
}
