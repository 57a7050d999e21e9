// The byte normalizer must print what parseJson + serializeJson print for every document it
// takes, and decline (leaving the sink as it was) every one it cannot print exactly.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { makeTextVector } from '../expr/vector-builders.js'
import { parseJson, serializeJson } from './json-value.js'
import { JsonbByteSink, castTextToJsonbBytes, normalizeJsonbBytes } from './jsonb-bytes.js'

function normalized(text: string): string | null {
  const sink = new JsonbByteSink()
  sink.copy(Buffer.from('prefix'), 0, 6)
  const bytes = Buffer.from(text, 'utf8')
  const taken = normalizeJsonbBytes(bytes, 0, bytes.length, sink)
  const written = Buffer.from(sink.data.subarray(0, sink.length)).toString('utf8')
  if (!taken) {
    assert.equal(written, 'prefix', `declined ${text} but wrote`)
    return null
  }
  return written.slice(6)
}

test('jsonb bytes: sorted keys, last duplicate wins, nesting, spacing, multi-byte keys', () => {
  const cases = [
    '{"network":{"client":{"ip":"10.1.2.3"}},"dd":{"env":"prod"},"http":{"status_code":301}}',
    '{"b":1,"a":2,"b":3}',
    ' { "é" : [ 1 , -2 , true , false , null , [ ] , { } ] , "z" : "" } ',
    '{"ab":1,"b":2,"aa":{"y":1,"x":2,"x":[3]}}',
    '[]',
    '{}',
    '"plain ✓ text"',
    '0',
    '-12',
  ]
  for (const text of cases) assert.equal(normalized(text), serializeJson(parseJson(text)), text)
})

test('jsonb bytes declines what only the general path prints right', () => {
  for (const text of [
    '1.50',
    '1e3',
    '-0',
    '"a\\nb"',
    '{"a":1,}',
    '[1 2]',
    'tru',
    'nullx',
    '01',
    '{"a"}',
    '"\t"',
    '12a',
    '',
  ])
    assert.equal(normalized(text), null, text)
})

test('castTextToJsonbBytes equals the general cast, declined rows and NULLs included', () => {
  const values = ['{"b":1,"a":[1.5,"x"]}', null, '{"k":"\\u00e9","a":1}', '{"z":{"y":null,"x":-3}}']
  const cast = castTextToJsonbBytes(makeTextVector('text', values))
  assert.equal(cast.type, 'jsonb')
  const texts = Array.from({ length: cast.length }, (_, row) =>
    cast.validity !== null && cast.validity[row] === 0
      ? null
      : Buffer.from(cast.data.subarray(cast.offsets[row], cast.offsets[row + 1])).toString(),
  )
  assert.deepEqual(
    texts,
    values.map((value) => (value === null ? null : serializeJson(parseJson(value)))),
  )
})
