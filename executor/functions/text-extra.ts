// More of PostgreSQL 15's string functions (varlena.c, oracle_compat.c, regexp.c): format,
// translate, ascii, chr, bit_length, to_hex, overlay, and similar_to_escape (SIMILAR TO's
// rewrite into a POSIX regex). Characters are code points, as under UTF-8.
import { PgError, SqlState } from '../../common/index.js'
import { formatValueText } from '../format/text-output.js'
import { argAt, numberArg, textArg, type Kernel, type KernelCall } from './kernel.js'
import { quoteIdent, quoteLiteral } from './quote.js'
import { characterSlice, codePoints, numberRows, stringReader, textRows } from './row-values.js'

function invalidParameter(message: string, hint?: string): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message,
    ...(hint === undefined ? {} : { hint }),
  })
}

/** Argument `index` of row `row` as text (its output form), or null. */
function argText(call: KernelCall, index: number, row: number): string | null {
  return formatValueText(argAt(call, index), row, call.ctx)
}

/** format(fmt, args...): %s %I %L with n$ positions, the - flag and widths (text_format). */
export function formatRow(call: KernelCall, row: number): string | null {
  const fmt = argText(call, 0, row)
  if (fmt === null) return null
  const args = call.args.length - 1
  const tooFew = (): PgError => invalidParameter('too few arguments for format()')
  const unterminated = (): PgError =>
    invalidParameter('unterminated format() type specifier', 'For a single "%" use "%%".')
  let out = ''
  let next = 1
  let i = 0
  /** Reads digits at i; returns [value, end] or null when there are none. */
  const digits = (at: number): [number, number] | null => {
    let end = at
    let value = 0
    while (end < fmt.length && fmt[end]! >= '0' && fmt[end]! <= '9') {
      value = value * 10 + Number(fmt[end])
      if (value > 2147483647) throw invalidParameter('number is out of range')
      end++
    }
    return end === at ? null : [value, end]
  }
  while (i < fmt.length) {
    const c = fmt[i]!
    if (c !== '%') {
      out += c
      i++
      continue
    }
    i++
    if (i >= fmt.length) throw unterminated()
    if (fmt[i] === '%') {
      out += '%'
      i++
      continue
    }
    let argIndex = -1
    let leftAlign = false
    let width = 0
    // an argument position n$ (or a width, when no $ follows)
    const first = digits(i)
    if (first !== null && fmt[first[1]] === '$') {
      if (first[0] === 0)
        throw invalidParameter('format specifies argument 0, but arguments are numbered from 1')
      argIndex = first[0]
      i = first[1] + 1
    }
    if (fmt[i] === '-') {
      leftAlign = true
      i++
    }
    if (fmt[i] === '*') {
      i++
      let widthIndex = next
      const position = digits(i)
      if (position !== null) {
        if (fmt[position[1]] !== '$') throw unterminated()
        if (position[0] === 0)
          throw invalidParameter('format specifies argument 0, but arguments are numbered from 1')
        widthIndex = position[0]
        i = position[1] + 1
      }
      next = widthIndex + 1
      if (widthIndex > args) throw tooFew()
      const widthText = argText(call, widthIndex, row)
      width = widthText === null ? 0 : Number(widthText)
      if (width < 0) {
        leftAlign = true
        width = -width
      }
    } else {
      const widthDigits = digits(i)
      if (widthDigits !== null) {
        width = widthDigits[0]
        i = widthDigits[1]
      }
    }
    if (i >= fmt.length) throw unterminated()
    const type = fmt[i]!
    i++
    if (type !== 's' && type !== 'I' && type !== 'L') {
      throw invalidParameter(
        `unrecognized format() type specifier "${type}"`,
        'For a single "%" use "%%".',
      )
    }
    if (argIndex === -1) argIndex = next++
    else next = argIndex + 1
    if (argIndex > args) throw tooFew()
    const value = argText(call, argIndex, row)
    let text: string
    if (type === 's') text = value ?? ''
    else if (type === 'L') text = value === null ? 'NULL' : quoteLiteral(value)
    else if (value === null) {
      throw new PgError({
        code: SqlState.nullValueNotAllowed,
        message: 'null values cannot be formatted as an SQL identifier',
      })
    } else text = quoteIdent(value)
    const padding = width - Array.from(text).length
    if (padding > 0) text = leftAlign ? text + ' '.repeat(padding) : ' '.repeat(padding) + text
    out += text
  }
  return out
}

/** translate(s, from, to): each character of `from` becomes the same-placed one of `to`, or goes. */
export function translateOf(text: string, from: string, to: string): string {
  const fromChars = Array.from(from)
  const toChars = Array.from(to)
  const map = new Map<string, string>()
  fromChars.forEach((c, k) => {
    if (!map.has(c)) map.set(c, toChars[k] ?? '')
  })
  let out = ''
  for (const c of text) out += map.get(c) ?? c
  return out
}

function chrOf(code: number): string {
  const limit = (message: string): PgError =>
    new PgError({ code: SqlState.programLimitExceeded, message })
  if (code < 0) throw invalidParameter('character number must be positive')
  if (code === 0) throw limit('null character not permitted')
  if (code > 0x10ffff) throw limit(`requested character too large for encoding: ${code}`)
  if (code >= 0xd800 && code <= 0xdfff)
    throw limit(`requested character not valid for encoding: ${code}`)
  return String.fromCodePoint(code)
}

/** overlay(s placing t from start [for count]), text_overlay. */
export function overlayOf(text: string, placing: string, start: number, count: number): string {
  if (start <= 0) {
    throw new PgError({
      code: SqlState.substringError,
      message: 'negative substring length not allowed',
    })
  }
  if (start + count > 2147483647 || start + count < -2147483648) {
    throw new PgError({ code: SqlState.numericValueOutOfRange, message: 'integer out of range' })
  }
  const chars = codePoints(text)
  const tail = characterSlice(text, Math.max(start + count, 1) - 1, chars.length)
  return characterSlice(text, 0, start - 1) + placing + tail
}

/** similar_to_escape (similar_escape_internal): a SQL regex as an anchored POSIX regex. */
export function similarToRegex(pattern: string, escape: string | null): string {
  if (escape !== null && Array.from(escape).length > 1) {
    throw new PgError({
      code: SqlState.invalidEscapeSequence,
      message: 'invalid escape string',
      hint: 'Escape string must be empty or one character.',
    })
  }
  const e = escape === null || escape === '' ? null : escape
  let out = '^(?:'
  let afterEscape = false
  let inClass = false
  let quotes = 0
  for (const c of pattern) {
    if (afterEscape) {
      if (c === '"' && !inClass) {
        if (quotes === 0) out += '){1,1}?('
        else if (quotes === 1) out += '){1,1}(?:'
        else {
          throw new PgError({
            code: SqlState.invalidUseOfEscapeCharacter,
            message:
              'SQL regular expression may not contain more than two escape-double-quote separators',
          })
        }
        quotes++
      } else {
        out += `\\${c}`
      }
      afterEscape = false
    } else if (e !== null && c === e) {
      afterEscape = true
    } else if (inClass) {
      if (c === '\\') out += '\\'
      out += c
      if (c === ']') inClass = false
    } else if (c === '[') {
      out += c
      inClass = true
    } else if (c === '%') {
      out += '.*'
    } else if (c === '_') {
      out += '.'
    } else if (c === '(') {
      out += '(?:'
    } else if (c === '\\' || c === '.' || c === '^' || c === '$') {
      out += `\\${c}`
    } else {
      out += c
    }
  }
  return `${out})$`
}

function hexOf(value: number, bits: 32 | 64): string {
  if (bits === 32) return (value >>> 0).toString(16)
  return BigInt.asUintN(64, BigInt(value)).toString(16)
}

export const textExtraKernels: Readonly<Record<string, Kernel>> = {
  format: (call) => {
    const fmt = argAt(call, 0).validity
    return textRows(call, (row) => formatRow(call, row), fmt)
  },
  translate: (call) => {
    const [text, from, to] = [0, 1, 2].map((k) => stringReader(call, k)) as [
      (row: number) => string,
      (row: number) => string,
      (row: number) => string,
    ]
    return textRows(call, (row) => translateOf(text(row), from(row), to(row)))
  },
  ascii: (call) => {
    const text = stringReader(call, 0)
    return numberRows(call, (row) => text(row).codePointAt(0) ?? 0)
  },
  chr: (call) => {
    const code = numberArg(call, 0).values
    return textRows(call, (row) => chrOf(code[row]!))
  },
  bit_length: (call) => {
    const arg = textArg(call, 0)
    return numberRows(call, (row) => (arg.offsets[row + 1]! - arg.offsets[row]!) * 8)
  },
  to_hex: (call) => {
    const values = numberArg(call, 0).values
    const bits = call.args[0]!.type === 'int8' ? 64 : 32
    return textRows(call, (row) => hexOf(values[row]!, bits))
  },
  overlay: (call) => {
    const text = stringReader(call, 0)
    const placing = stringReader(call, 1)
    const start = numberArg(call, 2).values
    const count = call.args.length > 3 ? numberArg(call, 3).values : null
    return textRows(call, (row) => {
      const length = count === null ? Array.from(placing(row)).length : count[row]!
      return overlayOf(text(row), placing(row), start[row]!, length)
    })
  },
  similar_to_escape: (call) => {
    const pattern = stringReader(call, 0)
    const escape = call.args.length > 1 ? stringReader(call, 1) : (): string => '\\'
    return textRows(call, (row) => similarToRegex(pattern(row), escape(row)))
  },
}
