// Hash join and nested-loop join over batches, on the coordinator.
//
//   build (right input, whole)                 probe (left input, a batch at a time)
//   concat batches → key vectors →             key vectors → GroupTable.find → group id
//   GroupTable.findOrInsert → group id    ──►  → chain of build rows with that key
//   → rows chained per group (head/next)       → candidate pairs, in chunks of BatchRowsTarget
//                                              → residual → matched pairs out
//
// Keys are hashed and compared by value with the aggregate's group table (NULLs never match:
// rows with a NULL key are neither inserted nor probed). Without keys every pair is a
// candidate: the nested loop CROSS JOIN and non-equi joins need. Outer joins track which rows
// matched and add the others with the far side NULL; right/full emit the unmatched build rows
// after the last probe batch. Semi/anti joins (EXISTS, IN) emit each left row once.
import { BatchRowsTarget, nullVector, type Batch, type Vector } from '../../common/index.js'
import { GroupTable } from '../aggregates/group-table.js'
import { concatBatches, takeRows } from '../expr/batch-ops.js'
import { evaluate } from '../expr/evaluate.js'
import type { JoinPlan } from '../plan.js'
import { checkCanceled, selectTrue, type Operator, type OperatorContext } from './operator.js'

interface BuildSide {
  readonly batch: Batch
  /** Null for a nested loop. */
  readonly table: GroupTable | null
  /** Per group, the first build row with that key; -1 when none. */
  readonly head: Int32Array
  /** Per build row, the next row with the same key; -1 at a chain's end. */
  readonly next: Int32Array
  /** Per build row, 1 once it matched (right/full joins). */
  readonly matched: Uint8Array
}

export class JoinOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: JoinPlan,
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly context: OperatorContext,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const build = await this.buildSide()
    for await (const batch of this.left) {
      checkCanceled(this.context.signal)
      yield* this.probe(batch, build)
    }
    const joinType = this.plan.joinType
    if (joinType === 'right' || joinType === 'full') yield* this.unmatchedBuildRows(build)
  }

  private async buildSide(): Promise<BuildSide> {
    const batches: Batch[] = []
    for await (const batch of this.right) {
      checkCanceled(this.context.signal)
      if (batch.length > 0) batches.push(batch)
    }
    const batch =
      batches.length === 0
        ? { length: 0, columns: this.plan.rightFields.map((f) => nullVector(f.type, 0)) }
        : concatBatches(batches)
    const rows = batch.length
    const next = new Int32Array(rows).fill(-1)
    const matched = new Uint8Array(rows)
    if (this.plan.rightKeys.length === 0) {
      return { batch, table: null, head: new Int32Array(0), next, matched }
    }
    const keys = this.plan.rightKeys.map((k) => evaluate(k, batch, this.context.evalContext))
    const table = new GroupTable(keys.map((k) => k.type))
    const groupIds = table.findOrInsert(keys, rows, nonNullRows(keys, rows))
    const head = new Int32Array(table.groupCount).fill(-1)
    for (let row = rows - 1; row >= 0; row--) {
      const group = groupIds[row]!
      if (group < 0) continue
      next[row] = head[group]!
      head[group] = row
    }
    return { batch, table, head, next, matched }
  }

  /** Per left row, the first candidate build row (-1 for none); candidates chain through `next`. */
  private firstCandidates(batch: Batch, build: BuildSide): Int32Array {
    const rows = batch.length
    const first = new Int32Array(rows).fill(-1)
    if (build.table === null) {
      if (build.batch.length > 0) first.fill(0)
      return first
    }
    const keys = this.plan.leftKeys.map((k) => evaluate(k, batch, this.context.evalContext))
    const groupIds = build.table.find(keys, rows, nonNullRows(keys, rows))
    for (let row = 0; row < rows; row++) {
      const group = groupIds[row]!
      if (group >= 0) first[row] = build.head[group]!
    }
    return first
  }

  private *probe(batch: Batch, build: BuildSide): Generator<Batch> {
    const { joinType, residual } = this.plan
    const first = this.firstCandidates(batch, build)
    const leftMatched = new Uint8Array(batch.length)
    const semiLike = joinType === 'semi' || joinType === 'anti'
    if (semiLike && residual === null) {
      for (let row = 0; row < batch.length; row++) leftMatched[row] = first[row]! >= 0 ? 1 : 0
    } else {
      const chained = build.table !== null
      const leftRows = new Int32Array(BatchRowsTarget)
      const rightRows = new Int32Array(BatchRowsTarget)
      let count = 0
      for (let row = 0; row < batch.length; row++) {
        for (let candidate = first[row]!; candidate >= 0;) {
          leftRows[count] = row
          rightRows[count] = candidate
          count++
          if (count === BatchRowsTarget) {
            const out = this.matchPairs(batch, build, leftRows, rightRows, count, leftMatched)
            if (out !== null) yield out
            count = 0
          }
          if (chained) candidate = build.next[candidate]!
          else candidate = candidate + 1 < build.batch.length ? candidate + 1 : -1
        }
      }
      const out = this.matchPairs(batch, build, leftRows, rightRows, count, leftMatched)
      if (out !== null) yield out
    }
    yield* this.leftRowsByMatch(batch, leftMatched)
  }

  /** Checks `count` candidate pairs against the residual; returns the joined rows to emit. */
  private matchPairs(
    batch: Batch,
    build: BuildSide,
    leftRows: Int32Array,
    rightRows: Int32Array,
    count: number,
    leftMatched: Uint8Array,
  ): Batch | null {
    if (count === 0) return null
    const lefts = leftRows.slice(0, count)
    const rights = rightRows.slice(0, count)
    const pairs: Batch = {
      length: count,
      columns: [...takeRows(batch, lefts).columns, ...takeRows(build.batch, rights).columns],
    }
    const residual = this.plan.residual
    const selection =
      residual === null ? null : selectTrue(evaluate(residual, pairs, this.context.evalContext))
    const selected = selection === null ? count : selection.length
    for (let i = 0; i < selected; i++) {
      const pair = selection === null ? i : selection[i]!
      leftMatched[lefts[pair]!] = 1
      build.matched[rights[pair]!] = 1
    }
    const joinType = this.plan.joinType
    if (joinType === 'semi' || joinType === 'anti' || selected === 0) return null
    return selection === null ? pairs : takeRows(pairs, selection)
  }

  /** Left/full: unmatched left rows with NULLs; semi: matched rows; anti: unmatched rows. */
  private *leftRowsByMatch(batch: Batch, leftMatched: Uint8Array): Generator<Batch> {
    const joinType = this.plan.joinType
    if (joinType !== 'left' && joinType !== 'full' && joinType !== 'semi' && joinType !== 'anti')
      return
    const wanted = joinType === 'semi' ? 1 : 0
    const selection = rowsWhere(leftMatched, wanted)
    if (selection.length === 0) return
    const rows = selection.length === batch.length ? batch : takeRows(batch, selection)
    if (joinType === 'semi' || joinType === 'anti') {
      yield rows
      return
    }
    const nulls = this.plan.rightFields.map((f) => nullVector(f.type, rows.length))
    yield { length: rows.length, columns: [...rows.columns, ...nulls] }
  }

  private *unmatchedBuildRows(build: BuildSide): Generator<Batch> {
    const selection = rowsWhere(build.matched, 0)
    for (let start = 0; start < selection.length; start += BatchRowsTarget) {
      const chunk = selection.subarray(start, Math.min(start + BatchRowsTarget, selection.length))
      const rows = takeRows(build.batch, chunk)
      const nulls: Vector[] = this.plan.leftFields.map((f) => nullVector(f.type, rows.length))
      yield { length: rows.length, columns: [...nulls, ...rows.columns] }
    }
  }
}

/** 1 where no key is NULL: only those rows can match. */
function nonNullRows(keys: readonly Vector[], rows: number): Uint8Array | null {
  if (keys.every((k) => k.validity === null)) return null
  const include = new Uint8Array(rows).fill(1)
  for (const key of keys) {
    const validity = key.validity
    if (validity === null) continue
    for (let row = 0; row < rows; row++) include[row] = include[row]! & validity[row]!
  }
  return include
}

function rowsWhere(flags: Uint8Array, value: number): Int32Array {
  const selection = new Int32Array(flags.length)
  let count = 0
  for (let row = 0; row < flags.length; row++) if (flags[row] === value) selection[count++] = row
  return selection.subarray(0, count)
}
