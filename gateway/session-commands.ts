// Statements the session answers itself, because they act on its own state rather than on
// data: savepoints of the transaction block and cursors (server-side portals).
//
//   SAVEPOINT name | RELEASE [SAVEPOINT] name | ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name
//   DECLARE name [BINARY] [INSENSITIVE] [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query
//   FETCH | MOVE [NEXT | FORWARD [n | ALL] | ALL | n] [FROM | IN] name
//   CLOSE name | ALL
//
// (https://www.postgresql.org/docs/15/sql-savepoint.html, sql-declare.html, sql-fetch.html).
// Anything else returns null and goes to the engine.
import { PgError, SqlState } from '../common/index.js'
import { tokenize, type Token } from '../planner/index.js'
import type { ParsedStatement } from './engine.js'

export type SessionCommand =
  | { readonly kind: 'savepoint'; readonly name: string }
  | { readonly kind: 'release'; readonly name: string }
  | { readonly kind: 'rollbackTo'; readonly name: string }
  | {
      readonly kind: 'declare'
      readonly name: string
      readonly binary: boolean
      readonly hold: boolean
      readonly query: ParsedStatement
    }
  | {
      readonly kind: 'fetch'
      readonly move: boolean
      readonly name: string
      /** Rows to fetch; Infinity for ALL. */
      readonly count: number
    }
  | { readonly kind: 'close'; readonly name: string | null }

const leadingWords = new Set([
  'savepoint',
  'release',
  'rollback',
  'abort',
  'declare',
  'fetch',
  'move',
  'close',
])

/** Parses a session command, or returns null for a statement the engine runs. */
export function parseSessionCommand(statement: ParsedStatement): SessionCommand | null {
  const first = /^\s*([A-Za-z]+)/.exec(statement.text)?.[1]?.toLowerCase()
  if (first === undefined || !leadingWords.has(first)) return null
  const reader = new TokenReader(statement, tokenize(statement.text))
  reader.next()
  switch (first) {
    case 'savepoint':
      return reader.finish({ kind: 'savepoint', name: reader.name() })
    case 'release':
      reader.accept('savepoint')
      return reader.finish({ kind: 'release', name: reader.name() })
    case 'rollback':
    case 'abort':
      if (!reader.accept('work')) reader.accept('transaction')
      if (!reader.accept('to')) return null
      reader.accept('savepoint')
      return reader.finish({ kind: 'rollbackTo', name: reader.name() })
    case 'declare':
      return parseDeclare(reader, statement)
    case 'fetch':
    case 'move':
      return parseFetch(reader, first === 'move')
    case 'close':
      if (reader.accept('all')) return reader.finish({ kind: 'close', name: null })
      return reader.finish({ kind: 'close', name: reader.name() })
    default:
      return null
  }
}

function parseDeclare(reader: TokenReader, statement: ParsedStatement): SessionCommand {
  const name = reader.name()
  let binary = false
  for (;;) {
    if (reader.accept('binary')) binary = true
    else if (reader.accept('insensitive') || reader.accept('asensitive')) continue
    else if (reader.accept('no')) reader.expect('scroll')
    else if (reader.accept('scroll')) throw notSupported('DECLARE SCROLL CURSOR')
    else break
  }
  reader.expect('cursor')
  let hold = false
  if (reader.accept('with')) {
    reader.expect('hold')
    hold = true
  } else if (reader.accept('without')) reader.expect('hold')
  reader.expect('for')
  const start = reader.peek()
  if (start.kind !== 'ident' || !['select', 'values', 'with', 'table'].includes(start.value))
    if (start.value !== '(') throw reader.syntaxError()
  const query = {
    text: statement.text.slice(start.start),
    offset: statement.offset + start.start,
  }
  return { kind: 'declare', name, binary, hold, query }
}

function parseFetch(reader: TokenReader, move: boolean): SessionCommand {
  let count = 1
  const token = reader.peek()
  if (token.kind === 'number' || (token.kind === 'op' && token.value === '-')) {
    count = reader.count()
  } else if (reader.accept('next')) {
    count = 1
  } else if (reader.accept('all')) {
    count = Infinity
  } else if (reader.accept('forward')) {
    if (reader.accept('all')) count = Infinity
    else if (reader.peek().kind === 'number' || reader.peek().value === '-') count = reader.count()
  } else if (['prior', 'first', 'last', 'absolute', 'relative', 'backward'].includes(token.value)) {
    throw scanForwardOnly()
  }
  if (!reader.accept('from')) reader.accept('in')
  const name = reader.name()
  if (count < 0) throw scanForwardOnly()
  return reader.finish({ kind: 'fetch', move, name, count })
}

function scanForwardOnly(): PgError {
  return new PgError({
    code: SqlState.objectNotInPrerequisiteState,
    message: 'cursor can only scan forward',
    hint: 'Declare it with SCROLL option to enable backward scan.',
  })
}

function notSupported(what: string): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message: `${what} is not supported yet`,
  })
}

/** A cursor over the tokens of one statement; errors point at the token in the client's text. */
class TokenReader {
  private at = 0

  constructor(
    private readonly statement: ParsedStatement,
    private readonly tokens: readonly Token[],
  ) {}

  peek(): Token {
    const token = this.tokens[this.at] ?? this.tokens[this.tokens.length - 1]
    if (token === undefined) throw this.syntaxError()
    return token
  }

  next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.at++
    return token
  }

  /** Consumes the unquoted keyword `word` when it comes next. */
  accept(word: string): boolean {
    const token = this.peek()
    if (token.kind !== 'ident' || token.quoted || token.value !== word) return false
    this.at++
    return true
  }

  expect(word: string): void {
    if (!this.accept(word)) throw this.syntaxError()
  }

  name(): string {
    const token = this.peek()
    if (token.kind !== 'ident') throw this.syntaxError()
    this.at++
    return token.value
  }

  /** A signed integer row count. */
  count(): number {
    const negative = this.peek().kind === 'op' && this.peek().value === '-'
    if (negative) this.at++
    const token = this.next()
    if (token.kind !== 'number' || !/^\d+$/.test(token.value)) throw this.syntaxError()
    const value = Number(token.value)
    return negative ? -value : value
  }

  /** Returns `command` if only an optional semicolon remains. */
  finish(command: SessionCommand): SessionCommand {
    if (this.peek().value === ';') this.at++
    if (this.peek().kind !== 'eof') throw this.syntaxError()
    return command
  }

  syntaxError(): PgError {
    const token = this.peek()
    const where =
      token.kind === 'eof'
        ? 'at end of input'
        : `at or near "${this.statement.text.slice(token.start, token.end)}"`
    // 1-based within the statement; the session adds the statement's offset in the query.
    return new PgError({
      code: SqlState.syntaxError,
      message: `syntax error ${where}`,
      position: token.start + 1,
    })
  }
}
