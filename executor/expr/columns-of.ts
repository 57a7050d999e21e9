// Which input columns an expression reads: late materialization reads the filter's columns
// first, a partial aggregate gathers only the columns it reads from a filtered batch, and the
// planner reads only the columns a query uses.
import type { Expr } from '../plan.js'

/** Adds the input column indexes `expr` reads to `into` (aggregate refs, negative, are skipped). */
export function collectColumns(expr: Expr | null, into: Set<number>): void {
  if (expr === null) return
  switch (expr.kind) {
    case 'column':
      if (expr.index >= 0) into.add(expr.index)
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
