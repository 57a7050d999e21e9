import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isNullAt, type Vector } from '../common/index.js'
import { JsonEventBatchBuilder, JsonEventError, parseIsoTimestampMicros } from './json-events.js'
import { reconcileTypes } from './type-drift.js'

function valuesOf(vector: Vector): unknown[] {
  const out: unknown[] = []
  for (let row = 0; row < vector.length; row++) {
    if (isNullAt(vector, row)) out.push(null)
    else if (vector.kind === 'number') out.push(vector.values[row])
    else if (vector.kind === 'bool') out.push(vector.values[row] === 1)
    else if (vector.kind === 'text')
      out.push(
        Buffer.from(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1])).toString(),
      )
    else if (vector.kind === 'array') {
      const all = valuesOf(vector.child)
      out.push(all.slice(vector.offsets[row], vector.offsets[row + 1]))
    }
  }
  return out
}

test('json events: nested objects flatten to dotted columns, typed per batch', () => {
  const builder = new JsonEventBatchBuilder({ timeField: 'timestamp', arrivalMicros: 42 })
  builder.addLine(
    '{"timestamp":"2024-01-01T00:00:01.5Z","http":{"method":"GET","status_code":200},"ok":true}',
    1,
  )
  builder.addLine('', 2)
  builder.addLine(
    '{"http":{"method":"POST","status_code":500},"latency":1.5,"tags":["a",1],"n":null}',
    3,
  )
  builder.addLine('{"latency":2,"mixed":"x"}', 4)
  builder.addEvent({ mixed: 3, ok: false }, 5)
  const { fields, batch } = builder.finish()
  assert.equal(batch.length, 4)
  assert.deepEqual(fields, [
    { name: 'timestamp', type: 'timestamptz' },
    { name: 'http.method', type: 'text' },
    { name: 'http.status_code', type: 'int8' },
    { name: 'ok', type: 'bool' },
    { name: 'latency', type: 'float8' },
    { name: 'tags', type: '_text' },
    { name: 'mixed', type: 'text' },
  ])
  const columns = batch.columns.map(valuesOf)
  assert.deepEqual(columns[0], [Date.UTC(2024, 0, 1, 0, 0, 1) * 1000 + 500_000, 42, 42, 42])
  assert.deepEqual(columns[1], ['GET', 'POST', null, null])
  assert.deepEqual(columns[2], [200, 500, null, null])
  assert.deepEqual(columns[3], [true, null, null, false])
  assert.deepEqual(columns[4], [null, 1.5, 2, null])
  assert.deepEqual(columns[5], [null, ['a', '1'], null, null])
  assert.deepEqual(columns[6], [null, null, 'x', '3'])
})

test('json events: JSON arrays become array columns typed by their elements', () => {
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  builder.addEvent({ ints: [1, 2], nums: [1], strs: ['a', null], flags: [true], none: [] }, 1)
  builder.addEvent(
    { ints: [], nums: [2.5, 3], strs: ['b'], flags: null, nested: [[1], { k: 2 }] },
    2,
  )
  builder.addEvent({ ints: null, none: [], drift: [1] }, 3)
  builder.addEvent({ drift: 'x' }, 4)
  const { fields, batch } = builder.finish()
  assert.deepEqual(
    fields.map((f) => `${f.name}:${f.type}`),
    [
      'ts:timestamptz',
      'ints:_int8',
      'nums:_float8',
      'strs:_text',
      'flags:_bool',
      'none:_text',
      'nested:_text',
      'drift:text',
    ],
  )
  const columns = batch.columns.map(valuesOf)
  assert.deepEqual(columns[1], [[1, 2], [], null, null])
  assert.deepEqual(columns[2], [[1], [2.5, 3], null, null])
  assert.deepEqual(columns[3], [['a', null], ['b'], null, null])
  assert.deepEqual(columns[4], [[true], null, null, null])
  assert.deepEqual(columns[5], [[], null, [], null])
  assert.deepEqual(columns[6], [null, ['[1]', '{"k":2}'], null, null])
  assert.deepEqual(columns[7], [null, null, '[1]', 'x'])
  // Type drift: int8[] widens into float8[]; arrays into text[] and text columns.
  const known = new Map([
    ['ints', '_float8'],
    ['nums', '_text'],
    ['strs', 'text'],
  ] as const)
  const placed = reconcileTypes((name) => known.get(name as 'ints'), fields, batch)
  const byName = new Map(placed.fields.map((f, i) => [f.name, placed.batch.columns[i]!]))
  assert.equal(byName.get('ints')?.type, '_float8')
  assert.deepEqual(valuesOf(byName.get('nums')!), [['1'], ['2.5', '3'], null, null])
  assert.deepEqual(valuesOf(byName.get('strs')!), ['["a",null]', '["b"]', null, null])
})

test('json events: malformed lines, non-objects and bad timestamps name their line', () => {
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  const lineOf = (error: unknown): number => (error instanceof JsonEventError ? error.line : -1)
  assert.throws(
    () => builder.addLine('{"a":', 7),
    (error) => lineOf(error) === 7,
  )
  assert.throws(
    () => builder.addLine('[1,2]', 8),
    (error) => lineOf(error) === 8,
  )
  assert.throws(
    () => builder.addLine('{"ts":"yesterday"}', 9),
    (error) => lineOf(error) === 9,
  )
  assert.throws(
    () => builder.addLine('{"ts":true}', 10),
    (error) => lineOf(error) === 10,
  )
})

test('json events: ISO timestamps with offsets, fractions and dates; epoch milliseconds', () => {
  assert.equal(parseIsoTimestampMicros('2024-01-01T00:00:00Z'), Date.UTC(2024, 0, 1) * 1000)
  assert.equal(parseIsoTimestampMicros('2024-01-01 02:00:00+02:00'), Date.UTC(2024, 0, 1) * 1000)
  assert.equal(
    parseIsoTimestampMicros('2024-01-01T00:00:00.000001'),
    Date.UTC(2024, 0, 1) * 1000 + 1,
  )
  assert.equal(parseIsoTimestampMicros('2024-02-30'), null)
  assert.equal(parseIsoTimestampMicros('not a time'), null)
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  builder.addEvent({ ts: 1_700_000_000_123 }, 1)
  assert.deepEqual(valuesOf(builder.finish().batch.columns[0]!), [1_700_000_000_123_000])
})

test('type drift: widened, stored as text, or moved to a typed sibling column', () => {
  const known = new Map([
    ['f', 'float8'],
    ['s', 'text'],
    ['i', 'int8'],
  ] as const)
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  builder.addEvent({ f: 1, s: 2, i: 'oops', b: true }, 1)
  const { fields, batch } = builder.finish()
  const out = reconcileTypes((name) => known.get(name as 'f'), fields, batch)
  assert.deepEqual(out.fields, [
    { name: 'ts', type: 'timestamptz' },
    { name: 'f', type: 'float8' },
    { name: 's', type: 'text' },
    { name: 'i__text', type: 'text' },
    { name: 'b', type: 'bool' },
  ])
  assert.deepEqual(out.batch.columns.slice(1).map(valuesOf), [[1], ['2'], ['oops'], [true]])
})

test('json events: a malformed event leaves the builder as it was', () => {
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  builder.addEvent({ ts: 1000, a: 1 }, 1)
  assert.throws(() => builder.addEvent({ a: 'text', b: true, ts: 'not a time' }, 2), JsonEventError)
  builder.addEvent({ ts: 2000 }, 3)
  const { fields, batch } = builder.finish()
  assert.deepEqual(fields, [
    { name: 'ts', type: 'timestamptz' },
    { name: 'a', type: 'int8' },
  ])
  assert.deepEqual(valuesOf(batch.columns[1]!), [1, null])
})
