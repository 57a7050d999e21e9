import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PgError, type Batch, type SqlType } from '../../common/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type {
  AggregateCall,
  AggregatePlan,
  Expr,
  PhysicalPlan,
  ScalarValue,
  SortKey,
  SortPlan,
} from '../plan.js'
import { InlineRunner } from '../pool/inline-runner.js'
import { AggregateOp } from './aggregate.js'
import { buildOperator } from './build.js'
import { DistinctOp } from './distinct.js'
import { LimitOp } from './limit.js'
import type { Operator, OperatorContext } from './operator.js'
import { SortOp } from './sort.js'

const neverOpened = { openSegment: (): never => assert.fail('no segments in these tests') }
function contextWith(signal = new AbortController().signal): OperatorContext {
  return {
    evalContext: { timeZone: 'UTC', nowMicros: 0 },
    signal,
    fragments: new InlineRunner(neverOpened),
    dataDir: '/nonexistent',
  }
}
const context = contextWith()
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const literal = (value: ScalarValue, type: SqlType): Expr => ({ kind: 'literal', value, type })

function batchOf(types: readonly SqlType[], columns: readonly ScalarValue[][]): Batch {
  return {
    length: columns[0]?.length ?? 0,
    columns: columns.map((values, i) => vectorFromValues(types[i]!, values)),
  }
}

/** An operator over in-memory batches, cut into pieces of `size` rows. */
function source(batch: Batch, size = 3): Operator {
  return {
    async *[Symbol.asyncIterator]() {
      for (let start = 0; start < batch.length; start += size)
        yield sliceBatch(batch, start, Math.min(batch.length, start + size))
    },
  }
}

async function rowsOf(operator: Operator): Promise<ScalarValue[][]> {
  const rows: ScalarValue[][] = []
  for await (const batch of operator) {
    for (let row = 0; row < batch.length; row++)
      rows.push(batch.columns.map((v) => scalarAt(v, row)))
  }
  return rows
}

const sortPlan = (keys: SortKey[], limit: number | null): SortPlan => ({
  kind: 'sort',
  input: { kind: 'values', fields: [], rows: [] },
  keys,
  limit,
})

describe('SortOp', () => {
  const input = batchOf(
    ['int4', 'text'],
    [
      [3, null, 1, 2, null, 1, 10],
      ['c', 'n1', 'a', 'B', 'n2', 'b', 'é'],
    ],
  )

  it('sorts ASC with NULLs last and DESC with NULLs first, as PostgreSQL does', async () => {
    const ascending = await rowsOf(
      new SortOp(
        sortPlan([{ expr: column(0, 'int4'), descending: false, nullsFirst: false }], null),
        source(input),
        context,
      ),
    )
    assert.deepEqual(
      ascending.map((row) => row[1]),
      ['a', 'b', 'B', 'c', 'é', 'n1', 'n2'],
    )
    const descending = await rowsOf(
      new SortOp(
        sortPlan([{ expr: column(0, 'int4'), descending: true, nullsFirst: true }], null),
        source(input),
        context,
      ),
    )
    assert.deepEqual(
      descending.map((row) => row[1]),
      ['n1', 'n2', 'é', 'c', 'B', 'a', 'b'],
    )
  })

  it('sorts text by bytes (C collation) and by several keys', async () => {
    const keys: SortKey[] = [
      { expr: column(0, 'int4'), descending: false, nullsFirst: true },
      { expr: column(1, 'text'), descending: true, nullsFirst: false },
    ]
    const rows = await rowsOf(new SortOp(sortPlan(keys, null), source(input), context))
    assert.deepEqual(
      rows.map((row) => row[1]),
      ['n2', 'n1', 'b', 'a', 'B', 'c', 'é'],
    )
  })

  it('top-k equals a full sort followed by LIMIT, ties included', async () => {
    const values = Array.from({ length: 20000 }, (_, i) => ((i * 7919) % 101) - 50)
    const big = batchOf(
      ['int8', 'int4'],
      [values.map((v, i) => (i % 13 === 0 ? null : v)), values.map((_, i) => i)],
    )
    for (const descending of [false, true]) {
      const keys: SortKey[] = [{ expr: column(0, 'int8'), descending, nullsFirst: descending }]
      const full = await rowsOf(new SortOp(sortPlan(keys, null), source(big, 4096), context))
      for (const k of [1, 7, 500, 19999, 25000]) {
        const top = await rowsOf(new SortOp(sortPlan(keys, k), source(big, 4096), context))
        assert.deepEqual(top, full.slice(0, k), `k=${k} descending=${descending}`)
      }
    }
  })
})

describe('LimitOp and DistinctOp', () => {
  const input = batchOf(['int4'], [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])

  it('applies offset then limit across batch boundaries', async () => {
    assert.deepEqual(await rowsOf(new LimitOp(source(input), 4, 2, context)), [[2], [3], [4], [5]])
    assert.deepEqual(await rowsOf(new LimitOp(source(input), null, 8, context)), [[8], [9]])
    assert.deepEqual(await rowsOf(new LimitOp(source(input), 0, 0, context)), [])
  })

  it('stops pulling its input once the limit is reached', async () => {
    let pulled = 0
    const counting: Operator = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 100; i++) {
          pulled++
          yield input
        }
      },
    }
    assert.equal((await rowsOf(new LimitOp(counting, 15, 0, context))).length, 15)
    assert.equal(pulled, 2)
  })

  it('keeps the first of each distinct row, NULLs equal', async () => {
    const rows = batchOf(
      ['int4', 'text'],
      [
        [1, 1, null, null, 2, 1],
        ['a', 'a', null, null, 'a', 'b'],
      ],
    )
    assert.deepEqual(await rowsOf(new DistinctOp(source(rows, 2), context)), [
      [1, 'a'],
      [null, null],
      [2, 'a'],
      [1, 'b'],
    ])
  })
})

describe('AggregateOp', () => {
  const calls: AggregateCall[] = [
    { fn: 'count_star', args: [], distinct: false, filter: null, type: 'int8' },
    { fn: 'sum', args: [column(1, 'int4')], distinct: false, filter: null, type: 'int8' },
    { fn: 'avg', args: [column(1, 'int4')], distinct: false, filter: null, type: 'numeric' },
    { fn: 'count', args: [column(1, 'int4')], distinct: true, filter: null, type: 'int8' },
  ]
  const groupBy = [column(0, 'text')]
  const input = batchOf(
    ['text', 'int4'],
    [
      ['a', 'b', 'a', null, 'b', 'a', null],
      [1, 2, 2, 5, null, 1, 5],
    ],
  )
  const plan = (mode: AggregatePlan['mode']): AggregatePlan => ({
    kind: 'aggregate',
    mode,
    input: { kind: 'values', fields: [], rows: [] },
    groupBy,
    aggregates: calls,
  })

  it('single mode equals partial states merged by final mode', async () => {
    const single = await rowsOf(new AggregateOp(plan('single'), source(input, 2), context))
    const partials: Batch[] = []
    for (let start = 0; start < input.length; start += 3) {
      const partial = new GroupedAggregation(groupBy, calls, context.evalContext)
      partial.update(sliceBatch(input, start, Math.min(input.length, start + 3)))
      partials.push(...partial.partialBatches())
    }
    const partialSource: Operator = {
      async *[Symbol.asyncIterator]() {
        yield* partials
      },
    }
    const final = await rowsOf(new AggregateOp(plan('final'), partialSource, context))
    const sorted = (rows: ScalarValue[][]): string[] =>
      rows.map((row) => JSON.stringify(row)).sort()
    assert.deepEqual(sorted(final), sorted(single))
    assert.deepEqual(sorted(single), [
      '["a",3,4,"1.3333333333333333",2]',
      '["b",2,2,"2.0000000000000000",1]',
      '[null,2,10,"5.0000000000000000",1]',
    ])
  })
})

describe('plans', () => {
  it('runs VALUES → filter → project → sort → limit', async () => {
    const values: PhysicalPlan = {
      kind: 'values',
      fields: [{ name: 'x', type: 'int4' }],
      rows: [
        [literal(3, 'int4')],
        [literal(1, 'int4')],
        [literal(null, 'int4')],
        [literal(2, 'int4')],
      ],
    }
    const filtered: PhysicalPlan = {
      kind: 'filter',
      input: values,
      predicate: { kind: 'call', fn: 'is_not_null', args: [column(0, 'int4')], type: 'bool' },
    }
    const sorted: PhysicalPlan = {
      kind: 'sort',
      input: { kind: 'project', input: filtered, exprs: [column(0, 'int4'), literal('k', 'text')] },
      keys: [{ expr: column(0, 'int4'), descending: false, nullsFirst: false }],
      limit: null,
    }
    const limited: PhysicalPlan = { kind: 'limit', input: sorted, limit: 2, offset: 0 }
    assert.deepEqual(await rowsOf(buildOperator(limited, context)), [
      [1, 'k'],
      [2, 'k'],
    ])
  })

  it('raises 57014 when the statement is canceled', async () => {
    const controller = new AbortController()
    const operator = new LimitOp(
      source(batchOf(['int4'], [[1, 2, 3, 4]]), 1),
      null,
      0,
      contextWith(controller.signal),
    )
    const rows: number[] = []
    await assert.rejects(
      (async () => {
        for await (const batch of operator) {
          rows.push(batch.length)
          controller.abort()
        }
      })(),
      (error: unknown) =>
        error instanceof PgError &&
        error.code === '57014' &&
        error.message === 'canceling statement due to user request',
    )
    assert.deepEqual(rows, [1])
  })
})
