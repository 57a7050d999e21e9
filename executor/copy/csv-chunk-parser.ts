// The common case of COPY FROM csv, fast: a chunk of whole records (record-cutter.ts) where
// the escape is the quote, every field is either unquoted with no quote in it or wholly
// quoted, and each record has exactly the target's columns. Field bytes go from the chunk
// straight into the column builders (no field buffer, no per-byte state machine); a quoted
// field is found with indexOf, doubled quotes joined piece by piece.
//
// Anything else (a quote inside an unquoted field, text after a closing quote, a wrong
// column count, an unterminated quote, a \. line) answers null, and the caller parses the
// chunk with CopyParser, which gives PostgreSQL's answer or error for every input. Both
// therefore agree on every chunk this one accepts (csv-chunk-parser.test.ts checks it).
import type { CopyOptions } from './copy-options.js'
import type { RawCopyBatch } from './copy-parser.js'
import { RawColumnBuilder } from './raw-column-builder.js'

const LF = 10
const CR = 13
const BACKSLASH = 92
const DOT = 46

/** Whether parseCsvChunk handles these options at all. */
export function fastCsvApplies(options: CopyOptions): boolean {
  return options.format === 'csv' && options.quote === options.escape
}

/**
 * Parses a chunk of whole csv records into raw text batches of `rowsPerBatch` rows;
 * null when the chunk needs CopyParser (see above). `header` skips the first record.
 */
export function parseCsvChunk(
  bytes: Uint8Array,
  options: CopyOptions,
  columnCount: number,
  firstLine: number,
  rowsPerBatch: number,
): RawCopyBatch[] | null {
  const delimiter = options.delimiter.charCodeAt(0)
  const quote = options.quote.charCodeAt(0)
  const nullBytes = Buffer.from(options.nullString, 'utf8')
  // The bytes that end an unquoted field (a quote there sends the chunk to CopyParser).
  const stops = new Uint8Array(256)
  for (const byte of [delimiter, LF, CR, quote]) stops[byte] = 1
  const n = bytes.length
  let i = 0
  let line = firstLine
  if (options.header) {
    i = afterFirstRecord(bytes, quote)
    if (i < 0) return null // an unterminated quote: CopyParser's error
    line++
  }
  const builders = Array.from({ length: columnCount }, () => new RawColumnBuilder(rowsPerBatch))
  const batches: RawCopyBatch[] = []
  let rows = 0
  let batchFirstLine = line
  while (i < n) {
    if (bytes[i] === BACKSLASH && bytes[i + 1] === DOT) return null // maybe the end marker
    for (let column = 0; column < columnCount; column++) {
      const builder = builders[column]!
      if (bytes[i] === quote) {
        i = builder.appendQuoted(bytes, i + 1, n, quote)
        if (i < 0) return null
        builder.endRow()
      } else {
        const start = i
        while (i < n && stops[bytes[i]!] === 0) i++
        if (i < n && bytes[i] === quote) return null
        if (equalsAt(bytes, start, i, nullBytes)) builder.appendNull()
        else builder.appendBytes(bytes, start, i)
      }
      if (column < columnCount - 1) {
        if (bytes[i] !== delimiter) return null
        i++
      } else if (i < n) {
        const byte = bytes[i]
        if (byte === LF) i++
        else if (byte === CR) i += bytes[i + 1] === LF ? 2 : 1
        else return null
      }
    }
    rows++
    line++
    if (rows === rowsPerBatch) {
      batches.push(cutBatch(builders, rows, batchFirstLine))
      rows = 0
      batchFirstLine = line
    }
  }
  if (rows > 0) batches.push(cutBatch(builders, rows, batchFirstLine))
  return batches
}

function cutBatch(builders: RawColumnBuilder[], rows: number, firstLine: number): RawCopyBatch {
  return { rows, firstLine, columns: builders.map((builder) => builder.finish()) }
}

function equalsAt(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false
  for (let k = 0; k < expected.length; k++) if (bytes[start + k] !== expected[k]) return false
  return true
}

/**
 * Index just past the first record's end (a newline outside quotes, \r\n or \r), the length
 * when the chunk is that one record, or -1 when it ends inside quotes.
 */
function afterFirstRecord(bytes: Uint8Array, quote: number): number {
  let quoted = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte === quote) quoted = !quoted
    else if (!quoted && byte === LF) return i + 1
    else if (!quoted && byte === CR) return bytes[i + 1] === LF ? i + 2 : i + 1
  }
  return quoted ? -1 : bytes.length
}
