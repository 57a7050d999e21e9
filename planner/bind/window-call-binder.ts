// Binds `f(...) OVER (...)`: resolves the function against WindowSignatures or
// AggregateSignatures, a named window against the WINDOW clause, and the frame into the
// executor's WindowFrame with PostgreSQL's checks (parse_clause.c transformFrameOffset,
// gram.y's frame_extent rules). The expression binder records the call; the select binder
// (window-split.ts) places it in the plan.
import { PgError, SqlState, arrayTypeOf, type SqlType } from '../../common/index.js'
import type {
  Expr,
  SortKey,
  WindowCall,
  WindowFrame,
  WindowFrameBound,
} from '../../executor/plan.js'
import { WindowSignatures, type Signature } from '../../executor/signatures.js'
import type { FrameBoundNode, FrameNode, FuncNode, WindowSpecNode } from '../sql/ast.js'
import type { AggregatePolicy, ExpressionBinder } from './expression-binder.js'
import { bindRangeBound } from './range-offset.js'
import {
  aggregateFunctionNames,
  aggregateSignatures,
  resolveCall,
  undefinedFunction,
} from './functions.js'

/** Window call j is referenced as this column index until the select binder places it. */
export const windowRefIndex = (j: number): number => -(WindowRefBase + j)
const WindowRefBase = 1 << 30
/** The window call a column index refers to, or -1 when it is no window reference. */
export const windowRefNumber = (index: number): number =>
  index <= -WindowRefBase ? -index - WindowRefBase : -1

/** The default frame: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
const defaultFrame: WindowFrame = {
  mode: 'range',
  start: { kind: 'unbounded-preceding', offset: 0 },
  end: { kind: 'current-row', offset: 0 },
}

/** Binds one window function call. */
export function bindWindowCall(
  binder: ExpressionBinder,
  node: FuncNode,
  over: WindowSpecNode,
  policy: AggregatePolicy,
): WindowCall {
  const position = node.position + 1
  const isAggregate = aggregateFunctionNames.has(node.name)
  const signatures = isAggregate
    ? aggregateSignatures(node.star ? 'count_star' : node.name)
    : WindowSignatures[node.name]
  if (signatures === undefined) {
    throw new PgError({
      code: SqlState.wrongObjectType,
      message: `OVER specified, but ${node.name} is not a window function nor an aggregate function`,
      position,
    })
  }
  if (node.distinct)
    throw notImplemented('DISTINCT is not implemented for window functions', position)
  if (node.filter !== null && !isAggregate)
    throw notImplemented('FILTER is not implemented for non-aggregate window functions', position)
  const args = node.args.map((a) => binder.bind(a, policy))
  const resolved = isAggregate
    ? resolveCall(signatures, args, binder.context)
    : resolveWindowArgs(binder, signatures, args)
  if (resolved === undefined || (node.star && node.name !== 'count'))
    throw undefinedFunction(node.name, args, node.position)
  const boundArgs = resolved.args
  binder.windowPart = 'definition'
  const filter = node.filter === null ? null : binder.bindCondition(node.filter, policy, 'FILTER')
  const spec = resolveSpec(binder, over)
  const partitionBy = spec.partitionBy.map((e) => binder.bind(e, policy))
  const orderBy: SortKey[] = spec.orderBy.map((item) => ({
    expr: binder.bind(item.expr, policy),
    descending: item.descending,
    nullsFirst: item.nullsFirst ?? item.descending,
  }))
  const frame = spec.frame === null ? defaultFrame : bindFrame(binder, spec.frame, orderBy)
  const fn = isAggregate && node.star ? 'count_star' : node.name
  // array_agg's result is the array of its argument's type (anyelement → anyarray).
  const type: SqlType =
    fn === 'array_agg' ? (arrayTypeOf(resolved.type) ?? resolved.type) : resolved.type
  return { fn, args: boundArgs, filter, partitionBy, orderBy, frame, type }
}

/**
 * Window-only functions: the value argument keeps its type ('same' is its type, not the
 * common type as for coalesce), int4 arguments are cast, lag/lead's default takes the value's
 * type.
 */
function resolveWindowArgs(
  binder: ExpressionBinder,
  signatures: readonly Signature[],
  args: readonly Expr[],
): { args: Expr[]; type: SqlType } | undefined {
  const signature = signatures.find((s) => s.args.length === args.length)
  if (signature === undefined) return undefined
  const value = args[0]?.type === 'unknown' ? binder.context.coerce(args[0], 'text') : args[0]
  const coerced = args.map((arg, index) => {
    const param = signature.args[index] ?? 'any'
    if (index === 0 && value !== undefined) return value
    return binder.context.coerce(arg, param === 'any' ? (value?.type ?? 'text') : param)
  })
  const returns = signature.returns === 'same' ? (value?.type ?? 'text') : signature.returns
  return { args: coerced, type: returns }
}

/** Resolves `OVER name` / `OVER (name ...)` against the WINDOW clause, as PostgreSQL does. */
function resolveSpec(binder: ExpressionBinder, over: WindowSpecNode): WindowSpecNode {
  if (over.base === null) return over
  const named = binder.namedWindows.get(over.base)
  if (named === undefined) {
    throw new PgError({
      code: SqlState.undefinedObject,
      message: `window "${over.base}" does not exist`,
      position: over.position + 1,
    })
  }
  const base = resolveSpec(binder, named)
  const refusal =
    over.partitionBy.length > 0
      ? `cannot override PARTITION BY clause of window "${over.base}"`
      : over.orderBy.length > 0 && base.orderBy.length > 0
        ? `cannot override ORDER BY clause of window "${over.base}"`
        : null
  if (refusal !== null) {
    throw new PgError({
      code: SqlState.windowingError,
      message: refusal,
      position: over.position + 1,
    })
  }
  return {
    base: null,
    partitionBy: base.partitionBy,
    orderBy: over.orderBy.length > 0 ? over.orderBy : base.orderBy,
    frame: over.frame ?? base.frame,
    position: over.position,
  }
}

function bindFrame(
  binder: ExpressionBinder,
  frame: FrameNode,
  orderBy: readonly SortKey[],
): WindowFrame {
  const position = frame.position + 1
  const fail = (message: string): PgError =>
    new PgError({ code: SqlState.windowingError, message, position })
  const { start, end } = frame
  if (start.kind === 'unbounded-following') throw fail('frame start cannot be UNBOUNDED FOLLOWING')
  if (end.kind === 'unbounded-preceding') throw fail('frame end cannot be UNBOUNDED PRECEDING')
  if (start.kind === 'current-row' && end.kind === 'preceding')
    throw fail('frame starting from current row cannot have preceding rows')
  if (start.kind === 'following' && (end.kind === 'preceding' || end.kind === 'current-row'))
    throw fail('frame starting from following row cannot have preceding rows')
  if (frame.mode === 'groups' && orderBy.length === 0)
    throw fail('GROUPS mode requires an ORDER BY clause')
  const hasOffset = start.offset !== null || end.offset !== null
  const exclude = frame.exclude === 'no-others' ? {} : { exclude: frame.exclude }
  if (frame.mode === 'range' && hasOffset) {
    const [orderKey] = orderBy
    if (orderKey === undefined || orderBy.length !== 1)
      throw fail('RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column')
    return {
      mode: frame.mode,
      start: bindRangeBound(binder, start, orderKey),
      end: bindRangeBound(binder, end, orderKey),
      ...exclude,
    }
  }
  return {
    mode: frame.mode,
    start: bindBound(binder, start, 'starting'),
    end: bindBound(binder, end, 'ending'),
    ...exclude,
  }
}

function bindBound(
  binder: ExpressionBinder,
  bound: FrameBoundNode,
  which: 'starting' | 'ending',
): WindowFrameBound {
  if (bound.offset === null) return { kind: bound.kind, offset: 0 }
  const clause = 'window frame offsets'
  const expr: Expr = binder.context.coerce(
    binder.bind(bound.offset, { allowed: false, clause }),
    'int8',
  )
  const position = bound.position + 1
  if (expr.kind !== 'literal')
    throw notImplemented(
      'window frame offsets other than constants are not supported yet',
      position,
    )
  if (expr.value === null) {
    throw new PgError({
      code: SqlState.nullValueNotAllowed,
      message: `frame ${which} offset must not be null`,
    })
  }
  const offset = Number(expr.value)
  if (offset < 0) {
    throw new PgError({
      code: SqlState.invalidPrecedingOrFollowingSize,
      message: `frame ${which} offset must not be negative`,
    })
  }
  return { kind: bound.kind, offset }
}

function notImplemented(message: string, position: number): PgError {
  return new PgError({ code: SqlState.featureNotSupported, message, position })
}
