// Late materialization in a scan fragment: a batch's filter columns are read first, and the
// other columns only when some row passes. A needle search (`trace_id = '...'`) whose token
// filter lets a batch through by a false positive then reads one column of it, not all.
import type { Batch, SqlType, Vector } from '../../common/index.js'
import type { Expr } from '../plan.js'
import { collectColumns } from '../expr/columns-of.js'
import { makeNullVector } from '../expr/vector-builders.js'

export interface ColumnSplit {
  /** Every scan column index, in order. */
  readonly allColumns: readonly number[]
  /** The scan columns the filter reads. */
  readonly filterColumns: readonly number[]
  /** The scan columns it does not. */
  readonly otherColumns: readonly number[]
}

/** Splits a scan's `columnCount` columns by whether `filter` (or one of `alsoFirst`) reads them. */
export function columnSplit(
  columnCount: number,
  filter: Expr | null,
  alsoFirst: readonly Expr[] = [],
): ColumnSplit {
  const used = new Set<number>()
  collectColumns(filter, used)
  for (const expr of alsoFirst) collectColumns(expr, used)
  const allColumns = Array.from({ length: columnCount }, (_, index) => index)
  return {
    allColumns,
    filterColumns: allColumns.filter((index) => used.has(index)),
    otherColumns: allColumns.filter((index) => !used.has(index)),
  }
}

/**
 * A batch of `length` rows holding `read` at its indexes (and `base`'s columns elsewhere, when
 * given); any column still missing is an all-NULL placeholder the filter never reads, made
 * once per type and length in `placeholders` (a task's own: placeholders never reach output).
 */
export function batchWith(
  types: readonly SqlType[],
  length: number,
  read: ReadonlyMap<number, Vector>,
  base: Batch | null,
  placeholders: Map<string, Vector>,
): Batch {
  const placeholder = (type: SqlType): Vector => {
    const key = `${type}:${length}`
    let vector = placeholders.get(key)
    if (vector === undefined) {
      vector = makeNullVector(type, length)
      placeholders.set(key, vector)
    }
    return vector
  }
  const columns = types.map(
    (type, index) => read.get(index) ?? base?.columns[index] ?? placeholder(type),
  )
  return { length, columns }
}
