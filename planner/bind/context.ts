// What binding one statement shares: the parameters (their types are inferred as binding
// goes, as PostgreSQL's parse analysis does), the session time zone for reading constants,
// and the source positions of bound expressions, so errors found later (an ungrouped
// column, a bad constant) still point at the text.
import { PgError, SqlState, asPgError, type SqlType } from '../../common/index.js'
import type { CastExpr, Expr, LiteralExpr, ScalarValue } from '../../executor/plan.js'
import { castVector } from '../../executor/cast/cast-vector.js'
import { makeConstantVector, scalarAt } from '../../executor/expr/vector-builders.js'
import { noRegNames, type RegNames } from '../../executor/functions/reg-names.js'

/** Who is binding: session functions (current_user, current_database()) fold to these. */
export interface BindSession {
  readonly database: string
  readonly user: string
  /** SET/SHOW's settings, lower-case names: current_setting() folds to them. */
  readonly settings?: ReadonlyMap<string, string>
  /** The session's pid, as BackendKeyData sent it: pg_backend_pid() folds to it. */
  readonly backendPid?: number
}

export class BindContext {
  readonly timeZone: string
  readonly session: BindSession
  /** The names reg types read and print, set by the binder for a statement naming one. */
  regNames: RegNames = noRegNames
  /** Each $n's type: given by the client or inferred; undefined while still unknown. */
  private readonly paramTypes: (SqlType | undefined)[]
  /** Parameter values when planning; null when only describing. */
  private readonly paramValues: readonly ScalarValue[] | null
  /** Unknown-typed parameter literals, by identity, to the 0-based parameter they stand for. */
  private readonly pendingParams = new Map<Expr, number>()
  private readonly positions = new WeakMap<Expr, number>()

  constructor(
    paramTypes: readonly (SqlType | undefined)[],
    paramValues: readonly ScalarValue[] | null,
    timeZone: string,
    session: BindSession = { database: 'malamute', user: 'malamute' },
  ) {
    this.paramTypes = paramTypes.map((t) => (t === 'unknown' ? undefined : t))
    this.paramValues = paramValues
    this.timeZone = timeZone
    this.session = session
  }

  /** Remembers where `expr` was written (0-based offset); returns it for chaining. */
  at<E extends Expr>(expr: E, position: number): E {
    if (!this.positions.has(expr)) this.positions.set(expr, position)
    return expr
  }

  positionOf(expr: Expr): number | undefined {
    return this.positions.get(expr)
  }

  /** Binds $n (1-based) to its value, typed when the type is known, else as an unknown literal. */
  param(number: number, position: number): Expr {
    if (this.paramValues !== null && number > this.paramValues.length) {
      throw new PgError({
        code: SqlState.undefinedParameter,
        message: `there is no parameter $${number}`,
        position: position + 1,
      })
    }
    while (this.paramTypes.length < number) this.paramTypes.push(undefined)
    const value = this.paramValues?.[number - 1] ?? null
    const type = this.paramTypes[number - 1]
    if (type === undefined) {
      const literal: LiteralExpr = { kind: 'literal', value, type: 'unknown' }
      this.pendingParams.set(literal, number - 1)
      return this.at(literal, position)
    }
    // A binary-format value arrives decoded (gateway/types/parameters.ts): already of `type`.
    if (value !== null && typeof value !== 'string')
      return this.at({ kind: 'literal', value, type }, position)
    const typed: LiteralExpr = { kind: 'literal', value, type: 'unknown' }
    return this.coerce(this.at(typed, position), type)
  }

  /** The parameter types once binding is done: still-unknown ones are text, as in PostgreSQL. */
  finalParamTypes(): SqlType[] {
    return this.paramTypes.map((t) => t ?? 'text')
  }

  /**
   * Converts `expr` to `type`; the caller has checked that the cast is allowed. Constants are
   * converted now (an unknown literal is read by the type's input function), anything else
   * gets a CastExpr for the executor.
   */
  coerce(expr: Expr, type: SqlType): Expr {
    if (expr.type === type) return expr
    const pending = this.pendingParams.get(expr)
    if (pending !== undefined && this.paramTypes[pending] === undefined)
      this.paramTypes[pending] = type
    if (expr.kind !== 'literal')
      return this.at({ kind: 'cast', arg: expr, type }, this.positionOf(expr) ?? 0)
    try {
      return this.at(this.convertLiteral(expr, type), this.positionOf(expr) ?? 0)
    } catch (error) {
      const position = this.positionOf(expr)
      throw asPgError(error).withPosition(position === undefined ? undefined : position + 1)
    }
  }

  private convertLiteral(expr: LiteralExpr, type: SqlType): LiteralExpr | CastExpr {
    if (expr.value === null) return { kind: 'literal', value: null, type }
    const folded = foldCast(expr, type, this.timeZone, this.regNames)
    return folded === undefined
      ? { kind: 'cast', arg: expr, type }
      : { kind: 'literal', value: folded, type }
  }
}

/** Types whose constants keep a CastExpr: their ScalarValue form is not what the cast yields. */
const unfoldedTypes: ReadonlySet<SqlType> = new Set(['bytea', 'ddsketch'])

/**
 * Casts a constant at plan time with the executor's own cast kernels, so a constant and a
 * column cast the same way (one input function per type) and bad input fails at planning.
 */
function foldCast(
  expr: LiteralExpr,
  type: SqlType,
  timeZone: string,
  regNames: RegNames,
): ScalarValue | undefined {
  if (unfoldedTypes.has(type) || unfoldedTypes.has(expr.type)) return undefined
  const constant = makeConstantVector(expr.value, expr.type, 1)
  return scalarAt(castVector(constant, type, { timeZone, regNames }), 0)
}
