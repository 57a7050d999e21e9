// jsonb's normalization, escaping and operators on parsed values, against what PostgreSQL 15
// prints (the same cases run on the oracle in sqllogic/types/jsonb.slt).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jsonContains, jsonGet, jsonGetPath, jsonHasKey, parseTextArray } from './json-ops.js'
import { scanElement, scanField } from './json-scan.js'
import { normalizeJsonNumber, parseJson, serializeJson } from './json-value.js'

const jsonb = (text: string): string => serializeJson(parseJson(text))

test('jsonb_out: sorted unique keys, spacing, numbers as numeric text', () => {
  assert.equal(
    jsonb('{"b":[1,2.50,1e2],"a":{"x":null},"aa":true,"a":5}'),
    '{"a": 5, "b": [1, 2.50, 100], "aa": true}',
  )
  assert.equal(jsonb('{"éa": 1, "z": 2, "ab": 3}'), '{"z": 2, "ab": 3, "éa": 1}')
  assert.equal(jsonb('"a\\"b\\\\c\\nd\\u00e9\\u0001"'), '"a\\"b\\\\c\\nd\u00e9\\u0001"')
  for (const [input, output] of [
    ['-0', '0'],
    ['1.5E-3', '0.0015'],
    ['1.50e1', '15.0'],
    ['12e-1', '1.2'],
    ['0.000', '0.000'],
  ])
    assert.equal(normalizeJsonNumber(input!), output)
})

test('bad JSON is 22P02, \\u0000 is 22P05', () => {
  for (const text of ['{"a": }', '[1, 2', 'nul', '01', '{"a" 1}', '"\\x"', ''])
    assert.throws(() => parseJson(text), { code: '22P02' }, text)
  assert.throws(() => parseJson('"\\u0000"'), { code: '22P05' })
})

test('access, key tests and containment follow jsonb semantics', () => {
  const doc = parseJson('{"a": [1, {"b": 2}], "c": "x"}')
  assert.equal(serializeJson(jsonGetPath(doc, ['a', '1', 'b'])!), '2')
  assert.equal(jsonGetPath(doc, ['a', 'b']), undefined)
  assert.equal(serializeJson(jsonGet(parseJson('[1, 2, 3]'), -1)!), '3')
  assert.equal(serializeJson(jsonGet(parseJson('"s"'), 0, true)!), '"s"')
  assert.equal(jsonHasKey(parseJson('["a", 1]'), 'a'), true)
  assert.equal(jsonContains(doc, parseJson('{"a": [{"b": 2}]}')), true)
  assert.equal(jsonContains(parseJson('[1, 2, 3]'), parseJson('2')), true)
  assert.equal(jsonContains(parseJson('[[1, 2]]'), parseJson('[1]')), false)
  assert.equal(jsonContains(parseJson('{"n": 1.0}'), parseJson('{"n": 1}')), true)
  assert.deepEqual(parseTextArray('{a, "b c",1}'), ['a', 'b c', '1'])
})

test('the field scanner finds the byte ranges the parser would', () => {
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  const text = '{"a": [1, {"b": "x\\"}"}], "ab": "é", "abc": {"d": null}, "n": 2.50}'
  const data = encoder.encode(text)
  const range = new Int32Array(2)
  const field = (key: string): string | null => {
    assert.equal(scanField(data, 0, data.length, encoder.encode(key), range), true)
    return range[0]! < 0 ? null : decoder.decode(data.subarray(range[0], range[1]))
  }
  assert.equal(field('a'), '[1, {"b": "x\\"}"}]')
  assert.equal(field('ab'), '"é"')
  assert.equal(field('abc'), '{"d": null}')
  assert.equal(field('n'), '2.50')
  assert.equal(field('zz'), null)
  const array = encoder.encode('[10, [20, 21], "30"]')
  scanElement(array, 0, array.length, -2, range)
  assert.equal(decoder.decode(array.subarray(range[0], range[1])), '[20, 21]')
  scanElement(array, 0, array.length, 3, range)
  assert.equal(range[0], -1)
  const escapedKey = encoder.encode('{"a\\u0062": 1}')
  assert.equal(scanField(escapedKey, 0, escapedKey.length, encoder.encode('ab'), range), false)
})
