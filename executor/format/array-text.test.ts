// Array text I/O: PostgreSQL's array_out quoting and array_in parsing, and the vector layer's
// text round trip (common/vector.ts List layout).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, concatVectors, sliceVector, takeVector } from '../../common/index.js'
import { arrayScalarAt, arrayTextAt, arrayVectorFromTexts } from '../expr/array-values.js'
import { formatArrayElements, parseArrayText, quoteArrayElement } from './array-text.js'

test('array_out quotes empty, NULL-spelled, special and white-space elements', () => {
  assert.equal(formatArrayElements(['a', 'b c', null, '"q"']), '{a,"b c",NULL,"\\"q\\""}')
  assert.equal(quoteArrayElement(''), '""')
  assert.equal(quoteArrayElement('null'), '"null"')
  assert.equal(quoteArrayElement('nulls'), 'nulls')
  assert.equal(quoteArrayElement('a\\b'), '"a\\\\b"')
  assert.equal(quoteArrayElement('{x}'), '"{x}"')
  assert.equal(quoteArrayElement('a,b'), '"a,b"')
  assert.equal(quoteArrayElement('tab\there'), '"tab\there"')
  assert.equal(quoteArrayElement('ümlaut'), 'ümlaut')
  assert.equal(formatArrayElements([]), '{}')
})

test('array_in reads quoted, unquoted, escaped and NULL elements', () => {
  assert.deepEqual(parseArrayText('{a,"b c",NULL,"\\"q\\""}'), ['a', 'b c', null, '"q"'])
  assert.deepEqual(parseArrayText('  { 1 , 2 ,3 }  '), ['1', '2', '3'])
  assert.deepEqual(parseArrayText('{}'), [])
  assert.deepEqual(parseArrayText('{"NULL",null}'), ['NULL', null])
  assert.deepEqual(parseArrayText('{a b,  c d  }'), ['a b', 'c d'])
  assert.deepEqual(parseArrayText('{a\\,b,\\ x\\ }'), ['a,b', ' x '])
  assert.deepEqual(parseArrayText('[1:2]={7,8}'), ['7', '8'])
})

test('array_in raises PostgreSQL errors for malformed and multidimensional input', () => {
  const code = (text: string): string | undefined => {
    try {
      parseArrayText(text)
    } catch (error) {
      assert.ok(error instanceof PgError)
      return `${error.fields.code} ${error.fields.detail ?? ''}`
    }
    return undefined
  }
  assert.equal(code('1,2'), '22P02 Array value must start with "{" or dimension information.')
  assert.equal(code('{1,2'), '22P02 Unexpected end of input.')
  assert.equal(code('{1,,2}'), '22P02 Unexpected "," character.')
  assert.equal(code('{1}x'), '22P02 Junk after closing right brace.')
  assert.equal(code('{"a"b}'), '22P02 Unexpected array element.')
  assert.equal(code('{{1},{2}}'), '0A000 ')
  assert.equal(code('[0:1]={1,2}'), '0A000 ')
})

test('array vectors round-trip through text, and take/slice/concat keep elements', () => {
  const texts = ['{1,2,NULL}', null, '{}', '{42}']
  const vector = arrayVectorFromTexts('_int4', texts)
  assert.equal(vector.child.length, 4)
  const back = Array.from({ length: 4 }, (_, row) =>
    vector.validity?.[row] === 0 ? null : arrayScalarAt(vector, row),
  )
  assert.deepEqual(back, texts)
  const taken = takeVector(vector, Int32Array.of(3, 0, 0))
  assert.equal(taken.kind, 'array')
  if (taken.kind !== 'array') return
  assert.deepEqual(
    [0, 1, 2].map((r) => arrayScalarAt(taken, r)),
    ['{42}', '{1,2,NULL}', '{1,2,NULL}'],
  )
  const sliced = sliceVector(vector, 2, 4)
  assert.ok(sliced.kind === 'array')
  assert.deepEqual(
    [0, 1].map((r) => arrayScalarAt(sliced, r)),
    ['{}', '{42}'],
  )
  const joined = concatVectors([sliced, vector])
  assert.ok(joined.kind === 'array')
  assert.equal(joined.length, 6)
  assert.equal(arrayScalarAt(joined, 2), '{1,2,NULL}')
  assert.equal(arrayScalarAt(joined, 5), '{42}')
  assert.equal(joined.validity?.[3], 0)
})

test('timestamptz arrays print in the session time zone and travel as UTC text', () => {
  const vector = arrayVectorFromTexts('_timestamptz', ['{"2024-01-01 10:00:00+02"}'])
  assert.equal(arrayScalarAt(vector, 0), '{"2024-01-01 08:00:00+00"}')
  assert.equal(arrayTextAt(vector, 0, { timeZone: 'Europe/Paris' }), '{"2024-01-01 09:00:00+01"}')
})
