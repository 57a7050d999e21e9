// Splits a select list that calls window functions into the three steps PostgreSQL runs:
//
//   rows (after WHERE / GROUP BY / HAVING)  →  Window  →  Project
//   pre-window expressions: each window        input columns, then     the select list over
//   call's inputs and every window-free        one column per call     [pre..., window results]
//   subtree of the select list
//
// Literals stay in place; everything else window-free becomes one pre-window column, shared
// when two places write the same expression.
import { assert } from '../../common/index.js'
import type { Expr, WindowCall } from '../../executor/plan.js'
import { windowRefNumber } from './window-call-binder.js'

export interface WindowSplit {
  /** Evaluated below the Window node (input or aggregate space, like any select output). */
  readonly preWindow: readonly Expr[]
  /** Over preWindow's columns. */
  readonly calls: readonly WindowCall[]
  /** Over preWindow's columns followed by one column per call. */
  readonly outputs: readonly Expr[]
}

/** Splits `outputs`, whose window references point into `windows`. */
export function splitWindows(
  outputs: readonly Expr[],
  windows: readonly WindowCall[],
): WindowSplit {
  const preWindow: Expr[] = []
  const keys = new Map<string, number>()
  const slot = (expr: Expr): Expr => {
    if (expr.kind === 'literal') return expr
    const key = JSON.stringify(expr)
    let index = keys.get(key)
    if (index === undefined) {
      index = preWindow.push(expr) - 1
      keys.set(key, index)
    }
    return { kind: 'column', index, type: expr.type }
  }
  const calls = windows.map((call) => ({
    ...call,
    args: call.args.map(slot),
    filter: call.filter === null ? null : slot(call.filter),
    partitionBy: call.partitionBy.map(slot),
    orderBy: call.orderBy.map((key) => ({ ...key, expr: slot(key.expr) })),
  }))
  // Collect every slot first, so the window columns' position (after preWindow) is final.
  for (const output of outputs) rewrite(output, slot, 0)
  const windowBase = preWindow.length
  const rewritten = outputs.map((output) => rewrite(output, slot, windowBase))
  assert(preWindow.length === windowBase, 'the second pass adds no pre-window column')
  return { preWindow, calls, outputs: rewritten }
}

function rewrite(expr: Expr, slot: (e: Expr) => Expr, windowBase: number): Expr {
  if (!hasWindowRef(expr)) return slot(expr)
  const again = (e: Expr): Expr => rewrite(e, slot, windowBase)
  switch (expr.kind) {
    case 'column':
      return { kind: 'column', index: windowBase + windowRefNumber(expr.index), type: expr.type }
    case 'literal':
      return expr
    case 'call':
      return { ...expr, args: expr.args.map(again) }
    case 'case':
      return {
        ...expr,
        whens: expr.whens.map((w) => ({ when: again(w.when), then: again(w.then) })),
        otherwise: expr.otherwise === null ? null : again(expr.otherwise),
      }
    case 'cast':
      return { ...expr, arg: again(expr.arg) }
    case 'in-list':
      return { ...expr, arg: again(expr.arg) }
  }
}

/** True when `expr` refers to a window call somewhere. */
export function hasWindowRef(expr: Expr): boolean {
  switch (expr.kind) {
    case 'column':
      return windowRefNumber(expr.index) !== -1
    case 'literal':
      return false
    case 'call':
      return expr.args.some(hasWindowRef)
    case 'case':
      return (
        expr.whens.some((w) => hasWindowRef(w.when) || hasWindowRef(w.then)) ||
        (expr.otherwise !== null && hasWindowRef(expr.otherwise))
      )
    case 'cast':
    case 'in-list':
      return hasWindowRef(expr.arg)
  }
}
