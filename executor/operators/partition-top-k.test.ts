import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType } from '../../common/index.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { Expr, PartitionTopK, ScalarValue, SortKey, WindowCall } from '../plan.js'
import { InlineRunner } from '../pool/inline-runner.js'
import type { Operator, OperatorContext } from './operator.js'
import { PartitionTopKOp } from './partition-top-k.js'
import { WindowOp } from './window.js'

const neverOpened = { openSegment: (): never => assert.fail('no segments in these tests') }
const context: OperatorContext = {
  evalContext: { timeZone: 'UTC', nowMicros: 0 },
  signal: new AbortController().signal,
  fragments: new InlineRunner(neverOpened),
  dataDir: '/nonexistent',
}
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })

/** Rows (partition p: text with NULLs, order key o: int4 with ties and NULLs, unique id). */
function randomRows(count: number, seed: number): ScalarValue[][] {
  let state = seed
  const next = (bound: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % bound
  }
  return Array.from({ length: count }, (_, id) => [
    next(7) === 0 ? null : `p${next(5)}`,
    next(9) === 0 ? null : next(12),
    id,
  ])
}

function source(rows: readonly ScalarValue[][], size: number): Operator {
  const types: SqlType[] = ['text', 'int4', 'int4']
  const batch: Batch = {
    length: rows.length,
    columns: types.map((type, c) =>
      vectorFromValues(
        type,
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

/** The rows whose rank is at most `limit`, as sorted text lines: p, o, id, rank. */
async function ranked(input: Operator, call: WindowCall, limit: number): Promise<string[]> {
  const lines: string[] = []
  for await (const batch of new WindowOp(
    { kind: 'window', input: null!, calls: [call] },
    input,
    context,
  )) {
    for (let row = 0; row < batch.length; row++) {
      const values = batch.columns.map((vector) => scalarAt(vector, row))
      if (Number(values[3]) <= limit) lines.push(JSON.stringify(values))
    }
  }
  return lines.sort()
}

describe('PartitionTopKOp', () => {
  const orders: SortKey[][] = [
    [{ expr: column(1, 'int4'), descending: false, nullsFirst: false }],
    [{ expr: column(1, 'int4'), descending: true, nullsFirst: true }],
    [{ expr: column(1, 'int4'), descending: true, nullsFirst: false }],
  ]
  for (const fn of ['row_number', 'rank', 'dense_rank'] as const) {
    for (const [o, orderBy] of orders.entries()) {
      it(`keeps every row ${fn} ranks within k (order ${o})`, async () => {
        // row_number among peers is unspecified: a unique tie-break makes it one answer.
        const keys =
          fn === 'row_number'
            ? [...orderBy, { expr: column(2, 'int4'), descending: false, nullsFirst: false }]
            : orderBy
        const call: WindowCall = {
          fn,
          args: [],
          filter: null,
          partitionBy: [column(0, 'text')],
          orderBy: keys,
          frame: {
            mode: 'range',
            start: { kind: 'unbounded-preceding', offset: 0 },
            end: { kind: 'current-row', offset: 0 },
          },
          type: 'int8',
        }
        for (const [seed, count, size] of [
          [1, 500, 7],
          [2, 3000, 256],
          [3, 40, 1],
        ] as const) {
          const rows = randomRows(count, seed)
          for (const limit of [0, 1, 2, 3, 50]) {
            const topK: PartitionTopK = { partitionBy: call.partitionBy, orderBy: keys, limit, fn }
            const reduced = new PartitionTopKOp(
              { kind: 'partition-top-k', input: null!, topK },
              source(rows, size),
              context,
            )
            assert.deepEqual(
              await ranked(reduced, call, limit),
              await ranked(source(rows, size), call, limit),
              `seed ${seed} limit ${limit}`,
            )
          }
        }
      })
    }
  }
})
