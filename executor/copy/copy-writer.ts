// COPY TO's text and csv formats: each batch becomes its rows' bytes and their ends (one
// CopyData message per row, as PostgreSQL sends them), values written by the types' text output functions (what DataRow's text format sends).
// Escaping follows PostgreSQL 15 (src/backend/commands/copyto.c): text escapes backslash,
// newline, carriage return, tab, the other control characters it has letters for, and the
// delimiter; csv quotes a value holding the delimiter, the quote, a newline, or one that
// equals the null string or \. , doubling quotes (or prefixing the escape character).
import type { Batch, Field } from '../../common/index.js'
import { formatValueText, type TextOutputOptions } from '../format/text-output.js'
import type { CopyOptions } from './copy-options.js'
import type { CopyRows } from './copy-transfer.js'

const textEscapes: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
}

export class CopyWriter {
  private readonly textSpecial: RegExp
  private readonly csvSpecial: RegExp
  private readonly quoteSpecial: RegExp

  constructor(
    private readonly options: CopyOptions,
    private readonly output: TextOutputOptions,
  ) {
    const delimiter = escapeRegExp(options.delimiter)
    this.textSpecial = new RegExp(`[\\\\\\n\\r\\t\\b\\f\\v${delimiter}]`, 'g')
    const quote = escapeRegExp(options.quote)
    this.csvSpecial = new RegExp(`[${delimiter}${quote}\\n\\r]`)
    const escape = escapeRegExp(options.escape)
    this.quoteSpecial = new RegExp(
      options.quote === options.escape ? quote : `[${quote}${escape}]`,
      'g',
    )
  }

  /** The header line: column names, as csv or text values. */
  header(fields: readonly Field[]): CopyRows {
    const names = fields.map((field) => this.value(field.name))
    const bytes = Buffer.from(`${names.join(this.options.delimiter)}\n`, 'utf8')
    return { bytes, rowEnds: Int32Array.of(bytes.length) }
  }

  /** Encodes every row of `batch`, each ending in a newline. */
  rows(batch: Batch): CopyRows {
    const { delimiter, nullString } = this.options
    const columns = batch.columns
    const rowEnds = new Int32Array(batch.length)
    let text = ''
    let end = 0
    for (let row = 0; row < batch.length; row++) {
      let line = ''
      for (let index = 0; index < columns.length; index++) {
        if (index > 0) line += delimiter
        const value = formatValueText(columns[index]!, row, this.output)
        line += value === null ? nullString : this.value(value)
      }
      line += '\n'
      text += line
      end += Buffer.byteLength(line, 'utf8')
      rowEnds[row] = end
    }
    return { bytes: Buffer.from(text, 'utf8'), rowEnds }
  }

  private value(value: string): string {
    const { format, quote, escape, nullString } = this.options
    if (format !== 'csv') {
      this.textSpecial.lastIndex = 0
      return this.textSpecial.test(value)
        ? value.replace(this.textSpecial, (c) => textEscapes[c] ?? `\\${c}`)
        : value
    }
    const needsQuotes = value === nullString || value === '\\.' || this.csvSpecial.test(value)
    if (!needsQuotes) return value
    this.quoteSpecial.lastIndex = 0
    return `${quote}${value.replace(this.quoteSpecial, (c) => `${escape}${c}`)}${quote}`
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}
