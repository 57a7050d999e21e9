// PostgreSQL 15's string functions over text: substr/substring, strpos, replace, split_part,
// btrim/ltrim/rtrim, concat/concat_ws, left/right, lpad/rpad, repeat, reverse, initcap,
// starts_with, md5, octet_length. Positions and lengths count characters (code points), as
// PostgreSQL does under UTF-8; the work per row is string work, on decoded rows.
import { createHash } from 'node:crypto'
import { PgError, SqlState } from '../../common/index.js'
import { makeNumberVector, TextVectorBuilder } from '../expr/vector-builders.js'
import { formatValueText } from '../format/text-output.js'
import { argAt, textArg, type Kernel } from './kernel.js'
import { regexSubstringOf } from './regex.js'
import {
  boolRows,
  characterCount,
  characterSlice,
  codePoints,
  numberReader,
  numberRows,
  stringReader,
  textRows,
} from './row-values.js'

function negativeSubstringLength(): PgError {
  return new PgError({
    code: SqlState.substringError,
    message: 'negative substring length not allowed',
  })
}

/** substr(text, start [, count]): characters start .. start + count - 1, 1-based. */
export function substringOf(text: string, start: number, count: number | null): string {
  if (count === null) return characterSlice(text, Math.max(start, 1) - 1, Infinity)
  if (count < 0) throw negativeSubstringLength()
  return characterSlice(text, Math.max(start, 1) - 1, start + count - 1)
}

const substr: Kernel = (call) => {
  const text = stringReader(call, 0)
  const start = numberReader(call, 1)
  const count = call.args.length > 2 ? numberReader(call, 2) : null
  return textRows(call, (row) => substringOf(text(row), start(row), count?.(row) ?? null))
}

/** strpos(text, sub): the 1-based character position of the first match, 0 when none. */
export function strposOf(text: string, sub: string): number {
  const index = text.indexOf(sub)
  return index < 0 ? 0 : characterCount(text.slice(0, index)) + 1
}

const strpos: Kernel = (call) => {
  const text = stringReader(call, 0)
  const sub = stringReader(call, 1)
  return numberRows(call, (row) => strposOf(text(row), sub(row)))
}

const replace: Kernel = (call) => {
  const text = stringReader(call, 0)
  const from = stringReader(call, 1)
  const to = stringReader(call, 2)
  return textRows(call, (row) => {
    const search = from(row)
    const value = text(row)
    return search === '' ? value : value.split(search).join(to(row))
  })
}

/** split_part(text, delimiter, n): field n (from the end when negative), '' past the ends. */
export function splitPartOf(text: string, delimiter: string, field: number): string {
  if (field === 0) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'field position must not be zero',
    })
  }
  if (text === '') return ''
  if (delimiter === '') return field === 1 || field === -1 ? text : ''
  const parts = text.split(delimiter)
  return (field > 0 ? parts[field - 1] : parts[parts.length + field]) ?? ''
}

const splitPart: Kernel = (call) => {
  const text = stringReader(call, 0)
  const delimiter = stringReader(call, 1)
  const field = numberReader(call, 2)
  return textRows(call, (row) => splitPartOf(text(row), delimiter(row), field(row)))
}

/** Removes characters in `set` from the start and/or end of `text`. */
export function trimOf(text: string, set: string, leading: boolean, trailing: boolean): string {
  const chars = Array.from(text)
  const remove = new Set(Array.from(set))
  let start = 0
  let end = chars.length
  if (leading) while (start < end && remove.has(chars[start]!)) start++
  if (trailing) while (end > start && remove.has(chars[end - 1]!)) end--
  return start === 0 && end === chars.length ? text : chars.slice(start, end).join('')
}

function trimKernel(leading: boolean, trailing: boolean): Kernel {
  return (call) => {
    const text = stringReader(call, 0)
    const set = call.args.length > 1 ? stringReader(call, 1) : (): string => ' '
    return textRows(call, (row) => trimOf(text(row), set(row), leading, trailing))
  }
}

/** concat(any...) and concat_ws(sep, any...): NULL arguments are skipped. */
function concatKernel(withSeparator: boolean): Kernel {
  return (call) => {
    const { length, ctx } = call
    const first = withSeparator ? 1 : 0
    const separator = withSeparator ? textArg(call, 0) : null
    const builder = new TextVectorBuilder(call.type, length)
    const options = ctx
    const sep = withSeparator ? stringReader(call, 0) : (): string => ''
    for (let row = 0; row < length; row++) {
      if (separator?.validity != null && separator.validity[row] === 0) {
        builder.appendNull()
        continue
      }
      const glue = sep(row)
      let out = ''
      let written = 0
      for (let index = first; index < call.args.length; index++) {
        const value = formatValueText(argAt(call, index), row, options)
        if (value === null) continue
        out += written++ > 0 ? glue + value : value
      }
      builder.appendString(out)
    }
    return builder.finish()
  }
}

/** left(text, n) / right(text, n): n characters, or all but |n| when n is negative. */
export function leftOf(text: string, n: number): string {
  const count = characterCount(text)
  return characterSlice(text, 0, n < 0 ? count + n : n)
}

export function rightOf(text: string, n: number): string {
  const count = characterCount(text)
  return characterSlice(text, n < 0 ? -n : count - n, count)
}

/** lpad/rpad(text, length [, fill]): pads with `fill` repeated, or truncates to `length`. */
export function padOf(text: string, length: number, fill: string, left: boolean): string {
  const target = Math.max(0, length)
  const chars = codePoints(text)
  if (chars.length >= target) return characterSlice(text, 0, target)
  const fillChars = Array.from(fill)
  if (fillChars.length === 0) return text
  let padding = ''
  for (let i = 0; i < target - chars.length; i++) padding += fillChars[i % fillChars.length]!
  return left ? padding + text : text + padding
}

function padKernel(left: boolean): Kernel {
  return (call) => {
    const text = stringReader(call, 0)
    const length = numberReader(call, 1)
    const fill = call.args.length > 2 ? stringReader(call, 2) : (): string => ' '
    return textRows(call, (row) => padOf(text(row), length(row), fill(row), left))
  }
}

const repeat: Kernel = (call) => {
  const text = stringReader(call, 0)
  const count = numberReader(call, 1)
  return textRows(call, (row) => {
    const value = text(row)
    const n = Math.max(0, count(row))
    if (value.length * n > 0x3fffffff) {
      throw new PgError({
        code: SqlState.programLimitExceeded,
        message: 'requested length too large',
      })
    }
    return value.repeat(n)
  })
}

const wordCharacter = /[\p{L}\p{N}]/u

/** initcap: the first letter of each alphanumeric run upper case, the rest lower. */
export function initcapOf(text: string): string {
  let out = ''
  let inWord = false
  for (const character of text) {
    const mapped = inWord ? character.toLowerCase() : character.toUpperCase()
    out += mapped.length === character.length ? mapped : character
    inWord = wordCharacter.test(character)
  }
  return out
}

const octetLength: Kernel = (call) => {
  const arg = textArg(call, 0)
  const out = new Float64Array(call.length)
  for (let row = 0; row < call.length; row++) out[row] = arg.offsets[row + 1]! - arg.offsets[row]!
  return makeNumberVector(call.type, out, arg.validity)
}

/** substring(text, int [, int]) as substr; substring(text, text) by POSIX regex. */
const substring: Kernel = (call) => {
  if (argAt(call, 1).kind === 'number') return substr(call)
  const text = stringReader(call, 0)
  const pattern = stringReader(call, 1)
  return textRows(call, (row) => regexSubstringOf(text(row), pattern(row)))
}

export const stringKernels: Readonly<Record<string, Kernel>> = {
  octet_length: octetLength,
  substr,
  substring,
  strpos,
  replace,
  split_part: splitPart,
  btrim: trimKernel(true, true),
  ltrim: trimKernel(true, false),
  rtrim: trimKernel(false, true),
  concat: concatKernel(false),
  concat_ws: concatKernel(true),
  left: (call) => {
    const text = stringReader(call, 0)
    const n = numberReader(call, 1)
    return textRows(call, (row) => leftOf(text(row), n(row)))
  },
  right: (call) => {
    const text = stringReader(call, 0)
    const n = numberReader(call, 1)
    return textRows(call, (row) => rightOf(text(row), n(row)))
  },
  lpad: padKernel(true),
  rpad: padKernel(false),
  repeat,
  reverse: (call) => {
    const text = stringReader(call, 0)
    return textRows(call, (row) => Array.from(text(row)).reverse().join(''))
  },
  initcap: (call) => {
    const text = stringReader(call, 0)
    return textRows(call, (row) => initcapOf(text(row)))
  },
  starts_with: (call) => {
    const text = stringReader(call, 0)
    const prefix = stringReader(call, 1)
    return boolRows(call, (row) => text(row).startsWith(prefix(row)))
  },
  md5: (call) => {
    const text = stringReader(call, 0)
    return textRows(call, (row) => createHash('md5').update(text(row), 'utf8').digest('hex'))
  },
}
