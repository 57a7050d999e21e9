// Plans a literal-only multi-row INSERT without building an expression per value: the
// scanner (sql/insert-values-fast-path.ts) hands over each column's literal texts, and
// each column is converted once, with the executor's cast kernels, into a batch.
//
// It must answer exactly what the general path answers. So it takes only the cases whose
// meaning is plain (every value of a column a string, or every value a number into a
// number column, or every value a boolean into a boolean column, NULLs anywhere), and it
// returns null for everything else and on any error: the general path then plans the
// statement and reports the error with its position.
import { isNumberLike, PgError, type Field, type SqlType, type Vector } from '../common/index.js'
import { castVector } from '../executor/cast/cast-vector.js'
import {
  makeBoolVector,
  makeNumberVector,
  makeTextVector,
} from '../executor/expr/vector-builders.js'
import type { ExecutableStatement } from '../executor/plan.js'
import type { ColumnInfo, TableInfo } from '../storage/api.js'
import type { PlannerContext } from './planner.js'
import {
  LiteralKind,
  scanInsertValues,
  type InsertValuesColumns,
} from './sql/insert-values-fast-path.js'

const plainInteger = /^[-+]?\d+$/

/** Plans `text` when it is a literal-only INSERT ... VALUES the fast path takes; null otherwise. */
export async function planInsertValuesFast(
  text: string,
  ctx: PlannerContext,
): Promise<ExecutableStatement | null> {
  const scanned = scanInsertValues(text)
  if (scanned === null) return null
  const table = await ctx.catalog.getTable(ctx.tenant, scanned.table)
  if (table === undefined) return null
  const targets = targetColumns(scanned, table)
  if (targets === null) return null
  const columns: Vector[] = []
  try {
    for (const [position, column] of targets.entries()) {
      const vector = convertColumn(scanned, position, column.type, ctx.timeZone)
      if (vector === null) return null
      columns.push(vector)
    }
  } catch (error) {
    if (error instanceof PgError) return null
    throw error
  }
  const fields: Field[] = targets.map((column) => ({ name: column.name, type: column.type }))
  return {
    kind: 'insert',
    tenant: ctx.tenant,
    table: table.name,
    columns: fields,
    source: { kind: 'batches', fields, batches: [{ length: scanned.rowCount, columns }] },
  }
}

/** The columns the values go to, or null when the general path must explain a mismatch. */
function targetColumns(scanned: InsertValuesColumns, table: TableInfo): ColumnInfo[] | null {
  const width = scanned.texts.length
  if (scanned.columns === null) {
    const ordered = [...table.columns].sort((a, b) => a.attnum - b.attnum)
    return width > ordered.length ? null : ordered.slice(0, width)
  }
  if (scanned.columns.length !== width || new Set(scanned.columns).size !== width) return null
  const byName = new Map(table.columns.map((column) => [column.name, column]))
  const targets: ColumnInfo[] = []
  for (const name of scanned.columns) {
    const column = byName.get(name)
    if (column === undefined) return null
    targets.push(column)
  }
  return targets
}

/** Converts one position's literals to `type`, or null when they are not all of one plain kind. */
function convertColumn(
  scanned: InsertValuesColumns,
  position: number,
  type: SqlType,
  timeZone: string,
): Vector | null {
  const texts = scanned.texts[position]
  const kinds = scanned.kinds[position]
  if (texts === undefined || kinds === undefined) return null
  const kind = soleKind(kinds)
  const validity = kinds.includes(LiteralKind.Null)
    ? kinds.map((k) => (k === LiteralKind.Null ? 0 : 1))
    : null
  switch (kind) {
    case LiteralKind.Null:
    case LiteralKind.String: {
      // A quoted literal is of type unknown: the column type's input function reads it.
      const unknown = makeTextVector(
        'unknown',
        texts.map((t, row) => (validity?.[row] === 0 ? null : t)),
      )
      return castVector(unknown, type, { timeZone })
    }
    case LiteralKind.Number:
      return isNumberLike(type) &&
        type !== 'timestamptz' &&
        type !== 'timestamp' &&
        type !== 'date' &&
        type !== 'oid'
        ? convertNumbers(texts, validity, type, timeZone)
        : null
    case LiteralKind.Boolean:
      return type === 'bool'
        ? makeBoolVector(
            'bool',
            Uint8Array.from(texts, (t) => (t === 'true' ? 1 : 0)),
            validity,
          )
        : null
    case null:
      return null
  }
}

/** The kind every non-NULL literal shares (Null when all are NULL), or null when they differ. */
function soleKind(kinds: Uint8Array): LiteralKind | null {
  let kind: LiteralKind = LiteralKind.Null
  for (const k of kinds) {
    if (k === LiteralKind.Null || k === kind) continue
    if (kind !== LiteralKind.Null) return null
    kind = k as LiteralKind
  }
  return kind
}

/**
 * Number literals into a number column. Plain integers are int4/int8 constants, whose cast to
 * any number type is exact or range-checked; decimals are numeric constants, which round into
 * integer columns half away from zero, so those stay on the general path unless the column is
 * a float (numeric to float reads the decimal text, as Number() does).
 */
function convertNumbers(
  texts: readonly string[],
  validity: Uint8Array | null,
  type: SqlType,
  timeZone: string,
): Vector | null {
  const values = new Float64Array(texts.length)
  const isFloatColumn = type === 'float8' || type === 'float4'
  for (let row = 0; row < texts.length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const text = texts[row]!
    if (!isFloatColumn && !plainInteger.test(text)) return null
    const value = Number(text)
    // Overflow (1e400 into float8, int8 past 2^53) is the general path's error to report, with its position.
    if (isFloatColumn ? !Number.isFinite(value) : !Number.isSafeInteger(value)) return null
    // Number literals are int or numeric constants, neither of which has a negative zero.
    values[row] = value === 0 ? 0 : value
  }
  const source: SqlType = isFloatColumn ? 'float8' : 'int8'
  return castVector(makeNumberVector(source, values, validity), type, { timeZone })
}
