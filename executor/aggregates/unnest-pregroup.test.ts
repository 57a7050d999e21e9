// Pre-grouping an aggregate over an unnest (unnest-pregroup.ts) must give the groups and
// values that expanding every row gives: NULL, empty and duplicate-element arrays, NULL
// keys, zipped arrays with ordinality, the LEFT JOIN LATERAL form, and the switch back to
// expanding when the arrays are mostly distinct. Which calls qualify is checked too.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Batch, SqlType, Vector } from '../../common/index.js'
import { arrayVectorFromTexts } from '../expr/array-values.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import { expandBatch } from '../operators/unnest.js'
import type { AggregateCall, Expr, ScanUnnest } from '../plan.js'
import { GroupedAggregation } from './grouped-aggregation.js'
import { preGroupPlan, PreGroupedUnnest } from './unnest-pregroup.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const call = (fn: string, args: Expr[], type: SqlType, filter: Expr | null = null) =>
  ({ fn, args, distinct: false, filter, type }) as AggregateCall

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** Scan batches [service text, ms int4, tags _text, codes _int4] of `rows` random rows. */
function scanBatches(seed: number, batches: number, rows: number, tagKinds: number): Batch[] {
  const next = random(seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!
  const tagText = (): string | null => {
    if (next() < 0.05) return null
    if (next() < 0.05) return '{}'
    const count = 1 + Math.floor(next() * 3)
    const tags = Array.from({ length: count }, () =>
      next() < 0.05 ? 'NULL' : `t${Math.floor(next() * tagKinds)}`,
    )
    return `{${tags.join(',')}}`
  }
  return Array.from({ length: batches }, () => {
    const service = Array.from({ length: rows }, () => pick(['api', 'web', 'db', null]))
    const ms = Array.from({ length: rows }, () => (next() < 0.1 ? null : Math.floor(next() * 100)))
    const tags = Array.from({ length: rows }, tagText)
    const codes = Array.from({ length: rows }, () => pick(['{200}', '{404,500}', null, '{}']))
    return {
      length: rows,
      columns: [
        vectorFromValues('text', service),
        vectorFromValues('int4', ms),
        arrayVectorFromTexts('_text', tags),
        arrayVectorFromTexts('_int4', codes),
      ],
    }
  })
}

/** A value as text; bytes (ddsketch states) as hex. */
const show = (value: unknown): string =>
  value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value)

function sortedRows(batches: readonly Batch[]): string[] {
  const rows: string[] = []
  for (const batch of batches)
    for (let row = 0; row < batch.length; row++)
      rows.push(JSON.stringify(batch.columns.map((vector: Vector) => show(scalarAt(vector, row)))))
  return rows.sort()
}

/** The aggregate's final rows, by expanding every row and by pre-grouping. */
function bothWays(
  unnest: ScanUnnest,
  groupBy: Expr[],
  aggregates: AggregateCall[],
  batches: readonly Batch[],
): { expanded: string[]; preGrouped: string[]; gaveUp: boolean } {
  const direct = new GroupedAggregation(groupBy, aggregates, context)
  for (const batch of batches)
    for (const expanded of expandBatch(batch, unnest, context)) direct.update(expanded)
  const plan = preGroupPlan(unnest, groupBy, aggregates)
  assert.notEqual(plan, null)
  const target = new GroupedAggregation(groupBy, aggregates, context)
  const pre = new PreGroupedUnnest(plan!, unnest, groupBy, aggregates, context, target)
  let gaveUp = false
  for (const batch of batches) {
    if (gaveUp) {
      for (const expanded of expandBatch(batch, unnest, context)) target.update(expanded)
    } else gaveUp = !pre.update(batch)
  }
  pre.finish()
  const final = (aggregation: GroupedAggregation): string[] => {
    const merged = new GroupedAggregation(groupBy, aggregates, context)
    for (const batch of aggregation.partialBatches()) merged.merge(batch)
    return sortedRows(merged.finalBatches())
  }
  return { expanded: final(direct), preGrouped: final(target), gaveUp }
}

// Unnest output: [service, ms] passed through, then the elements (and the ordinality).
const tagsOnly: ScanUnnest = {
  passthrough: [0, 1],
  arrays: [column(2, '_text')],
  ordinality: false,
  outer: false,
  filter: null,
}
const aggregates = [
  call('count_star', [], 'int8'),
  call('count', [column(1, 'int4')], 'int8'),
  call('sum', [column(1, 'int4')], 'int8'),
  call('min', [column(1, 'int4')], 'int4'),
  call('max', [column(1, 'int4')], 'int4'),
  call('avg', [column(1, 'int4')], 'numeric'),
  call('ddsketch_agg', [column(1, 'int4')], 'ddsketch'),
]

describe('PreGroupedUnnest', () => {
  it('agrees with expanding every row, NULL keys, elements and arrays included', () => {
    const batches = scanBatches(3, 4, 2000, 6)
    const { expanded, preGrouped, gaveUp } = bothWays(
      tagsOnly,
      [column(2, 'text'), column(0, 'text')],
      aggregates,
      batches,
    )
    assert.equal(gaveUp, false)
    assert.ok(expanded.length > 10)
    assert.deepEqual(preGrouped, expanded)
  })

  it('agrees for zipped arrays with ordinality, and the LEFT JOIN LATERAL form', () => {
    const batches = scanBatches(5, 3, 1500, 4)
    for (const outer of [false, true]) {
      const unnest: ScanUnnest = {
        passthrough: [0, 1],
        arrays: [column(2, '_text'), column(3, '_int4')],
        ordinality: true,
        outer,
        filter: null,
      }
      const groupBy = [column(4, 'int8'), column(3, 'int4'), column(2, 'text'), column(0, 'text')]
      const { expanded, preGrouped } = bothWays(unnest, groupBy, aggregates, batches)
      assert.deepEqual(preGrouped, expanded)
    }
  })

  it('goes back to expanding when the arrays are mostly distinct, and still agrees', () => {
    const batches = scanBatches(9, 3, 8000, 1_000_000)
    const groupBy = [column(2, 'text')]
    const { expanded, preGrouped, gaveUp } = bothWays(tagsOnly, groupBy, aggregates, batches)
    assert.equal(gaveUp, true)
    assert.deepEqual(preGrouped, expanded)
  })

  it('qualifies only order-free calls over table columns and keys on one side', () => {
    const keys = [column(2, 'text')]
    assert.equal(preGroupPlan(tagsOnly, keys, [call('sum', [column(1, 'float8')], 'float8')]), null)
    assert.equal(
      preGroupPlan(tagsOnly, keys, [call('array_agg', [column(1, 'int4')], '_int4')]),
      null,
    )
    assert.equal(preGroupPlan(tagsOnly, keys, [call('count', [column(2, 'text')], 'int8')]), null)
    const mixed: Expr = {
      kind: 'call',
      fn: 'concat',
      args: [column(0, 'text'), column(2, 'text')],
      type: 'text',
    }
    assert.equal(preGroupPlan(tagsOnly, [mixed], aggregates), null)
    const filtered = { ...tagsOnly, filter: column(2, 'bool') }
    assert.equal(preGroupPlan(filtered, keys, aggregates), null)
    assert.notEqual(preGroupPlan(tagsOnly, [column(0, 'text'), ...keys], aggregates), null)
  })
})
