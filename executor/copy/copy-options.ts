// COPY's options after binding: what the parsers and writers of this folder need. The
// planner validates them against PostgreSQL's rules
// (https://www.postgresql.org/docs/15/sql-copy.html); here they are plain, trusted data.

/** `ndjson` is a Malamute extension: one JSON object per line, schemaless (see storage/json-events). */
export type CopyFormat = 'text' | 'csv' | 'ndjson'

export interface CopyOptions {
  readonly format: CopyFormat
  /** COPY FROM skips the first line; COPY TO writes the column names first. */
  readonly header: boolean
  /** One single-byte character: tab for text, comma for csv. */
  readonly delimiter: string
  /** The text that stands for NULL: `\N` for text, the unquoted empty string for csv. */
  readonly nullString: string
  /** csv only: the quoting character, `"` by default. */
  readonly quote: string
  /** csv only: the character that escapes a quote inside a quoted field; the quote by default. */
  readonly escape: string
}

/** Returns PostgreSQL's defaults for `format`. */
export function defaultCopyOptions(format: CopyFormat): CopyOptions {
  const csv = format === 'csv'
  return {
    format,
    header: false,
    delimiter: csv ? ',' : '\t',
    nullString: csv ? '' : '\\N',
    quote: '"',
    escape: '"',
  }
}
