// GROUP BY with grouping sets: `ROLLUP (...)`, `CUBE (...)`, `GROUPING SETS (...)` and `()`,
// mixed with plain expressions (https://www.postgresql.org/docs/15/queries-table-expressions.html#QUERIES-GROUPING-SETS).
// Expressions are read by the caller's parser, passed in, so this file does not import the
// expression parser back.
import type { GroupingItemNode, SyntaxExpr } from './ast.js'
import type { TokenCursor } from './cursor.js'

type ParseExpr = (cursor: TokenCursor) => SyntaxExpr

export interface ParsedGroupBy {
  readonly groupBy: SyntaxExpr[]
  /** Present when any item is ROLLUP, CUBE, GROUPING SETS or (): every item, in order. */
  readonly groupingSets?: GroupingItemNode[]
  /** GROUP BY DISTINCT: duplicate grouping sets are dropped after expansion. */
  readonly distinctSets?: true
}

/** Parses what follows GROUP BY: `[ALL | DISTINCT] item, ...`. */
export function parseGroupByList(cursor: TokenCursor, parseExpr: ParseExpr): ParsedGroupBy {
  const distinct = cursor.acceptKeyword('distinct')
  if (!distinct) cursor.acceptKeyword('all')
  const items: GroupingItemNode[] = []
  do items.push(parseGroupingItem(cursor, parseExpr))
  while (cursor.acceptOp(','))
  if (items.every((item) => item.kind === 'expr')) return { groupBy: items.map((i) => i.expr) }
  return { groupBy: [], groupingSets: items, ...(distinct ? { distinctSets: true } : {}) }
}

function parseGroupingItem(cursor: TokenCursor, parseExpr: ParseExpr): GroupingItemNode {
  const position = cursor.peek().start
  if ((cursor.isKeyword('rollup') || cursor.isKeyword('cube')) && cursor.isOp('(', 1)) {
    const kind = cursor.next().value === 'rollup' ? 'rollup' : 'cube'
    cursor.expectOp('(')
    const elements: SyntaxExpr[][] = []
    do elements.push(parseElement(cursor, parseExpr))
    while (cursor.acceptOp(','))
    cursor.expectOp(')')
    return { kind, elements, position }
  }
  if (cursor.isKeyword('grouping') && cursor.isKeyword('sets', 1)) {
    cursor.next()
    cursor.next()
    cursor.expectOp('(')
    const items: GroupingItemNode[] = []
    do items.push(parseGroupingItem(cursor, parseExpr))
    while (cursor.acceptOp(','))
    cursor.expectOp(')')
    return { kind: 'sets', items, position }
  }
  if (isParenthesizedList(cursor))
    return { kind: 'list', exprs: parseElement(cursor, parseExpr), position }
  return { kind: 'expr', expr: parseExpr(cursor) }
}

/** One ROLLUP/CUBE element or GROUPING SETS member: `expr`, `(expr, ...)` or `()`. */
function parseElement(cursor: TokenCursor, parseExpr: ParseExpr): SyntaxExpr[] {
  if (!isParenthesizedList(cursor)) return [parseExpr(cursor)]
  cursor.expectOp('(')
  const exprs: SyntaxExpr[] = []
  if (!cursor.isOp(')')) {
    do exprs.push(parseExpr(cursor))
    while (cursor.acceptOp(','))
  }
  cursor.expectOp(')')
  return exprs
}

/**
 * True at `(` that opens `()` or a comma list `(a, b)`, rather than a parenthesized
 * expression `(a + b)`: looks for a comma at depth one before the matching `)`.
 */
function isParenthesizedList(cursor: TokenCursor): boolean {
  if (!cursor.isOp('(')) return false
  if (cursor.isOp(')', 1)) return true
  let depth = 0
  for (let ahead = 0; ; ahead++) {
    const token = cursor.peek(ahead)
    if (token.kind === 'eof') return false
    if (token.kind !== 'op') continue
    if (token.value === '(' || token.value === '[') depth++
    else if (token.value === ')' || token.value === ']') {
      depth--
      if (depth === 0) return false
    } else if (token.value === ',' && depth === 1) return true
  }
}
