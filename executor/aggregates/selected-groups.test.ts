// Grouping a filtered batch without gathering it: GroupTable.findOrInsertSelected on
// dictionary codes and GroupedAggregation.updateSelected must agree with grouping the
// gathered rows (takeRows then update), NULL keys and values included.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { takeVector, type Batch, type SqlType, type TextVector } from '../../common/index.js'
import { takeRows } from '../expr/batch-ops.js'
import { makeTextVector, scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr } from '../plan.js'
import { GroupTable } from './group-table.js'
import { GroupedAggregation } from './grouped-aggregation.js'

const context = { timeZone: 'UTC', nowMicros: 0 }
const column = (index: number, type: SqlType): Expr => ({ kind: 'column', index, type })
const call = (fn: string, args: Expr[], type: SqlType, filter: Expr | null = null) =>
  ({ fn, args, distinct: false, filter, type }) as AggregateCall

/** A dictionary-encoded text vector: row i is entries[codes[i]], NULL where codes[i] < 0. */
function dictionaryVector(entries: readonly string[], codes: readonly number[]): TextVector {
  const plain = makeTextVector(
    'text',
    codes.map((code) => (code < 0 ? null : entries[code]!)),
  )
  const values = makeTextVector('text', entries)
  const dictionary = { codes: Uint16Array.from(codes, (code) => Math.max(code, 0)), values }
  return { ...plain, dictionary }
}

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function sortedRows(batches: readonly Batch[]): string[] {
  const rows: string[] = []
  for (const batch of batches) {
    for (let row = 0; row < batch.length; row++) {
      rows.push(JSON.stringify(batch.columns.map((vector) => scalarAt(vector, row))))
    }
  }
  return rows.sort()
}

describe('GroupTable.findOrInsertSelected', () => {
  it('groups selected rows by dictionary code, NULL rows as one group', () => {
    const keys = dictionaryVector(['a', 'b', 'c'], [0, 1, -1, 2, 0, -1, 1])
    const table = new GroupTable(['text'])
    const ids = table.findOrInsertSelected(keys, Int32Array.from([1, 2, 4, 5, 6]))
    assert.deepEqual([...ids], [0, 1, 2, 1, 0])
    assert.equal(table.groupCount, 3)
    // The same keys without a dictionary find the same groups.
    const { dictionary: _codes, ...withoutCodes } = keys
    const plain = takeVector(withoutCodes, Int32Array.from([0, 2, 3]))
    assert.deepEqual([...table.findOrInsert([plain], 3)], [2, 1, 3])
    assert.deepEqual(
      Array.from({ length: 4 }, (_, group) => scalarAt(table.keyVectors()[0]!, group)),
      ['b', null, 'a', 'c'],
    )
  })

  it('adds nothing for an empty selection', () => {
    const table = new GroupTable(['text'])
    const ids = table.findOrInsertSelected(dictionaryVector(['a'], [0, 0]), new Int32Array(0))
    assert.equal(ids.length, 0)
    assert.equal(table.groupCount, 0)
  })

  it('grows past its initial capacity across dictionaries', () => {
    const table = new GroupTable(['text'])
    const entries = Array.from({ length: 3000 }, (_, i) => `host-${i}`)
    const next = random(7)
    for (let batch = 0; batch < 4; batch++) {
      const codes = Array.from({ length: 5000 }, () => Math.floor(next() * entries.length))
      const keys = dictionaryVector(entries, codes)
      const selection = Int32Array.from({ length: 2500 }, (_, i) => i * 2)
      const ids = table.findOrInsertSelected(keys, selection)
      const names = table.keyVectors()[0]!
      selection.forEach((row, i) => assert.equal(scalarAt(names, ids[i]!), entries[codes[row]!]))
    }
    assert.ok(table.groupCount > 64, `${table.groupCount} groups`)
  })
})

describe('GroupedAggregation.updateSelected', () => {
  const aggregates = [
    call('count_star', [], 'int8'),
    call('sum', [column(1, 'float8')], 'float8'),
    call('count', [column(1, 'float8')], 'int8'),
    call('max', [column(2, 'text')], 'text'),
    call('count_star', [], 'int8', {
      kind: 'call',
      fn: 'eq',
      args: [column(2, 'text'), { kind: 'literal', value: 'x', type: 'text' }],
      type: 'bool',
    }),
  ]

  function batchOf(seed: number, rows: number): Batch {
    const next = random(seed)
    const services = Array.from({ length: 200 }, (_, i) => `svc-${i}`)
    const codes = Array.from({ length: rows }, () =>
      next() < 0.05 ? -1 : Math.floor(next() * services.length),
    )
    const values = Array.from({ length: rows }, () => (next() < 0.1 ? null : next() * 100))
    const others = Array.from({ length: rows }, () => (next() < 0.5 ? 'x' : 'y'))
    return {
      length: rows,
      columns: [
        dictionaryVector(services, codes),
        vectorFromValues('float8', values),
        vectorFromValues('text', others),
      ],
    }
  }

  for (const groupBy of [[column(0, 'text')], [column(0, 'text'), column(2, 'text')], []]) {
    it(`agrees with gathering first (${groupBy.length} keys)`, () => {
      const selected = new GroupedAggregation(groupBy, aggregates, context)
      const gathered = new GroupedAggregation(groupBy, aggregates, context)
      for (let seed = 1; seed <= 3; seed++) {
        const batch = batchOf(seed, 3000)
        const selection = Int32Array.from({ length: 1000 }, (_, i) => i * 3 + (seed % 3))
        selected.updateSelected(batch, selection)
        gathered.update(takeRows(batch, selection))
      }
      selected.updateSelected(batchOf(9, 10), new Int32Array(0))
      assert.deepEqual(sortedRows(selected.finalBatches()), sortedRows(gathered.finalBatches()))
      assert.deepEqual(sortedRows(selected.partialBatches()), sortedRows(gathered.partialBatches()))
    })
  }
})
