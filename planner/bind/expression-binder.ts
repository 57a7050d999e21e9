// Binds syntax expressions to executor expressions: names to columns of the one FROM table,
// operators and functions to registry entries with resolved types, constants read by their
// type's input function. Aggregate calls are collected on the side; where one was written
// the bound tree holds an AggregateRef column (negative index), which the select binder
// later turns into the aggregate's output column.
import {
  PgError,
  SqlState,
  isArrayType,
  isRegType,
  sqlTypeByName,
  SqlTypes,
  type SqlType,
} from '../../common/index.js'
import type { AggregateCall, Expr, WindowCall } from '../../executor/plan.js'
import type {
  BinaryNode,
  BinaryOp,
  CaseNode,
  FuncNode,
  InListNode,
  SyntaxExpr,
  TypeNameNode,
  WindowSpecNode,
} from '../sql/ast.js'
import {
  arraysNotSupported,
  bindArrayMembership,
  bindSubscript,
  constantArrayElements,
  expandQuantified,
  quantifierOf,
} from './catalog-syntax.js'
import {
  arrayFunctionNames,
  bindArrayAgg,
  bindArrayConstructor,
  bindArrayFunction,
  bindArrayOperator,
  bindArraySlice,
  bindArraySubscript,
  bindQuantifiedArray,
} from './array-binder.js'
import type { BindContext } from './context.js'
import { bindCurrentSetting, bindSetConfig } from './current-setting.js'
import { positionalCall, undefinedCall } from './named-arguments.js'
import { expandRowComparison, expandRowInList } from './row-comparison.js'
import { bindStringAgg } from './string-agg.js'
import { jsonAggregateNames, rewriteJsonAgg } from './json-agg.js'
import { bindOrderedSetCall, isOrderedSetCall } from './ordered-set-binder.js'
import { resolveColumn, type Scope } from './scope.js'
import { bindTypedOperator } from './typed-operators.js'
import { bindWindowCall, windowRefIndex } from './window-call-binder.js'
import {
  checkUnique,
  aggregateFunctionNames,
  aggregateSignatures,
  resolveCall,
  scalarFunctionNames,
  scalarSignatures,
  sessionFunctionNames,
  undefinedFunction,
  undefinedOperator,
} from './functions.js'
import {
  canCastExplicitly,
  commonType,
  displayType,
  integerLiteralType,
  isNumericType,
  isStringType,
} from './types.js'

export type { Scope } from './scope.js'

/** Where aggregates may appear; the clause name goes into 42803's message when they may not. */
export type AggregatePolicy =
  { readonly allowed: true } | { readonly allowed: false; readonly clause: string }

/** Aggregate j is referenced as column -(j + 1) until the select binder lifts it. */
export const aggregateRefIndex = (j: number): number => -(j + 1)

/** Functions whose result type Malamute does not have: 0A000 rather than 42883. */
const unsupportedTypeFunctions: Readonly<Record<string, string>> = {
  gen_random_uuid: 'uuid',
  uuid_generate_v4: 'uuid',
  inet_client_addr: 'inet',
  inet_server_addr: 'inet',
  pg_sleep: 'void',
}

const isIntegerType = (t: SqlType): boolean => t === 'int2' || t === 'int4' || t === 'int8'

const operatorFunctions: Readonly<Record<BinaryOp, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'modulo',
  '^': 'power',
  '&': 'bitand',
  '|': 'bitor',
  '#': 'bitxor',
  '<<': 'shift_left',
  '>>': 'shift_right',
  '=': 'eq',
  '<>': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  and: 'and',
  or: 'or',
  '||': 'concat_op',
  '@>': 'array_contains',
  '<@': 'array_contained',
  '&&': 'array_overlap',
  like: 'like',
  'not like': 'not_like',
  ilike: 'ilike',
  'not ilike': 'not_ilike',
  'is distinct from': 'is_distinct_from',
  'is not distinct from': 'is_not_distinct_from',
  '~': 'regex_match',
  '~*': 'regex_imatch',
  '!~': 'not_regex_match',
  '!~*': 'not_regex_imatch',
  '->': 'jsonb_field',
  '->>': 'jsonb_field_text',
  '#>': 'jsonb_path',
  '#>>': 'jsonb_path_text',
  '#-': 'jsonb_delete_path',
  '?': 'jsonb_exists',
  '?|': 'jsonb_exists_any',
  '?&': 'jsonb_exists_all',
  // @> and <@ over jsonb are bound by typed-operators.ts before this table is read.
}

export class ExpressionBinder {
  readonly context: BindContext
  readonly scope: Scope
  readonly aggregates: AggregateCall[] = []
  /** GROUPING(...) calls bound: they make a query grouped, as aggregates do. */
  groupingCalls = 0
  /** Inside an aggregate's arguments: aggregates may not nest. */
  private insideAggregate = false
  /** Window calls, referenced as windowRefIndex(j) columns until the select binder places them. */
  readonly windows: WindowCall[] = []
  /** The query's WINDOW clause, by name. */
  readonly namedWindows = new Map<string, WindowSpecNode>()
  /** Inside a window call: its arguments, then its window definition. */
  windowPart: 'arguments' | 'definition' | null = null

  constructor(context: BindContext, scope: Scope) {
    this.context = context
    this.scope = scope
  }

  bind(node: SyntaxExpr, policy: AggregatePolicy): Expr {
    return this.context.at(this.bindNode(node, policy), node.position)
  }

  /** Binds a condition (WHERE, HAVING, FILTER): its type must be boolean. */
  bindCondition(node: SyntaxExpr, policy: AggregatePolicy, clause: string): Expr {
    return this.requireBoolean(this.bind(node, policy), `argument of ${clause}`, node.position)
  }

  private bindNode(node: SyntaxExpr, policy: AggregatePolicy): Expr {
    switch (node.kind) {
      case 'column-ref':
        return this.bindColumn(node.table, node.name, node.position)
      case 'star':
        throw new PgError({
          code: SqlState.syntaxError,
          message: 'syntax error at or near "*"',
          position: node.position + 1,
        })
      case 'literal':
        return this.bindLiteral(node.literal, node.text)
      case 'param':
        return this.context.param(node.number, node.position)
      case 'cast':
        if (node.arg.kind === 'func' && node.arg.name === 'array' && node.arg.args.length === 0)
          return this.bindEmptyArray(node.typeName)
        return this.bindCast(this.bind(node.arg, policy), node.typeName)
      case 'unary':
        return this.bindUnary(node.op, node.arg, policy, node.position)
      case 'binary': {
        const rows = expandRowComparison(node)
        if (rows !== undefined) return this.bind(rows, policy)
        if (quantifierOf(node.right) !== undefined) return this.bindQuantified(node, policy)
        return this.bindBinary(
          node.op,
          this.bind(node.left, policy),
          this.bind(node.right, policy),
          node.position,
        )
      }
      case 'is':
        return this.bindIs(node.test, node.negated, this.bind(node.arg, policy), node.position)
      case 'between':
        return this.bindBetween(node.arg, node.low, node.high, node.negated, policy, node.position)
      case 'in-list': {
        const rows = expandRowInList(node)
        return rows === undefined ? this.bindInList(node, policy) : this.bind(rows, policy)
      }
      case 'case':
        return this.bindCase(node, policy)
      case 'func':
        return this.bindFunction(node, policy)
      case 'constant':
        return { kind: 'literal', value: node.value, type: node.type }
      case 'subquery':
      case 'exists':
      case 'in-subquery':
        // planner/materialize runs or rewrites every subquery before binding.
        throw new PgError({
          code: SqlState.featureNotSupported,
          message: 'subqueries are not supported here',
          position: node.position + 1,
        })
    }
  }

  /** `x op ANY (array)` / `x op ALL (array)`; see catalog-syntax.ts. */
  private bindQuantified(node: BinaryNode, policy: AggregatePolicy): Expr {
    const quantified = node.right as FuncNode
    const quantifier = quantifierOf(quantified) ?? 'any'
    const source = quantified.args[0]!
    let array: Expr | undefined
    const elements = constantArrayElements(source, () => (array = this.bind(source, policy)))
    if (elements !== undefined)
      return this.bind(expandQuantified(node, quantifier, elements), policy)
    const left = this.bind(node.left, policy)
    array ??= this.bind(source, policy)
    if (array.kind === 'literal' && array.value === null) return nullOf('bool')
    if (isArrayType(array.type))
      return bindQuantifiedArray(node.op, quantifier, left, array, this.context, node.position)
    return bindArrayMembership(node, quantifier, left, array, this.context)
  }

  /** Resolves a column name as PostgreSQL does (see scope.ts): exact match on the folded name. */
  bindColumn(table: string | null, name: string, position: number): Expr {
    const column = resolveColumn(this.scope, table, name, position)
    return this.context.at({ ...column.expr }, position)
  }

  private bindLiteral(
    literal: 'integer' | 'decimal' | 'string' | 'null' | 'bool',
    text: string,
  ): Expr {
    switch (literal) {
      case 'integer': {
        const type = integerLiteralType(text)
        return { kind: 'literal', value: type === 'numeric' ? text : Number(text), type }
      }
      case 'decimal':
        return { kind: 'literal', value: text, type: 'numeric' }
      case 'string':
        return { kind: 'literal', value: text, type: 'unknown' }
      case 'null':
        return { kind: 'literal', value: null, type: 'unknown' }
      case 'bool':
        return { kind: 'literal', value: text === 'true', type: 'bool' }
    }
  }

  /** `ARRAY[]::int[]`: the empty array of the named array type. */
  private bindEmptyArray(typeName: TypeNameNode): Expr {
    const type = resolveTypeName(typeName)
    if (!isArrayType(type)) {
      throw new PgError({
        code: SqlState.cannotCoerce,
        message: `cannot cast type text[] to ${displayType(type)}`,
        position: typeName.position + 1,
      })
    }
    return { kind: 'literal', value: '{}', type }
  }

  bindCast(arg: Expr, typeName: TypeNameNode): Expr {
    const type = resolveTypeName(typeName)
    if (!canCastExplicitly(arg.type, type)) {
      throw new PgError({
        code: SqlState.cannotCoerce,
        message: `cannot cast type ${displayType(arg.type)} to ${displayType(type)}`,
        position: (this.context.positionOf(arg) ?? typeName.position) + 1,
      })
    }
    return this.context.coerce(arg, type)
  }

  private bindUnary(
    op: '-' | '+' | 'not' | '~',
    argNode: SyntaxExpr,
    policy: AggregatePolicy,
    position: number,
  ): Expr {
    if (op === 'not') {
      const arg = this.requireBoolean(
        this.bind(argNode, policy),
        'argument of NOT',
        argNode.position,
      )
      return { kind: 'call', fn: 'not', args: [arg], type: 'bool' }
    }
    if (
      op !== '~' &&
      argNode.kind === 'literal' &&
      (argNode.literal === 'integer' || argNode.literal === 'decimal')
    ) {
      const text = op === '-' ? `-${argNode.text}` : argNode.text
      return this.bindLiteral(argNode.literal, text)
    }
    const arg = this.bind(argNode, policy)
    if (op === '~') {
      const typed = arg.type === 'unknown' ? this.context.coerce(arg, 'int4') : arg
      if (!isIntegerType(typed.type)) throw undefinedOperator(op, [arg], position)
      return { kind: 'call', fn: 'bitnot', args: [typed], type: typed.type }
    }
    if (arg.type === 'interval')
      return op === '+' ? arg : { kind: 'call', fn: 'interval_negate', args: [arg], type: arg.type }
    if (!isNumericType(arg.type)) throw undefinedOperator(op, [arg], position)
    return op === '+' ? arg : { kind: 'call', fn: 'negate', args: [arg], type: arg.type }
  }

  /** Resolves a binary operator: unknowns take the other side's type, numbers widen. */
  bindBinary(op: BinaryOp, left: Expr, right: Expr, position: number): Expr {
    const fn = operatorFunctions[op]
    if (op === 'and' || op === 'or') {
      const clause = `argument of ${op.toUpperCase()}`
      const args = [
        this.requireBoolean(left, clause, position),
        this.requireBoolean(right, clause, position),
      ]
      return { kind: 'call', fn, args, type: 'bool' }
    }
    const typed = bindTypedOperator(op, left, right, this.context)
    if (typed !== undefined) return typed
    const arrayCall = bindArrayOperator(op, left, right, this.context, position)
    if (arrayCall !== undefined) return arrayCall
    if (op === '<<' || op === '>>') return this.bindShift(fn, left, right, position)
    let operand = operandType(op, left.type, right.type)
    // ^ is dpow or numeric_power: integers and float4 go to float8.
    if (op === '^' && operand !== undefined && operand !== 'numeric' && isNumericType(operand))
      operand = 'float8'
    // The oid alias types compare as oids (oideq & co.), after an unknown literal is read by the
    // alias type's input function (`prorettype::regtype <> 'trigger'::regtype`, `= 'trigger'`).
    if (operand !== undefined && isRegType(operand)) {
      left = this.context.coerce(left, operand)
      right = this.context.coerce(right, operand)
    }
    const target = operand !== undefined && isRegType(operand) ? 'oid' : operand
    const signature =
      target === undefined ? undefined : scalarSignatures(fn).find((s) => s.args[0] === target)
    if (target === undefined || signature === undefined)
      throw undefinedOperator(op, [left, right], position)
    const args = [this.context.coerce(left, target), this.context.coerce(right, target)]
    const type = signature.returns === 'same' ? target : signature.returns
    return { kind: 'call', fn, args, type }
  }

  /** int2shl & co.: the shifted value keeps its integer type; the count is int4. */
  private bindShift(fn: string, left: Expr, right: Expr, position: number): Expr {
    const value = left.type === 'unknown' ? this.context.coerce(left, 'int4') : left
    const countOk = ['int2', 'int4', 'unknown'].includes(right.type)
    if (!isIntegerType(value.type) || !countOk)
      throw undefinedOperator(fn === 'shift_left' ? '<<' : '>>', [left, right], position)
    const count = this.context.coerce(right, 'int4')
    return { kind: 'call', fn, args: [value, count], type: value.type }
  }

  private bindIs(
    test: 'null' | 'true' | 'false',
    negated: boolean,
    arg: Expr,
    position: number,
  ): Expr {
    if (test === 'null') {
      const typed = arg.type === 'unknown' ? this.context.coerce(arg, 'text') : arg
      return { kind: 'call', fn: negated ? 'is_not_null' : 'is_null', args: [typed], type: 'bool' }
    }
    const clause = `argument of IS ${negated ? 'NOT ' : ''}${test.toUpperCase()}`
    const fn = `is_${negated ? 'not_' : ''}${test}`
    return { kind: 'call', fn, args: [this.requireBoolean(arg, clause, position)], type: 'bool' }
  }

  private bindBetween(
    argNode: SyntaxExpr,
    lowNode: SyntaxExpr,
    highNode: SyntaxExpr,
    negated: boolean,
    policy: AggregatePolicy,
    position: number,
  ): Expr {
    const arg = this.bind(argNode, policy)
    const low = this.bindBinary(negated ? '<' : '>=', arg, this.bind(lowNode, policy), position)
    const high = this.bindBinary(negated ? '>' : '<=', arg, this.bind(highNode, policy), position)
    return { kind: 'call', fn: negated ? 'or' : 'and', args: [low, high], type: 'bool' }
  }

  private bindInList(node: InListNode, policy: AggregatePolicy): Expr {
    const arg = this.bind(node.arg, policy)
    const values = node.values.map((v) => this.bind(v, policy))
    const type = commonType([arg, ...values].map((e) => e.type))
    const coerced = type === undefined ? [] : values.map((v) => this.context.coerce(v, type))
    const constants = coerced.every((v) => v.kind === 'literal')
    if (type !== undefined && constants && arg.type !== 'unknown') {
      const literals = coerced.map((v) => (v.kind === 'literal' ? v.value : null))
      return {
        kind: 'in-list',
        arg: this.context.coerce(arg, type),
        values: literals,
        negated: node.negated,
        type: 'bool',
      }
    }
    const op = node.negated ? '<>' : '='
    const tests = values.map((v) => this.bindBinary(op, arg, v, node.position))
    return tests.reduce((all, test) => ({
      kind: 'call',
      fn: node.negated ? 'and' : 'or',
      args: [all, test],
      type: 'bool',
    }))
  }

  private bindCase(node: CaseNode, policy: AggregatePolicy): Expr {
    const operand = node.operand === null ? null : this.bind(node.operand, policy)
    const conditions = node.whens.map(({ when }) => {
      const bound = this.bind(when, policy)
      if (operand !== null) return this.bindBinary('=', operand, bound, when.position)
      return this.requireBoolean(bound, 'argument of CASE/WHEN', when.position)
    })
    const results = node.whens.map(({ then }) => this.bind(then, policy))
    const otherwise = node.otherwise === null ? null : this.bind(node.otherwise, policy)
    const all = otherwise === null ? results : [...results, otherwise]
    const type = commonType(all.map((r) => r.type))
    if (type === undefined) {
      const distinct = [...new Set(all.map((r) => r.type).filter((t) => t !== 'unknown'))]
      throw new PgError({
        code: SqlState.datatypeMismatch,
        message: `CASE types ${distinct.map(displayType).join(' and ')} cannot be matched`,
        position: node.position + 1,
      })
    }
    const whens = conditions.map((when, i) => ({
      when,
      then: this.context.coerce(results[i] ?? nullOf(type), type),
    }))
    return {
      kind: 'case',
      whens,
      otherwise: otherwise === null ? null : this.context.coerce(otherwise, type),
      type,
    }
  }

  /** current_user, current_database() & co.: constants of the statement's session, type name. */
  private bindSessionFunction(node: FuncNode): Expr | undefined {
    const backendPid = this.context.session.backendPid
    if (node.name === 'pg_backend_pid' && node.args.length === 0 && backendPid !== undefined)
      return { kind: 'literal', value: backendPid, type: 'int4' }
    if (!sessionFunctionNames.has(node.name) || node.args.length > 0) return undefined
    const { database, user } = this.context.session
    const database_ = node.name === 'current_database' || node.name === 'current_catalog'
    return { kind: 'literal', value: database_ ? database : user, type: 'name' }
  }

  private bindFunction(written: FuncNode, policy: AggregatePolicy): Expr {
    const node = positionalCall(written, (a) => this.bind(a, policy))
    if (node.name === 'row' && node.over === undefined)
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: 'row values are not supported outside row comparisons',
        position: node.position + 1,
      })
    if (node.name === 'string_agg' && node.over === undefined) {
      const binder = { context: this.context, bind: (e: SyntaxExpr) => this.bind(e, policy) }
      return bindStringAgg(binder, node)
    }
    if (jsonAggregateNames.has(node.name) && node.over === undefined)
      return this.bind(rewriteJsonAgg(node), policy)
    if (isOrderedSetCall(node)) return this.bindAggregate(node, policy)
    if (node.name === 'grouping' && node.over === undefined) return this.bindGrouping(node, policy)
    if (node.over !== undefined) return this.bindWindow(node, node.over, policy)
    if (aggregateFunctionNames.has(node.name)) return this.bindAggregate(node, policy)
    if (node.star || node.distinct || node.filter !== null) {
      const what = node.star
        ? `${node.name}(*) specified`
        : node.distinct
          ? 'DISTINCT specified'
          : 'FILTER specified'
      throw new PgError({
        code: SqlState.wrongObjectType,
        message: `${what}, but ${node.name} is not an aggregate function`,
        position: node.position + 1,
      })
    }
    if (node.name === 'array') {
      const elements = node.args.map((a) => this.bind(a, policy))
      return bindArrayConstructor(elements, this.context, node.position)
    }
    if (node.name === '[]' || node.name === '[:]') {
      const array = this.bind(node.args[0]!, policy)
      if (isArrayType(array.type)) {
        const [lower, upper] = node.args.slice(1).map((a) => this.bind(a, policy))
        return node.name === '[]'
          ? bindArraySubscript(array, lower!, this.context)
          : bindArraySlice(array, lower!, upper!, this.context)
      }
      if (node.name === '[:]') throw arraysNotSupported(node)
      return bindSubscript(node, (a) => this.bind(a, policy), this.context)
    }
    if (arrayFunctionNames.has(node.name)) {
      const args = node.args.map((a) => this.bind(a, policy))
      const bound = bindArrayFunction(node.name, args, this.context, node.position)
      if (bound !== undefined) return bound
    }
    if (node.name === 'pg_get_userbyid' && node.args.length === 1) {
      // The one role (oid 10) is the session's user: its name rides along as a constant.
      const user: Expr = { kind: 'literal', value: this.context.session.user, type: 'name' }
      const oid = this.context.coerce(this.bind(node.args[0]!, policy), 'oid')
      return { kind: 'call', fn: 'pg_get_userbyid', args: [oid, user], type: 'name' }
    }
    if (node.name === 'pg_typeof' && node.args.length === 1) {
      // The argument's type is known once bound: its oid, printed by name as regtype.
      const arg = this.bind(node.args[0]!, policy)
      return { kind: 'literal', value: SqlTypes[arg.type].oid, type: 'regtype' }
    }
    const session = this.bindSessionFunction(node)
    if (session !== undefined) return session
    if (node.name === 'current_setting') {
      const args = node.args.map((a) => this.bind(a, policy))
      return bindCurrentSetting(args, node.position, this.context)
    }
    if (node.name === 'set_config') {
      const args = node.args.map((a) => this.bind(a, policy))
      return bindSetConfig(args, node.position, this.context)
    }
    const args = node.args.map((a) => this.bind(a, policy))
    const fn = scalarFunctionNames[node.name]
    const resolved =
      fn === undefined ? undefined : resolveCall(scalarSignatures(fn), args, this.context)
    if (fn === undefined && unsupportedTypeFunctions[node.name] !== undefined) {
      throw new PgError({
        code: SqlState.featureNotSupported,
        message: `${node.name}() is not supported yet: type ${unsupportedTypeFunctions[node.name]} is not`,
        position: node.position + 1,
      })
    }
    if (fn === undefined || resolved === undefined)
      throw undefinedCall(written, (a) => this.bind(a, policy))
    checkUnique(fn, args, node.position)
    return { kind: 'call', fn, args: resolved.args, type: resolved.type }
  }

  /** GROUPING(a, ...): lifted by the select binder once the group keys are known. */
  private bindGrouping(node: FuncNode, policy: AggregatePolicy): Expr {
    if (!policy.allowed) {
      throw new PgError({
        code: SqlState.groupingError,
        message: `grouping operations are not allowed in ${policy.clause}`,
        position: node.position + 1,
      })
    }
    this.groupingCalls += 1
    const args = node.args.map((a) => this.bind(a, policy))
    return this.context.at({ kind: 'call', fn: 'grouping', args, type: 'int4' }, node.position)
  }

  private bindAggregate(node: FuncNode, policy: AggregatePolicy): Expr {
    const position = node.position + 1
    if (!policy.allowed) {
      throw new PgError({
        code: SqlState.groupingError,
        message: `aggregate functions are not allowed in ${policy.clause}`,
        position,
      })
    }
    if (this.insideAggregate) {
      throw new PgError({
        code: SqlState.groupingError,
        message: 'aggregate function calls cannot be nested',
        position,
      })
    }
    this.insideAggregate = true
    try {
      const filter = node.filter === null ? null : this.bindCondition(node.filter, policy, 'FILTER')
      if (isOrderedSetCall(node)) {
        const call = bindOrderedSetCall(this, node, policy, filter)
        return {
          kind: 'column',
          index: aggregateRefIndex(this.addAggregate(call)),
          type: call.type,
        }
      }
      const args = node.args.map((a) => this.bind(a, policy))
      const fn = node.star ? 'count_star' : node.name
      if (node.star && node.name !== 'count')
        throw undefinedFunction(`${node.name}(*)`, [], node.position)
      if (fn === 'array_agg') {
        const keys = (node.orderBy ?? []).map((item) => ({
          item,
          expr: this.bind(item.expr, policy),
        }))
        const call = bindArrayAgg(args, keys, node, filter, this.context)
        return {
          kind: 'column',
          index: aggregateRefIndex(this.addAggregate(call)),
          type: call.type,
        }
      }
      // count/sum/avg/min/max ignore their ORDER BY: their result does not depend on order.
      const resolved = resolveCall(aggregateSignatures(fn), args, this.context)
      if (resolved === undefined) throw undefinedFunction(node.name, args, node.position)
      const call: AggregateCall = {
        fn,
        args: resolved.args,
        distinct: node.distinct,
        filter,
        type: resolved.type,
      }
      return { kind: 'column', index: aggregateRefIndex(this.addAggregate(call)), type: call.type }
    } finally {
      this.insideAggregate = false
    }
  }

  private bindWindow(node: FuncNode, over: WindowSpecNode, policy: AggregatePolicy): Expr {
    const position = node.position + 1
    const misplaced = !policy.allowed
      ? `window functions are not allowed in ${policy.clause}`
      : this.windowPart === 'arguments'
        ? 'window function calls cannot be nested'
        : this.windowPart === 'definition'
          ? 'window functions are not allowed in window definitions'
          : null
    if (misplaced !== null)
      throw new PgError({ code: SqlState.windowingError, message: misplaced, position })
    if (node.orderBy !== undefined) {
      const message = 'aggregate ORDER BY is not implemented for window functions'
      throw new PgError({ code: SqlState.featureNotSupported, message, position })
    }
    if (this.insideAggregate) {
      throw new PgError({
        code: SqlState.groupingError,
        message: 'aggregate function calls cannot contain window function calls',
        position,
      })
    }
    this.windowPart = 'arguments'
    try {
      const call = bindWindowCall(this, node, over, policy)
      const key = JSON.stringify(call)
      let index = this.windows.findIndex((w) => JSON.stringify(w) === key)
      if (index === -1) index = this.windows.push(call) - 1
      return { kind: 'column', index: windowRefIndex(index), type: call.type }
    } finally {
      this.windowPart = null
    }
  }

  /** Adds the call, or finds the identical one already collected: both refer to one result. */
  private addAggregate(call: AggregateCall): number {
    const key = JSON.stringify(call)
    const existing = this.aggregates.findIndex((a) => JSON.stringify(a) === key)
    if (existing !== -1) return existing
    this.aggregates.push(call)
    return this.aggregates.length - 1
  }

  private requireBoolean(expr: Expr, what: string, position: number): Expr {
    if (expr.type === 'bool') return expr
    if (expr.type === 'unknown') return this.context.coerce(expr, 'bool')
    throw new PgError({
      code: SqlState.datatypeMismatch,
      message: `${what} must be type boolean, not type ${displayType(expr.type)}`,
      position: (this.context.positionOf(expr) ?? position) + 1,
    })
  }
}

const textOperators: ReadonlySet<BinaryOp> = new Set<BinaryOp>([
  'like',
  'not like',
  'ilike',
  'not ilike',
  '~',
  '~*',
  '!~',
  '!~*',
])

/** The type both operands of `op` are converted to, or undefined when there is none. */
function operandType(op: BinaryOp, left: SqlType, right: SqlType): SqlType | undefined {
  if (op === '||' || textOperators.has(op)) {
    const texty = (t: SqlType): boolean => isStringType(t) || t === 'unknown'
    if (op === '||' ? texty(left) || texty(right) : texty(left) && texty(right)) return 'text'
    return undefined
  }
  if (left === 'unknown' && right === 'unknown') return 'text'
  const common = commonType([left, right])
  if (common !== undefined) return common
  // "char" and pg_node_tree meet text through their implicit cast (`relkind = 'r'::text`).
  const readsAsText = (t: SqlType): boolean => t === 'char' || t === 'pg_node_tree'
  return (readsAsText(left) && isStringType(right)) || (isStringType(left) && readsAsText(right))
    ? 'text'
    : undefined
}

function nullOf(type: SqlType): Expr {
  return { kind: 'literal', value: null, type }
}

/** Resolves a type name as written (`integer`, `double precision`); 42704 when it does not exist. */
export function resolveTypeName(typeName: TypeNameNode): SqlType {
  const type = sqlTypeByName(typeName.name)
  if (type === undefined || type === 'unknown') {
    throw new PgError({
      code: SqlState.undefinedObject,
      message: `type "${typeName.name}" does not exist`,
      position: typeName.position + 1,
    })
  }
  return type
}
