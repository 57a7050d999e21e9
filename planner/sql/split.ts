// Cuts a simple-query string into statements at the semicolons that are outside quotes and
// comments. Each statement keeps its offset, so an error position inside it can be reported
// against the whole string the client sent. Unterminated quotes run to the end of the input;
// the lexer reports them when that statement is planned.
import { skipSpaceAndComments } from './lexer.js'

/** One statement cut from a query string; identical to gateway/engine.ts's ParsedStatement. */
export interface ParsedStatement {
  readonly text: string
  /** 0-based offset of `text` in the string the client sent. */
  readonly offset: number
}

/** Splits `sql` into statements; drops empty ones, but an all-empty string gives one empty statement. */
export function splitStatements(sql: string): ParsedStatement[] {
  const statements: ParsedStatement[] = []
  let statementStart = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    if (c === ';') {
      pushNonEmpty(statements, sql, statementStart, i)
      statementStart = i + 1
      i += 1
    } else {
      i = skipNonSeparator(sql, i)
    }
  }
  pushNonEmpty(statements, sql, statementStart, sql.length)
  if (statements.length === 0) return [{ text: '', offset: 0 }]
  return statements
}

function pushNonEmpty(
  statements: ParsedStatement[],
  sql: string,
  start: number,
  end: number,
): void {
  const text = sql.slice(start, end)
  if (isBlank(text)) return
  const leading = text.length - text.trimStart().length
  statements.push({ text: text.slice(leading), offset: start + leading })
}

/** True when `text` holds only whitespace and comments. */
export function isBlank(text: string): boolean {
  try {
    return skipSpaceAndComments(text, 0) >= text.length
  } catch {
    return false // an unterminated comment is a statement the lexer will reject
  }
}

/** Returns the offset after the quoted string, comment or single character at `i`. */
function skipNonSeparator(sql: string, i: number): number {
  const c = sql[i]
  const next = sql[i + 1]
  if (c === '-' && next === '-') {
    const newline = sql.indexOf('\n', i)
    return newline === -1 ? sql.length : newline + 1
  }
  if (c === '/' && next === '*') return skipBlockComment(sql, i)
  if (c === "'") return skipQuoted(sql, i + 1, "'", isEscapeStringPrefix(sql, i))
  if (c === '"') return skipQuoted(sql, i + 1, '"', false)
  if (c === '$') return skipDollar(sql, i)
  if (isIdentChar(c)) {
    let end = i + 1
    while (end < sql.length && isIdentChar(sql[end])) end += 1
    return end
  }
  return i + 1
}

const isIdentChar = (c: string | undefined): boolean =>
  c !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(c)

/** True when the quote at `quote` opens an E'...' string (the E is a token of its own). */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1]
  if (prefix !== 'E' && prefix !== 'e') return false
  return !isIdentChar(sql[quote - 2]) && sql[quote - 2] !== '$'
}

function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let at = from
  while (at < sql.length) {
    const c = sql[at]
    if (backslashEscapes && c === '\\') {
      at += 2
    } else if (c === quote) {
      if (sql[at + 1] !== quote) return at + 1
      at += 2
    } else {
      at += 1
    }
  }
  return sql.length
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0
  let at = start
  while (at < sql.length) {
    if (sql[at] === '/' && sql[at + 1] === '*') {
      depth += 1
      at += 2
    } else if (sql[at] === '*' && sql[at + 1] === '/') {
      depth -= 1
      at += 2
      if (depth === 0) return at
    } else {
      at += 1
    }
  }
  return sql.length
}

function skipDollar(sql: string, start: number): number {
  const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(start))
  if (tag === null) return start + 1
  const close = sql.indexOf(tag[0], start + tag[0].length)
  return close === -1 ? sql.length : close + tag[0].length
}
