// Ordered-set aggregates: `percentile_cont(f) WITHIN GROUP (ORDER BY x)`, percentile_disc
// and `mode() WITHIN GROUP (ORDER BY x)`, and the percentiles' array form (`ARRAY[0.5, 0.9]`,
// a float8[]). The direct argument (the fraction or fractions) must be a constant here: it
// travels in the AggregateCall, not as a column. PostgreSQL's messages for
// misuse (https://www.postgresql.org/docs/15/functions-aggregate.html#FUNCTIONS-ORDEREDSET-TABLE).
import { PgError, SqlState, arrayTypeOf, isArrayType } from '../../common/index.js'
import { collectColumns } from '../../executor/expr/columns-of.js'
import { evaluate } from '../../executor/expr/evaluate.js'
import type { AggregateCall, Expr } from '../../executor/plan.js'
import { OrderedSetSignatures } from '../../executor/signatures.js'
import type { FuncNode } from '../sql/ast.js'
import type { AggregatePolicy, ExpressionBinder } from './expression-binder.js'
import { resolveCall, undefinedFunction } from './functions.js'
import { canCastImplicitly } from './types.js'

export const orderedSetFunctionNames: ReadonlySet<string> = new Set(
  Object.keys(OrderedSetSignatures),
)

/** True when `node` is (or claims to be, with WITHIN GROUP) an ordered-set aggregate call. */
export function isOrderedSetCall(node: FuncNode): boolean {
  return node.withinGroup !== undefined || orderedSetFunctionNames.has(node.name)
}

/** Binds an ordered-set aggregate call; `filter` is its bound FILTER condition. */
export function bindOrderedSetCall(
  binder: ExpressionBinder,
  node: FuncNode,
  policy: AggregatePolicy,
  filter: Expr | null,
): AggregateCall {
  const { name } = node
  const position = node.position + 1
  const misuse = (message: string): PgError =>
    new PgError({ code: SqlState.wrongObjectType, message, position })
  const signatures = OrderedSetSignatures[name]
  const withinGroup = node.withinGroup
  const direct = node.args.map((a) => binder.bind(a, policy))
  const sorted = (withinGroup ?? []).map((item) => binder.bind(item.expr, policy))
  const directCount = name === 'mode' ? 0 : 1
  if (signatures === undefined || (withinGroup === undefined && direct.length !== directCount + 1))
    throw undefinedFunction(name, [...direct, ...sorted], node.position)
  if (withinGroup === undefined)
    throw misuse(`WITHIN GROUP is required for ordered-set aggregate ${name}`)
  if (node.over !== undefined) {
    const message = `OVER is not supported for ordered-set aggregate ${name}`
    throw new PgError({ code: SqlState.featureNotSupported, message, position })
  }
  if (node.distinct) {
    const message = 'cannot use DISTINCT with WITHIN GROUP'
    throw new PgError({ code: SqlState.syntaxError, message, position })
  }
  const resolved =
    direct.length === directCount && sorted.length === 1
      ? resolveCall(signatures, sorted, binder.context)
      : undefined
  const fractionArg = direct[0]
  // The array form: percentile_cont(float8[]) → float8[], percentile_disc(float8[]) → x's array.
  const arrayForm = fractionArg !== undefined && isArrayType(fractionArg.type)
  const fractionReaches =
    fractionArg === undefined ||
    fractionArg.type === 'unknown' ||
    canCastImplicitly(fractionArg.type, arrayForm ? FractionsType : 'float8')
  const type = resolved === undefined || !arrayForm ? resolved?.type : arrayTypeOf(resolved.type)
  if (resolved === undefined || type === undefined || !fractionReaches)
    throw undefinedFunction(name, [...direct, ...sorted], node.position)
  const descending = withinGroup[0]?.descending ?? false
  if (arrayForm) {
    const fractions = constantFractions(binder, fractionArg)
    const within = { fraction: null, descending, fractions }
    return { fn: name, args: resolved.args, distinct: false, filter, type, withinGroup: within }
  }
  return {
    fn: name,
    args: resolved.args,
    distinct: false,
    filter,
    type,
    withinGroup: {
      fraction: fractionArg === undefined ? null : constantFraction(binder, fractionArg),
      descending,
    },
  }
}

const FractionsType = arrayTypeOf('float8')!

/** The array form's fractions, evaluated once (null for a NULL array). */
function constantFractions(binder: ExpressionBinder, expr: Expr): (number | null)[] | null {
  const fractions = binder.context.coerce(expr, FractionsType)
  const columns = new Set<number>()
  collectColumns(fractions, columns)
  if (columns.size > 0) throw notConstant(binder, expr)
  const context = { timeZone: binder.context.timeZone, nowMicros: 0 }
  const vector = evaluate(fractions, { length: 1, columns: [] }, context)
  if (vector.kind !== 'array') throw notConstant(binder, expr)
  if (vector.validity !== null && vector.validity[0] !== 1) return null
  const child = vector.child
  if (child.kind !== 'number') throw notConstant(binder, expr)
  const values: (number | null)[] = []
  for (let k = vector.offsets[0]!; k < vector.offsets[1]!; k++)
    values.push(child.validity !== null && child.validity[k] !== 1 ? null : child.values[k]!)
  return values
}

function notConstant(binder: ExpressionBinder, expr: Expr): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message: 'a percentile fraction that is not a constant is not supported',
    position: (binder.context.positionOf(expr) ?? 0) + 1,
  })
}

function constantFraction(binder: ExpressionBinder, expr: Expr): number | null {
  const fraction = binder.context.coerce(expr, 'float8')
  if (fraction.kind !== 'literal') throw notConstant(binder, expr)
  return fraction.value === null ? null : Number(fraction.value)
}
