// Row constructor comparisons, `(a, b) op (c, d)` and `ROW(a, b) IN ((1, 2), (3, 4))`, as the
// scalar expressions PostgreSQL defines them to be (https://www.postgresql.org/docs/15/
// functions-comparisons.html#ROW-WISE-COMPARISON), rewritten before binding:
//
//   (a, b) = (c, d)   →  a = c AND b = d          (<> and IS DISTINCT FROM: OR of the pairs)
//   (a, b) < (c, d)   →  a <= c AND (a < c OR (a = c AND b < d))
//
// The ordering form keeps PostgreSQL's NULL answers (the first pair that is unequal or NULL
// decides) and leads with `a <= c`, a plain conjunct on the first column that pruning by
// min/max and time reads: keyset pagination `WHERE (ts, id) < ($1, $2)` skips segments.
import { PgError, SqlState } from '../../common/index.js'
import type { BinaryNode, BinaryOp, FuncNode, InListNode, SyntaxExpr } from '../sql/ast.js'

/** A row constructor: `(a, b)` or `ROW(a, b)`, parsed as a call of `row`. */
export function isRowConstructor(node: SyntaxExpr): node is FuncNode {
  return node.kind === 'func' && node.name === 'row' && node.over === undefined
}

const orderingOps: ReadonlySet<BinaryOp> = new Set(['<', '<=', '>', '>='])

/** The comparison of two rows as a scalar condition; undefined when neither side is a row. */
export function expandRowComparison(node: BinaryNode): SyntaxExpr | undefined {
  const { left, right, op, position } = node
  if (!isRowConstructor(left) && !isRowConstructor(right)) return undefined
  if (!isRowConstructor(left) || !isRowConstructor(right))
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'comparing a row constructor with a value that is not one is not supported',
      position: position + 1,
    })
  const pairs = pairsOf(left, right, position)
  const compare = (pairOp: BinaryOp, [l, r]: readonly [SyntaxExpr, SyntaxExpr]): SyntaxExpr => ({
    kind: 'binary',
    op: pairOp,
    left: l,
    right: r,
    position,
  })
  switch (op) {
    case '=':
    case 'is not distinct from':
      return chain(
        'and',
        pairs.map((pair) => compare(op, pair)),
        position,
      )
    case '<>':
    case 'is distinct from':
      return chain(
        'or',
        pairs.map((pair) => compare(op, pair)),
        position,
      )
    default: {
      if (!orderingOps.has(op))
        throw new PgError({
          code: SqlState.featureNotSupported,
          message: `row comparison with ${op.toUpperCase()} is not supported`,
          position: position + 1,
        })
      const strict: BinaryOp = op === '<' || op === '<=' ? '<' : '>'
      const first = pairs[0]!
      // From the last pair back: last op, then `strict OR (= AND rest)` for each earlier pair.
      let tail = compare(op, pairs[pairs.length - 1]!)
      for (let i = pairs.length - 2; i >= 0; i--) {
        const equal = compare('=', pairs[i]!)
        const inner = chain('and', [equal, tail], position)
        tail = chain('or', [compare(strict, pairs[i]!), inner], position)
      }
      if (pairs.length === 1) return tail
      const bound: BinaryOp = strict === '<' ? '<=' : '>='
      return chain('and', [compare(bound, first), tail], position)
    }
  }
}

/** `row IN (row, ...)` as an OR of row equalities (NOT IN: AND of inequalities). */
export function expandRowInList(node: InListNode): SyntaxExpr | undefined {
  if (!isRowConstructor(node.arg)) return undefined
  const op: BinaryOp = node.negated ? '<>' : '='
  const comparisons = node.values.map((value) => {
    const comparison: BinaryNode = {
      kind: 'binary',
      op,
      left: node.arg,
      right: value,
      position: node.position,
    }
    return expandRowComparison(comparison)!
  })
  return chain(node.negated ? 'and' : 'or', comparisons, node.position)
}

function pairsOf(
  left: FuncNode,
  right: FuncNode,
  position: number,
): (readonly [SyntaxExpr, SyntaxExpr])[] {
  if (left.args.length !== right.args.length || left.args.length === 0)
    throw new PgError({
      code: SqlState.syntaxError,
      message: 'unequal number of entries in row expressions',
      position: position + 1,
    })
  return left.args.map((arg, index) => [arg, right.args[index]!] as const)
}

function chain(op: 'and' | 'or', parts: readonly SyntaxExpr[], position: number): SyntaxExpr {
  return parts.reduce((left, right) => ({ kind: 'binary', op, left, right, position }))
}
