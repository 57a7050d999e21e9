// Inlining a projection into the expressions above it: a reference to column i becomes the
// expression that computes it (a subquery's output, a scan pipeline's projection).
import { assert } from '../../common/index.js'
import type { Expr } from '../plan.js'

/** `expr` with each column reference i replaced by `columns[i]`. */
export function substituteColumns(expr: Expr, columns: readonly Expr[]): Expr {
  const recurse = (e: Expr): Expr => substituteColumns(e, columns)
  switch (expr.kind) {
    case 'column': {
      // Negative indexes refer to aggregate results, never to the input.
      if (expr.index < 0) return expr
      const column = columns[expr.index]
      assert(column !== undefined, 'a substituted column reference is in range')
      return column
    }
    case 'literal':
      return expr
    case 'call':
      return { ...expr, args: expr.args.map(recurse) }
    case 'case':
      return {
        ...expr,
        whens: expr.whens.map(({ when, then }) => ({ when: recurse(when), then: recurse(then) })),
        otherwise: expr.otherwise === null ? null : recurse(expr.otherwise),
      }
    case 'cast':
    case 'in-list':
      return { ...expr, arg: recurse(expr.arg) }
  }
}
