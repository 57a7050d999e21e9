// Binary wire formats: what the gateway sends for a value must read back, through the
// parameter decoder, as the same in-memory value (both follow PostgreSQL's send/recv).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SqlType, Vector } from '../../common/index.js'
import { makeTextVector } from '../../executor/expr/vector-builders.js'
import { arrayVectorFromTexts } from '../../executor/expr/array-values.js'
import { BackendWriter } from '../protocol/backend-writer.js'
import { columnWriters, writeNumeric } from './data-rows.js'
import { decodeBinaryParameter, decodeNumeric, decodeParameter } from './parameters.js'

/** Encodes row 0 of `vector` in binary and returns the value bytes (null for NULL). */
function sendBinary(type: SqlType, vector: Vector): Buffer | null {
  const out = new BackendWriter()
  const [writer] = columnWriters(
    [{ name: 'v', type, tableOid: 0, columnNumber: 0 }],
    [1],
    () => null,
  )
  writer!(out, vector, 0)
  const bytes = out.take() ?? Buffer.alloc(0)
  const length = bytes.readInt32BE(0)
  return length === -1 ? null : bytes.subarray(4, 4 + length)
}

const numberVector = (type: SqlType, value: number): Vector => ({
  kind: 'number',
  type,
  length: 1,
  validity: null,
  values: new Float64Array([value]),
})

test('number-like values round-trip through their binary formats', () => {
  const cases: [SqlType, number, number][] = [
    ['int2', -12345, 2],
    ['int4', 2147483647, 4],
    ['int8', -9007199254740991, 8],
    ['int8', 1234567890123, 8],
    ['float4', 1.5, 4],
    ['float8', Math.PI, 8],
    ['oid', 4000000000, 4],
    ['timestamptz', Date.UTC(2024, 1, 29, 12, 30) * 1000 + 123, 8],
    ['timestamp', -123456789, 8],
    ['date', 19000, 4],
  ]
  for (const [type, value, width] of cases) {
    const bytes = sendBinary(type, numberVector(type, value))
    assert.equal(bytes?.length, width, type)
    assert.equal(decodeBinaryParameter(type, bytes!), value, type)
  }
})

test('timestamps go out counted from 2000-01-01, dates too', () => {
  const micros = Date.UTC(2000, 0, 2) * 1000
  assert.equal(
    sendBinary('timestamptz', numberVector('timestamptz', micros))?.readBigInt64BE(0),
    86_400_000_000n,
  )
  assert.equal(sendBinary('date', numberVector('date', 10_957 + 3))?.readInt32BE(0), 3)
})

test('bool, text, jsonb and NULL', () => {
  const bool: Vector = {
    kind: 'bool',
    type: 'bool',
    length: 1,
    validity: null,
    values: new Uint8Array([1]),
  }
  assert.equal(decodeBinaryParameter('bool', sendBinary('bool', bool)!), true)
  const data = new TextEncoder().encode('{"a":"ü"}')
  const text: Vector = {
    kind: 'text',
    type: 'jsonb',
    length: 1,
    validity: null,
    offsets: new Int32Array([0, data.length]),
    data,
  }
  assert.equal(sendBinary('jsonb', text)?.[0], 1)
  assert.equal(decodeBinaryParameter('jsonb', sendBinary('jsonb', text)!), '{"a":"ü"}')
  assert.equal(
    decodeBinaryParameter('text', sendBinary('text', { ...text, type: 'text' })!),
    '{"a":"ü"}',
  )
  const nullInt: Vector = { ...numberVector('int4', 0), validity: new Uint8Array([0]) }
  assert.equal(sendBinary('int4', nullInt), null)
  assert.equal(decodeParameter('int4', 1, null), null)
  assert.equal(decodeParameter('int4', 0, Buffer.from('42')), '42')
})

test('numeric binary form round-trips exact decimals', () => {
  const cases: [bigint, number, string][] = [
    [0n, 0, '0'],
    [0n, 2, '0.00'],
    [12345678n, 3, '12345.678'],
    [-5n, 4, '-0.0005'],
    [100000000n, 0, '100000000'],
    [1n, 9, '0.000000001'],
    [-123450000n, 4, '-12345.0000'],
  ]
  for (const [unscaled, scale, text] of cases) {
    const out = new BackendWriter()
    writeNumeric(out, unscaled, scale)
    const bytes = out.take()!
    assert.equal(decodeNumeric(bytes.subarray(4)), text, text)
  }
})

test('bad binary parameters are 22P03, huge bigints 22003', () => {
  assert.throws(() => decodeBinaryParameter('int4', Buffer.alloc(3)), { code: '22P03' })
  const huge = Buffer.alloc(8)
  huge.writeBigInt64BE(2n ** 60n)
  assert.throws(() => decodeBinaryParameter('int8', huge), { code: '22003' })
  assert.throws(() => decodeBinaryParameter('interval', Buffer.alloc(12)), { code: '22P03' })
})

test('interval travels as int64 microseconds, int32 days, int32 months', () => {
  const vector = makeTextVector('interval', ['1 year 2 mons -3 days 04:05:06.5'])
  const bytes = sendBinary('interval', vector)!
  assert.equal(bytes.length, 16)
  assert.equal(bytes.readBigInt64BE(0), 14_706_500_000n)
  assert.equal(bytes.readInt32BE(8), -3)
  assert.equal(bytes.readInt32BE(12), 14)
  assert.equal(decodeBinaryParameter('interval', bytes), '1 year 2 mons -3 days +04:05:06.5')
})

test('arrays send as array_send (header, bounds, elements) and read back through array_recv', () => {
  const vector = arrayVectorFromTexts('_int4', ['{7,NULL,-1}'])
  const bytes = sendBinary('_int4', vector)
  const expected = Buffer.alloc(20 + 4 + 4 + 4 + 4 + 4)
  let at = 0
  for (const word of [1, 1, 23, 3, 1, 4, 7, -1, 4, -1]) at = expected.writeInt32BE(word, at)
  assert.deepEqual(bytes, expected)
  assert.equal(decodeBinaryParameter('_int4', bytes!), '{7,NULL,-1}')
  const empty = sendBinary('_text', arrayVectorFromTexts('_text', ['{}']))
  assert.deepEqual(empty, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]))
  assert.equal(decodeBinaryParameter('_text', empty!), '{}')
  const texts = arrayVectorFromTexts('_text', ['{"a b",""}'])
  assert.equal(decodeBinaryParameter('_text', sendBinary('_text', texts)!), '{"a b",""}')
  const times = arrayVectorFromTexts('_timestamptz', ['{"2024-01-01 00:00:00+00"}'])
  const timeText = decodeBinaryParameter('_timestamptz', sendBinary('_timestamptz', times)!)
  assert.equal(timeText, '{"2024-01-01 00:00:00+00"}')
})
