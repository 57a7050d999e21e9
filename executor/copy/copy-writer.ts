// COPY TO's text and csv formats: each batch becomes one CopyData payload of whole rows,
// values written by the types' text output functions (what DataRow's text format sends).
// Escaping follows PostgreSQL 15 (src/backend/commands/copyto.c): text escapes backslash,
// newline, carriage return, tab, the other control characters it has letters for, and the
// delimiter; csv quotes a value holding the delimiter, the quote, a newline, or one that
// equals the null string or \. , doubling quotes (or prefixing the escape character).
import type { Batch, Field } from '../../common/index.js'
import { formatValueText, type TextOutputOptions } from '../format/text-output.js'
import type { CopyOptions } from './copy-options.js'

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
  header(fields: readonly Field[]): Buffer {
    const names = fields.map((field) => this.value(field.name))
    return Buffer.from(`${names.join(this.options.delimiter)}\n`, 'utf8')
  }

  /** Encodes every row of `batch`, each ending in a newline. */
  rows(batch: Batch): Buffer {
    const { delimiter, nullString } = this.options
    const columns = batch.columns
    let text = ''
    for (let row = 0; row < batch.length; row++) {
      for (let index = 0; index < columns.length; index++) {
        if (index > 0) text += delimiter
        const value = formatValueText(columns[index]!, row, this.output)
        text += value === null ? nullString : this.value(value)
      }
      text += '\n'
    }
    return Buffer.from(text, 'utf8')
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
