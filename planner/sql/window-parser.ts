// Window specifications: `OVER (PARTITION BY ... ORDER BY ... frame)`, `OVER name` and the
// `WINDOW name AS (...)` clause. Expressions are read by the caller's parser, passed in, so
// this file does not import the expression parser back.
//
// https://www.postgresql.org/docs/15/sql-expressions.html#SYNTAX-WINDOW-FUNCTIONS
import type { FrameBoundNode, FrameNode, OrderItem, SyntaxExpr, WindowSpecNode } from './ast.js'
import type { TokenCursor } from './cursor.js'

type ParseExpr = (cursor: TokenCursor) => SyntaxExpr

/** Parses what follows OVER: a window name or a parenthesized specification. */
export function parseOver(cursor: TokenCursor, parseExpr: ParseExpr): WindowSpecNode {
  const position = cursor.peek().start
  if (!cursor.isOp('(')) {
    const name = cursor.expectIdentifier().value
    return { base: name, partitionBy: [], orderBy: [], frame: null, position }
  }
  return parseWindowSpec(cursor, parseExpr)
}

/** Parses `( [base] [PARTITION BY ...] [ORDER BY ...] [frame] )`. */
export function parseWindowSpec(cursor: TokenCursor, parseExpr: ParseExpr): WindowSpecNode {
  const position = cursor.expectOp('(').start
  let base: string | null = null
  const startsClause = ['partition', 'order', 'rows', 'range', 'groups'].some((w) =>
    cursor.isKeyword(w),
  )
  if (!cursor.isOp(')') && !startsClause) base = cursor.expectIdentifier().value
  const partitionBy: SyntaxExpr[] = []
  if (cursor.acceptKeyword('partition')) {
    cursor.expectKeyword('by')
    do partitionBy.push(parseExpr(cursor))
    while (cursor.acceptOp(','))
  }
  const orderBy: OrderItem[] = []
  if (cursor.acceptKeyword('order')) {
    cursor.expectKeyword('by')
    do orderBy.push(parseOrderItem(cursor, parseExpr))
    while (cursor.acceptOp(','))
  }
  const frame = parseFrame(cursor, parseExpr)
  cursor.expectOp(')')
  return { base, partitionBy, orderBy, frame, position }
}

/** `expr [ASC | DESC] [NULLS FIRST | LAST]`. */
export function parseOrderItem(cursor: TokenCursor, parseExpr: ParseExpr): OrderItem {
  const expr = parseExpr(cursor)
  const descending = cursor.acceptKeyword('desc') ? true : (cursor.acceptKeyword('asc'), false)
  let nullsFirst: boolean | null = null
  if (cursor.acceptKeyword('nulls')) {
    if (cursor.acceptKeyword('first')) nullsFirst = true
    else if (cursor.acceptKeyword('last')) nullsFirst = false
    else throw cursor.syntaxErrorAt(cursor.peek())
  }
  return { expr, descending, nullsFirst }
}

function parseFrame(cursor: TokenCursor, parseExpr: ParseExpr): FrameNode | null {
  const token = cursor.peek()
  const mode = (['rows', 'range', 'groups'] as const).find((w) => cursor.isKeyword(w))
  if (mode === undefined) return null
  cursor.next()
  let start: FrameBoundNode
  let end: FrameBoundNode
  if (cursor.acceptKeyword('between')) {
    start = parseBound(cursor, parseExpr)
    cursor.expectKeyword('and')
    end = parseBound(cursor, parseExpr)
  } else {
    start = parseBound(cursor, parseExpr)
    end = { kind: 'current-row', offset: null, position: start.position }
  }
  let exclude = false
  if (cursor.acceptKeyword('exclude')) {
    exclude = true
    if (cursor.acceptKeyword('current')) cursor.expectKeyword('row')
    else if (cursor.acceptKeyword('no')) {
      cursor.expectKeyword('others')
      exclude = false
    } else if (!cursor.acceptKeyword('group') && !cursor.acceptKeyword('ties'))
      throw cursor.syntaxErrorAt(cursor.peek())
  }
  return { mode, start, end, exclude, position: token.start }
}

function parseBound(cursor: TokenCursor, parseExpr: ParseExpr): FrameBoundNode {
  const position = cursor.peek().start
  if (cursor.acceptKeyword('unbounded')) {
    if (cursor.acceptKeyword('preceding'))
      return { kind: 'unbounded-preceding', offset: null, position }
    cursor.expectKeyword('following')
    return { kind: 'unbounded-following', offset: null, position }
  }
  if (cursor.acceptKeyword('current')) {
    cursor.expectKeyword('row')
    return { kind: 'current-row', offset: null, position }
  }
  const offset = parseExpr(cursor)
  if (cursor.acceptKeyword('preceding')) return { kind: 'preceding', offset, position }
  cursor.expectKeyword('following')
  return { kind: 'following', offset, position }
}
