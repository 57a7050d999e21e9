// Aggregation over an unnest without expanding every row: when the GROUP BY keys each read
// either only the table's columns or only the unnest's elements, and the aggregates read only
// the table's columns and are insensitive to the order rows arrive in, the rows are first
// aggregated by (table keys, the row's arrays) and each of those pre-groups is expanded once
// at the end, its states merged into every group its elements name.
//
//   SELECT u.tag, t.service, ddsketch_agg(t.duration_ms) FROM logs t, unnest(t.tags) u(tag)
//   GROUP BY 1, 2
//   per row:  (service, tags) ──► pre-group state          (10M rows, a few hundred lists)
//   finish:   pre-group ──expand(tags)──► (tag, service) ◄── merge state
//
// A row is then grouped and aggregated once, not once per element, and its elements are never
// materialized. When the pre-groups do not shrink the rows (arrays mostly distinct), the
// caller goes back to expanding (update answers false) and both results are merged.
import {
  nullVector,
  takeVector,
  type ArrayVector,
  type Batch,
  type Vector,
} from '../../common/index.js'
import { collectColumns } from '../expr/columns-of.js'
import type { EvalContext } from '../expr/eval-context.js'
import { evaluate } from '../expr/evaluate.js'
import { expandBatch } from '../operators/unnest.js'
import type { AggregateCall, Expr, ScanUnnest } from '../plan.js'
import { ArrayListIds, listEncodable } from './array-list-ids.js'
import { GroupedAggregation } from './grouped-aggregation.js'

/** Pre-groups kept before the rows must shrink at least PreGroupShrink-fold to go on. */
const PreGroupsFree = 4096
const PreGroupShrink = 4

/** Aggregates whose state over some rows merges to the same state in any grouping of them. */
const orderFree = new Set([
  'count_star',
  'count',
  'min',
  'max',
  'bool_and',
  'bool_or',
  'every',
  'ddsketch_agg',
  'ddsketch_merge',
  'approx_count_distinct',
])
/** sum and avg when exact: float sums would round differently in another order. */
const exactSums = new Set(['int2', 'int4', 'int8', 'numeric'])

function reads(exprs: readonly (Expr | null)[]): number[] {
  const columns = new Set<number>()
  for (const expr of exprs) collectColumns(expr, columns)
  return [...columns]
}

function orderFreeCall(call: AggregateCall, outerWidth: number): boolean {
  if (call.distinct || call.withinGroup !== undefined || call.order !== undefined) return false
  const exact =
    (call.fn === 'sum' || call.fn === 'avg') && exactSums.has(call.args[0]?.type ?? 'float8')
  if (!orderFree.has(call.fn) && !exact) return false
  return reads([...call.args, call.filter]).every((column) => column < outerWidth)
}

export interface PreGroupPlan {
  /** Per GROUP BY key: true when it reads the unnest's elements (or ordinality). */
  readonly elementKeys: readonly boolean[]
}

/** The plan when the partial aggregate over `unnest` can pre-group, else null. */
export function preGroupPlan(
  unnest: ScanUnnest,
  groupBy: readonly Expr[],
  aggregates: readonly AggregateCall[],
): PreGroupPlan | null {
  if (unnest.filter !== null) return null
  // With no table column carried along (q12's count per tag), the plain expansion groups on
  // the element alone, cheaper than hashing each row's whole list.
  if (unnest.passthrough.length === 0) return null
  if (!unnest.arrays.every((array) => listEncodable(array.type))) return null
  const outerWidth = unnest.passthrough.length
  if (!aggregates.every((call) => orderFreeCall(call, outerWidth))) return null
  const elementKeys: boolean[] = []
  for (const key of groupBy) {
    const columns = reads([key])
    if (columns.every((column) => column < outerWidth)) elementKeys.push(false)
    else if (columns.every((column) => column >= outerWidth)) elementKeys.push(true)
    else return null
  }
  return { elementKeys }
}

export class PreGroupedUnnest {
  private readonly outerWidth: number
  private readonly lists: ArrayListIds
  private readonly pre: GroupedAggregation
  private rowsSeen = 0
  private finished = false

  /** Pre-groups rows for `target`, the task's partial aggregation (same keys and calls). */
  constructor(
    private readonly plan: PreGroupPlan,
    private readonly unnest: ScanUnnest,
    private readonly groupBy: readonly Expr[],
    aggregates: readonly AggregateCall[],
    private readonly context: EvalContext,
    private readonly target: GroupedAggregation,
  ) {
    this.outerWidth = unnest.passthrough.length
    this.lists = new ArrayListIds(unnest.arrays.length)
    // Keys: the table keys, then the list id (column outerWidth of the pre-group input).
    const preKeys = groupBy.filter((_, index) => !plan.elementKeys[index])
    const listKey: Expr = { kind: 'column', index: this.outerWidth, type: 'int4' }
    this.pre = new GroupedAggregation([...preKeys, listKey], aggregates, context)
  }

  /**
   * Folds the rows of scan batch `batch` in. False when pre-grouping does not pay: the
   * pre-groups so far are merged into the target, and the caller expands from now on.
   */
  update(batch: Batch): boolean {
    const arrays = this.unnest.arrays.map(
      (expr) => evaluate(expr, batch, this.context) as ArrayVector,
    )
    const ids = this.lists.idsOf(arrays, batch.length)
    const listIds = new Float64Array(batch.length)
    for (let row = 0; row < batch.length; row++) listIds[row] = ids[row]!
    const columns: Vector[] = this.unnest.passthrough.map((index) => batch.columns[index]!)
    columns.push({
      kind: 'number',
      type: 'int4',
      length: batch.length,
      validity: null,
      values: listIds,
    })
    this.pre.update({ length: batch.length, columns })
    this.rowsSeen += batch.length
    const groups = this.pre.groupCount
    if (groups <= PreGroupsFree || groups * PreGroupShrink <= this.rowsSeen) return true
    this.finish()
    return false
  }

  /** Expands every pre-group by its arrays and merges its states into the target. */
  finish(): void {
    if (this.finished) return
    this.finished = true
    const groups = this.pre.groupCount
    if (groups === 0) return
    const preKeyCount = this.plan.elementKeys.filter((element) => !element).length
    const preKeys = this.pre.groupKeys()
    const listColumn = preKeys[preKeyCount]!
    const listRows = new Int32Array(groups)
    const groupIndexes = new Float64Array(groups)
    for (let group = 0; group < groups; group++) {
      if (listColumn.kind === 'number') listRows[group] = listColumn.values[group]!
      groupIndexes[group] = group
    }
    const arrays = this.lists.lists().map((vector) => takeVector(vector, listRows))
    const indexVector: Vector = {
      kind: 'number',
      type: 'int4',
      length: groups,
      validity: null,
      values: groupIndexes,
    }
    const carried = preKeyCount + 1
    const input: Batch = {
      length: groups,
      columns: [...preKeys.slice(0, preKeyCount), indexVector, ...arrays],
    }
    const spec = {
      passthrough: Array.from({ length: carried }, (_, index) => index),
      arrays: arrays.map((vector, k): Expr => ({
        kind: 'column',
        index: carried + k,
        type: vector.type,
      })),
      ordinality: this.unnest.ordinality,
      outer: this.unnest.outer,
    }
    for (const expanded of expandBatch(input, spec, this.context))
      this.mergeExpanded(expanded, preKeyCount)
  }

  /** Merges one expansion ([table keys, pre-group, elements, ordinality]) into the target. */
  private mergeExpanded(expanded: Batch, keyCount: number): void {
    const produced = expanded.columns.slice(keyCount + 1)
    // The element keys read the unnest's output layout: table columns (never read by them)
    // below outerWidth, then the produced columns.
    const filler = nullVector('int4', expanded.length)
    const output: Batch = {
      length: expanded.length,
      columns: [...Array.from({ length: this.outerWidth }, () => filler), ...produced],
    }
    let outerKey = 0
    const keys = this.groupBy.map((expr, index) =>
      this.plan.elementKeys[index]
        ? evaluate(expr, output, this.context)
        : expanded.columns[outerKey++]!,
    )
    const preGroups = new Int32Array(expanded.length)
    const index = expanded.columns[keyCount]!
    if (index.kind === 'number')
      for (let row = 0; row < expanded.length; row++) preGroups[row] = index.values[row]!
    this.target.mergeGroups(keys, this.pre, preGroups)
  }
}
