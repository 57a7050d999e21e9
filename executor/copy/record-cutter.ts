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
   * record end that completes a chunk, or -1 when the input ends first.
   */
  private scan(input: Uint8Array, start: number): number {
    const { quote, escape, csv } = this
    const { chunkRecords, chunkBytesTarget } = this.limits
    let quoted = this.quoted
    let skipNext = this.skipNext
    let records = this.records
    let result = -1
    const n = input.length
    for (let i = start; i < n; i++) {
      const byte = input[i]!
      if (skipNext) {
        skipNext = false
        continue
      }
      if (quoted) {
        if (byte === escape && escape !== quote) skipNext = true
        else if (byte === quote) quoted = false
      } else if (byte === LF) {
        records++
        const end = i + 1
        if (records >= chunkRecords || this.pieceBytes + end - start >= chunkBytesTarget) {
          result = end
          break
        }
      } else if (csv) {
        if (byte === quote) quoted = true
      } else if (byte === BACKSLASH) skipNext = true
    }
    this.quoted = quoted
    this.skipNext = skipNext
    this.records = records
    return result
  }

  /** Joins the pieces' first `bytes` into one chunk (they are all of it: cuts are at the end). */
  private cut(bytes: number): RecordChunk {
    const joined = new Uint8Array(bytes)
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
