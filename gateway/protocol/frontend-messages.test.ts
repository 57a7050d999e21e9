// Every frontend message, built by node-postgres's own serializer, must decode the same
// whether it arrives whole, split at any byte, or one byte at a time: TCP promises order,
// not message boundaries, and a real client's chunks split headers and bodies alike.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serialize } from 'pg-protocol'
import { FrameReader, type Frame } from './frame-reader.js'
import {
  decodeFrontendMessage,
  type FrontendMessage,
  type PasswordKind,
} from './frontend-messages.js'

interface Case {
  readonly name: string
  readonly bytes: Buffer
  readonly expected: FrontendMessage
  readonly passwordKind?: PasswordKind
  /** Untyped startup-phase packet (StartupMessage, SSLRequest, CancelRequest ...). */
  readonly startup?: boolean
}

const gssEncRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30])

const cases: Case[] = [
  {
    name: 'StartupMessage',
    startup: true,
    bytes: serialize.startup({ user: 'malamute', database: 'acme', application_name: 'psql' }),
    expected: {
      kind: 'startup',
      protocolVersion: 196608,
      parameters: new Map([
        ['user', 'malamute'],
        ['database', 'acme'],
        ['application_name', 'psql'],
        ['client_encoding', 'UTF8'],
      ]),
    },
  },
  {
    name: 'SSLRequest',
    startup: true,
    bytes: serialize.requestSsl(),
    expected: { kind: 'sslRequest' },
  },
  {
    name: 'GSSENCRequest',
    startup: true,
    bytes: gssEncRequest,
    expected: { kind: 'gssEncRequest' },
  },
  {
    name: 'CancelRequest',
    startup: true,
    bytes: serialize.cancel(4242, -123456),
    expected: { kind: 'cancelRequest', processId: 4242, secretKey: -123456 },
  },
  {
    name: 'Query',
    bytes: serialize.query('select 1; select ü'),
    expected: { kind: 'query', sql: 'select 1; select ü' },
  },
  {
    name: 'Parse',
    bytes: serialize.parse({ name: 's1', text: 'select $1, $2', types: [23, 25] }),
    expected: { kind: 'parse', statementName: 's1', sql: 'select $1, $2', paramTypeOids: [23, 25] },
  },
  {
    name: 'Bind',
    bytes: serialize.bind({
      portal: 'p1',
      statement: 's1',
      values: ['x', null, Buffer.from([0, 0, 0, 7])],
      binary: true,
    }),
    expected: {
      kind: 'bind',
      portalName: 'p1',
      statementName: 's1',
      paramFormats: [0, 0, 1],
      params: [Buffer.from('x'), null, Buffer.from([0, 0, 0, 7])],
      resultFormats: [1],
    },
  },
  {
    name: 'Describe portal',
    bytes: serialize.describe({ type: 'P', name: 'p1' }),
    expected: { kind: 'describe', target: 'portal', name: 'p1' },
  },
  {
    name: 'Describe unnamed statement',
    bytes: serialize.describe({ type: 'S' }),
    expected: { kind: 'describe', target: 'statement', name: '' },
  },
  {
    name: 'Execute',
    bytes: serialize.execute({ portal: 'p1', rows: 100 }),
    expected: { kind: 'execute', portalName: 'p1', maxRows: 100 },
  },
  {
    name: 'Execute unnamed',
    bytes: serialize.execute(),
    expected: { kind: 'execute', portalName: '', maxRows: 0 },
  },
  {
    name: 'Close',
    bytes: serialize.close({ type: 'S', name: 's1' }),
    expected: { kind: 'close', target: 'statement', name: 's1' },
  },
  { name: 'Sync', bytes: serialize.sync(), expected: { kind: 'sync' } },
  { name: 'Flush', bytes: serialize.flush(), expected: { kind: 'flush' } },
  { name: 'Terminate', bytes: serialize.end(), expected: { kind: 'terminate' } },
  {
    name: 'PasswordMessage',
    bytes: serialize.password('secret'),
    expected: { kind: 'passwordMessage', password: 'secret' },
  },
  {
    name: 'SASLInitialResponse',
    passwordKind: 'saslInitial',
    bytes: serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=abc'),
    expected: {
      kind: 'saslInitialResponse',
      mechanism: 'SCRAM-SHA-256',
      data: Buffer.from('n,,n=*,r=abc'),
    },
  },
  {
    name: 'SASLResponse',
    passwordKind: 'sasl',
    bytes: serialize.sendSCRAMClientFinalMessage('c=biws,r=abc,p=xyz'),
    expected: { kind: 'saslResponse', data: Buffer.from('c=biws,r=abc,p=xyz') },
  },
  {
    name: 'CopyData',
    bytes: serialize.copyData(Buffer.from('1\t2\n')),
    expected: { kind: 'copyData', data: Buffer.from('1\t2\n') },
  },
  { name: 'CopyDone', bytes: serialize.copyDone(), expected: { kind: 'copyDone' } },
  {
    name: 'CopyFail',
    bytes: serialize.copyFail('bad row'),
    expected: { kind: 'copyFail', message: 'bad row' },
  },
]

/** A reader past the startup phase, as it is once the StartupMessage went by. */
function typedReader(): FrameReader {
  const reader = new FrameReader()
  reader.push(serialize.startup({ user: 'u' }), () => undefined)
  assert.equal(reader.inStartupPhase, false)
  return reader
}

function decodeChunks(testCase: Case, chunks: Buffer[]): FrontendMessage[] {
  const reader = testCase.startup === true ? new FrameReader() : typedReader()
  const frames: Frame[] = []
  for (const chunk of chunks) reader.push(chunk, (frame) => frames.push(frame))
  assert.equal(reader.pendingBytes, 0)
  return frames.map((frame) => decodeFrontendMessage(frame, testCase.passwordKind))
}

for (const testCase of cases) {
  test(`${testCase.name} decodes whole, split at every offset, and byte by byte`, () => {
    // Two copies back to back: the second frame starts mid-chunk wherever the split falls.
    const bytes =
      testCase.startup === true ? testCase.bytes : Buffer.concat([testCase.bytes, testCase.bytes])
    const copies = testCase.startup === true ? 1 : 2
    const whole = decodeChunks(testCase, [bytes])
    assert.deepEqual(whole, Array(copies).fill(testCase.expected))
    for (let split = 1; split < bytes.length; split++) {
      const decoded = decodeChunks(testCase, [bytes.subarray(0, split), bytes.subarray(split)])
      assert.deepEqual(decoded, whole, `split at ${split}`)
    }
    const single = [...bytes].map((byte) => Buffer.from([byte]))
    assert.deepEqual(decodeChunks(testCase, single), whole)
  })
}

test('the reader leaves the startup phase after the StartupMessage only', () => {
  const reader = new FrameReader()
  const frames: Frame[] = []
  reader.push(Buffer.concat([serialize.requestSsl(), gssEncRequest]), (frame) => frames.push(frame))
  assert.equal(reader.inStartupPhase, true)
  reader.push(Buffer.concat([serialize.startup({ user: 'u' }), serialize.sync()]), (frame) =>
    frames.push(frame),
  )
  assert.deepEqual(
    frames.map((frame) => decodeFrontendMessage(frame).kind),
    ['sslRequest', 'gssEncRequest', 'startup', 'sync'],
  )
})

test('malformed frames are protocol violations (08P01)', () => {
  const reader = typedReader()
  assert.throws(() => reader.push(Buffer.from([0x51, 0, 0, 0, 2]), () => undefined), {
    code: '08P01',
  })
  const truncated: Frame = { code: 0x45, body: Buffer.from([0x70, 0x00, 0, 0]) }
  assert.throws(() => decodeFrontendMessage(truncated), { code: '08P01' })
  const trailing: Frame = { code: 0x53, body: Buffer.from([1]) }
  assert.throws(() => decodeFrontendMessage(trailing), { code: '08P01' })
  assert.throws(() => new FrameReader().push(Buffer.from([0, 0, 0, 3]), () => undefined), {
    code: '08P01',
  })
})
