// Vectorized expression evaluation: an Expr over a whole Batch yields one Vector.
//
// AND, OR and CASE evaluate lazily by selection, as PostgreSQL's short-circuit does in
// practice: `x <> 0 AND 10 / x > 1` and `CASE WHEN x = 0 THEN 0 ELSE 1 / x END` must not
// raise division by zero for the rows the guard excludes. The guarded side runs on the
// gathered subset of rows and is scattered back.
import {
  assert,
  assertNever,
  PgError,
  SqlState,
  type Batch,
  type BoolVector,
  type Vector,
} from '../../common/index.js'
import { castVector } from '../cast/cast-vector.js'
import { scalarKernels } from '../functions/registry.js'
import type { CallExpr, CaseExpr, Expr, InListExpr, LiteralExpr } from '../plan.js'
import { takeRows } from './batch-ops.js'
import type { EvalContext } from './eval-context.js'
import { evaluateInList } from './in-list.js'
import { scatterVectors, type ScatterPiece } from './scatter.js'
import { makeConstantVector } from './vector-builders.js'

export type { EvalContext } from './eval-context.js'

/** Evaluates `expr` for every row of `batch`; the result has batch.length rows. */
export function evaluate(expr: Expr, batch: Batch, ctx: EvalContext): Vector {
  switch (expr.kind) {
    case 'column': {
      const column = batch.columns[expr.index]
      assert(column !== undefined, 'column index outside the batch')
      return column
    }
    case 'literal':
      return constantFor(expr, batch.length)
    case 'call':
      return evaluateCall(expr, batch, ctx)
    case 'case':
      return evaluateCase(expr, batch, ctx)
    case 'cast': {
      const arg = evaluate(expr.arg, batch, ctx)
      return castVector(arg, expr.type, ctx)
    }
    case 'in-list':
      return evaluateInListExpr(expr, batch, ctx)
    default:
      return assertNever(expr, 'expression kind')
  }
}

/**
 * The last constant vector made for each literal node: a plan evaluates the same literal for
 * every batch of about the same length, and vectors are never mutated, so one serves them all
 * (a text constant of 8,192 rows otherwise costs a copy of its bytes per row, per batch).
 */
const constants = new WeakMap<LiteralExpr, Vector>()

function constantFor(expr: LiteralExpr, length: number): Vector {
  if (expr.value === null) return makeConstantVector(null, expr.type, length)
  const cached = constants.get(expr)
  if (cached !== undefined && cached.length === length) return cached
  const vector = makeConstantVector(expr.value, expr.type, length)
  constants.set(expr, vector)
  return vector
}

function evaluateInListExpr(expr: InListExpr, batch: Batch, ctx: EvalContext): Vector {
  return evaluateInList(evaluate(expr.arg, batch, ctx), expr.values, expr.negated)
}

function evaluateCall(expr: CallExpr, batch: Batch, ctx: EvalContext): Vector {
  if ((expr.fn === 'and' || expr.fn === 'or') && expr.args.length === 2) {
    return evaluateLogical(expr, batch, ctx)
  }
  const kernel = scalarKernels[expr.fn]
  if (kernel === undefined) {
    throw new PgError({
      code: SqlState.undefinedFunction,
      message: `function ${expr.fn} does not exist`,
    })
  }
  const args = expr.args.map((arg) => evaluate(arg, batch, ctx))
  const constantArgs = expr.args.map((arg) => arg.kind === 'literal')
  return kernel({ args, constantArgs, type: expr.type, length: batch.length, ctx })
}

/** Row indexes where a bool vector is exactly `wanted` (NULL rows never match). */
function rowsWhere(vector: BoolVector, wanted: 0 | 1, invert: boolean): Int32Array {
  const out = new Int32Array(vector.length)
  let count = 0
  const validity = vector.validity
  for (let row = 0; row < vector.length; row++) {
    const matches = (validity === null || validity[row] === 1) && vector.values[row] === wanted
    if (matches !== invert) out[count++] = row
  }
  return out.subarray(0, count)
}

function asBool(vector: Vector): BoolVector {
  assert(vector.kind === 'bool', 'boolean expression yields another layout')
  return vector
}

/** AND/OR: the right side runs only on rows the left side does not already decide. */
function evaluateLogical(expr: CallExpr, batch: Batch, ctx: EvalContext): Vector {
  const [leftExpr, rightExpr] = expr.args as [Expr, Expr]
  const left = asBool(evaluate(leftExpr, batch, ctx))
  const decidingValue = expr.fn === 'and' ? 0 : 1
  const undecided = rowsWhere(left, decidingValue, true)
  let right: Vector
  if (undecided.length === batch.length) {
    right = evaluate(rightExpr, batch, ctx)
  } else {
    const subset = evaluate(rightExpr, takeRows(batch, undecided), ctx)
    right = scatterVectors('bool', batch.length, [{ indexes: undecided, vector: subset }])
  }
  const kernel = scalarKernels[expr.fn]
  assert(kernel !== undefined, 'logical kernel missing')
  return kernel({
    args: [left, right],
    constantArgs: [false, false],
    type: 'bool',
    length: batch.length,
    ctx,
  })
}

function evaluateOn(expr: Expr, batch: Batch, rows: Int32Array, ctx: EvalContext): Vector {
  const input = rows.length === batch.length ? batch : takeRows(batch, rows)
  const vector = evaluate(expr, input, ctx)
  return vector
}

function gather(rows: Int32Array, positions: Int32Array): Int32Array {
  const out = new Int32Array(positions.length)
  for (let i = 0; i < positions.length; i++) out[i] = rows[positions[i]!]!
  return out
}

/** Searched CASE: each branch's THEN runs only on the rows its WHEN selects first. */
function evaluateCase(expr: CaseExpr, batch: Batch, ctx: EvalContext): Vector {
  const pieces: ScatterPiece[] = []
  let remaining: Int32Array = new Int32Array(batch.length)
  for (let row = 0; row < batch.length; row++) remaining[row] = row
  const toResult = (vector: Vector): Vector =>
    vector.type === expr.type ? vector : castVector(vector, expr.type, ctx)
  for (const { when, then } of expr.whens) {
    if (remaining.length === 0) break
    const condition = asBool(evaluateOn(when, batch, remaining, ctx))
    const chosen = gather(remaining, rowsWhere(condition, 1, false))
    remaining = gather(remaining, rowsWhere(condition, 1, true))
    if (chosen.length > 0)
      pieces.push({ indexes: chosen, vector: toResult(evaluateOn(then, batch, chosen, ctx)) })
  }
  if (expr.otherwise !== null && remaining.length > 0) {
    pieces.push({
      indexes: remaining,
      vector: toResult(evaluateOn(expr.otherwise, batch, remaining, ctx)),
    })
  }
  const only = pieces[0]
  if (pieces.length === 1 && only !== undefined && only.indexes.length === batch.length)
    return only.vector
  return scatterVectors(expr.type, batch.length, pieces)
}

/** Row indexes where `predicate` is TRUE (neither false nor NULL), in ascending order. */
export function evaluatePredicate(predicate: Expr, batch: Batch, ctx: EvalContext): Int32Array {
  return rowsWhere(asBool(evaluate(predicate, batch, ctx)), 1, false)
}

/** Applies a predicate: the batch itself when every row passes, else the passing rows. */
export function filterBatch(predicate: Expr, batch: Batch, ctx: EvalContext): Batch {
  const selection = evaluatePredicate(predicate, batch, ctx)
  return selection.length === batch.length ? batch : takeRows(batch, selection)
}
