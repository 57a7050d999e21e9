// Set operations over materialized operands, as PostgreSQL's nodeSetOp.c counts them: every
// distinct row (NULLs equal, as GROUP BY compares) gets its count in the left and in the right
// operand, and the operator decides how many copies survive:
//
//   UNION      1                 INTERSECT      left > 0 && right > 0    EXCEPT      left > 0 && right = 0
//   UNION ALL  (concatenation)   INTERSECT ALL  min(left, right)         EXCEPT ALL  max(left - right, 0)
//
// The counting is one hash aggregate (the executor's) over both operands tagged by side.
import {
  PgError,
  SqlState,
  assert,
  type Batch,
  type Field,
  type SqlType,
} from '../../common/index.js'
import { castVector } from '../../executor/cast/cast-vector.js'
import { takeRows } from '../../executor/expr/batch-ops.js'
import { makeConstantVector } from '../../executor/expr/vector-builders.js'
import type { AggregateCall, PhysicalPlan } from '../../executor/plan.js'
import { commonType, displayType } from '../bind/types.js'

export type SetOperator = 'union' | 'intersect' | 'except'

/** A materialized query result: its columns and rows. */
export interface Rows {
  readonly fields: readonly Field[]
  readonly batches: readonly Batch[]
}

/** Runs a plan to completion; null when only describing (no rows are read). */
export type RunPlan = ((plan: PhysicalPlan, fields: readonly Field[]) => Promise<Batch[]>) | null

/**
 * The result types of `left op right` (PostgreSQL's select_common_type per column; an
 * operand column marked unknown, a bare string or NULL literal, takes the other's type).
 */
export function setOperationTypes(
  opName: string,
  left: readonly Field[],
  right: readonly Field[],
  leftUnknown: readonly boolean[],
  rightUnknown: readonly boolean[],
): SqlType[] {
  if (left.length !== right.length) {
    throw new PgError({
      code: SqlState.syntaxError,
      message: `each ${opName} query must have the same number of columns`,
    })
  }
  return left.map((field, index) => {
    const other = right[index]?.type ?? 'text'
    const types: SqlType[] = [
      leftUnknown[index] === true ? 'unknown' : field.type,
      rightUnknown[index] === true ? 'unknown' : other,
    ]
    const type = commonType(types)
    if (type === undefined) {
      throw new PgError({
        code: SqlState.datatypeMismatch,
        message: `${opName} types ${displayType(field.type)} and ${displayType(other)} cannot be matched`,
      })
    }
    return type
  })
}

/** Casts every column of `rows` to `types`. */
export function castRows(rows: Rows, types: readonly SqlType[], timeZone: string): Rows {
  const fields = rows.fields.map((f, i) => ({ name: f.name, type: types[i] ?? f.type }))
  const batches = rows.batches.map((batch) => ({
    length: batch.length,
    columns: batch.columns.map((c, i) => castVector(c, types[i] ?? c.type, { timeZone })),
  }))
  return { fields, batches }
}

/** Combines two operands already cast to the same types. */
export async function combineRows(
  op: SetOperator,
  all: boolean,
  left: Rows,
  right: Rows,
  run: RunPlan,
): Promise<Rows> {
  const fields = left.fields
  if (op === 'union' && all) return { fields, batches: [...left.batches, ...right.batches] }
  if (run === null) return { fields, batches: [] }
  const width = fields.length
  const tag = (batch: Batch, isLeft: boolean): Batch => ({
    length: batch.length,
    columns: [
      ...batch.columns,
      makeConstantVector(isLeft, 'bool', batch.length),
      makeConstantVector(!isLeft, 'bool', batch.length),
    ],
  })
  const tagged = [
    ...left.batches.map((b) => tag(b, true)),
    ...right.batches.map((b) => tag(b, false)),
  ]
  const countWhere = (index: number): AggregateCall => ({
    fn: 'count_star',
    args: [],
    distinct: false,
    filter: { kind: 'column', index, type: 'bool' },
    type: 'int8',
  })
  const inputFields = [
    ...fields,
    { name: 'left', type: 'bool' as const },
    { name: 'right', type: 'bool' as const },
  ]
  const plan: PhysicalPlan = {
    kind: 'aggregate',
    mode: 'single',
    input: { kind: 'batches', fields: inputFields, batches: tagged, note: 'set operation' },
    groupBy: fields.map((f, index) => ({ kind: 'column', index, type: f.type })),
    aggregates: [countWhere(width), countWhere(width + 1)],
  }
  const counted = await run(plan, [
    ...fields,
    { name: 'left', type: 'int8' },
    { name: 'right', type: 'int8' },
  ])
  const batches = counted.map((batch) => keepCopies(op, all, batch, width))
  return { fields, batches }
}

/** The group rows of one counted batch, each repeated as often as `op` keeps it. */
function keepCopies(op: SetOperator, all: boolean, batch: Batch, width: number): Batch {
  const leftCounts = batch.columns[width]
  const rightCounts = batch.columns[width + 1]
  assert(leftCounts?.kind === 'number', 'left counts are a number vector')
  assert(rightCounts?.kind === 'number', 'right counts are a number vector')
  const selection: number[] = []
  for (let row = 0; row < batch.length; row += 1) {
    const l = leftCounts.values[row] ?? 0
    const r = rightCounts.values[row] ?? 0
    let copies: number
    if (op === 'union') copies = 1
    else if (op === 'intersect') copies = all ? Math.min(l, r) : l > 0 && r > 0 ? 1 : 0
    else copies = all ? Math.max(l - r, 0) : l > 0 && r === 0 ? 1 : 0
    for (let copy = 0; copy < copies; copy += 1) selection.push(row)
  }
  const keys: Batch = { length: batch.length, columns: batch.columns.slice(0, width) }
  return takeRows(keys, Int32Array.from(selection))
}
