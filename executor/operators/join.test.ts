// The join operator against a nested-loop reference written row by row: every join type,
// duplicate and NULL keys, a residual condition, text and number keys, several probe batches,
// an empty side and more pairs than one output batch holds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BatchRowsTarget, type Batch, type Field, type SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr, JoinPlan, ScalarValue } from '../plan.js'
import { InlineRunner } from '../pool/inline-runner.js'
import { JoinOp } from './join.js'
import type { Operator, OperatorContext } from './operator.js'

const neverOpened = { openSegment: (): never => assert.fail('no segments in these tests') }
const context: OperatorContext = {
  evalContext: { timeZone: 'UTC', nowMicros: 0 },
  signal: new AbortController().signal,
  fragments: new InlineRunner(neverOpened),
  dataDir: '/nonexistent',
}
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

type Row = readonly ScalarValue[]

function batchOf(types: readonly SqlType[], rows: readonly Row[]): Batch {
  return {
    length: rows.length,
    columns: types.map((type, i) =>
      vectorFromValues(
        type,
        rows.map((r) => r[i] ?? null),
      ),
    ),
  }
}

function source(batch: Batch, size: number): Operator {
  return {
    async *[Symbol.asyncIterator]() {
      for (let start = 0; start < batch.length; start += size)
        yield sliceBatch(batch, start, Math.min(batch.length, start + size))
    },
  }
}

async function rowsOf(operator: Operator): Promise<string[]> {
  const rows: string[] = []
  for await (const batch of operator) {
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((c) => scalarAt(c, row))))
  }
  return rows.sort()
}

type JoinType = JoinPlan['joinType']

/** The reference: every pair, keys equal and non-NULL, residual `left.n < right.n` if asked. */
function reference(
  joinType: JoinType,
  left: readonly Row[],
  right: readonly Row[],
  residual: boolean,
): string[] {
  const matches = (l: Row, r: Row): boolean =>
    l[0] !== null &&
    r[0] !== null &&
    l[0] === r[0] &&
    (!residual || (l[1] !== null && r[1] !== null && (l[1] as number) < (r[1] as number)))
  const out: Row[] = []
  const rightMatched = new Set<number>()
  for (const l of left) {
    let matched = false
    right.forEach((r, i) => {
      if (!matches(l, r)) return
      matched = true
      rightMatched.add(i)
      if (joinType !== 'semi' && joinType !== 'anti') out.push([...l, ...r])
    })
    if (joinType === 'semi' && matched) out.push(l)
    if (joinType === 'anti' && !matched) out.push(l)
    if ((joinType === 'left' || joinType === 'full') && !matched) out.push([...l, null, null])
  }
  if (joinType === 'right' || joinType === 'full') {
    right.forEach((r, i) => {
      if (!rightMatched.has(i)) out.push([null, null, ...r])
    })
  }
  return out.map((r) => JSON.stringify(r)).sort()
}

const fields = (keyType: SqlType): Field[] => [
  { name: 'k', type: keyType },
  { name: 'n', type: 'int4' },
]

async function run(
  joinType: JoinType,
  keyType: SqlType,
  left: readonly Row[],
  right: readonly Row[],
  options: { residual: boolean; hashed: boolean },
): Promise<string[]> {
  const types: SqlType[] = [keyType, 'int4']
  const keyTest: Expr = {
    kind: 'call',
    fn: 'eq',
    args: [column(0, keyType), column(2, keyType)],
    type: 'bool',
  }
  const lessThan: Expr = {
    kind: 'call',
    fn: 'lt',
    args: [column(1, 'int4'), column(3, 'int4')],
    type: 'bool',
  }
  const conditions = [...(options.hashed ? [] : [keyTest]), ...(options.residual ? [lessThan] : [])]
  const residual: Expr | null =
    conditions.length === 0
      ? null
      : conditions.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: 'bool' }))
  const plan: JoinPlan = {
    kind: 'join',
    joinType,
    left: { kind: 'values', fields: [], rows: [] },
    right: { kind: 'values', fields: [], rows: [] },
    leftFields: fields(keyType),
    rightFields: fields(keyType),
    leftKeys: options.hashed ? [column(0, keyType)] : [],
    rightKeys: options.hashed ? [column(0, keyType)] : [],
    residual,
  }
  const leftOp = source(batchOf(types, left), 4)
  const rightOp = source(batchOf(types, right), 3)
  return rowsOf(new JoinOp(plan, leftOp, rightOp, context))
}

const numberLeft: Row[] = [
  [1, 10],
  [2, 20],
  [2, 21],
  [null, 30],
  [4, 40],
  [1, 5],
  [7, 70],
]
const numberRight: Row[] = [
  [1, 11],
  [2, 19],
  [2, 25],
  [3, 30],
  [null, 30],
  [1, 1],
]
const textLeft: Row[] = numberLeft.map(([k, n]) => [k === null ? null : `k${String(k)}`, n!])
const textRight: Row[] = numberRight.map(([k, n]) => [k === null ? null : `k${String(k)}`, n!])

const joinTypes: JoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti']

describe('JoinOp matches the nested-loop reference', () => {
  for (const joinType of joinTypes) {
    for (const hashed of [true, false]) {
      for (const residual of [false, true]) {
        const name = `${joinType} ${hashed ? 'hash' : 'nested loop'}${residual ? ' + residual' : ''}`
        it(name, async () => {
          const options = { residual, hashed }
          assert.deepEqual(
            await run(joinType, 'int4', numberLeft, numberRight, options),
            reference(joinType, numberLeft, numberRight, residual),
          )
          assert.deepEqual(
            await run(joinType, 'text', textLeft, textRight, options),
            reference(joinType, textLeft, textRight, residual),
          )
        })
      }
    }
  }

  it('an empty build or probe side', async () => {
    for (const joinType of joinTypes) {
      const options = { residual: false, hashed: true }
      assert.deepEqual(
        await run(joinType, 'int4', numberLeft, [], options),
        reference(joinType, numberLeft, [], false),
      )
      assert.deepEqual(
        await run(joinType, 'int4', [], numberRight, options),
        reference(joinType, [], numberRight, false),
      )
    }
  })

  it('more matching pairs than one output batch holds', async () => {
    const left: Row[] = Array.from({ length: 80 }, (_, i) => [i % 2, i])
    const right: Row[] = Array.from({ length: 300 }, (_, i) => [i % 2, i])
    const rows = await run('inner', 'int4', left, right, { residual: false, hashed: true })
    assert.equal(rows.length, 2 * 40 * 150)
    assert.ok(rows.length > BatchRowsTarget)
    assert.deepEqual(rows, reference('inner', left, right, false))
  })
})
