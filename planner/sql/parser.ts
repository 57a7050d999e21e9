// Statements by recursive descent over the lexer's tokens. We parse the SQL subset Malamute
// runs ourselves instead of through node-sql-parser: its PostgreSQL grammar drops the
// positions PostgreSQL's errors need (column references carry none), loses identifier
// quoting on table names, reads `a IS DISTINCT FROM b` as a string and rejects typed
// literals (`timestamptz '2024-01-01'`). Anything PostgreSQL accepts that we do not run yet
// is a 0A000 error, never a crash.
import type {
  CommonTableNode,
  CopyNode,
  CopyOptionNode,
  CreateTableNode,
  DropTableNode,
  TruncateNode,
  FromItem,
  InsertNode,
  JoinNode,
  JoinType,
  NameNode,
  OrderItem,
  SelectNode,
  SelectTarget,
  SetNode,
  SetOpRefNode,
  StatementNode,
  SyntaxExpr,
  ValuesRefNode,
  WithClause,
  WindowSpecNode,
} from './ast.js'
import { PgError, SqlState } from '../../common/index.js'
import { TokenCursor } from './cursor.js'
import { parseExpr, parseTypeName } from './expression-parser.js'
import { parseAlterTable, parseTableOptions } from './alter-table-parser.js'
import { parseGroupByList, type ParsedGroupBy } from './grouping-parser.js'
import { parseDeallocate, parseDiscard, parseShowPhrase } from './session-statements.js'
import { parseWindowSpec } from './window-parser.js'

/** Statements PostgreSQL has that we recognize only to say they are not supported yet. */
const unsupportedStatements = new Set([
  'update',
  'delete',
  'explain',
  'truncate',
  'analyze',
  'vacuum',
  'prepare',
  'execute',
  'declare',
  'fetch',
  'close',
  'listen',
  'notify',
  'grant',
  'revoke',
  'lock',
  'savepoint',
  'release',
  'table',
  'merge',
  'call',
  'do',
  'comment',
  'checkpoint',
  'reindex',
  'cluster',
  'unlisten',
  'load',
  'security',
  'refresh',
])

/** Parses one statement's text; throws PgError 42601 (syntax) or 0A000 (not supported yet). */
export function parseStatement(text: string): StatementNode {
  const cursor = new TokenCursor(text)
  const statement = parseStatementAt(cursor)
  cursor.acceptOp(';')
  cursor.expectEnd()
  return statement
}

function parseStatementAt(cursor: TokenCursor): StatementNode {
  const first = cursor.peek()
  if (first.kind === 'eof') return { kind: 'empty' }
  if (first.kind === 'op' && first.value === '(') return parseQuery(cursor)
  if (first.kind !== 'ident' || first.quoted) throw cursor.syntaxErrorAt(first)
  switch (first.value) {
    case 'select':
    case 'with':
    case 'values':
    case 'table':
      return parseQuery(cursor)
    case 'insert':
      return parseInsert(cursor)
    case 'create':
      return parseCreateTable(cursor)
    case 'drop':
      return parseDropTable(cursor)
    case 'alter':
      return parseAlterTable(cursor)
    case 'truncate':
      return parseTruncate(cursor)
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
      return parseTransaction(cursor)
    case 'set':
    case 'reset':
      return parseSet(cursor)
    case 'show':
      return parseShow(cursor)
    case 'deallocate':
      return parseDeallocate(cursor)
    case 'discard':
      return parseDiscard(cursor)
    case 'copy':
      return parseCopy(cursor)
    default:
      if (unsupportedStatements.has(first.value))
        throw cursor.notSupportedAt(first.value.toUpperCase(), first)
      throw cursor.syntaxErrorAt(first)
  }
}

/** True when a query (SELECT, VALUES, WITH) starts here: after `(` in FROM or an expression. */
export function isQueryStart(cursor: TokenCursor): boolean {
  return ['select', 'values', 'with', 'table'].some((word) => cursor.isKeyword(word))
}

/**
 * A query expression: `[WITH ...] operand { UNION | EXCEPT [ALL] operand } [ORDER BY] [LIMIT]`
 * with INTERSECT binding tighter, as in PostgreSQL's grammar. A set operation or VALUES
 * becomes `SELECT * FROM` it, so every query is a SelectNode; ORDER BY and LIMIT after a set
 * operation then sort and cut the whole set by output name or ordinal.
 */
export function parseQuery(cursor: TokenCursor): SelectNode {
  const withClause = cursor.isKeyword('with') ? parseWith(cursor) : undefined
  let query = parseSetOperations(cursor, 0)
  if (['order', 'limit', 'offset', 'fetch'].some((word) => cursor.isKeyword(word))) {
    const orderBy = cursor.isKeyword('order') ? parseOrderBy(cursor) : []
    const { limit, offset } = parseLimitOffset(cursor)
    if (query.orderBy.length > 0 || query.limit !== null || query.offset !== null)
      query = selectStarFrom(subqueryItem(query))
    query = { ...query, orderBy, limit, offset }
  }
  if (withClause === undefined) return query
  if (query.with !== undefined) query = selectStarFrom(subqueryItem(query))
  return { ...query, with: withClause }
}

/** `WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] (query), ...`. */
function parseWith(cursor: TokenCursor): WithClause {
  cursor.expectKeyword('with')
  const recursive = cursor.acceptKeyword('recursive')
  const tables: CommonTableNode[] = []
  do {
    const token = cursor.expectIdentifier()
    const columnAliases = cursor.isOp('(') ? parseNameList(cursor) : []
    cursor.expectKeyword('as')
    cursor.acceptKeyword('not')
    cursor.acceptKeyword('materialized')
    cursor.expectOp('(')
    const query = parseQuery(cursor)
    cursor.expectOp(')')
    tables.push({ name: { name: token.value, position: token.start }, columnAliases, query })
  } while (cursor.acceptOp(','))
  return { recursive, tables }
}

/** Operands joined by set operators of `level` or tighter (0: UNION/EXCEPT, 1: INTERSECT). */
function parseSetOperations(cursor: TokenCursor, level: 0 | 1): SelectNode {
  const operand = (): SelectNode =>
    level === 0 ? parseSetOperations(cursor, 1) : parseQueryOperand(cursor)
  let left = operand()
  for (;;) {
    const token = cursor.peek()
    const words = level === 0 ? ['union', 'except'] : ['intersect']
    const op = words.find((w) => cursor.isKeyword(w)) as SetOpRefNode['op'] | undefined
    if (op === undefined) return left
    cursor.next()
    const all = cursor.acceptKeyword('all')
    if (!all) cursor.acceptKeyword('distinct')
    const right = operand()
    left = selectStarFrom({
      kind: 'set-op',
      ...{ op, all, left, right, alias: null, columnAliases: [], position: token.start },
    })
  }
}

/** `SELECT ...` without ORDER BY/LIMIT, `VALUES ...`, or a parenthesised query. */
function parseQueryOperand(cursor: TokenCursor): SelectNode {
  if (cursor.acceptOp('(')) {
    const inner = parseQuery(cursor)
    cursor.expectOp(')')
    return inner
  }
  if (cursor.isKeyword('values')) return selectStarFrom(parseValues(cursor))
  if (cursor.acceptKeyword('table')) {
    // `TABLE t` is `SELECT * FROM t`.
    return selectStarFrom({ kind: 'table-ref', table: parseTableName(cursor), alias: null })
  }
  return parseSelectCore(cursor)
}

function parseValues(cursor: TokenCursor): ValuesRefNode {
  const position = cursor.expectKeyword('values').start
  const rows: SyntaxExpr[][] = []
  do {
    const open = cursor.expectOp('(')
    const row = parseExprList(cursor)
    cursor.expectOp(')')
    if (rows[0] !== undefined && rows[0].length !== row.length) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'VALUES lists must all be the same length',
        position: open.start + 1,
      })
    }
    rows.push(row)
  } while (cursor.acceptOp(','))
  return { kind: 'values', rows, alias: null, columnAliases: [], position }
}

function subqueryItem(query: SelectNode): FromItem {
  return { kind: 'subquery-ref', query, alias: 'unnamed_subquery', columnAliases: [], position: 0 }
}

function selectStarFrom(from: FromItem): SelectNode {
  return {
    kind: 'select',
    ...{ distinct: false, from, where: null, groupBy: [], having: null },
    targets: [{ expr: { kind: 'star', table: null, position: 0 }, alias: null }],
    ...{ orderBy: [], limit: null, offset: null },
  }
}

/** SELECT up to HAVING and WINDOW: an operand of a set operation. */
function parseSelectCore(cursor: TokenCursor): SelectNode {
  cursor.expectKeyword('select')
  let distinct = false
  let distinctOn: SyntaxExpr[] | undefined
  if (cursor.acceptKeyword('distinct')) {
    if (cursor.acceptKeyword('on')) {
      cursor.expectOp('(')
      distinctOn = [parseExpr(cursor)]
      while (cursor.acceptOp(',')) distinctOn.push(parseExpr(cursor))
      cursor.expectOp(')')
    } else {
      distinct = true
    }
  } else {
    cursor.acceptKeyword('all')
  }
  const targets = parseTargets(cursor)
  const from = cursor.acceptKeyword('from') ? parseFrom(cursor) : null
  const where = cursor.acceptKeyword('where') ? parseExpr(cursor) : null
  let grouping: ParsedGroupBy = { groupBy: [] }
  if (cursor.acceptKeyword('group')) {
    cursor.expectKeyword('by')
    grouping = parseGroupByList(cursor, parseExpr)
  }
  const { groupBy, groupingSets, distinctSets } = grouping
  const having = cursor.acceptKeyword('having') ? parseExpr(cursor) : null
  const windows = parseWindowClause(cursor)
  const orderBy: OrderItem[] = []
  const [limit, offset] = [null, null]
  const select: SelectNode = {
    kind: 'select',
    ...{ distinct, targets, from, where, groupBy, having, orderBy, limit, offset },
  }
  const withDistinctOn = distinctOn === undefined ? select : { ...select, distinctOn }
  const grouped =
    groupingSets === undefined
      ? withDistinctOn
      : distinctSets === true
        ? { ...withDistinctOn, groupingSets, distinctGroupingSets: true as const }
        : { ...withDistinctOn, groupingSets }
  return windows.length === 0 ? grouped : { ...grouped, windows }
}

/** `WINDOW name AS (spec) [, ...]`; empty when the clause is absent. */
function parseWindowClause(cursor: TokenCursor): { name: string; spec: WindowSpecNode }[] {
  const windows: { name: string; spec: WindowSpecNode }[] = []
  if (!cursor.acceptKeyword('window')) return windows
  do {
    const name = cursor.expectIdentifier().value
    cursor.expectKeyword('as')
    windows.push({ name, spec: parseWindowSpec(cursor, parseExpr) })
  } while (cursor.acceptOp(','))
  return windows
}

function parseTargets(cursor: TokenCursor): SelectTarget[] {
  const targets: SelectTarget[] = []
  do {
    const token = cursor.peek()
    if (cursor.acceptOp('*')) {
      targets.push({ expr: { kind: 'star', table: null, position: token.start }, alias: null })
      continue
    }
    const expr = parseExpr(cursor)
    let alias: string | null = null
    if (cursor.acceptKeyword('as')) {
      const aliasToken = cursor.peek()
      if (aliasToken.kind !== 'ident') throw cursor.syntaxErrorAt(aliasToken)
      alias = cursor.next().value
    } else if (cursor.isAliasCandidate()) {
      alias = cursor.next().value
    }
    targets.push({ expr, alias })
  } while (cursor.acceptOp(','))
  return targets
}

/** FROM items: comma-separated join trees, a comma being a cross join. */
function parseFrom(cursor: TokenCursor): FromItem {
  let item = parseJoinedItem(cursor)
  while (cursor.isOp(',')) {
    const position = cursor.next().start
    const right = parseJoinedItem(cursor)
    item = join('cross', item, right, null, null, position)
  }
  return item
}

function join(
  joinType: JoinType,
  left: FromItem,
  right: FromItem,
  on: SyntaxExpr | null,
  using: readonly NameNode[] | null,
  position: number,
): JoinNode {
  return { kind: 'join', joinType, left, right, on, using, alias: null, position }
}

/**
 * `primary { [NATURAL] [INNER | LEFT | RIGHT | FULL [OUTER] | CROSS] JOIN primary
 * [ON ... | USING (...)] }`.
 */
function parseJoinedItem(cursor: TokenCursor): FromItem {
  let left = parseFromPrimary(cursor)
  for (;;) {
    const token = cursor.peek()
    const natural = cursor.acceptKeyword('natural')
    const joinType = parseJoinType(cursor)
    if (joinType === null) {
      if (natural) throw cursor.syntaxErrorAt(cursor.peek())
      return left
    }
    if (natural && joinType === 'cross') throw cursor.syntaxErrorAt(token)
    const right = parseFromPrimary(cursor)
    if (natural) {
      left = { ...join(joinType, left, right, null, null, token.start), natural: true }
      continue
    }
    let on: SyntaxExpr | null = null
    let using: NameNode[] | null = null
    if (joinType !== 'cross') {
      if (cursor.acceptKeyword('on')) on = parseExpr(cursor)
      else if (cursor.acceptKeyword('using')) using = parseNameList(cursor)
      else throw cursor.syntaxErrorAt(cursor.peek())
    }
    left = join(joinType, left, right, on, using, token.start)
  }
}

function parseJoinType(cursor: TokenCursor): JoinType | null {
  if (cursor.acceptKeyword('join')) return 'inner'
  let joinType: JoinType | null = null
  if (cursor.acceptKeyword('cross')) joinType = 'cross'
  else if (cursor.acceptKeyword('inner')) joinType = 'inner'
  else if (cursor.acceptKeyword('left')) joinType = 'left'
  else if (cursor.acceptKeyword('right')) joinType = 'right'
  else if (cursor.acceptKeyword('full')) joinType = 'full'
  if (joinType === null) return null
  if (joinType !== 'cross' && joinType !== 'inner') cursor.acceptKeyword('outer')
  cursor.expectKeyword('join')
  return joinType
}

function parseNameList(cursor: TokenCursor): NameNode[] {
  cursor.expectOp('(')
  const names: NameNode[] = []
  do {
    const token = cursor.expectIdentifier()
    names.push({ name: token.value, position: token.start })
  } while (cursor.acceptOp(','))
  cursor.expectOp(')')
  return names
}

/** A table, a function (`generate_series(...)`), `(SELECT ...) alias`, or a parenthesised join tree `(a JOIN b ON ...) [alias]`. */
function parseFromPrimary(cursor: TokenCursor): FromItem {
  // LATERAL: the binder reads unnest(...) over the items to its left whether or not it is said.
  let lateral = false
  if (cursor.isKeyword('lateral') && !cursor.isOp('(', 1)) cursor.next()
  else if (cursor.isKeyword('lateral') && cursor.isOp('(', 1) && isQueryAhead(cursor)) {
    cursor.next()
    lateral = true
  }
  const open = cursor.peek()
  if (cursor.acceptOp('(')) {
    if (isQueryStart(cursor)) {
      const query = parseQuery(cursor)
      cursor.expectOp(')')
      const alias = parseAlias(cursor)
      if (alias === null) {
        throw new PgError({
          code: SqlState.syntaxError,
          message: 'subquery in FROM must have an alias',
          hint: 'For example, FROM (SELECT ...) [AS] foo.',
          position: open.start + 1,
        })
      }
      const columnAliases = cursor.isOp('(') ? parseNameList(cursor) : []
      const position = open.start
      if (lateral) return { kind: 'subquery-ref', query, alias, columnAliases, position, lateral }
      return { kind: 'subquery-ref', query, alias, columnAliases, position }
    }
    const inner = parseJoinedItem(cursor)
    cursor.expectOp(')')
    const alias = parseAlias(cursor)
    if (alias === null) return inner
    if (inner.kind !== 'join') throw cursor.syntaxErrorAt(cursor.peek())
    return { ...inner, alias }
  }
  const table = parseTableName(cursor)
  if (cursor.acceptOp('(')) {
    const args = cursor.isOp(')') ? [] : parseExprList(cursor)
    cursor.expectOp(')')
    const name = { ...table, name: table.name.replace(/^pg_catalog\./, '') }
    const withOrdinality = cursor.isKeyword('with') && cursor.isKeyword('ordinality', 1)
    if (withOrdinality) {
      cursor.next()
      cursor.next()
    }
    const alias = parseAlias(cursor)
    const columnAliases = alias !== null && cursor.isOp('(') ? parseNameList(cursor) : []
    const position = table.position
    if (withOrdinality)
      return { kind: 'function-ref', name, args, alias, columnAliases, withOrdinality, position }
    return { kind: 'function-ref', name, args, alias, columnAliases, position }
  }
  const alias = parseAlias(cursor)
  if (alias !== null && cursor.isOp('('))
    throw cursor.notSupportedAt('column aliases on a table', cursor.peek())
  return { kind: 'table-ref', table, alias }
}

/** True when `LATERAL (` opens a subquery. */
function isQueryAhead(cursor: TokenCursor): boolean {
  return ['select', 'with', 'values'].some((w) => cursor.isKeyword(w, 2))
}

function parseAlias(cursor: TokenCursor): string | null {
  if (cursor.acceptKeyword('as')) return cursor.expectIdentifier().value
  if (cursor.isAliasCandidate() && !isJoinWord(cursor)) return cursor.next().value
  return null
}

function isJoinWord(cursor: TokenCursor): boolean {
  return ['join', 'inner', 'left', 'right', 'full', 'cross', 'natural'].some((w) =>
    cursor.isKeyword(w),
  )
}

/** Reads `name` or `schema.name`; the public schema is the tenant's only one. */
function parseTableName(cursor: TokenCursor): NameNode {
  const first = cursor.expectIdentifier()
  if (!cursor.acceptOp('.')) return { name: first.value, position: first.start }
  const second = cursor.expectIdentifier()
  const name = first.value === 'public' ? second.value : `${first.value}.${second.value}`
  return { name, position: first.start }
}

function parseExprList(cursor: TokenCursor): SyntaxExpr[] {
  const exprs = [parseExpr(cursor)]
  while (cursor.acceptOp(',')) exprs.push(parseExpr(cursor))
  return exprs
}

function parseOrderBy(cursor: TokenCursor): OrderItem[] {
  cursor.expectKeyword('order')
  cursor.expectKeyword('by')
  const items: OrderItem[] = []
  do {
    const expr = parseExpr(cursor)
    const descending = cursor.acceptKeyword('desc') ? true : (cursor.acceptKeyword('asc'), false)
    if (cursor.isKeyword('using')) throw cursor.notSupportedAt('ORDER BY ... USING', cursor.peek())
    let nullsFirst: boolean | null = null
    if (cursor.acceptKeyword('nulls')) {
      if (cursor.acceptKeyword('first')) nullsFirst = true
      else if (cursor.acceptKeyword('last')) nullsFirst = false
      else throw cursor.syntaxErrorAt(cursor.peek())
    }
    items.push({ expr, descending, nullsFirst })
  } while (cursor.acceptOp(','))
  return items
}

function parseLimitOffset(cursor: TokenCursor): {
  limit: SyntaxExpr | null
  offset: SyntaxExpr | null
} {
  let limit: SyntaxExpr | null = null
  let offset: SyntaxExpr | null = null
  for (;;) {
    if (limit === null && cursor.acceptKeyword('limit')) {
      limit = cursor.acceptKeyword('all')
        ? { kind: 'literal', literal: 'null', text: '', position: 0 }
        : parseExpr(cursor)
    } else if (offset === null && cursor.acceptKeyword('offset')) {
      offset = parseExpr(cursor)
      if (!cursor.acceptKeyword('rows')) cursor.acceptKeyword('row')
    } else if (cursor.isKeyword('fetch')) {
      if (limit !== null) throw cursor.syntaxErrorAt(cursor.peek())
      limit = parseFetchFirst(cursor)
    } else if (cursor.isKeyword('for')) {
      throw cursor.notSupportedAt(cursor.peek().value.toUpperCase(), cursor.peek())
    } else {
      return { limit, offset }
    }
  }
}

/**
 * `FETCH { FIRST | NEXT } [count] { ROW | ROWS } ONLY`: SQL's LIMIT (count 1 when omitted).
 * WITH TIES is not supported.
 */
function parseFetchFirst(cursor: TokenCursor): SyntaxExpr {
  const fetch = cursor.next()
  if (!cursor.acceptKeyword('first')) cursor.expectKeyword('next')
  const count: SyntaxExpr =
    cursor.isKeyword('row') || cursor.isKeyword('rows')
      ? { kind: 'literal', literal: 'integer', text: '1', position: fetch.start }
      : parseExpr(cursor)
  if (!cursor.acceptKeyword('rows')) cursor.expectKeyword('row')
  if (cursor.isKeyword('with')) throw cursor.notSupportedAt('FETCH ... WITH TIES', cursor.peek())
  cursor.expectKeyword('only')
  return count
}

function parseInsert(cursor: TokenCursor): InsertNode {
  cursor.expectKeyword('insert')
  cursor.expectKeyword('into')
  const table = parseTableName(cursor)
  if (cursor.isKeyword('as')) throw cursor.notSupportedAt('INSERT ... AS', cursor.peek())
  let columns: NameNode[] | null = null
  if (cursor.acceptOp('(')) {
    columns = []
    do {
      const token = cursor.expectIdentifier()
      columns.push({ name: token.value, position: token.start })
    } while (cursor.acceptOp(','))
    cursor.expectOp(')')
  }
  const source = parseInsertSource(cursor)
  if (cursor.isKeyword('on') || cursor.isKeyword('returning')) {
    throw cursor.notSupportedAt(`INSERT ... ${cursor.peek().value.toUpperCase()}`, cursor.peek())
  }
  return { kind: 'insert', table, columns, source }
}

function parseInsertSource(cursor: TokenCursor): InsertNode['source'] {
  if (cursor.isKeyword('select') || cursor.isKeyword('with') || cursor.isOp('('))
    return parseQuery(cursor)
  if (cursor.isKeyword('default')) throw cursor.notSupportedAt('DEFAULT VALUES', cursor.peek())
  cursor.expectKeyword('values')
  const rows: SyntaxExpr[][] = []
  do {
    cursor.expectOp('(')
    if (cursor.isKeyword('default')) throw cursor.notSupportedAt('DEFAULT in VALUES', cursor.peek())
    rows.push(parseExprList(cursor))
    cursor.expectOp(')')
  } while (cursor.acceptOp(','))
  return { kind: 'values', rows }
}

function parseCreateTable(cursor: TokenCursor): CreateTableNode {
  const create = cursor.expectKeyword('create')
  if (!cursor.acceptKeyword('table'))
    throw cursor.notSupportedAt(`CREATE ${cursor.peek().value.toUpperCase()}`, create)
  let ifNotExists = false
  if (cursor.acceptKeyword('if')) {
    cursor.expectKeyword('not')
    cursor.expectKeyword('exists')
    ifNotExists = true
  }
  const table = parseTableName(cursor)
  if (isCreateTableAs(cursor)) return parseCreateTableAs(cursor, table, ifNotExists)
  cursor.expectOp('(')
  const columns: CreateTableNode['columns'][number][] = []
  if (!cursor.isOp(')')) {
    do {
      if (
        cursor.isKeyword('primary') ||
        cursor.isKeyword('constraint') ||
        cursor.isKeyword('unique')
      ) {
        throw cursor.notSupportedAt('table constraints', cursor.peek())
      }
      const name = cursor.expectIdentifier()
      const typeName = parseTypeName(cursor)
      if (!cursor.isOp(',') && !cursor.isOp(')'))
        throw cursor.notSupportedAt('column constraints', cursor.peek())
      columns.push({ name: { name: name.value, position: name.start }, typeName })
    } while (cursor.acceptOp(','))
  }
  cursor.expectOp(')')
  const options = cursor.acceptKeyword('with') ? parseTableOptions(cursor) : []
  return { kind: 'create-table', table, columns, ifNotExists, options }
}

/** After the table name: `AS`, `WITH (...) AS`, or a list of bare column names then `AS`. */
function isCreateTableAs(cursor: TokenCursor): boolean {
  if (cursor.isKeyword('as') || cursor.isKeyword('with')) return true
  if (!cursor.isOp('(')) return false
  // (a, b) AS ...: names only, no types.
  for (let ahead = 1; ; ahead += 2) {
    if (cursor.peek(ahead).kind !== 'ident') return false
    const after = cursor.peek(ahead + 1)
    if (after.kind !== 'op' || (after.value !== ',' && after.value !== ')')) return false
    if (after.value === ')')
      return cursor.isKeyword('as', ahead + 2) || cursor.isKeyword('with', ahead + 2)
  }
}

/** `CREATE TABLE t [(names)] [WITH (options)] AS query [WITH [NO] DATA]`. */
function parseCreateTableAs(
  cursor: TokenCursor,
  table: NameNode,
  ifNotExists: boolean,
): CreateTableNode {
  const columnNames = cursor.isOp('(') ? parseNameList(cursor) : null
  const options = cursor.acceptKeyword('with') ? parseTableOptions(cursor) : []
  cursor.expectKeyword('as')
  if (!isQueryStart(cursor) && !cursor.isOp('(')) throw cursor.syntaxErrorAt(cursor.peek())
  const query = parseQuery(cursor)
  let withData = true
  if (cursor.acceptKeyword('with')) {
    withData = !cursor.acceptKeyword('no')
    cursor.expectKeyword('data')
  }
  return {
    kind: 'create-table',
    table,
    columns: [],
    ifNotExists,
    options,
    as: { query, columnNames, withData },
  }
}

function parseTruncate(cursor: TokenCursor): TruncateNode {
  cursor.expectKeyword('truncate')
  cursor.acceptKeyword('table')
  const tables: NameNode[] = []
  do {
    cursor.acceptKeyword('only')
    tables.push(parseTableName(cursor))
  } while (cursor.acceptOp(','))
  if (cursor.acceptKeyword('continue') || cursor.acceptKeyword('restart'))
    cursor.expectKeyword('identity')
  if (cursor.isKeyword('cascade'))
    throw cursor.notSupportedAt('TRUNCATE ... CASCADE', cursor.peek())
  cursor.acceptKeyword('restrict')
  return { kind: 'truncate', tables }
}

function parseDropTable(cursor: TokenCursor): DropTableNode {
  const drop = cursor.expectKeyword('drop')
  if (!cursor.acceptKeyword('table'))
    throw cursor.notSupportedAt(`DROP ${cursor.peek().value.toUpperCase()}`, drop)
  let ifExists = false
  if (cursor.acceptKeyword('if')) {
    cursor.expectKeyword('exists')
    ifExists = true
  }
  const tables = [parseTableName(cursor)]
  while (cursor.acceptOp(',')) tables.push(parseTableName(cursor))
  if (!cursor.acceptKeyword('restrict') && cursor.isKeyword('cascade')) cursor.next()
  return { kind: 'drop-table', tables, ifExists }
}

/** BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK/ABORT; transaction modes are accepted and ignored. */
function parseTransaction(cursor: TokenCursor): StatementNode {
  const word = cursor.next().value
  if (word === 'start') cursor.expectKeyword('transaction')
  else if (!cursor.acceptKeyword('work')) cursor.acceptKeyword('transaction')
  if (word === 'rollback' || word === 'commit') {
    if (cursor.isKeyword('to') || cursor.isKeyword('prepared'))
      throw cursor.notSupportedAt(
        `${word.toUpperCase()} ${cursor.peek().value.toUpperCase()}`,
        cursor.peek(),
      )
  }
  while (!cursor.atEnd() && !cursor.isOp(';')) cursor.next()
  const action =
    word === 'begin' || word === 'start'
      ? 'begin'
      : word === 'commit' || word === 'end'
        ? 'commit'
        : 'rollback'
  return { kind: 'transaction', action }
}

function parseSet(cursor: TokenCursor): SetNode {
  if (cursor.acceptKeyword('reset')) {
    const name = cursor.acceptKeyword('all') ? 'all' : parseSettingName(cursor)
    return { kind: 'set', name, value: null, local: false }
  }
  cursor.expectKeyword('set')
  const local = cursor.acceptKeyword('local')
  if (!local) cursor.acceptKeyword('session')
  if (cursor.isKeyword('transaction') || cursor.isKeyword('characteristics')) {
    while (!cursor.atEnd() && !cursor.isOp(';')) cursor.next()
    return { kind: 'set', name: 'transaction', value: '', local }
  }
  if (cursor.acceptKeyword('names'))
    return { kind: 'set', name: 'client_encoding', value: parseSettingValue(cursor), local }
  const timeZone = cursor.isKeyword('time') && cursor.isKeyword('zone', 1)
  const name = parseSettingName(cursor)
  if (!timeZone && !cursor.acceptKeyword('to')) cursor.expectOp('=')
  if (cursor.acceptKeyword('default')) return { kind: 'set', name, value: null, local }
  const values = [parseSettingValue(cursor)]
  while (cursor.acceptOp(',')) values.push(parseSettingValue(cursor))
  return { kind: 'set', name, value: values.join(', '), local }
}

function parseSettingName(cursor: TokenCursor): string {
  if (cursor.acceptKeyword('time')) {
    cursor.expectKeyword('zone')
    return 'timezone'
  }
  let name = cursor.expectIdentifier().value
  while (cursor.acceptOp('.')) name += `.${cursor.expectIdentifier().value}`
  return name
}

function parseSettingValue(cursor: TokenCursor): string {
  const token = cursor.peek()
  if (token.kind === 'op' && token.value === '-' && cursor.peek(1).kind === 'number') {
    cursor.next()
    return `-${cursor.next().value}`
  }
  if (token.kind === 'string' || token.kind === 'number' || token.kind === 'ident')
    return cursor.next().value
  throw cursor.syntaxErrorAt(token)
}

function parseShow(cursor: TokenCursor): StatementNode {
  cursor.expectKeyword('show')
  const name = cursor.acceptKeyword('all')
    ? 'all'
    : (parseShowPhrase(cursor) ?? parseSettingName(cursor))
  return { kind: 'show', name }
}

/** COPY ... FROM STDIN / TO STDOUT with the option list, or the pre-9.0 option words psql may send. */
function parseCopy(cursor: TokenCursor): CopyNode {
  cursor.expectKeyword('copy')
  let table: NameNode | null = null
  let columns: NameNode[] | null = null
  let query: SelectNode | null = null
  if (cursor.acceptOp('(')) {
    if (!isQueryStart(cursor)) throw cursor.notSupportedAt('COPY of this query', cursor.peek())
    query = parseQuery(cursor)
    cursor.expectOp(')')
  } else {
    table = parseTableName(cursor)
    if (cursor.acceptOp('(')) {
      columns = []
      do {
        const token = cursor.expectIdentifier()
        columns.push({ name: token.value, position: token.start })
      } while (cursor.acceptOp(','))
      cursor.expectOp(')')
    }
  }
  const directionToken = cursor.peek()
  const direction = cursor.acceptKeyword('from') ? 'from' : cursor.acceptKeyword('to') ? 'to' : null
  if (direction === null || (direction === 'from' && query !== null))
    throw cursor.syntaxErrorAt(directionToken)
  const target = cursor.peek()
  if (!cursor.acceptKeyword(direction === 'from' ? 'stdin' : 'stdout')) {
    if (target.kind === 'string' || cursor.isKeyword('program')) {
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: 'COPY to or from a server file or program is not supported',
        hint: "Use psql's \\copy, which sends the file through STDIN or STDOUT.",
        position: target.start + 1,
      })
    }
    throw cursor.syntaxErrorAt(target)
  }
  cursor.acceptKeyword('with')
  const options = cursor.acceptOp('(')
    ? parseCopyOptionList(cursor)
    : parseLegacyCopyOptions(cursor)
  return { kind: 'copy', table, columns, query, direction, options }
}

function parseCopyOptionList(cursor: TokenCursor): CopyOptionNode[] {
  const options: CopyOptionNode[] = []
  do {
    const nameToken = cursor.peek()
    if (nameToken.kind !== 'ident') throw cursor.syntaxErrorAt(nameToken)
    cursor.next()
    const valueToken = cursor.peek()
    let value: string | null = null
    if (valueToken.kind === 'op' && valueToken.value === '(')
      throw cursor.notSupportedAt(`COPY option ${nameToken.value.toUpperCase()}`, nameToken)
    if (valueToken.kind === 'string' || valueToken.kind === 'number' || valueToken.kind === 'ident')
      value = cursor.next().value
    options.push({ name: nameToken.value.toLowerCase(), value, position: nameToken.start })
  } while (cursor.acceptOp(','))
  cursor.expectOp(')')
  return options
}

/** `[BINARY] [DELIMITER [AS] 'd'] [NULL [AS] 'n'] [CSV [HEADER] [QUOTE [AS] 'q'] [ESCAPE [AS] 'e']]`. */
function parseLegacyCopyOptions(cursor: TokenCursor): CopyOptionNode[] {
  const options: CopyOptionNode[] = []
  while (!cursor.atEnd() && !cursor.isOp(';')) {
    const token = cursor.peek()
    if (token.kind !== 'ident') throw cursor.syntaxErrorAt(token)
    cursor.next()
    const word = token.value
    if (word === 'binary' || word === 'csv') {
      options.push({ name: 'format', value: word, position: token.start })
    } else if (word === 'header') {
      options.push({ name: 'header', value: null, position: token.start })
    } else if (['delimiter', 'null', 'quote', 'escape'].includes(word)) {
      cursor.acceptKeyword('as')
      const value = cursor.peek()
      if (value.kind !== 'string') throw cursor.syntaxErrorAt(value)
      options.push({ name: word, value: cursor.next().value, position: token.start })
    } else if (word === 'force') {
      throw cursor.notSupportedAt('COPY option FORCE', token)
    } else {
      throw cursor.syntaxErrorAt(token)
    }
  }
  return options
}
