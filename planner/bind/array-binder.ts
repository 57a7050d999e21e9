// Binds array syntax and the array functions, whose PostgreSQL signatures are polymorphic
// (anyarray, anyelement, anycompatiblearray): the element type is resolved here, arguments are
// coerced to one array type and its element type, and the call names a kernel of
// executor/functions/array.ts. Arrays are one-dimensional (docs/sql.md).
import {
  PgError,
  SqlState,
  arrayTypeOf,
  elementTypeOf,
  isArrayType,
  type ArraySqlType,
  type SqlType,
} from '../../common/index.js'
import { multidimensionalNotSupported } from '../../executor/format/array-text.js'
import type { AggregateCall, Expr } from '../../executor/plan.js'
import type { BinaryOp, FuncNode, OrderItem } from '../sql/ast.js'
import type { BindContext } from './context.js'
import { undefinedFunction, undefinedOperator } from './functions.js'
import { commonType, displayType } from './types.js'

const call = (fn: string, args: readonly Expr[], type: SqlType): Expr => ({
  kind: 'call',
  fn,
  args,
  type,
})

/** ARRAY[a, b, ...]: the elements' common type; 42P18 when empty, 0A000 when nested. */
export function bindArrayConstructor(
  args: readonly Expr[],
  context: BindContext,
  position: number,
): Expr {
  if (args.length === 0) {
    throw new PgError({
      code: SqlState.indeterminateDatatype,
      message: 'cannot determine type of empty array',
      hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
      position: position + 1,
    })
  }
  if (args.some((a) => isArrayType(a.type))) throw multidimensionalNotSupported()
  const element = commonType(args.map((a) => a.type))
  if (element === undefined) {
    const [first, second] = [...new Set(args.map((a) => a.type).filter((t) => t !== 'unknown'))]
    throw new PgError({
      code: SqlState.datatypeMismatch,
      message: `ARRAY types ${displayType(first!)} and ${displayType(second!)} cannot be matched`,
      position: position + 1,
    })
  }
  const type = arrayTypeOf(element)!
  return call(
    'array_construct',
    args.map((a) => context.coerce(a, element)),
    type,
  )
}

/** array[i] over an array type. */
export function bindArraySubscript(array: Expr, index: Expr, context: BindContext): Expr {
  const type = array.type as ArraySqlType
  return call('array_subscript', [array, context.coerce(index, 'int4')], elementTypeOf(type))
}

/** array[lo:hi] over an array type. */
export function bindArraySlice(array: Expr, lower: Expr, upper: Expr, context: BindContext): Expr {
  const args = [array, context.coerce(lower, 'int4'), context.coerce(upper, 'int4')]
  return call('array_slice', args, array.type)
}

/** The array type two operands share (unknowns take the other's type), or undefined. */
function commonArrayType(left: SqlType, right: SqlType): ArraySqlType | undefined {
  if (left === 'unknown' && isArrayType(right)) return right
  if (right === 'unknown' && isArrayType(left)) return left
  if (!isArrayType(left) || !isArrayType(right)) return undefined
  if (left === right) return left
  const element = commonType([elementTypeOf(left), elementTypeOf(right)])
  return element === undefined ? undefined : arrayTypeOf(element)
}

const comparisonFunctions: Partial<Record<BinaryOp, string>> = {
  '=': 'eq',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  'is distinct from': 'is_distinct_from',
  'is not distinct from': 'is_not_distinct_from',
}

const containmentFunctions: Partial<Record<BinaryOp, string>> = {
  '@>': 'array_contains',
  '<@': 'array_contained',
  '&&': 'array_overlap',
}

/**
 * A binary operator with an array operand (comparison, ||, @>, <@, &&); undefined when no
 * operand is an array, so the caller binds it as usual.
 */
export function bindArrayOperator(
  op: BinaryOp,
  left: Expr,
  right: Expr,
  context: BindContext,
  position: number,
): Expr | undefined {
  const containment = containmentFunctions[op]
  if (!isArrayType(left.type) && !isArrayType(right.type)) {
    if (containment !== undefined) throw undefinedOperator(op, [left, right], position)
    return undefined
  }
  const comparison = comparisonFunctions[op] ?? containment
  if (comparison !== undefined) {
    // anyarray operators: both sides of one array type (an unknown literal takes it).
    const type =
      left.type === 'unknown' || left.type === right.type
        ? right.type
        : right.type === 'unknown'
          ? left.type
          : undefined
    if (type === undefined || !isArrayType(type))
      throw undefinedOperator(op, [left, right], position)
    const args = [context.coerce(left, type), context.coerce(right, type)]
    return call(comparison, args, 'bool')
  }
  if (op !== '||') return undefined
  const both = commonArrayType(left.type, right.type)
  if (both !== undefined)
    return call('array_cat', [context.coerce(left, both), context.coerce(right, both)], both)
  if (isArrayType(left.type)) return appendCall('array_append', left, right, 0, context, position)
  return appendCall('array_prepend', right, left, 1, context, position)
}

function appendCall(
  fn: string,
  array: Expr,
  element: Expr,
  elementIndex: 0 | 1,
  context: BindContext,
  position: number,
): Expr {
  const arrayType = array.type as ArraySqlType
  const elementType = elementTypeOf(arrayType)
  const common = commonType([elementType, element.type])
  if (common === undefined || isArrayType(element.type)) {
    const args = elementIndex === 0 ? [array, element] : [element, array]
    throw undefinedOperator('||', args, position)
  }
  const type = arrayTypeOf(common)!
  const coerced = [context.coerce(array, type), context.coerce(element, common)]
  return call(fn, elementIndex === 0 ? coerced : [coerced[1]!, coerced[0]!], type)
}

const quantifiedFunctions: Partial<Record<BinaryOp, string>> = {
  '=': 'eq',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
}

/** `x op ANY (array)` / `x op ALL (array)` over a non-constant array of an array type. */
export function bindQuantifiedArray(
  op: BinaryOp,
  quantifier: 'any' | 'all',
  left: Expr,
  array: Expr,
  context: BindContext,
  position: number,
): Expr {
  const fn = quantifiedFunctions[op]
  const arrayType = array.type as ArraySqlType
  const element = commonType([left.type, elementTypeOf(arrayType)])
  if (fn === undefined || element === undefined || isArrayType(left.type)) {
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `operator does not exist: ${displayType(left.type)} ${op} ${displayType(elementTypeOf(arrayType))}`,
      hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      position: position + 1,
    })
  }
  const args: Expr[] = [
    context.coerce(left, element),
    context.coerce(array, arrayTypeOf(element)!),
    { kind: 'literal', value: fn, type: 'text' },
  ]
  return call(quantifier === 'any' ? 'array_any' : 'array_all', args, 'bool')
}

/** The array functions by name: args bound; undefined for another function. */
export function bindArrayFunction(
  name: string,
  args: readonly Expr[],
  context: BindContext,
  position: number,
): Expr | undefined {
  const [first, second, third] = args
  const fail = (): never => {
    throw undefinedFunction(name, args, position)
  }
  const arrayOf = (expr: Expr | undefined): ArraySqlType | undefined =>
    expr !== undefined && isArrayType(expr.type) ? expr.type : undefined
  const int = (expr: Expr): Expr =>
    ['int2', 'int4', 'unknown'].includes(expr.type) ? context.coerce(expr, 'int4') : fail()
  const text = (expr: Expr): Expr =>
    ['text', 'varchar', 'bpchar', 'name', 'unknown'].includes(expr.type)
      ? context.coerce(expr, 'text')
      : fail()
  /** The array and an element of a shared type (array_position, array_remove, ...). */
  const withElement = (): [Expr, Expr, SqlType] => {
    const type = arrayOf(first) ?? fail()
    const element = commonType([elementTypeOf(type), second!.type]) ?? fail()
    if (isArrayType(second!.type)) fail()
    return [
      context.coerce(first!, arrayTypeOf(element)!),
      context.coerce(second!, element),
      element,
    ]
  }
  switch (name) {
    case 'cardinality':
    case 'array_ndims':
      if (args.length !== 1 || arrayOf(first) === undefined) return fail()
      return call(name, [first!], 'int4')
    case 'array_length':
    case 'array_upper':
    case 'array_lower':
      if (args.length !== 2 || arrayOf(first) === undefined) return fail()
      return call(name, [first!, int(second!)], 'int4')
    case 'array_position': {
      if (args.length < 2 || args.length > 3) return fail()
      const [array, element] = withElement()
      const rest = third === undefined ? [] : [int(third)]
      return call(name, [array, element, ...rest], 'int4')
    }
    case 'array_positions': {
      if (args.length !== 2) return fail()
      const [array, element] = withElement()
      return call(name, [array, element], '_int4')
    }
    case 'array_remove': {
      if (args.length !== 2) return fail()
      const [array, element] = withElement()
      return call(name, [array, element], array.type)
    }
    case 'array_replace': {
      if (args.length !== 3) return fail()
      const [array, element, elementType] = withElement()
      const replacement = context.coerce(third!, elementType)
      return call(name, [array, element, replacement], array.type)
    }
    case 'array_append':
    case 'array_prepend': {
      if (args.length !== 2) return fail()
      const [array, element] = name === 'array_append' ? [first!, second!] : [second!, first!]
      if (arrayOf(array) === undefined) return fail()
      return appendCall(name, array, element, name === 'array_append' ? 0 : 1, context, position)
    }
    case 'array_cat': {
      if (args.length !== 2) return fail()
      const type = commonArrayType(first!.type, second!.type) ?? fail()
      return call(name, [context.coerce(first!, type), context.coerce(second!, type)], type)
    }
    case 'generate_subscripts':
      // The subscripts as int4[]; planner/materialize/set-returning.ts unnests them.
      if (args.length !== 2 || arrayOf(first) === undefined) return fail()
      return call(name, [first!, int(second!)], '_int4')
    case 'array_to_string': {
      if (args.length < 2 || args.length > 3 || arrayOf(first) === undefined) return undefined
      const rest = third === undefined ? [] : [text(third)]
      return call('array_join', [first!, text(second!), ...rest], 'text')
    }
    case 'string_to_array': {
      if (args.length < 2 || args.length > 3) return fail()
      const rest = third === undefined ? [] : [text(third)]
      return call(name, [text(first!), text(second!), ...rest], '_text')
    }
    case 'regexp_split_to_array': {
      // Also regexp_split_to_table's scalar form (planner/materialize/set-returning.ts).
      if (args.length < 2 || args.length > 3) return fail()
      const rest = third === undefined ? [] : [text(third)]
      return call(name, [text(first!), text(second!), ...rest], '_text')
    }
    default:
      return undefined
  }
}

/** Names bindArrayFunction binds (array_to_string only over an array argument). */
export const arrayFunctionNames: ReadonlySet<string> = new Set([
  'cardinality',
  'array_ndims',
  'array_length',
  'array_upper',
  'array_lower',
  'array_position',
  'array_positions',
  'array_remove',
  'array_replace',
  'array_append',
  'array_prepend',
  'array_cat',
  'array_to_string',
  'string_to_array',
  'regexp_split_to_array',
  'generate_subscripts',
])

/**
 * array_agg(x [ORDER BY k ...]) as an AggregateCall: the sort keys ride as extra arguments
 * (executor/aggregates/array-agg.ts); with DISTINCT they must be the argument itself.
 */
export function bindArrayAgg(
  args: readonly Expr[],
  keys: readonly { readonly item: OrderItem; readonly expr: Expr }[],
  node: FuncNode,
  filter: Expr | null,
  context: BindContext,
): AggregateCall {
  const [value] = args
  if (args.length !== 1 || value === undefined)
    throw undefinedFunction('array_agg', args, node.position)
  if (isArrayType(value.type)) throw multidimensionalNotSupported()
  if (value.type === 'unknown') {
    throw new PgError({
      code: SqlState.ambiguousFunction,
      message: 'function array_agg(unknown) is not unique',
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      position: node.position + 1,
    })
  }
  const argument = value
  const keyExprs = keys.map(({ expr }) =>
    expr.type === 'unknown' ? context.coerce(expr, 'text') : expr,
  )
  if (node.distinct && keyExprs.some((k) => JSON.stringify(k) !== JSON.stringify(argument))) {
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list',
      position: (keys[0]?.item.expr.position ?? node.position) + 1,
    })
  }
  const order = keys.map(({ item }) => ({
    descending: item.descending,
    nullsFirst: item.nullsFirst ?? item.descending,
  }))
  return {
    fn: 'array_agg',
    args: [argument, ...keyExprs],
    distinct: node.distinct,
    filter,
    type: arrayTypeOf(argument.type)!,
    ...(order.length === 0 ? {} : { order }),
  }
}
