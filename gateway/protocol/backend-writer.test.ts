// Backend messages we encode must parse with node-postgres's own Parser into the fields we
// meant: that parser is what every Node client runs against us.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Parser } from 'pg-protocol/dist/parser.js'
import type { BackendMessage } from 'pg-protocol/dist/messages.js'
import type { Batch } from '../../common/index.js'
import { columnWriters, writeDataRows } from '../types/data-rows.js'
import { BackendWriter } from './backend-writer.js'
import { AuthenticationCode } from './message-codes.js'

function parseAll(bytes: Buffer): BackendMessage[] {
  const messages: BackendMessage[] = []
  new Parser().parse(bytes, (message) => messages.push(message))
  return messages
}

const plain = (message: BackendMessage): Record<string, unknown> =>
  message as unknown as Record<string, unknown>

test('session and query-cycle messages parse into their fields', () => {
  const out = new BackendWriter()
  out.authentication(AuthenticationCode.Ok)
  out.authentication(AuthenticationCode.Sasl, ['SCRAM-SHA-256'])
  out.authentication(AuthenticationCode.SaslContinue, Buffer.from('r=abc,s=c2FsdA==,i=4096'))
  out.authentication(AuthenticationCode.SaslFinal, Buffer.from('v=sig'))
  out.authentication(AuthenticationCode.CleartextPassword)
  out.parameterStatus('TimeZone', 'Europe/Zürich')
  out.backendKeyData(4242, -7)
  out.readyForQuery('T')
  out.parseComplete().bindComplete().closeComplete().noData().portalSuspended().emptyQueryResponse()
  out.parameterDescription([23, 25, 4294967295])
  out.commandComplete('SELECT 3')
  const messages = parseAll(out.take() ?? Buffer.alloc(0))
  assert.deepEqual(
    messages.map((message) => message.name),
    [
      'authenticationOk',
      'authenticationSASL',
      'authenticationSASLContinue',
      'authenticationSASLFinal',
      'authenticationCleartextPassword',
      'parameterStatus',
      'backendKeyData',
      'readyForQuery',
      'parseComplete',
      'bindComplete',
      'closeComplete',
      'noData',
      'portalSuspended',
      'emptyQuery',
      'parameterDescription',
      'commandComplete',
    ],
  )
  assert.deepEqual(plain(messages[1]!).mechanisms, ['SCRAM-SHA-256'])
  assert.equal(plain(messages[2]!).data, 'r=abc,s=c2FsdA==,i=4096')
  assert.equal(plain(messages[3]!).data, 'v=sig')
  assert.deepEqual(
    [plain(messages[5]!).parameterName, plain(messages[5]!).parameterValue],
    ['TimeZone', 'Europe/Zürich'],
  )
  assert.deepEqual([plain(messages[6]!).processID, plain(messages[6]!).secretKey], [4242, -7])
  assert.equal(plain(messages[7]!).status, 'T')
  assert.deepEqual(plain(messages[14]!).dataTypeIDs, [23, 25, 4294967295])
  assert.equal(plain(messages[15]!).text, 'SELECT 3')
  assert.equal(out.take(), null)
})

test('ErrorResponse and NoticeResponse carry S V C M D H P', () => {
  const out = new BackendWriter()
  out.errorResponse({
    code: '42P01',
    message: 'relation "t" does not exist',
    detail: 'd',
    hint: 'h',
    position: 15,
  })
  out.errorResponse({ code: '01000', message: 'careful', severity: 'WARNING' }, 'notice')
  const [error, notice] = parseAll(out.take() ?? Buffer.alloc(0)).map(plain)
  assert.equal(error?.name, 'error')
  assert.deepEqual(
    [error?.severity, error?.code, error?.message, error?.detail, error?.hint, error?.position],
    ['ERROR', '42P01', 'relation "t" does not exist', 'd', 'h', '15'],
  )
  assert.deepEqual(
    [notice?.name, notice?.severity, notice?.code, notice?.message],
    ['notice', 'WARNING', '01000', 'careful'],
  )
})

test('RowDescription and a batch of DataRows in text format', () => {
  const text = new TextEncoder().encode('aéb')
  const batch: Batch = {
    length: 3,
    columns: [
      {
        kind: 'number',
        type: 'int4',
        length: 3,
        validity: new Uint8Array([1, 0, 1]),
        values: new Float64Array([1, 0, -3]),
      },
      {
        kind: 'text',
        type: 'text',
        length: 3,
        validity: null,
        offsets: new Int32Array([0, 1, 3, 4]),
        data: text,
      },
    ],
  }
  const fields = [
    { name: 'n', type: 'int4' as const, tableOid: 16384, columnNumber: 1 },
    { name: 's', type: 'text' as const, tableOid: 0, columnNumber: 0 },
  ]
  const out = new BackendWriter()
  out.rowDescription(fields, [])
  const writers = columnWriters(fields, [], (vector, row) =>
    vector.kind === 'number' && vector.validity?.[row] !== 0 ? String(vector.values[row]) : null,
  )
  writeDataRows(out, batch, 0, 3, writers)
  const [description, ...rows] = parseAll(out.take() ?? Buffer.alloc(0)).map(plain)
  const described = description?.fields as {
    name: string
    tableID: number
    columnID: number
    dataTypeID: number
    dataTypeSize: number
    format: string
  }[]
  assert.deepEqual(
    described.map((field) => [
      field.name,
      field.tableID,
      field.columnID,
      field.dataTypeID,
      field.dataTypeSize,
      field.format,
    ]),
    [
      ['n', 16384, 1, 23, 4, 'text'],
      ['s', 0, 0, 25, -1, 'text'],
    ],
  )
  assert.deepEqual(
    rows.map((row) => row.fields),
    [
      ['1', 'a'],
      [null, 'éb'.slice(0, 1)],
      ['-3', 'b'],
    ],
  )
})

test('the writer grows past its initial buffer without losing bytes', () => {
  const out = new BackendWriter()
  const long = 'x'.repeat(100_000)
  for (let i = 0; i < 5; i++) out.commandComplete(`${i}${long}`)
  const messages = parseAll(out.take() ?? Buffer.alloc(0)).map(plain)
  assert.deepEqual(
    messages.map((message) => message.text),
    [0, 1, 2, 3, 4].map((i) => `${i}${long}`),
  )
})
