// GROUP BY with grouping sets, as PostgreSQL expands them
// (https://www.postgresql.org/docs/15/queries-table-expressions.html#QUERIES-GROUPING-SETS):
// the items of one GROUP BY multiply (GROUP BY a, ROLLUP (b) is ((a, b), (a))); ROLLUP (a, b)
// is ((a, b), (a), ()); CUBE (a, b) is every subset, ((a, b), (a), (b), ()); GROUPING SETS
// concatenates its members' expansions. Duplicate sets stay (their rows appear twice) unless
// GROUP BY DISTINCT drops them.
//
// The distinct expressions become the group keys, and a hidden last key holds the grouping
// set's index (executor/plan.ts GroupingSets). GROUPING(a, b) is a bit mask over its arguments,
// the first argument the highest bit, set where the argument is not grouped in the row's set;
// it lifts to a CASE over the hidden key.
import { PgError, SqlState } from '../../common/index.js'
import type { Expr, GroupingSets } from '../../executor/plan.js'
import type { GroupingItemNode, SyntaxExpr } from '../sql/ast.js'

/** The hidden key's expression: never evaluated, unlike any expression a query can write. */
export const groupingSetIdKey: Expr = { kind: 'literal', value: 'grouping set', type: 'int4' }

/** Binds and expands `items`: the group keys (hidden key last) and the sets over them. */
export function expandGroupingSets(
  items: readonly GroupingItemNode[],
  bindItem: (item: SyntaxExpr) => Expr,
  distinct: boolean,
): { keys: Expr[]; sets: GroupingSets } {
  const keys: Expr[] = []
  const keyText: string[] = []
  const keyOf = (node: SyntaxExpr): number => {
    const expr = bindItem(node)
    const text = JSON.stringify(expr)
    let index = keyText.indexOf(text)
    if (index === -1) {
      index = keys.push(expr) - 1
      keyText.push(text)
    }
    return index
  }
  let sets: number[][] = [[]]
  for (const item of items) {
    const expansion = expandItem(item, keyOf)
    sets = sets.flatMap((prefix) => expansion.map((set) => [...prefix, ...set]))
  }
  const normalized = sets.map((set) => [...new Set(set)].sort((a, b) => a - b))
  // GROUP BY DISTINCT keeps the first of equal sets.
  const kept = distinct
    ? normalized.filter(
        (set, index) => normalized.findIndex((other) => other.join() === set.join()) === index,
      )
    : normalized
  return { keys: [...keys, groupingSetIdKey], sets: kept }
}

function expandItem(item: GroupingItemNode, keyOf: (node: SyntaxExpr) => number): number[][] {
  switch (item.kind) {
    case 'expr':
      return [[keyOf(item.expr)]]
    case 'list':
      return [item.exprs.map(keyOf)]
    case 'rollup': {
      const elements = item.elements.map((element) => element.map(keyOf))
      const sets: number[][] = []
      for (let length = elements.length; length >= 0; length--)
        sets.push(elements.slice(0, length).flat())
      return sets
    }
    case 'cube': {
      const elements = item.elements.map((element) => element.map(keyOf))
      if (elements.length > 12) {
        const message = 'CUBE is limited to 12 elements'
        throw new PgError({ code: SqlState.programLimitExceeded, message })
      }
      const sets: number[][] = []
      // PostgreSQL's order: the full set first, the empty set last.
      for (let omitted = 0; omitted < 1 << elements.length; omitted++) {
        sets.push(
          elements
            .filter((_, index) => (omitted & (1 << (elements.length - 1 - index))) === 0)
            .flat(),
        )
      }
      return sets
    }
    case 'sets':
      return item.items.flatMap((member) => expandItem(member, keyOf))
  }
}

/**
 * GROUPING(args) in aggregate space: a constant without grouping sets (0, every argument is
 * grouped), else a CASE over the hidden set-index key. 42803 when an argument is not a key.
 */
export function liftGrouping(
  args: readonly Expr[],
  groupBy: readonly Expr[],
  sets: GroupingSets | undefined,
  position: number | undefined,
): Expr {
  const keyCount = sets === undefined ? groupBy.length : groupBy.length - 1
  const keyText = groupBy.slice(0, keyCount).map((key) => JSON.stringify(key))
  const argKeys = args.map((arg) => keyText.indexOf(JSON.stringify(arg)))
  if (argKeys.some((key) => key === -1)) {
    throw new PgError({
      code: SqlState.groupingError,
      message: 'arguments to GROUPING must be grouping expressions of the associated query level',
      ...(position === undefined ? {} : { position: position + 1 }),
    })
  }
  const literal = (value: number): Expr => ({ kind: 'literal', value, type: 'int4' })
  if (sets === undefined) return literal(0)
  const maskOf = (set: readonly number[]): number =>
    argKeys.reduce((mask, key) => mask * 2 + (set.includes(key) ? 0 : 1), 0)
  const masks = sets.map(maskOf)
  if (masks.every((mask) => mask === masks[0])) return literal(masks[0] ?? 0)
  const setIndex: Expr = { kind: 'column', index: keyCount, type: 'int4' }
  const whens = masks.map((mask, index) => ({
    when: { kind: 'call', fn: 'eq', args: [setIndex, literal(index)], type: 'bool' } as const,
    then: literal(mask),
  }))
  return { kind: 'case', whens, otherwise: null, type: 'int4' }
}
