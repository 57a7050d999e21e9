// POSIX regular expressions as PostgreSQL 15 runs them (advanced REs): the ~ ~* !~ !~*
// operators, regexp_replace, regexp_split_to_array (regexp_split_to_table is its unnest),
// substring(text FROM pattern), and like_escape (the pattern
// rewrite behind LIKE ... ESCAPE). Patterns are translated to JavaScript RegExp source once
// and cached; a constant pattern compiles once per batch.
//
// Translation: `.` matches newlines (flag s) as in PostgreSQL; bracket classes [[:alpha:]]
// become Unicode property classes; \m \M \y \Y \A \Z become lookarounds; an escaped
// punctuation character becomes a literal; embedded options (?i) (?c) at the start apply.
import { PgError, SqlState } from '../../common/index.js'
import type { Kernel } from './kernel.js'
import { makeTextVector } from '../expr/vector-builders.js'
import { boolRows, stringReader, strictValidity, textRows } from './row-values.js'

const word = '[\\p{L}\\p{N}_]'

const classNames: Readonly<Record<string, string>> = {
  alpha: '\\p{L}',
  digit: '0-9',
  alnum: '\\p{L}\\p{N}',
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  space: '\\s',
  blank: ' \\t',
  punct: '\\p{P}',
  xdigit: '0-9A-Fa-f',
  word: '\\p{L}\\p{N}_',
  cntrl: '\\p{Cc}',
  print: '\\P{C}',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
}

const syntaxCharacters = '^$\\.*+?()[]{}|/'

function invalidRegex(detail: string): PgError {
  return new PgError({
    code: SqlState.invalidRegularExpression,
    message: `invalid regular expression: ${detail}`,
  })
}

/** Escapes outside a bracket expression: PostgreSQL's spelling to JavaScript's. */
function translateEscape(next: string): string {
  switch (next) {
    case 'm':
      return `(?<!${word})(?=${word})`
    case 'M':
      return `(?<=${word})(?!${word})`
    case 'y':
      return `(?:(?<!${word})(?=${word})|(?<=${word})(?!${word}))`
    case 'Y':
      return `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`
    case 'A':
      return '(?<![\\s\\S])'
    case 'Z':
      return '(?![\\s\\S])'
    case 'e':
      return '\\x1B'
    // \w is [[:alnum:]_], Unicode letters and digits under UTF-8 (JavaScript's is ASCII)
    case 'w':
      return word
    case 'W':
      return '[^\\p{L}\\p{N}_]'
    default:
      if (/[A-Za-z0-9]/.test(next)) return `\\${next}`
      return syntaxCharacters.includes(next) ? `\\${next}` : next === '-' ? '\\-' : next
  }
}

/** Translates a bracket expression starting at pattern[at] === '['; returns [source, end]. */
function translateBracket(pattern: string, at: number): [string, number] {
  let i = at + 1
  let out = '['
  if (pattern[i] === '^') {
    out += '^'
    i++
  }
  if (pattern[i] === ']') {
    out += '\\]'
    i++
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2)
      if (close < 0) throw invalidRegex('brackets [] not balanced')
      const klass = classNames[pattern.slice(i + 2, close)]
      if (klass === undefined) throw invalidRegex('invalid character class')
      out += klass
      i = close + 2
    } else if (c === '\\') {
      const next = pattern[i + 1] ?? ''
      out += /[A-Za-z0-9]/.test(next) ? `\\${next}` : `\\${next}`
      i += 2
    } else {
      out += c === '[' || c === '/' ? `\\${c}` : c
      i++
    }
  }
  if (i >= pattern.length) throw invalidRegex('brackets [] not balanced')
  return [`${out}]`, i + 1]
}

export interface TranslatedRegex {
  readonly source: string
  readonly caseInsensitive: boolean
}

/** Translates a PostgreSQL advanced regular expression to JavaScript RegExp source. */
export function translateRegex(pattern: string, caseInsensitive: boolean): TranslatedRegex {
  let i = 0
  let ignoreCase = caseInsensitive
  const options = /^\(\?([a-z]+)\)/.exec(pattern)
  if (options !== null) {
    for (const option of options[1]!) {
      if (option === 'i') ignoreCase = true
      else if (option === 'c') ignoreCase = false
      else throw invalidRegex('invalid embedded option')
    }
    i = options[0].length
  }
  let out = ''
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw invalidRegex('invalid escape \\ sequence')
      out += translateEscape(pattern[i + 1]!)
      i += 2
    } else if (c === '[') {
      const [source, end] = translateBracket(pattern, i)
      out += source
      i = end
    } else if (c === '/') {
      out += '\\/'
      i++
    } else {
      out += c
      i++
    }
  }
  return { source: out, caseInsensitive: ignoreCase }
}

const cacheMax = 256
const cache = new Map<string, RegExp>()

/** Compiles (cached) a PostgreSQL regex with extra JavaScript flags ('g'). */
export function compileRegex(pattern: string, caseInsensitive: boolean, global = false): RegExp {
  const key = `${caseInsensitive ? 'i' : 'c'}${global ? 'g' : '-'}${pattern}`
  let regex = cache.get(key)
  if (regex === undefined) {
    const translated = translateRegex(pattern, caseInsensitive)
    const flags = `su${translated.caseInsensitive ? 'i' : ''}${global ? 'g' : ''}`
    try {
      regex = new RegExp(translated.source, flags)
    } catch (error) {
      throw invalidRegex(error instanceof Error ? error.message.replace(/^.*: /, '') : 'invalid')
    }
    if (cache.size >= cacheMax) cache.clear()
    cache.set(key, regex)
  }
  regex.lastIndex = 0
  return regex
}

function matchKernel(caseInsensitive: boolean, negated: boolean): Kernel {
  return (call) => {
    const text = stringReader(call, 0)
    const pattern = stringReader(call, 1)
    const constant =
      call.constantArgs[1] === true && call.length > 0 && call.args[1]!.validity === null
        ? compileRegex(pattern(0), caseInsensitive)
        : null
    return boolRows(
      call,
      (row) =>
        (constant ?? compileRegex(pattern(row), caseInsensitive)).test(text(row)) !== negated,
    )
  }
}

/** regexp_replace's flags: g (all matches), i / c (case), others rejected. */
function parseFlags(flags: string): { global: boolean; caseInsensitive: boolean } {
  let global = false
  let caseInsensitive = false
  for (const flag of flags) {
    if (flag === 'g') global = true
    else if (flag === 'i') caseInsensitive = true
    else if (flag === 'c') caseInsensitive = false
    else {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `invalid regular expression option: "${flag}"`,
      })
    }
  }
  return { global, caseInsensitive }
}

/** Expands a replacement: \1..\9 are groups, \& the whole match, \\ a backslash. */
export function expandReplacement(replacement: string, match: RegExpExecArray): string {
  if (!replacement.includes('\\')) return replacement
  let out = ''
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!
    const next = replacement[i + 1]
    if (c !== '\\' || next === undefined) {
      out += c
    } else if (next >= '1' && next <= '9') {
      out += match[Number(next)] ?? ''
      i++
    } else if (next === '&') {
      out += match[0]
      i++
    } else if (next === '\\') {
      out += '\\'
      i++
    } else {
      out += '\\'
    }
  }
  return out
}

/** regexp_replace(text, pattern, replacement [, flags]). */
export function regexpReplaceOf(
  text: string,
  pattern: string,
  replacement: string,
  flags: string,
): string {
  const { global, caseInsensitive } = parseFlags(flags)
  const regex = compileRegex(pattern, caseInsensitive, true)
  regex.lastIndex = 0 // the cached RegExp may keep a position from an earlier text
  let out = ''
  let last = 0
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    out += text.slice(last, match.index) + expandReplacement(replacement, match)
    last = match.index + match[0].length
    if (match[0].length === 0)
      regex.lastIndex += text.codePointAt(regex.lastIndex)! > 0xffff ? 2 : 1
    if (!global || regex.lastIndex > text.length) break
  }
  return out + text.slice(last)
}

const regexpReplace: Kernel = (call) => {
  const text = stringReader(call, 0)
  const pattern = stringReader(call, 1)
  const replacement = stringReader(call, 2)
  const flags = call.args.length > 3 ? stringReader(call, 3) : (): string => ''
  return textRows(call, (row) =>
    regexpReplaceOf(text(row), pattern(row), replacement(row), flags(row)),
  )
}

/**
 * regexp_split_to_array(text, pattern [, flags]): the pieces between matches. As PostgreSQL's
 * setup_regexp_matches with ignore_degenerate, a zero-length match at the start or end of
 * the text or right after the previous match splits nothing.
 */
export function regexpSplitOf(text: string, pattern: string, flags: string): string[] {
  const { global, caseInsensitive } = parseFlags(flags)
  if (global) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'regexp_split_to_array() does not support the "global" option',
    })
  }
  const regex = compileRegex(pattern, caseInsensitive, true)
  regex.lastIndex = 0 // the cached RegExp may keep a position from an earlier text
  const pieces: string[] = []
  let previousEnd = 0
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const end = match.index + match[0].length
    if (match.index < text.length && end > previousEnd) {
      pieces.push(text.slice(previousEnd, match.index))
      previousEnd = end
    }
    // Next search from the previous match's end, one character on after an empty match.
    regex.lastIndex = previousEnd
    if (match[0].length === 0)
      regex.lastIndex = match.index + (text.codePointAt(match.index)! > 0xffff ? 2 : 1)
    if (regex.lastIndex > text.length) break
  }
  pieces.push(text.slice(previousEnd))
  return pieces
}

const regexpSplitToArray: Kernel = (call) => {
  const text = stringReader(call, 0)
  const pattern = stringReader(call, 1)
  const flags = call.args.length > 2 ? stringReader(call, 2) : (): string => ''
  const validity = strictValidity(call)
  const offsets = new Int32Array(call.length + 1)
  const pieces: string[] = []
  for (let row = 0; row < call.length; row++) {
    if (validity === null || validity[row] === 1)
      pieces.push(...regexpSplitOf(text(row), pattern(row), flags(row)))
    offsets[row + 1] = pieces.length
  }
  const child = makeTextVector('text', pieces)
  return { kind: 'array', type: call.type, length: call.length, validity, offsets, child }
}

/** substring(text FROM pattern): the first parenthesized group if any, else the match. */
export function regexSubstringOf(text: string, pattern: string): string | null {
  const match = compileRegex(pattern, false).exec(text)
  if (match === null) return null
  return match.length > 1 ? (match[1] ?? null) : match[0]
}

/** like_escape(pattern, escape): rewrites the pattern to LIKE's backslash escapes. */
export function likeEscapeOf(pattern: string, escape: string): string {
  const escapeChars = Array.from(escape)
  if (escapeChars.length > 1) {
    throw new PgError({
      code: SqlState.invalidEscapeSequence,
      message: 'invalid escape string',
      hint: 'Escape string must be empty or one character.',
    })
  }
  const escapeChar = escapeChars[0]
  if (escapeChar === '\\') return pattern
  // As PostgreSQL's do_like_escape: the escape becomes a backslash, the next character stays.
  let out = ''
  let afterEscape = false
  for (const c of pattern) {
    if (c === escapeChar && !afterEscape) {
      out += '\\'
      afterEscape = true
    } else if (c === '\\') {
      out += afterEscape ? '\\' : '\\\\'
      afterEscape = false
    } else {
      out += c
      afterEscape = false
    }
  }
  return out
}

export const regexKernels: Readonly<Record<string, Kernel>> = {
  regex_match: matchKernel(false, false),
  regex_imatch: matchKernel(true, false),
  not_regex_match: matchKernel(false, true),
  not_regex_imatch: matchKernel(true, true),
  regexp_replace: regexpReplace,
  regexp_split_to_array: regexpSplitToArray,
  like_escape: (call) => {
    const pattern = stringReader(call, 0)
    const escape = stringReader(call, 1)
    return textRows(call, (row) => likeEscapeOf(pattern(row), escape(row)))
  },
}
