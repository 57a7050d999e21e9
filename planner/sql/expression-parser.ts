// Expressions by recursive descent, one function per level of PostgreSQL's precedence table
// (https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-PRECEDENCE), lowest first:
//   OR, AND, NOT, IS, comparison, LIKE/ILIKE/BETWEEN/IN, other operators (||), + -, * / %,
//   unary minus, ::, primary.
import { PgError, SqlState } from '../../common/index.js'
import type { BinaryOp, FuncNode, OrderItem, SelectNode, SyntaxExpr, TypeNameNode } from './ast.js'
import type { TokenCursor } from './cursor.js'
// A cycle by design: queries nest in expressions; both are functions, resolved at call time.
import { isQueryStart, parseQuery } from './parser.js'
import { parseOrderItem, parseOver } from './window-parser.js'
import { rewriteSizeCall } from './size-functions.js'

/** `( query )`: an IN or EXISTS subquery. */
function parseQueryInParens(cursor: TokenCursor): SelectNode {
  cursor.expectOp('(')
  const query = parseQuery(cursor)
  cursor.expectOp(')')
  return query
}

/** True when `(` at the cursor opens a query, not a value list. */
function isQueryAhead(cursor: TokenCursor): boolean {
  return ['select', 'values', 'with'].some((w) => cursor.isKeyword(w, 1))
}

export function parseExpr(cursor: TokenCursor): SyntaxExpr {
  return parseOr(cursor)
}

function parseOr(cursor: TokenCursor): SyntaxExpr {
  let left = parseAnd(cursor)
  while (cursor.isKeyword('or')) {
    const position = cursor.next().start
    left = { kind: 'binary', op: 'or', left, right: parseAnd(cursor), position }
  }
  return left
}

function parseAnd(cursor: TokenCursor): SyntaxExpr {
  let left = parseNot(cursor)
  while (cursor.isKeyword('and')) {
    const position = cursor.next().start
    left = { kind: 'binary', op: 'and', left, right: parseNot(cursor), position }
  }
  return left
}

function parseNot(cursor: TokenCursor): SyntaxExpr {
  if (cursor.isKeyword('not')) {
    const position = cursor.next().start
    return { kind: 'unary', op: 'not', arg: parseNot(cursor), position }
  }
  return parseIs(cursor)
}

function parseIs(cursor: TokenCursor): SyntaxExpr {
  let arg = parseComparison(cursor)
  for (;;) {
    const token = cursor.peek()
    if (cursor.acceptKeyword('isnull') || cursor.acceptKeyword('notnull')) {
      arg = {
        kind: 'is',
        test: 'null',
        negated: token.value === 'notnull',
        arg,
        position: token.start,
      }
      continue
    }
    if (!cursor.acceptKeyword('is')) return arg
    const negated = cursor.acceptKeyword('not')
    if (cursor.acceptKeyword('distinct')) {
      cursor.expectKeyword('from')
      const op = negated ? 'is not distinct from' : 'is distinct from'
      arg = { kind: 'binary', op, left: arg, right: parseComparison(cursor), position: token.start }
      continue
    }
    const test = cursor.peek()
    if (
      test.kind !== 'ident' ||
      test.quoted ||
      !['null', 'true', 'false', 'unknown'].includes(test.value)
    ) {
      throw cursor.syntaxErrorAt(test)
    }
    cursor.next()
    // IS UNKNOWN is IS NULL on a boolean.
    const kind = test.value === 'unknown' ? 'null' : (test.value as 'null' | 'true' | 'false')
    arg = { kind: 'is', test: kind, negated, arg, position: token.start }
  }
}

const comparisonOps: Readonly<Record<string, BinaryOp>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
}

function parseComparison(cursor: TokenCursor): SyntaxExpr {
  const left = parseLikeLevel(cursor)
  const token = cursor.peek()
  const op = token.kind === 'op' ? comparisonOps[token.value] : undefined
  if (op === undefined) return left
  cursor.next()
  return { kind: 'binary', op, left, right: parseLikeLevel(cursor), position: token.start }
}

function parseLikeLevel(cursor: TokenCursor): SyntaxExpr {
  let arg = parseOther(cursor)
  for (;;) {
    const negated =
      cursor.isKeyword('not') &&
      ['like', 'ilike', 'between', 'in', 'similar'].some((w) => cursor.isKeyword(w, 1))
    if (negated) cursor.next()
    const token = cursor.peek()
    if (cursor.acceptKeyword('like') || cursor.acceptKeyword('ilike')) {
      const base = token.value as 'like' | 'ilike'
      const op: BinaryOp = negated ? (base === 'like' ? 'not like' : 'not ilike') : base
      let right = parseOther(cursor)
      if (cursor.isKeyword('escape')) {
        // As PostgreSQL's grammar: x LIKE p ESCAPE e is x LIKE like_escape(p, e).
        const escape = cursor.next()
        const args = [right, parseOther(cursor)]
        right = funcNode('like_escape', args, escape.start)
      }
      arg = { kind: 'binary', op, left: arg, right, position: token.start }
    } else if (cursor.acceptKeyword('between')) {
      if (cursor.isKeyword('symmetric'))
        throw cursor.notSupportedAt('BETWEEN SYMMETRIC', cursor.peek())
      cursor.acceptKeyword('asymmetric')
      const low = parseOther(cursor)
      cursor.expectKeyword('and')
      const high = parseOther(cursor)
      arg = { kind: 'between', arg, low, high, negated, position: token.start }
    } else if (cursor.acceptKeyword('in')) {
      if (cursor.isOp('(') && isQueryAhead(cursor)) {
        const query = parseQueryInParens(cursor)
        arg = { kind: 'in-subquery', arg, query, negated, position: token.start }
        continue
      }
      arg = { kind: 'in-list', arg, values: parseInList(cursor), negated, position: token.start }
    } else if (cursor.isKeyword('similar') && cursor.isKeyword('to', 1)) {
      // As PostgreSQL's grammar: x SIMILAR TO p [ESCAPE e] is x ~ similar_to_escape(p [, e]).
      cursor.next()
      cursor.next()
      const args = [parseOther(cursor)]
      if (cursor.acceptKeyword('escape')) args.push(parseOther(cursor))
      const right = funcNode('similar_to_escape', args, token.start)
      arg = { kind: 'binary', op: negated ? '!~' : '~', left: arg, right, position: token.start }
    } else {
      return arg
    }
  }
}

function parseInList(cursor: TokenCursor): SyntaxExpr[] {
  cursor.expectOp('(')
  const values = [parseExpr(cursor)]
  while (cursor.acceptOp(',')) values.push(parseExpr(cursor))
  cursor.expectOp(')')
  return values
}

/** Operators the lexer knows that we do not run: reject them plainly rather than as syntax. */
const punctuation = new Set([
  '(',
  ')',
  ',',
  ';',
  '.',
  '[',
  ']',
  ':',
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
])

/** Operators at the "any other operator" level: || and the POSIX regex matches. */
const otherOps: Readonly<Record<string, BinaryOp>> = {
  '||': '||',
  '@>': '@>',
  '<@': '<@',
  '&&': '&&',
  '~': '~',
  '~*': '~*',
  '!~': '!~',
  '!~*': '!~*',
  // jsonb (planner/bind/typed-operators.ts)
  '->': '->',
  '->>': '->>',
  '#>': '#>',
  '#>>': '#>>',
  '#-': '#-',
  '?': '?',
  '?|': '?|',
  '?&': '?&',
  // bitwise, over integers
  '&': '&',
  '|': '|',
  '#': '#',
  '<<': '<<',
  '>>': '>>',
}

function parseOther(cursor: TokenCursor): SyntaxExpr {
  let left = parsePrefixOther(cursor)
  for (;;) {
    const token = cursor.peek()
    if (cursor.isKeyword('operator') && cursor.isOp('(', 1)) {
      const op = parseOperatorSyntax(cursor)
      left = { kind: 'binary', op, left, right: parsePrefixOther(cursor), position: token.start }
      continue
    }
    if (token.kind !== 'op' || punctuation.has(token.value)) return left
    const op = otherOps[token.value]
    if (op === undefined) throw cursor.notSupportedAt(`operator ${token.value}`, token)
    cursor.next()
    left = { kind: 'binary', op, left, right: parsePrefixOther(cursor), position: token.start }
  }
}

/** A prefix `~` (bitwise not) binds like PostgreSQL's prefix operators: `~1 + 2` is ~(1 + 2). */
function parsePrefixOther(cursor: TokenCursor): SyntaxExpr {
  if (!cursor.isOp('~')) return parseAdditive(cursor)
  const token = cursor.next()
  return { kind: 'unary', op: '~', arg: parsePrefixOther(cursor), position: token.start }
}

/** Operators OPERATOR(pg_catalog.x) may name: the ones we run, whatever their usual level. */
const qualifiableOps: Readonly<Record<string, BinaryOp>> = {
  ...comparisonOps,
  ...otherOps,
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '^': '^',
}

/** `OPERATOR(pg_catalog.~)`: PostgreSQL's qualified operator, at the "other operator" level. */
function parseOperatorSyntax(cursor: TokenCursor): BinaryOp {
  cursor.next()
  cursor.expectOp('(')
  if (cursor.peek().kind === 'ident') {
    const schema = cursor.next()
    if (schema.value !== 'pg_catalog') throw cursor.syntaxErrorAt(schema)
    cursor.expectOp('.')
  }
  const token = cursor.peek()
  const op = token.kind === 'op' ? qualifiableOps[token.value] : undefined
  if (op === undefined) throw cursor.syntaxErrorAt(token)
  cursor.next()
  cursor.expectOp(')')
  return op
}

function parseAdditive(cursor: TokenCursor): SyntaxExpr {
  let left = parseMultiplicative(cursor)
  while (cursor.isOp('+') || cursor.isOp('-')) {
    const token = cursor.next()
    const op = token.value as '+' | '-'
    left = { kind: 'binary', op, left, right: parseMultiplicative(cursor), position: token.start }
  }
  return left
}

function parseMultiplicative(cursor: TokenCursor): SyntaxExpr {
  let left = parseExponent(cursor)
  while (cursor.isOp('*') || cursor.isOp('/') || cursor.isOp('%')) {
    const token = cursor.next()
    const op = token.value as '*' | '/' | '%'
    left = { kind: 'binary', op, left, right: parseExponent(cursor), position: token.start }
  }
  return left
}

/** `x ^ y`, left-associative, between AT TIME ZONE and * / % in PostgreSQL's table. */
function parseExponent(cursor: TokenCursor): SyntaxExpr {
  let left = parseAtTimeZone(cursor)
  while (cursor.isOp('^')) {
    const token = cursor.next()
    left = { kind: 'binary', op: '^', left, right: parseAtTimeZone(cursor), position: token.start }
  }
  return left
}

/** `x AT TIME ZONE z`, above unary minus in PostgreSQL's table: timezone(z, x). */
function parseAtTimeZone(cursor: TokenCursor): SyntaxExpr {
  let arg = parseUnary(cursor)
  while (cursor.isKeyword('at') && cursor.isKeyword('time', 1) && cursor.isKeyword('zone', 2)) {
    const token = cursor.next()
    cursor.next()
    cursor.next()
    arg = funcNode('timezone', [parseUnary(cursor), arg], token.start)
  }
  return arg
}

function parseUnary(cursor: TokenCursor): SyntaxExpr {
  if (cursor.isOp('-') || cursor.isOp('+')) {
    const token = cursor.next()
    return {
      kind: 'unary',
      op: token.value as '-' | '+',
      arg: parseUnary(cursor),
      position: token.start,
    }
  }
  return parsePostfix(cursor)
}

function parsePostfix(cursor: TokenCursor): SyntaxExpr {
  let arg = parsePrimary(cursor)
  for (;;) {
    const token = cursor.peek()
    if (cursor.acceptOp('::')) {
      arg = { kind: 'cast', arg, typeName: parseTypeName(cursor), position: token.start }
    } else if (cursor.isKeyword('collate')) {
      parseCollation(cursor)
    } else if (cursor.isOp('[')) {
      // x[i] as a call of `[]` and x[lo:hi] as `[:]`, names no function can have. An omitted
      // bound is 1 or the largest int4: arrays have lower bound 1 and slices clamp.
      cursor.next()
      const bound = (value: number): SyntaxExpr => ({
        kind: 'constant',
        value,
        type: 'int4',
        name: null,
        position: cursor.peek().start,
      })
      const lower = cursor.isOp(':') ? bound(1) : parseExpr(cursor)
      if (cursor.acceptOp(':')) {
        const upper = cursor.isOp(']') ? bound(2147483647) : parseExpr(cursor)
        cursor.expectOp(']')
        arg = funcNode('[:]', [arg, lower, upper], token.start)
      } else {
        cursor.expectOp(']')
        arg = funcNode('[]', [arg, lower], token.start)
      }
    } else {
      return arg
    }
  }
}

/** Collations that compare as Malamute does (bytewise UTF-8): COLLATE with them is a no-op. */
const bytewiseCollations = new Set(['default', 'C', 'POSIX', 'ucs_basic'])

/** `COLLATE [pg_catalog.]name`: accepted for the collations we compare by; 42704 otherwise. */
function parseCollation(cursor: TokenCursor): void {
  cursor.next()
  let name = cursor.next()
  if (name.value === 'pg_catalog' && cursor.acceptOp('.')) name = cursor.next()
  if (name.kind !== 'ident') throw cursor.syntaxErrorAt(name)
  if (!bytewiseCollations.has(name.value)) {
    throw new PgError({
      code: SqlState.undefinedObject,
      message: `collation "${name.value}" for encoding "UTF8" does not exist`,
      position: name.start + 1,
    })
  }
}

function parsePrimary(cursor: TokenCursor): SyntaxExpr {
  const token = cursor.peek()
  switch (token.kind) {
    case 'number':
      cursor.next()
      return {
        kind: 'literal',
        literal: /^\d+$/.test(token.value) ? 'integer' : 'decimal',
        text: token.value,
        position: token.start,
      }
    case 'string':
      cursor.next()
      return { kind: 'literal', literal: 'string', text: token.value, position: token.start }
    case 'param':
      cursor.next()
      return { kind: 'param', number: Number(token.value), position: token.start }
    case 'op':
      if (token.value !== '(') throw cursor.syntaxErrorAt(token)
      cursor.next()
      if (isQueryStart(cursor)) {
        const query = parseQuery(cursor)
        cursor.expectOp(')')
        return { kind: 'subquery', query, position: token.start }
      }
      return parseParenthesized(cursor, token.start)
    case 'ident':
      return token.quoted ? parseName(cursor) : parseKeywordOrName(cursor)
    case 'eof':
      throw cursor.syntaxErrorAt(token)
  }
}

/** `(expr)`, or a row constructor `(a, b, ...)`: a call of `row`, as `ROW(a, b)` parses. */
function parseParenthesized(cursor: TokenCursor, position: number): SyntaxExpr {
  const inner = parseExpr(cursor)
  if (!cursor.isOp(',')) {
    cursor.expectOp(')')
    return inner
  }
  const args = [inner]
  while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
  cursor.expectOp(')')
  return funcNode('row', args, position)
}

/** Type names a string literal may follow (`timestamptz '2024-01-01'`). */
const typedLiteralWords = new Set([
  'bool',
  'boolean',
  'int2',
  'int4',
  'int8',
  'smallint',
  'integer',
  'int',
  'bigint',
  'float4',
  'float8',
  'real',
  'double',
  'numeric',
  'decimal',
  'text',
  'varchar',
  'char',
  'character',
  'timestamptz',
  'timestamp',
  'date',
  'interval',
  'jsonb',
  'json',
  'bytea',
  'name',
  'oid',
])

function parseKeywordOrName(cursor: TokenCursor): SyntaxExpr {
  const token = cursor.peek()
  const position = token.start
  switch (token.value) {
    case 'null':
      cursor.next()
      return { kind: 'literal', literal: 'null', text: '', position }
    case 'true':
    case 'false':
      cursor.next()
      return { kind: 'literal', literal: 'bool', text: token.value, position }
    case 'case':
      return parseCase(cursor)
    case 'cast':
      return parseCastCall(cursor)
    case 'current_timestamp':
    case 'current_date':
    case 'localtimestamp':
      // SQL's niladic clock functions, written without parentheses.
      cursor.next()
      if (token.value !== 'current_date' && cursor.isOp('('))
        throw cursor.notSupportedAt(`${token.value.toUpperCase()} with a precision`, cursor.peek())
      return {
        kind: 'func',
        name: token.value,
        args: [],
        star: false,
        distinct: false,
        filter: null,
        position,
      }
    case 'current_time':
    case 'localtime':
      throw cursor.notSupportedAt(`${token.value.toUpperCase()} (the time types)`, token)
    case 'substring':
    case 'position':
    case 'trim':
    case 'extract':
    case 'overlay':
      if (cursor.isOp('(', 1)) return parseSpecialCall(cursor)
      break
    case 'current_user':
    case 'session_user':
    case 'current_role':
    case 'user':
    case 'current_catalog':
    case 'current_schema':
      if (cursor.isOp('(', 1)) break
      cursor.next()
      return funcNode(token.value, [], position)
    case 'exists':
      cursor.next()
      return { kind: 'exists', query: parseQueryInParens(cursor), position }
    case 'array':
      if (cursor.isOp('[', 1)) return parseArrayConstructor(cursor)
      if (cursor.isOp('(', 1)) {
        cursor.next()
        cursor.expectOp('(')
        if (!isQueryStart(cursor)) throw cursor.syntaxErrorAt(cursor.peek())
        const query = parseQuery(cursor)
        cursor.expectOp(')')
        return { kind: 'subquery', query, array: true, position }
      }
      throw cursor.notSupportedAt('arrays', token)
    default:
      break
  }
  if (typedLiteralWords.has(token.value) && isTypedLiteralAhead(cursor)) {
    const typeName = parseTypeName(cursor)
    const literal = cursor.next()
    const arg: SyntaxExpr = {
      kind: 'literal',
      literal: 'string',
      text: literal.value,
      position: literal.start,
    }
    if (typeName.name === 'interval') return parseIntervalQualifier(cursor, arg, typeName, position)
    return { kind: 'cast', arg, typeName, position }
  }
  return parseName(cursor)
}

/** True when the type name starting here is followed by a string literal. */
function isTypedLiteralAhead(cursor: TokenCursor): boolean {
  for (let ahead = 1; ahead <= 4; ahead += 1) {
    const token = cursor.peek(ahead)
    if (token.kind === 'string') return true
    if (token.kind !== 'ident' || token.quoted) return false
    if (!['precision', 'with', 'without', 'time', 'zone', 'varying'].includes(token.value))
      return false
  }
  return false
}

function parseName(cursor: TokenCursor): SyntaxExpr {
  const first = cursor.next()
  if (cursor.isOp('(')) return sizeOr(parseFunctionCall(cursor, first.value, first.start))
  if (!cursor.acceptOp('.'))
    return { kind: 'column-ref', table: null, name: first.value, position: first.start }
  if (cursor.acceptOp('*')) return { kind: 'star', table: first.value, position: first.start }
  const second = cursor.expectLabel()
  if (cursor.isOp('(') && (first.value === 'pg_catalog' || first.value === 'public'))
    return sizeOr(parseFunctionCall(cursor, second.value, second.start))
  if (cursor.isOp('(')) throw cursor.notSupportedAt('qualified names', cursor.peek())
  if (cursor.acceptOp('.')) {
    // schema.table.column: the FROM item is named by its table name alone.
    if (cursor.acceptOp('*')) return { kind: 'star', table: second.value, position: first.start }
    const third = cursor.expectLabel()
    if (cursor.isOp('.') || cursor.isOp('('))
      throw cursor.notSupportedAt('qualified names', cursor.peek())
    return { kind: 'column-ref', table: second.value, name: third.value, position: first.start }
  }
  return { kind: 'column-ref', table: first.value, name: second.value, position: first.start }
}

function parseFunctionCall(cursor: TokenCursor, name: string, position: number): FuncNode {
  cursor.expectOp('(')
  let star = false
  let distinct = false
  const args: SyntaxExpr[] = []
  const argNames: (string | undefined)[] = []
  if (cursor.acceptOp('*')) {
    star = true
  } else if (!cursor.isOp(')')) {
    distinct = cursor.acceptKeyword('distinct')
    if (!distinct) cursor.acceptKeyword('all')
    do {
      const name = parseArgumentName(cursor)
      if (name !== null) argNames[args.length] = name
      else if (argNames.some((n) => n !== undefined)) {
        throw new PgError({
          code: SqlState.syntaxError,
          message: 'positional argument cannot follow named argument',
          position: cursor.peek().start + 1,
        })
      }
      args.push(parseExpr(cursor))
    } while (cursor.acceptOp(','))
  }
  const orderBy: OrderItem[] = []
  if (args.length > 0 && cursor.acceptKeyword('order')) {
    // An aggregate's ORDER BY (array_agg(x ORDER BY y)); the binder rejects it elsewhere.
    cursor.expectKeyword('by')
    do orderBy.push(parseOrderItem(cursor, parseExpr))
    while (cursor.acceptOp(','))
  }
  cursor.expectOp(')')
  const withinGroup = parseWithinGroup(cursor)
  let filter: SyntaxExpr | null = null
  if (cursor.acceptKeyword('filter')) {
    cursor.expectOp('(')
    cursor.expectKeyword('where')
    filter = parseExpr(cursor)
    cursor.expectOp(')')
  }
  const plain: FuncNode = { kind: 'func', name, args, star, distinct, filter, position }
  const named =
    argNames.length === 0 ? plain : { ...plain, argNames: args.map((_, i) => argNames[i] ?? null) }
  const node: FuncNode = orderBy.length > 0 ? { ...named, orderBy } : named
  const ordered = withinGroup === null ? node : { ...node, withinGroup }
  if (cursor.acceptKeyword('over')) return { ...ordered, over: parseOver(cursor, parseExpr) }
  return ordered
}

/** `name =>` or `name :=` before an argument (named notation): the name, else null. */
function parseArgumentName(cursor: TokenCursor): string | null {
  const name = cursor.peek()
  const first = cursor.peek(1)
  const second = cursor.peek(2)
  const arrow =
    (first.value === '=' && second.value === '>') || (first.value === ':' && second.value === '=')
  if (name.kind !== 'ident' || first.kind !== 'op' || second.kind !== 'op' || !arrow) return null
  if (second.start !== first.start + 1) return null
  cursor.next()
  cursor.next()
  cursor.next()
  return name.value
}

/** `WITHIN GROUP (ORDER BY item, ...)` after an ordered-set aggregate's arguments, or null. */
function parseWithinGroup(cursor: TokenCursor): OrderItem[] | null {
  if (!cursor.isKeyword('within') || !cursor.isKeyword('group', 1)) return null
  cursor.next()
  cursor.next()
  cursor.expectOp('(')
  cursor.expectKeyword('order')
  cursor.expectKeyword('by')
  const items: OrderItem[] = []
  do items.push(parseOrderItem(cursor, parseExpr))
  while (cursor.acceptOp(','))
  cursor.expectOp(')')
  return items
}

/** `ARRAY[a, b]` as a call of `array` (a reserved word: no function has that name). */
function parseArrayConstructor(cursor: TokenCursor): FuncNode {
  const position = cursor.next().start
  cursor.expectOp('[')
  const args: SyntaxExpr[] = []
  if (!cursor.isOp(']')) {
    args.push(parseExpr(cursor))
    while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
  }
  cursor.expectOp(']')
  return funcNode('array', args, position)
}

/** pg_relation_size & co. become subqueries over malamute.tables (size-functions.ts). */
function sizeOr(node: FuncNode): SyntaxExpr {
  return rewriteSizeCall(node, parseExpr) ?? node
}

function funcNode(name: string, args: SyntaxExpr[], position: number): FuncNode {
  return { kind: 'func', name, args, star: false, distinct: false, filter: null, position }
}

/**
 * SQL's keyword-argument calls, rewritten as PostgreSQL's grammar does:
 * SUBSTRING(x FROM n FOR m) is substring(x, n, m), POSITION(a IN b) is strpos(b, a),
 * TRIM(LEADING c FROM x) is ltrim(x, c), EXTRACT(field FROM x) is extract('field', x),
 * OVERLAY(s PLACING t FROM n FOR m) is overlay(s, t, n, m).
 */
function parseSpecialCall(cursor: TokenCursor): SyntaxExpr {
  const name = cursor.next()
  const position = name.start
  cursor.expectOp('(')
  let node: FuncNode
  switch (name.value) {
    case 'substring': {
      const args = [parseExpr(cursor)]
      if (cursor.acceptKeyword('from')) {
        args.push(parseExpr(cursor))
        if (cursor.acceptKeyword('for')) args.push(parseExpr(cursor))
      } else if (cursor.acceptKeyword('for')) {
        const count = parseExpr(cursor)
        args.push({ kind: 'literal', literal: 'integer', text: '1', position: count.position })
        args.push(count)
      } else {
        while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
      }
      node = funcNode('substring', args, position)
      break
    }
    case 'position': {
      const needle = parseOther(cursor)
      if (!cursor.acceptKeyword('in')) {
        const args = [needle]
        while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
        node = funcNode('position', args, position)
        break
      }
      node = funcNode('position', [parseOther(cursor), needle], position)
      break
    }
    case 'overlay': {
      // OVERLAY(s PLACING t FROM n [FOR m]) is overlay(s, t, n [, m])
      const args = [parseExpr(cursor)]
      if (cursor.acceptKeyword('placing')) {
        args.push(parseExpr(cursor))
        cursor.expectKeyword('from')
        args.push(parseExpr(cursor))
        if (cursor.acceptKeyword('for')) args.push(parseExpr(cursor))
      } else {
        while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
      }
      node = funcNode('overlay', args, position)
      break
    }
    case 'trim': {
      let fn = 'btrim'
      if (cursor.acceptKeyword('leading')) fn = 'ltrim'
      else if (cursor.acceptKeyword('trailing')) fn = 'rtrim'
      else cursor.acceptKeyword('both')
      if (cursor.acceptKeyword('from')) {
        node = funcNode(fn, [parseExpr(cursor)], position)
        break
      }
      const first = parseExpr(cursor)
      if (cursor.acceptKeyword('from')) {
        node = funcNode(fn, [parseExpr(cursor), first], position)
        break
      }
      const args = [first]
      while (cursor.acceptOp(',')) args.push(parseExpr(cursor))
      node = funcNode(fn, args, position)
      break
    }
    default: {
      const field = cursor.next()
      if (field.kind !== 'ident' && field.kind !== 'string') throw cursor.syntaxErrorAt(field)
      cursor.expectKeyword('from')
      const fieldLiteral: SyntaxExpr = {
        kind: 'literal',
        literal: 'string',
        text: field.value,
        position: field.start,
      }
      node = funcNode('extract', [fieldLiteral, parseExpr(cursor)], position)
      break
    }
  }
  cursor.expectOp(')')
  return node
}

function parseCase(cursor: TokenCursor): SyntaxExpr {
  const position = cursor.expectKeyword('case').start
  const operand = cursor.isKeyword('when') ? null : parseExpr(cursor)
  const whens: { when: SyntaxExpr; then: SyntaxExpr }[] = []
  while (cursor.acceptKeyword('when')) {
    const when = parseExpr(cursor)
    cursor.expectKeyword('then')
    whens.push({ when, then: parseExpr(cursor) })
  }
  if (whens.length === 0) throw cursor.syntaxErrorAt(cursor.peek())
  const otherwise = cursor.acceptKeyword('else') ? parseExpr(cursor) : null
  cursor.expectKeyword('end')
  return { kind: 'case', operand, whens, otherwise, position }
}

function parseCastCall(cursor: TokenCursor): SyntaxExpr {
  const position = cursor.expectKeyword('cast').start
  cursor.expectOp('(')
  const arg = parseExpr(cursor)
  cursor.expectKeyword('as')
  const typeName = parseTypeName(cursor)
  cursor.expectOp(')')
  return { kind: 'cast', arg, typeName, position }
}

/** Reads a type name: one word, or PostgreSQL's multi-word ones; modifiers like (10,2) are dropped. */
export function parseTypeName(cursor: TokenCursor): TypeNameNode {
  let first = cursor.peek()
  if (first.kind !== 'ident') throw cursor.syntaxErrorAt(first)
  cursor.next()
  if (first.value === 'pg_catalog' && cursor.acceptOp('.')) {
    first = cursor.peek()
    if (first.kind !== 'ident') throw cursor.syntaxErrorAt(first)
    cursor.next()
  }
  // Quoted "char" is PostgreSQL's one-byte type; bare char is character (bpchar).
  const words = [first.quoted && first.value === 'char' ? '"char"' : first.value]
  if (first.value === 'double' && cursor.acceptKeyword('precision')) words.push('precision')
  if (first.value === 'character' && cursor.acceptKeyword('varying')) words.push('varying')
  if (cursor.acceptOp('(')) {
    cursor.next()
    while (cursor.acceptOp(',')) cursor.next()
    cursor.expectOp(')')
  }
  if (
    (first.value === 'timestamp' || first.value === 'time') &&
    (cursor.isKeyword('with') || cursor.isKeyword('without'))
  ) {
    words.push(cursor.next().value)
    cursor.expectKeyword('time')
    cursor.expectKeyword('zone')
    words.push('time', 'zone')
  }
  // `int[]`, `int[3][]`, `int ARRAY`, `int ARRAY[3]`: the array type (dimensions are ignored).
  let array = false
  if (cursor.acceptKeyword('array')) {
    array = true
    if (cursor.acceptOp('[')) {
      if (cursor.peek().kind === 'number') cursor.next()
      cursor.expectOp(']')
    }
  }
  while (cursor.acceptOp('[')) {
    array = true
    if (cursor.peek().kind === 'number') cursor.next()
    cursor.expectOp(']')
  }
  return { name: words.join(' ') + (array ? '[]' : ''), position: first.start }
}

const intervalFields = ['year', 'month', 'day', 'hour', 'minute', 'second']

/**
 * `INTERVAL '1' DAY`, `INTERVAL '1:30' HOUR TO MINUTE`: SQL's field qualifier. A bare number
 * counts the last field; fields below it are truncated (AdjustIntervalForTypmod), which the
 * binder runs as a call of `interval qualifier` (a name no user function can have).
 */
function parseIntervalQualifier(
  cursor: TokenCursor,
  arg: SyntaxExpr & { kind: 'literal' },
  typeName: TypeNameNode,
  position: number,
): SyntaxExpr {
  const first = cursor.peek()
  if (first.kind !== 'ident' || first.quoted || !intervalFields.includes(first.value))
    return { kind: 'cast', arg, typeName, position }
  cursor.next()
  let last = first.value
  if (cursor.acceptKeyword('to')) {
    const to = cursor.next()
    if (to.kind !== 'ident' || !intervalFields.includes(to.value)) throw cursor.syntaxErrorAt(to)
    last = to.value
  }
  const bare = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(arg.text)
  const text = bare ? `${arg.text.trim()} ${last}` : arg.text
  const cast: SyntaxExpr = { kind: 'cast', arg: { ...arg, text }, typeName, position }
  const unit: SyntaxExpr = { kind: 'literal', literal: 'string', text: last, position: first.start }
  return funcNode('interval qualifier', [cast, unit], position)
}
