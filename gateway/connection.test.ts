// The gateway against the real node-postgres client, over TCP on 127.0.0.1. The Engine here
// is FixedStatementsEngine: a deliberately tiny stand-in that answers a handful of fixed
// statements, because the real engine (planner + executor) is written concurrently. It
// exercises the protocol, not SQL.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { serialize } from 'pg-protocol'
import QueryStream from 'pg-query-stream'
import { pino } from 'pino'
import type { Batch, SqlType, Vector } from '../common/index.js'
import { PgError, SqlState, syntaxError } from '../common/index.js'
import type { OutputField, ScalarValue } from '../executor/plan.js'
import { isLoopback } from './connection.js'
import type { Description, Engine, ParsedStatement, ResultStream, SessionState } from './engine.js'
import { startServer, type RunningServer } from './server.js'

const field = (name: string, type: SqlType): OutputField => ({
  name,
  type,
  tableOid: 0,
  columnNumber: 0,
})

const numbers = (type: SqlType, values: number[]): Vector => ({
  kind: 'number',
  type,
  length: values.length,
  validity: null,
  values: Float64Array.from(values),
})

function texts(values: string[]): Vector {
  const encoded = values.map((value) => Buffer.from(value))
  const offsets = new Int32Array(values.length + 1)
  encoded.forEach((bytes, i) => (offsets[i + 1] = (offsets[i] ?? 0) + bytes.length))
  return {
    kind: 'text',
    type: 'text',
    length: values.length,
    validity: null,
    offsets,
    data: Buffer.concat(encoded),
  }
}

async function* batchesOf(batches: Batch[]): AsyncGenerator<Batch> {
  for (const batch of batches) yield batch
}

function rows(
  fields: OutputField[] | null,
  batches: Batch[],
  tag: string,
  transaction: ResultStream['transaction'] = null,
): ResultStream {
  return { fields, batches: batchesOf(batches), commandTag: () => tag, transaction }
}

/** Answers a few fixed statements; anything else is an undefined table (42P01). */
class FixedStatementsEngine implements Engine {
  executions = 0

  parse(sql: string): ParsedStatement[] {
    const bad = sql.search(/\bselec\b/)
    if (bad >= 0) throw syntaxError('syntax error at or near "selec"', bad + 1)
    const statements: ParsedStatement[] = []
    let start = 0
    for (const part of sql.split(';')) {
      const lead = part.length - part.trimStart().length
      if (part.trim() !== '') statements.push({ text: part.trim(), offset: start + lead })
      start += part.length + 1
    }
    return statements
  }

  async describe(
    statement: ParsedStatement,
    paramTypes: readonly (SqlType | undefined)[],
  ): Promise<Description> {
    if (statement.text.startsWith('select $1::text as t, $2::int4 as n')) {
      return { paramTypes: ['text', 'int4'], fields: [field('t', 'text'), field('n', 'int4')] }
    }
    return { paramTypes: paramTypes.map((type) => type ?? 'text'), fields: null }
  }

  async execute(
    statement: ParsedStatement,
    params: readonly ScalarValue[],
    _paramTypes: readonly unknown[],
    session: SessionState,
    signal: AbortSignal,
  ): Promise<ResultStream> {
    this.executions++
    const text = statement.text
    const series = /^select n from generate_series\(1, (\d+)\)$/.exec(text)
    if (series !== null) {
      const count = Number(series[1])
      const batches: Batch[] = []
      for (let first = 1; first <= count; first += 1000) {
        const values = Array.from(
          { length: Math.min(1000, count - first + 1) },
          (_, i) => first + i,
        )
        batches.push({ length: values.length, columns: [numbers('int4', values)] })
      }
      return rows([field('n', 'int4')], batches, `SELECT ${count}`)
    }
    if (text === 'select $1::text as t, $2::int4 as n') {
      const batch = {
        length: 1,
        columns: [texts([String(params[0])]), numbers('int4', [Number(params[1])])],
      }
      return rows([field('t', 'text'), field('n', 'int4')], [batch], 'SELECT 1')
    }
    if (text === 'select types') {
      const columns: Vector[] = [
        { kind: 'bool', type: 'bool', length: 1, validity: null, values: new Uint8Array([1]) },
        numbers('int2', [7]),
        numbers('int8', [1099511627781]),
        numbers('float8', [2.5]),
        numbers('timestamptz', [Date.UTC(2024, 1, 29, 12, 30) * 1000]),
        texts(['héllo']),
      ]
      const fields = ['bool', 'int2', 'int8', 'float8', 'timestamptz', 'text'].map((type) =>
        field(type, type as SqlType),
      )
      return rows(fields, [{ length: 1, columns }], 'SELECT 1')
    }
    if (text === 'begin') return rows(null, [], 'BEGIN', 'begin')
    if (text === 'commit') return rows(null, [], 'COMMIT', 'commit')
    if (text === 'rollback') return rows(null, [], 'ROLLBACK', 'rollback')
    const set = /^set statement_timeout = (\d+)$/.exec(text)
    if (set !== null) {
      session.settings.set('statement_timeout', set[1] ?? '0')
      return rows(null, [], 'SET')
    }
    if (text === 'select pg_sleep(10)') {
      await new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('sleep interrupted'))),
      )
    }
    const missing = text.indexOf('missing')
    throw new PgError({
      code: SqlState.undefinedTable,
      message: 'relation "missing" does not exist',
      ...(missing >= 0 ? { position: missing + 1 } : {}),
    })
  }

  formatText(vector: Vector, row: number): string | null {
    if (vector.validity?.[row] === 0) return null
    if (vector.kind === 'number') return String(vector.values[row])
    if (vector.kind === 'bool') return vector.values[row] ? 't' : 'f'
    return null
  }
}

const logger = pino({ level: 'silent' })
const engine = new FixedStatementsEngine()
let trusting: RunningServer
let guarded: RunningServer

before(async () => {
  trusting = await startServer({ host: '127.0.0.1', port: 0, engine, logger })
  guarded = await startServer({
    host: '127.0.0.1',
    port: 0,
    engine,
    logger,
    password: 'correct horse',
  })
})

after(async () => {
  await trusting.close()
  await guarded.close()
})

const parameters = new WeakMap<pg.Client, Map<string, string>>()

async function withClient<T>(
  body: (client: pg.Client) => Promise<T>,
  config: pg.ClientConfig = {},
): Promise<T> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: trusting.port,
    user: 'malamute',
    database: 'acme',
    ...config,
  })
  const reported = new Map<string, string>()
  parameters.set(client, reported)
  const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
  connection.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) =>
    reported.set(message.parameterName, message.parameterValue),
  )
  await client.connect()
  try {
    return await body(client)
  } finally {
    await client.end()
  }
}

test('simple query: many batches, several statements, empty query, reported parameters', async () => {
  await withClient(
    async (client) => {
      const result = await client.query('select n from generate_series(1, 2500)')
      assert.equal(result.rowCount, 2500)
      assert.equal(result.rows[2499].n, 2500)
      const results = (await client.query(
        'select n from generate_series(1, 2); select n from generate_series(1, 3)',
      )) as unknown as pg.QueryResult[]
      assert.deepEqual(
        results.map((each) => each.rowCount),
        [2, 3],
      )
      await client.query('')
      const reported = parameters.get(client)
      assert.equal(reported?.get('server_version'), '15.0 (Malamute 0.1.0)')
      assert.equal(reported?.get('application_name'), 'gateway-test')
      assert.equal(reported?.get('TimeZone'), 'UTC')
      assert.equal(reported?.get('integer_datetimes'), 'on')
    },
    { application_name: 'gateway-test' },
  )
})

test('extended query: text parameters, a binary int4 parameter, binary results', async () => {
  await withClient(async (client) => {
    const sql = 'select $1::text as t, $2::int4 as n'
    assert.deepEqual((await client.query(sql, ['hi', 7])).rows, [{ t: 'hi', n: 7 }])
    const int4 = Buffer.alloc(4)
    int4.writeInt32BE(-42)
    assert.deepEqual((await client.query(sql, ['bin', int4])).rows, [{ t: 'bin', n: -42 }])
    const prepared = await client.query({ name: 'echo', text: sql, values: ['named', 1] })
    assert.deepEqual(prepared.rows, [{ t: 'named', n: 1 }])
    assert.deepEqual((await client.query({ name: 'echo', text: sql, values: ['again', 2] })).rows, [
      { t: 'again', n: 2 },
    ])
    // node-postgres decodes DataRow bytes as UTF-8 before its binary parsers run, so only
    // values whose bytes survive that are checked here; binary-formats.test.ts covers the rest.
    const binary = { text: 'select types', binary: true, queryMode: 'extended' } as pg.QueryConfig
    const typed = await client.query(binary)
    const row = typed.rows[0] as Record<string, unknown>
    assert.equal(row.bool, true)
    assert.equal(row.int2, 7)
    assert.equal(String(row.int8), '1099511627781')
    assert.equal(row.float8, 2.5)
    assert.equal(typed.fields[4]?.dataTypeID, 1184)
    assert.equal(typed.fields[4]?.format, 'binary')
    assert.equal(row.text, 'héllo')
  })
})

test('Execute with a row limit suspends the named portal and resumes mid-batch', async () => {
  await withClient(async (client) => {
    let suspended = 0
    const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
    connection.on('portalSuspended', () => suspended++)
    const before = engine.executions
    const stream = client.query(
      new QueryStream('select n from generate_series(1, 2500)', [], { batchSize: 300 }),
    )
    const seen: number[] = []
    for await (const row of stream) seen.push((row as { n: number }).n)
    assert.equal(seen.length, 2500)
    assert.ok(seen.every((n, i) => n === i + 1))
    assert.equal(engine.executions - before, 1)
    assert.equal(suspended, 8)
  })
})

test('errors carry code and position, shifted in multi-statement queries; the session carries on', async () => {
  await withClient(async (client) => {
    await assert.rejects(client.query('select * from missing'), { code: '42P01', position: '15' })
    await assert.rejects(
      client.query('select n from generate_series(1, 1);  select * from missing'),
      {
        code: '42P01',
        position: '53',
      },
    )
    await assert.rejects(client.query('selec 1'), { code: '42601', position: '1' })
    await assert.rejects(client.query('select * from missing where x = $1', [1]), {
      code: '42P01',
      position: '15',
    })
    assert.equal((await client.query('select n from generate_series(1, 2)')).rowCount, 2)
  })
})

test('ReadyForQuery follows BEGIN, a failed block, and ROLLBACK/COMMIT', async () => {
  await withClient(async (client) => {
    const statuses: string[] = []
    const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection
    connection.on('readyForQuery', (message: { status: string }) => statuses.push(message.status))
    await client.query('begin')
    await client.query('select n from generate_series(1, 1)')
    await assert.rejects(client.query('select * from missing'), { code: '42P01' })
    await assert.rejects(client.query('select n from generate_series(1, 1)'), { code: '25P02' })
    await client.query('rollback')
    await client.query('begin')
    await assert.rejects(client.query('select * from missing'), { code: '42P01' })
    assert.equal((await client.query('commit')).command, 'ROLLBACK')
    assert.deepEqual(statuses, ['T', 'T', 'E', 'E', 'I', 'T', 'E', 'I'])
  })
})

test('SCRAM-SHA-256: the right password connects, a wrong one fails with 28P01', async () => {
  const config = { host: '127.0.0.1', port: guarded.port, user: 'malamute', database: 'acme' }
  const client = new pg.Client({ ...config, password: 'correct horse' })
  await client.connect()
  assert.equal((await client.query('select n from generate_series(1, 1)')).rowCount, 1)
  await client.end()
  const wrong = new pg.Client({ ...config, password: 'battery staple' })
  await assert.rejects(wrong.connect(), { code: '28P01' })
})

test('CancelRequest aborts the running statement with 57014; statement_timeout too', async () => {
  await withClient(async (client) => {
    const keys = client as unknown as { processID: number; secretKey: number }
    const sleeping = client.query('select pg_sleep(10)')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const cancel = connect(trusting.port, '127.0.0.1')
    cancel.end(serialize.cancel(keys.processID, keys.secretKey))
    await assert.rejects(sleeping, {
      code: '57014',
      message: 'canceling statement due to user request',
    })
    assert.equal((await client.query('select n from generate_series(1, 1)')).rowCount, 1)
    await client.query('set statement_timeout = 30')
    await assert.rejects(client.query('select pg_sleep(10)'), {
      code: '57014',
      message: 'canceling statement due to statement timeout',
    })
  })
  await withClient(
    async (client) => {
      await assert.rejects(client.query('select pg_sleep(10)'), { code: '57014' })
    },
    { statement_timeout: 30 },
  )
})

test('loopback addresses are recognized in every spelling', () => {
  assert.ok(isLoopback('127.0.0.1'))
  assert.ok(isLoopback('::1'))
  assert.ok(isLoopback('::ffff:127.0.0.1'))
  assert.ok(!isLoopback('10.0.0.1'))
  assert.ok(!isLoopback('::ffff:192.168.1.1'))
})
