import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isNullAt, type Vector } from '../common/index.js'
import { capNewColumns, compareJsonKeys, numericText } from './column-cap.js'
import { JsonEventBatchBuilder, jsonTimeFieldOf } from './json-events.js'

function texts(vector: Vector): (string | null)[] {
  const out: (string | null)[] = []
  for (let row = 0; row < vector.length; row++) {
    if (isNullAt(vector, row) || vector.kind !== 'text') out.push(null)
    else
      out.push(
        Buffer.from(vector.data.subarray(vector.offsets[row], vector.offsets[row + 1])).toString(),
      )
  }
  return out
}

function batchOf(lines: readonly string[]) {
  const builder = new JsonEventBatchBuilder({ timeField: 'ts', arrivalMicros: 0 })
  lines.forEach((line, index) => builder.addLine(line, index + 1))
  return builder.finish()
}

test('column cap: new fields past max_columns go to _overflow as one jsonb object per row', () => {
  const { fields, batch } = batchOf([
    '{"ts":"2024-01-01T00:00:00Z","service":"api","http":{"method":"GET"},"n":1.5e-7,"tags":["a",null]}',
    '{"service":"web","zz":true,"big":1e21}',
    '{"service":"db"}',
  ])
  const known = new Set(['ts'])
  const capped = capNewColumns(fields, batch, {
    known: (name) => known.has(name),
    columns: 1,
    maxColumns: 2,
    timeField: 'ts',
  })
  assert.deepEqual(
    capped.fields.map((field) => `${field.name}:${field.type}`),
    ['ts:timestamptz', 'service:text', '_overflow:jsonb'],
  )
  assert.deepEqual(texts(capped.batch.columns[2]!), [
    '{"n": 0.00000015, "tags": ["a", null], "http.method": "GET"}',
    '{"zz": true, "big": 1000000000000000000000}',
    null,
  ])
  assert.equal(capped.overflowed, 5)
})

test('column cap: known columns keep filling, the time field is never overflowed', () => {
  const { fields, batch } = batchOf(['{"ts":1000,"a":1,"b":2,"c":3}'])
  const capped = capNewColumns(fields, batch, {
    known: (name) => name === 'b',
    columns: 5,
    maxColumns: 5,
    timeField: 'ts',
  })
  assert.deepEqual(
    capped.fields.map((field) => field.name),
    ['ts', 'b', '_overflow'],
  )
  assert.deepEqual(texts(capped.batch.columns[2]!), ['{"a": 1, "c": 3}'])
})

test('column cap: under the cap nothing changes; a field named _overflow always overflows', () => {
  const { fields, batch } = batchOf(['{"ts":1000,"a":1}'])
  const same = capNewColumns(fields, batch, {
    known: () => false,
    columns: 0,
    maxColumns: 10,
    timeField: 'ts',
  })
  assert.equal(same.batch, batch)
  assert.equal(same.overflowed, 0)
  const named = batchOf(['{"ts":1000,"_overflow":"x"}'])
  const folded = capNewColumns(named.fields, named.batch, {
    known: () => false,
    columns: 0,
    maxColumns: 10,
    timeField: 'ts',
  })
  assert.deepEqual(texts(folded.batch.columns[1]!), ['{"_overflow": "x"}'])
})

test('column cap: jsonb key order and numeric text as PostgreSQL prints them', () => {
  assert.deepEqual(['bb', 'a', 'ab', 'é'].sort(compareJsonKeys), ['a', 'ab', 'bb', 'é'])
  assert.equal(numericText(1e21), '1000000000000000000000')
  assert.equal(numericText(-1.25e-7), '-0.000000125')
  assert.equal(numericText(42), '42')
  assert.equal(numericText(-0), '0')
})

test('time field: time_field, else the time column, else timestamp, ts, time of the first event', () => {
  assert.equal(jsonTimeFieldOf({ timeField: 'at', timeColumn: 'ts' }, { ts: 1 }), 'at')
  assert.equal(jsonTimeFieldOf({ timeColumn: 'ts' }, { timestamp: 1 }), 'ts')
  assert.equal(jsonTimeFieldOf({ timeColumn: null }, { ts: 1, timestamp: 2 }), 'timestamp')
  assert.equal(jsonTimeFieldOf(undefined, { ts: 1 }), 'ts')
  assert.equal(jsonTimeFieldOf(undefined, null), 'timestamp')
})
