// Named and defaulted arguments (`make_interval(days => 3)`, `make_interval(1)`): calls of the
// functions whose parameters PostgreSQL names are rewritten to plain positional calls before
// resolution. A name no parameter has, or named notation on any other function, is 42883 as
// in PostgreSQL, whose message spells the named arguments `name => type`.
import { PgError, SqlState } from '../../common/index.js'
import type { Expr } from '../../executor/plan.js'
import type { FuncNode, SyntaxExpr } from '../sql/ast.js'
import { displayType } from './types.js'

interface Parameters {
  readonly names: readonly string[]
  /** Parameters from this index on default to 0 (make_interval's all do). */
  readonly defaultsFrom: number
}

const parametersOf: Readonly<Record<string, Parameters>> = {
  make_date: { names: ['year', 'month', 'day'], defaultsFrom: 3 },
  make_timestamp: { names: ['year', 'month', 'mday', 'hour', 'min', 'sec'], defaultsFrom: 6 },
  make_timestamptz: {
    names: ['year', 'month', 'mday', 'hour', 'min', 'sec', 'timezone'],
    defaultsFrom: 7,
  },
  make_interval: {
    names: ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'],
    defaultsFrom: 0,
  },
}

/** The call with its arguments in parameter order and defaults filled in; others unchanged. */
export function positionalCall(node: FuncNode, bind: (arg: SyntaxExpr) => Expr): FuncNode {
  const parameters = parametersOf[node.name]
  const names = node.argNames
  if (parameters === undefined) {
    if (names !== undefined) throw undefinedCall(node, bind)
    return node
  }
  const slots: (SyntaxExpr | undefined)[] = []
  node.args.forEach((arg, index) => {
    const name = names?.[index] ?? null
    const slot = name === null ? index : parameters.names.indexOf(name)
    if (slot === -1 || slots[slot] !== undefined) throw undefinedCall(node, bind)
    slots[slot] = arg
  })
  const zero: SyntaxExpr = { kind: 'literal', literal: 'integer', text: '0', position: 0 }
  const args: SyntaxExpr[] = []
  for (let slot = 0; slot < parameters.names.length; slot++) {
    const arg = slots[slot] ?? (slot >= parameters.defaultsFrom ? zero : undefined)
    if (arg === undefined) {
      // A gap before a later argument has no default to fill it.
      if (slots.slice(slot).some((a) => a !== undefined)) throw undefinedCall(node, bind)
      break
    }
    args.push(arg)
  }
  const { argNames: _named, ...rest } = node
  return { ...rest, args }
}

/** 42883 for the call as written (named arguments as `name => type`). */
export function undefinedCall(node: FuncNode, bind: (arg: SyntaxExpr) => Expr): PgError {
  const shown = node.args.map((arg, index) => {
    const name = node.argNames?.[index] ?? null
    const type = displayType(bind(arg).type)
    return name === null ? type : `${name} => ${type}`
  })
  return new PgError({
    code: SqlState.undefinedFunction,
    message: `function ${node.name}(${shown.join(', ')}) does not exist`,
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    position: node.position + 1,
  })
}
