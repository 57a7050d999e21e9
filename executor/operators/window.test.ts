import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PgError, type Batch, type SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr, ScalarValue, WindowCall, WindowFrame, WindowPlan } from '../plan.js'
import { InlineRunner } from '../pool/inline-runner.js'
import type { Operator, OperatorContext } from './operator.js'
import { WindowOp } from './window.js'

const neverOpened = { openSegment: (): never => assert.fail('no segments in these tests') }
const context: OperatorContext = {
  evalContext: { timeZone: 'UTC', nowMicros: 0 },
  signal: new AbortController().signal,
  fragments: new InlineRunner(neverOpened),
  dataDir: '/nonexistent',
}
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

/** Rows (partition key p: int4 with NULLs, order key o: int4 with ties and NULLs, value v). */
function randomRows(count: number, seed: number): ScalarValue[][] {
  let state = seed
  const next = (bound: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % bound
  }
  const rows: ScalarValue[][] = []
  for (let i = 0; i < count; i++) {
    const p = next(6) === 0 ? null : next(4)
    const o = next(8) === 0 ? null : next(10)
    const v = next(5) === 0 ? null : next(100)
    rows.push([p, o, v])
  }
  return rows
}

function source(rows: readonly ScalarValue[][], size: number): Operator {
  const batch: Batch = {
    length: rows.length,
    columns: [0, 1, 2].map((c) =>
      vectorFromValues(
        'int4',
        rows.map((r) => r[c] ?? null),
      ),
    ),
  }
  return {
    async *[Symbol.asyncIterator]() {
      for (let start = 0; start < batch.length; start += size)
        yield sliceBatch(batch, start, Math.min(batch.length, start + size))
    },
  }
}

const rowsFrame = (before: number, after: number): WindowFrame => ({
  mode: 'rows',
  start: { kind: 'preceding', offset: before },
  end: { kind: 'following', offset: after },
})
const defaultFrame: WindowFrame = {
  mode: 'range',
  start: { kind: 'unbounded-preceding', offset: 0 },
  end: { kind: 'current-row', offset: 0 },
}

function call(fn: string, type: SqlType, frame: WindowFrame, args: Expr[] = []): WindowCall {
  return {
    fn,
    args,
    filter: null,
    partitionBy: [column(0, 'int4')],
    orderBy: [{ expr: column(1, 'int4'), descending: false, nullsFirst: false }],
    frame,
    type,
  }
}

/** Compares (p, o) as the plan orders them: NULLs last, then input position. */
function compareRows(rows: readonly ScalarValue[][], a: number, b: number): number {
  for (const c of [0, 1]) {
    const x = rows[a]![c] as number | null
    const y = rows[b]![c] as number | null
    if (x === y) continue
    if (x === null) return 1
    if (y === null) return -1
    return x - y
  }
  return a - b
}

/** The row-by-row reference: each row's partition, sorted, and its frames counted directly. */
function reference(rows: readonly ScalarValue[][]): ScalarValue[][] {
  const indexes = rows.map((_, i) => i).sort((a, b) => compareRows(rows, a, b))
  return rows.map((row, i) => {
    const partition = indexes.filter((j) => rows[j]![0] === row[0])
    const at = partition.indexOf(i)
    const peer = (j: number): boolean => rows[j]![1] === row[1]
    const firstPeer = partition.findIndex(peer)
    const lastPeer = partition.length - 1 - [...partition].reverse().findIndex(peer)
    const distinctBefore = new Set(partition.slice(0, firstPeer).map((j) => rows[j]![1])).size
    const window = partition.slice(Math.max(0, at - 2), at + 2)
    const values = window.map((j) => rows[j]![2]).filter((v): v is number => v !== null)
    const sum = values.length === 0 ? null : values.reduce((s, v) => s + v, 0)
    const lag = at === 0 ? null : rows[partition[at - 1]!]![2]!
    return [...row, at + 1, firstPeer + 1, distinctBefore + 1, lastPeer + 1, sum, lag]
  })
}

describe('WindowOp', () => {
  it('matches a row-by-row reference on random rows with ties and NULLs', async () => {
    for (const [count, seed] of [
      [1, 1],
      [37, 2],
      [500, 3],
    ] as const) {
      const rows = randomRows(count, seed)
      const plan: WindowPlan = {
        kind: 'window',
        input: { kind: 'values', fields: [], rows: [] },
        calls: [
          call('row_number', 'int8', defaultFrame),
          call('rank', 'int8', defaultFrame),
          call('dense_rank', 'int8', defaultFrame),
          call('count_star', 'int8', defaultFrame),
          call('sum', 'int8', rowsFrame(2, 1), [column(2, 'int4')]),
          call('lag', 'int4', defaultFrame, [column(2, 'int4')]),
        ],
      }
      const output: ScalarValue[][] = []
      for await (const batch of new WindowOp(plan, source(rows, 7), context)) {
        for (let row = 0; row < batch.length; row++)
          output.push(batch.columns.map((v) => scalarAt(v, row)))
      }
      assert.deepEqual(output, reference(rows), `count=${count}`)
    }
  })

  it('RANGE offsets and EXCLUDE match a direct count of each frame', async () => {
    const rows = randomRows(400, 5)
    const frames: [
      WindowFrame,
      (o: number | null, peerO: number | null, self: boolean) => boolean,
    ][] = [
      [
        {
          mode: 'range',
          start: { kind: 'preceding', offset: 2 },
          end: { kind: 'following', offset: 1 },
        },
        (o, x) => (o === null ? x === null : x !== null && x >= o - 2 && x <= o + 1),
      ],
      [
        {
          mode: 'range',
          start: { kind: 'unbounded-preceding', offset: 0 },
          end: { kind: 'following', offset: 3 },
          exclude: 'group',
        },
        (o, x) => (o === null ? true : x !== null && x <= o + 3) && !(x === o),
      ],
      [
        {
          mode: 'range',
          start: { kind: 'preceding', offset: 1 },
          end: { kind: 'preceding', offset: 0 },
          exclude: 'ties',
        },
        (o, x, self) => self || (o === null ? false : x !== null && x >= o - 1 && x < o),
      ],
    ]
    for (const [frame, inFrame] of frames) {
      const plan: WindowPlan = {
        kind: 'window',
        input: { kind: 'values', fields: [], rows: [] },
        calls: [call('count_star', 'int8', frame)],
      }
      const output: ScalarValue[] = []
      for await (const batch of new WindowOp(plan, source(rows, 64), context)) {
        for (let row = 0; row < batch.length; row++) output.push(scalarAt(batch.columns[3]!, row))
      }
      const expected = rows.map((row, i) => {
        const o = row[1] as number | null
        return rows.filter(
          (other, j) => other[0] === row[0] && inFrame(o, other[1] as number | null, i === j),
        ).length
      })
      assert.deepEqual(output, expected, JSON.stringify(frame))
    }
  })

  it('rejects ntile(0) with 22014', async () => {
    const plan: WindowPlan = {
      kind: 'window',
      input: { kind: 'values', fields: [], rows: [] },
      calls: [call('ntile', 'int4', defaultFrame, [{ kind: 'literal', value: 0, type: 'int4' }])],
    }
    await assert.rejects(
      async () => {
        for await (const _ of new WindowOp(plan, source(randomRows(3, 4), 2), context));
      },
      (error: unknown) => error instanceof PgError && error.code === '22014',
    )
  })
})
