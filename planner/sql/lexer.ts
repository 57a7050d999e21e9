// The SQL lexer: turns one statement's text into tokens that remember where they start, so
// every error can carry PostgreSQL's 1-based `position`. It follows PostgreSQL's scan.l for
// the subset we parse: identifiers (unquoted ones fold to lower case), "quoted" identifiers,
// '...' strings with '' escapes, E'...' strings with backslash escapes, $tag$...$tag$
// strings, numbers, $n parameters, operators, and -- and nested /* */ comments.
import { syntaxError } from '../../common/index.js'

export type TokenKind = 'ident' | 'string' | 'number' | 'param' | 'op' | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** Identifiers: folded to lower case unless quoted. Strings: the decoded value. Others: raw. */
  readonly value: string
  readonly quoted: boolean
  /** 0-based offset of the token's first character in the statement text. */
  readonly start: number
  readonly end: number
}

const operatorChars = '+-*/<>=~!@#%^&|`?'
const multiCharOperators = ['::', '<=', '>=', '<>', '!=', '||', '<@', '@>', '&&', '<<', '>>']
const singleCharTokens = '+-*/%<>=(),.;[]:'

const isIdentStart = (c: string): boolean => /[A-Za-z_\u0080-\uffff]/.test(c)
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_$\u0080-\uffff]/.test(c)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'

/** Returns the token list of `text`, ending with one 'eof' token; throws 42601 on bad input. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const skipped = skipSpaceAndComments(text, i)
    if (skipped !== i) {
      i = skipped
      continue
    }
    const token = readToken(text, i)
    tokens.push(token)
    i = token.end
  }
  tokens.push({ kind: 'eof', value: '', quoted: false, start: text.length, end: text.length })
  return tokens
}

/** Returns the offset after any whitespace and comments starting at `i`. */
export function skipSpaceAndComments(text: string, i: number): number {
  let at = i
  for (;;) {
    const c = text[at]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      at += 1
    } else if (c === '-' && text[at + 1] === '-') {
      const newline = text.indexOf('\n', at)
      at = newline === -1 ? text.length : newline + 1
    } else if (c === '/' && text[at + 1] === '*') {
      at = skipBlockComment(text, at)
    } else {
      return at
    }
  }
}

function skipBlockComment(text: string, start: number): number {
  let depth = 0
  let at = start
  while (at < text.length) {
    if (text[at] === '/' && text[at + 1] === '*') {
      depth += 1
      at += 2
    } else if (text[at] === '*' && text[at + 1] === '/') {
      depth -= 1
      at += 2
      if (depth === 0) return at
    } else {
      at += 1
    }
  }
  throw syntaxError(`unterminated /* comment at or near "${text.slice(start)}"`, start + 1)
}

function readToken(text: string, i: number): Token {
  const c = text[i] ?? ''
  const next = text[i + 1]
  if ((c === 'E' || c === 'e') && next === "'") return readString(text, i, i + 1, true)
  if (c === "'") return readString(text, i, i, false)
  if (c === '"') return readQuotedIdent(text, i)
  if (c === '$') return readDollar(text, i)
  if (isDigit(c) || (c === '.' && isDigit(next))) return readNumber(text, i)
  if (isIdentStart(c)) {
    let end = i + 1
    while (end < text.length && isIdentPart(text[end] ?? '')) end += 1
    return { kind: 'ident', value: text.slice(i, end).toLowerCase(), quoted: false, start: i, end }
  }
  const jsonOperator =
    c === '-' || c === '<'
      ? /^(?:->>|->|<@)(?![~!@#%^&|`?*\/<>=])/.exec(text.slice(i, i + 4))
      : null
  if (jsonOperator !== null) {
    const end = i + jsonOperator[0].length
    return { kind: 'op', value: jsonOperator[0], quoted: false, start: i, end }
  }
  const two = text.slice(i, i + 2)
  if (multiCharOperators.includes(two))
    return { kind: 'op', value: two, quoted: false, start: i, end: i + 2 }
  if (singleCharTokens.includes(c))
    return { kind: 'op', value: c, quoted: false, start: i, end: i + 1 }
  if (operatorChars.includes(c)) {
    let end = i + 1
    while (end < text.length && operatorChars.includes(text[end] ?? ' ')) end += 1
    // As PostgreSQL's lexer: a trailing + or - belongs to the next token unless the operator
    // holds one of ~ ! @ # % ^ & | ` ? (so `j->-1` is j -> -1).
    while (
      end - i > 1 &&
      /[+-]$/.test(text.slice(i, end)) &&
      !/[~!@#%^&|`?]/.test(text.slice(i, end))
    )
      end -= 1
    return { kind: 'op', value: text.slice(i, end), quoted: false, start: i, end }
  }
  throw syntaxError(`syntax error at or near "${c}"`, i + 1)
}

function readString(text: string, start: number, quote: number, escapes: boolean): Token {
  let value = ''
  let at = quote + 1
  while (at < text.length) {
    const c = text[at] ?? ''
    if (c === "'") {
      if (text[at + 1] === "'") {
        value += "'"
        at += 2
        continue
      }
      return { kind: 'string', value, quoted: true, start, end: at + 1 }
    }
    if (escapes && c === '\\' && at + 1 < text.length) {
      value += decodeEscape(text[at + 1] ?? '')
      at += 2
      continue
    }
    value += c
    at += 1
  }
  throw syntaxError(`unterminated quoted string at or near "${text.slice(start)}"`, start + 1)
}

function decodeEscape(c: string): string {
  switch (c) {
    case 'n':
      return '\n'
    case 't':
      return '\t'
    case 'r':
      return '\r'
    case 'b':
      return '\b'
    case 'f':
      return '\f'
    default:
      return c
  }
}

function readQuotedIdent(text: string, start: number): Token {
  let value = ''
  let at = start + 1
  while (at < text.length) {
    const c = text[at] ?? ''
    if (c === '"') {
      if (text[at + 1] === '"') {
        value += '"'
        at += 2
        continue
      }
      if (value === '')
        throw syntaxError('zero-length delimited identifier at or near """"', start + 1)
      return { kind: 'ident', value, quoted: true, start, end: at + 1 }
    }
    value += c
    at += 1
  }
  throw syntaxError(`unterminated quoted identifier at or near "${text.slice(start)}"`, start + 1)
}

/** Reads `$n` (a parameter) or a dollar-quoted string `$tag$...$tag$`. */
function readDollar(text: string, start: number): Token {
  let end = start + 1
  if (isDigit(text[end])) {
    while (isDigit(text[end])) end += 1
    return { kind: 'param', value: text.slice(start + 1, end), quoted: false, start, end }
  }
  const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(start))
  if (tag === null) throw syntaxError('syntax error at or near "$"', start + 1)
  const open = tag[0]
  const close = text.indexOf(open, start + open.length)
  if (close === -1) {
    throw syntaxError(
      `unterminated dollar-quoted string at or near "${text.slice(start)}"`,
      start + 1,
    )
  }
  const value = text.slice(start + open.length, close)
  return { kind: 'string', value, quoted: true, start, end: close + open.length }
}

function readNumber(text: string, start: number): Token {
  const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(start))
  const raw = match?.[0] ?? ''
  const end = start + raw.length
  if (isIdentStart(text[end] ?? '')) {
    throw syntaxError(
      `trailing junk after numeric literal at or near "${text.slice(start, end + 1)}"`,
      start + 1,
    )
  }
  return { kind: 'number', value: raw, quoted: false, start, end }
}

/** The token as the user typed it, for `syntax error at or near "..."`. */
export function tokenText(text: string, token: Token): string {
  return text.slice(token.start, token.end)
}
