// A cursor over one statement's tokens, with the error helpers PostgreSQL's grammar uses:
// `syntax error at or near "tok"` pointing at the token, `at end of input` past the end.
import { PgError, SqlState, syntaxError } from '../../common/index.js'
import { tokenText, tokenize, type Token } from './lexer.js'

/** Words that end an expression or a select item, so they cannot be bare column aliases. */
const reservedWords = new Set([
  'all',
  'and',
  'any',
  'as',
  'asc',
  'between',
  'by',
  'case',
  'cast',
  'create',
  'desc',
  'distinct',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'filter',
  'for',
  'from',
  'group',
  'having',
  'ilike',
  'in',
  'intersect',
  'into',
  'is',
  'isnull',
  'join',
  'like',
  'limit',
  'not',
  'notnull',
  'null',
  'offset',
  'on',
  'or',
  'order',
  'over',
  'select',
  'table',
  'then',
  'true',
  'union',
  'using',
  'values',
  'when',
  'where',
  'window',
  'with',
  'escape',
  'similar',
])

export class TokenCursor {
  readonly text: string
  private readonly tokens: Token[]
  private index = 0

  constructor(text: string) {
    this.text = text
    this.tokens = tokenize(text)
  }

  peek(ahead = 0): Token {
    const token = this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]
    if (token === undefined) throw new Error('token list always ends with eof')
    return token
  }

  next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.index += 1
    return token
  }

  /** True when the token `ahead` is the unquoted keyword `word`. */
  isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === 'ident' && !token.quoted && token.value === word
  }

  isOp(op: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === 'op' && token.value === op
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false
    this.index += 1
    return true
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false
    this.index += 1
    return true
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.syntaxErrorAt(this.peek())
    return this.next()
  }

  expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.syntaxErrorAt(this.peek())
    return this.next()
  }

  /** Reads an identifier; reserved words are allowed only when quoted. */
  expectIdentifier(): Token {
    const token = this.peek()
    if (token.kind !== 'ident' || (!token.quoted && reservedWords.has(token.value))) {
      throw this.syntaxErrorAt(token)
    }
    return this.next()
  }

  /** Reads a column label: after `.` or `AS`, PostgreSQL allows reserved words too (ColLabel). */
  expectLabel(): Token {
    const token = this.peek()
    if (token.kind !== 'ident') throw this.syntaxErrorAt(token)
    return this.next()
  }

  /** True when the next token is an identifier that may serve as a bare alias. */
  isAliasCandidate(): boolean {
    const token = this.peek()
    return token.kind === 'ident' && (token.quoted || !reservedWords.has(token.value))
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof'
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.syntaxErrorAt(this.peek())
  }

  syntaxErrorAt(token: Token): PgError {
    if (token.kind === 'eof') return syntaxError('syntax error at end of input', token.start + 1)
    return syntaxError(`syntax error at or near "${tokenText(this.text, token)}"`, token.start + 1)
  }

  /** 0A000 for syntax PostgreSQL accepts and Malamute does not run yet, positioned at `token`. */
  notSupportedAt(what: string, token: Token): PgError {
    return new PgError({
      code: SqlState.featureNotSupported,
      message: `${what} is not supported yet`,
      position: token.start + 1,
    })
  }
}
