// Which input columns an expression reads: late materialization reads the filter's columns
// first, and a partial aggregate gathers only the columns it reads from a filtered batch.
import type { Expr } from '../plan.js'

/** Adds the indexes of the columns `expr` reads to `into`. */
export function collectColumns(expr: Expr | null, into: Set<number>): void {
  if (expr === null) return
  switch (expr.kind) {
    case 'column':
      into.add(expr.index)
      return
    case 'literal':
      return
    case 'call':
      for (const arg of expr.args) collectColumns(arg, into)
      return
    case 'case':
      for (const { when, then } of expr.whens) {
        collectColumns(when, into)
        collectColumns(then, into)
      }
      collectColumns(expr.otherwise, into)
      return
    case 'cast':
    case 'in-list':
      collectColumns(expr.arg, into)
      return
  }
}
