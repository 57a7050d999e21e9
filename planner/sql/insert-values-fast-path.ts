// A fast path for the statement bulk loaders send most: `INSERT INTO t [(c1, ...)] VALUES
// (literal, ...), (...)`. node-sql-parser parses such text at about 1.5 MB/s; this scanner
// reads it at memory speed and hands back, per column, the literal texts in columnar form,
// so the planner casts whole columns at once. Anything it does not recognise (expressions,
// casts, E'' strings, DEFAULT, ON CONFLICT, RETURNING, comments) returns null and the
// statement takes the general path, so it can only be faster, never different.

/** What a literal was written as: the cast rules differ (a quoted '1.5' into an integer column fails, 1.5 rounds). */
export const enum LiteralKind {
  Null = 0,
  String = 1,
  Number = 2,
  Boolean = 3,
}

export interface InsertValuesColumns {
  readonly table: string
  /** Target column names as written (folded to lower case unless quoted), or null for all columns in order. */
  readonly columns: readonly string[] | null
  readonly rowCount: number
  /** Per value position: each row's literal text (strings unescaped; '' for NULL). */
  readonly texts: readonly string[][]
  /** Per value position: each row's LiteralKind. */
  readonly kinds: readonly Uint8Array[]
}

const enum Char {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  Quote = 39,
  OpenParen = 40,
  CloseParen = 41,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Digit0 = 48,
  Digit9 = 57,
  Semicolon = 59,
  UpperE = 69,
  LowerE = 101,
  Underscore = 95,
}

class Scanner {
  position = 0
  constructor(readonly sql: string) {}

  skipSpace(): void {
    const sql = this.sql
    let position = this.position
    for (;;) {
      const code = sql.charCodeAt(position)
      if (
        code === Char.Space ||
        code === Char.LineFeed ||
        code === Char.Tab ||
        code === Char.CarriageReturn
      ) {
        position++
      } else {
        break
      }
    }
    this.position = position
  }

  /** Consumes `keyword` (case-insensitive) when it stands next as a whole word. */
  keyword(keyword: string): boolean {
    this.skipSpace()
    const end = this.position + keyword.length
    if (this.sql.slice(this.position, end).toLowerCase() !== keyword) return false
    if (isIdentifierChar(this.sql.charCodeAt(end))) return false
    this.position = end
    return true
  }

  char(code: number): boolean {
    this.skipSpace()
    if (this.sql.charCodeAt(this.position) !== code) return false
    this.position++
    return true
  }

  /** An identifier: unquoted ones fold to lower case, quoted ones keep case and unescape "". */
  identifier(): string | null {
    this.skipSpace()
    const sql = this.sql
    const start = this.position
    if (sql.charCodeAt(start) === Char.DoubleQuote) {
      let text = ''
      let position = start + 1
      for (;;) {
        const close = sql.indexOf('"', position)
        if (close < 0) return null
        text += sql.slice(position, close)
        if (sql.charCodeAt(close + 1) === Char.DoubleQuote) {
          text += '"'
          position = close + 2
        } else {
          this.position = close + 1
          return text.length > 0 ? text : null
        }
      }
    }
    let position = start
    while (isIdentifierChar(sql.charCodeAt(position))) position++
    if (position === start || isDigit(sql.charCodeAt(start))) return null
    this.position = position
    return sql.slice(start, position).toLowerCase()
  }
}

function isDigit(code: number): boolean {
  return code >= Char.Digit0 && code <= Char.Digit9
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    isDigit(code) ||
    code === Char.Underscore ||
    code > 127
  )
}

/** Recognises a literal-only multi-row INSERT ... VALUES; null means "use the general path". */
export function scanInsertValues(sql: string): InsertValuesColumns | null {
  const scanner = new Scanner(sql)
  if (!scanner.keyword('insert') || !scanner.keyword('into')) return null
  let table = scanner.identifier()
  if (table === null) return null
  if (scanner.char(Char.Dot)) {
    if (table !== 'public') return null
    table = scanner.identifier()
    if (table === null) return null
  }
  let columns: string[] | null = null
  if (scanner.char(Char.OpenParen)) {
    columns = []
    do {
      const column = scanner.identifier()
      if (column === null) return null
      columns.push(column)
    } while (scanner.char(Char.Comma))
    if (!scanner.char(Char.CloseParen)) return null
  }
  if (!scanner.keyword('values')) return null
  const texts: string[][] = []
  const kindLists: number[][] = []
  let rowCount = 0
  do {
    if (!scanner.char(Char.OpenParen)) return null
    let position = 0
    do {
      if (rowCount === 0) {
        texts.push([])
        kindLists.push([])
      }
      const columnTexts = texts[position]
      const columnKinds = kindLists[position]
      if (columnTexts === undefined || columnKinds === undefined) return null
      if (!scanLiteral(scanner, columnTexts, columnKinds)) return null
      position++
    } while (scanner.char(Char.Comma))
    if (position !== texts.length || !scanner.char(Char.CloseParen)) return null
    rowCount++
  } while (scanner.char(Char.Comma))
  scanner.char(Char.Semicolon)
  scanner.skipSpace()
  if (scanner.position !== sql.length) return null
  return { table, columns, rowCount, texts, kinds: kindLists.map((list) => Uint8Array.from(list)) }
}

function scanLiteral(scanner: Scanner, texts: string[], kinds: number[]): boolean {
  scanner.skipSpace()
  const sql = scanner.sql
  const start = scanner.position
  const code = sql.charCodeAt(start)
  if (code === Char.Quote) {
    let text = ''
    let position = start + 1
    for (;;) {
      const close = sql.indexOf("'", position)
      if (close < 0) return false
      text += sql.slice(position, close)
      if (sql.charCodeAt(close + 1) === Char.Quote) {
        text += "'"
        position = close + 2
      } else {
        scanner.position = close + 1
        break
      }
    }
    // A cast or an operator after the string (e.g. '...'::jsonb) is not a plain literal.
    scanner.skipSpace()
    const next = sql.charCodeAt(scanner.position)
    if (next !== Char.Comma && next !== Char.CloseParen) return false
    texts.push(text)
    kinds.push(LiteralKind.String)
    return true
  }
  if (isDigit(code) || code === Char.Minus || code === Char.Plus || code === Char.Dot) {
    let position = start + 1
    for (;;) {
      const next = sql.charCodeAt(position)
      if (isDigit(next) || next === Char.Dot) {
        position++
      } else if (next === Char.LowerE || next === Char.UpperE) {
        position++
        const sign = sql.charCodeAt(position)
        if (sign === Char.Minus || sign === Char.Plus) position++
      } else {
        break
      }
    }
    const text = sql.slice(start, position)
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return false
    scanner.position = position
    scanner.skipSpace()
    const next = sql.charCodeAt(scanner.position)
    if (next !== Char.Comma && next !== Char.CloseParen) return false
    texts.push(text)
    kinds.push(LiteralKind.Number)
    return true
  }
  for (const [word, kind] of [
    ['null', LiteralKind.Null],
    ['true', LiteralKind.Boolean],
    ['false', LiteralKind.Boolean],
  ] as const) {
    if (scanner.keyword(word)) {
      scanner.skipSpace()
      const next = sql.charCodeAt(scanner.position)
      if (next !== Char.Comma && next !== Char.CloseParen) return false
      texts.push(kind === LiteralKind.Null ? '' : word)
      kinds.push(kind)
      return true
    }
  }
  return false
}
