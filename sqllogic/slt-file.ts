// The sqllogictest file format, as DuckDB and DataFusion write it, and the completion rewrite.
//
//   # a comment                         skipif malamute | onlyif postgresql   (before a record)
//   statement ok                        statement error 42P01     (a SQLSTATE, or else a regex
//   CREATE TABLE t (a int4)             SELECT * FROM missing      over the error message)
//
//   query IT rowsort                    sort modes: nosort (default), rowsort, valuesort
//   SELECT a, b FROM t
//   ----
//   1<TAB>one                           one line per row, values separated by a tab,
//   2<TAB>NULL                          NULL for null, (empty) for the empty string
//
//   halt                                stops the file here
//
// A blank line ends a record. Line numbers are 1-based, as editors show them.

export type SortMode = 'nosort' | 'rowsort' | 'valuesort'

export interface Condition {
  readonly kind: 'skipif' | 'onlyif'
  readonly engine: string
}

interface RecordBase {
  readonly conditions: readonly Condition[]
  /** 1-based line of the record's header (`statement …`, `query …`, `halt`). */
  readonly line: number
  /** 0-based index of the header line and one past the record's last line. */
  readonly headerIndex: number
  readonly endIndex: number
}

export interface StatementRecord extends RecordBase {
  readonly kind: 'statement'
  /** undefined means `statement ok`; otherwise the SQLSTATE or message regex expected. */
  readonly expectedError: string | undefined
  readonly sql: string
}

export interface QueryRecord extends RecordBase {
  readonly kind: 'query'
  readonly typeChars: string
  readonly sortMode: SortMode
  readonly label: string | undefined
  readonly sql: string
  /** Expected result lines, or undefined when the record has no `----` yet. */
  readonly expectedLines: readonly string[] | undefined
}

export interface HaltRecord extends RecordBase {
  readonly kind: 'halt'
}

export type SltRecord = StatementRecord | QueryRecord | HaltRecord

export class SltParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`)
  }
}

const sortModes: readonly string[] = ['nosort', 'rowsort', 'valuesort']

/** Splits file text into lines, accepting both \n and \r\n endings. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** Parses sqllogictest text into records, in file order. */
export function parseSlt(text: string): SltRecord[] {
  const lines = splitLines(text)
  const records: SltRecord[] = []
  let conditions: Condition[] = []
  let index = 0
  while (index < lines.length) {
    const line = (lines[index] ?? '').trim()
    if (line === '' || line.startsWith('#')) {
      if (line === '' && conditions.length > 0) {
        throw new SltParseError(index + 1, 'a condition must be followed by a record')
      }
      index += 1
      continue
    }
    const words = line.split(/\s+/)
    const directive = words[0] ?? ''
    if (directive === 'skipif' || directive === 'onlyif') {
      const engine = words[1]
      if (engine === undefined) throw new SltParseError(index + 1, `${directive} needs an engine`)
      conditions.push({ kind: directive, engine })
      index += 1
      continue
    }
    const record = parseRecord(lines, index, words, conditions)
    records.push(record)
    conditions = []
    index = record.endIndex
  }
  return records
}

function parseRecord(
  lines: readonly string[],
  headerIndex: number,
  words: readonly string[],
  conditions: readonly Condition[],
): SltRecord {
  const base = { conditions, line: headerIndex + 1, headerIndex }
  const directive = words[0]
  if (directive === 'halt') {
    return { ...base, kind: 'halt', endIndex: headerIndex + 1 }
  }
  if (directive === 'statement') {
    const mode = words[1]
    if (mode !== 'ok' && mode !== 'error') {
      throw new SltParseError(base.line, 'expected `statement ok` or `statement error`')
    }
    const expectedError = mode === 'error' ? words.slice(2).join(' ') || '.*' : undefined
    const body = readUntilBlank(lines, headerIndex + 1)
    if (body.lines.length === 0) throw new SltParseError(base.line, 'statement without SQL')
    const sql = body.lines.join('\n')
    return { ...base, kind: 'statement', expectedError, sql, endIndex: body.endIndex }
  }
  if (directive === 'query') {
    return parseQuery(lines, headerIndex, words, base)
  }
  throw new SltParseError(base.line, `unknown record type: ${directive ?? ''}`)
}

function parseQuery(
  lines: readonly string[],
  headerIndex: number,
  words: readonly string[],
  base: { conditions: readonly Condition[]; line: number; headerIndex: number },
): QueryRecord {
  const typeChars = words[1]
  if (typeChars === undefined || !/^[A-Z]+$/.test(typeChars)) {
    throw new SltParseError(base.line, 'query needs its column types, e.g. `query IT`')
  }
  const sortWord = words[2] ?? 'nosort'
  if (!sortModes.includes(sortWord)) {
    throw new SltParseError(base.line, `unknown sort mode: ${sortWord}`)
  }
  const sortMode = sortWord as SortMode
  const label = words[3]
  const sqlLines: string[] = []
  let index = headerIndex + 1
  while (index < lines.length) {
    const line = lines[index] ?? ''
    if (line.trim() === '' || line.trim() === '----') break
    sqlLines.push(line)
    index += 1
  }
  if (sqlLines.length === 0) throw new SltParseError(base.line, 'query without SQL')
  let expectedLines: string[] | undefined
  let endIndex = index
  if ((lines[index] ?? '').trim() === '----') {
    const body = readUntilBlank(lines, index + 1)
    expectedLines = body.lines
    endIndex = body.endIndex
  }
  const sql = sqlLines.join('\n')
  return { ...base, kind: 'query', typeChars, sortMode, label, sql, expectedLines, endIndex }
}

function readUntilBlank(
  lines: readonly string[],
  start: number,
): { lines: string[]; endIndex: number } {
  const body: string[] = []
  let index = start
  while (index < lines.length) {
    const line = lines[index] ?? ''
    if (line.trim() === '') break
    body.push(line)
    index += 1
  }
  return { lines: body, endIndex: index }
}

/** A completed record: the lines that replace [headerIndex, endIndex) of the source. */
export interface Replacement {
  readonly headerIndex: number
  readonly endIndex: number
  readonly lines: readonly string[]
}

/** Renders a query record with the given types and result lines. */
export function renderQuery(
  record: QueryRecord,
  typeChars: string,
  resultLines: readonly string[],
): string[] {
  const header = ['query', typeChars]
  if (record.sortMode !== 'nosort' || record.label !== undefined) header.push(record.sortMode)
  if (record.label !== undefined) header.push(record.label)
  return [header.join(' '), ...record.sql.split('\n'), '----', ...resultLines]
}

/** Renders a statement record that expects the given outcome. */
export function renderStatement(record: StatementRecord, expectedError: string | undefined) {
  const header = expectedError === undefined ? 'statement ok' : `statement error ${expectedError}`
  return [header, ...record.sql.split('\n')]
}

/** Applies replacements (in any order, not overlapping) to the file's lines. */
export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  const lines = splitLines(text)
  const ordered = [...replacements].sort((a, b) => b.headerIndex - a.headerIndex)
  for (const replacement of ordered) {
    const count = replacement.endIndex - replacement.headerIndex
    lines.splice(replacement.headerIndex, count, ...replacement.lines)
  }
  return lines.join('\n') + '\n'
}
