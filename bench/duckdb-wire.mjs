#!/usr/bin/env node
// DuckDB behind a thin PostgreSQL wire front, so the benchmark times DuckDB over the same path
// as Malamute and PostgreSQL: client → TCP → server → engine → text DataRows → client.
//
// Usage: node bench/duckdb-wire.mjs --database FILE [--port 0] [--threads 2]
//   prints `duckdb-wire listening on 127.0.0.1:PORT` once it accepts connections.
//
// Protocol 3.0, the small part the harness's client needs: SSLRequest (answered 'N'), the
// startup message (no authentication), the simple query protocol ('Q', one statement), and
// Terminate. Rows stream as text DataRows a DuckDB chunk at a time, with PostgreSQL type OIDs
// and PostgreSQL's text forms (timestamptz `2024-01-01 00:00:00.389+00`, arrays `{a,b}`). The
// extended protocol answers 0A000 until Sync; COPY and cancel are not supported. The database
// opens read-only: loading happens before, in the harness.
// https://www.postgresql.org/docs/15/protocol-flow.html
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { parseArgs } from './harness.mjs'

const sslRequestCode = 80877103
const gssEncRequestCode = 80877104
const cancelRequestCode = 80877102

/** One backend message: type byte, int32 length (itself included), body. */
function message(type, body = Buffer.alloc(0)) {
  const framed = Buffer.allocUnsafe(5 + body.length)
  framed[0] = type.charCodeAt(0)
  framed.writeInt32BE(4 + body.length, 1)
  body.copy(framed, 5)
  return framed
}

const cString = (text) => Buffer.from(`${text}\0`, 'utf8')
const int32 = (n) => Buffer.from([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])
const int16 = (n) => Buffer.from([(n >>> 8) & 255, n & 255])
const readyForQuery = () => message('Z', Buffer.from('I'))

function errorResponse(text, sqlState) {
  const fields = [
    cString('SERROR'),
    cString('VERROR'),
    cString(`C${sqlState}`),
    cString(`M${text}`),
  ]
  return message('E', Buffer.concat([...fields, Buffer.from([0])]))
}

// DuckDB type names → PostgreSQL type OIDs (pg_type.oid), so clients know what they receive.
const oidByDuckDbType = new Map([
  ['BOOLEAN', 16],
  ['TINYINT', 21],
  ['SMALLINT', 21],
  ['INTEGER', 23],
  ['BIGINT', 20],
  ['HUGEINT', 1700],
  ['FLOAT', 700],
  ['DOUBLE', 701],
  ['DATE', 1082],
  ['TIMESTAMP', 1114],
  ['TIMESTAMP WITH TIME ZONE', 1184],
  ['JSON', 114],
  ['VARCHAR', 25],
  ['VARCHAR[]', 1009],
])

function typeOid(duckDbType) {
  const name = String(duckDbType)
  return oidByDuckDbType.get(name) ?? (name.startsWith('DECIMAL') ? 1700 : 25)
}

/** An array element as PostgreSQL quotes it in an array literal. */
function arrayElementText(value) {
  if (value === null) return 'NULL'
  const text = valueText(value)
  const needsQuotes = text === '' || /[{}",\\\s]/.test(text) || text.toUpperCase() === 'NULL'
  return needsQuotes ? `"${text.replace(/[\\"]/g, '\\$&')}"` : text
}

/** A DuckDB value in PostgreSQL's text output form. */
export function valueText(value) {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      if (Number.isFinite(value)) return String(value)
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 't' : 'f'
  }
  if (Array.isArray(value?.items)) return `{${value.items.map(arrayElementText).join(',')}}`
  return String(value) // timestamps, decimals and dates print as PostgreSQL does
}

function dataRow(row) {
  const parts = [int16(row.length)]
  for (const value of row) {
    if (value === null || value === undefined) {
      parts.push(int32(-1))
      continue
    }
    const bytes = Buffer.from(valueText(value), 'utf8')
    parts.push(int32(bytes.length), bytes)
  }
  return message('D', Buffer.concat(parts))
}

function rowDescription(names, types) {
  const fields = names.map((name, i) =>
    Buffer.concat([
      cString(name),
      int32(0),
      int16(0),
      int32(typeOid(types[i])),
      int16(-1),
      int32(-1),
      int16(0),
    ]),
  )
  return message('T', Buffer.concat([int16(names.length), ...fields]))
}

/** Runs one simple Query and writes its whole answer, ending with ReadyForQuery. */
async function simpleQuery(connection, sql, socket) {
  if (sql.trim() === '') {
    socket.write(Buffer.concat([message('I'), readyForQuery()]))
    return
  }
  try {
    const result = await connection.stream(sql)
    const names = result.columnNames()
    let rows = 0
    if (names.length > 0) {
      socket.write(rowDescription(names, result.columnTypes()))
      for (;;) {
        const chunk = await result.fetchChunk()
        if (chunk === null || chunk.rowCount === 0) break
        const chunkRows = chunk.getRows()
        rows += chunkRows.length
        socket.write(Buffer.concat(chunkRows.map(dataRow)))
      }
    }
    const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT'
    const tag = ['SELECT', 'WITH', 'VALUES', 'TABLE'].includes(verb) ? `SELECT ${rows}` : verb
    socket.write(Buffer.concat([message('C', cString(tag)), readyForQuery()]))
  } catch (error) {
    const text = String(error?.message ?? error).split('\n')[0]
    socket.write(Buffer.concat([errorResponse(text, 'XX000'), readyForQuery()]))
  }
}

function startupReply(processId) {
  const parameter = (name, value) => message('S', Buffer.concat([cString(name), cString(value)]))
  return Buffer.concat([
    message('R', int32(0)),
    parameter('server_version', '15.0 (DuckDB behind bench/duckdb-wire.mjs)'),
    parameter('server_encoding', 'UTF8'),
    parameter('client_encoding', 'UTF8'),
    parameter('DateStyle', 'ISO, MDY'),
    parameter('TimeZone', 'UTC'),
    parameter('integer_datetimes', 'on'),
    parameter('standard_conforming_strings', 'on'),
    message('K', Buffer.concat([int32(processId), int32(0)])),
    readyForQuery(),
  ])
}

/** Serves one client: frames its messages from arbitrary chunks and answers them in order. */
function serveSocket(socket, instance, processId) {
  socket.setNoDelay(true)
  let pending = Buffer.alloc(0)
  let started = false
  let skipUntilSync = false
  let queue = instance.connect().then(async (connection) => {
    await connection.run("SET TimeZone = 'UTC'")
    return connection
  })
  const then = (step) =>
    (queue = queue.then(async (connection) => (await step(connection), connection)))
  socket.on('error', () => {})
  socket.on('close', () => void queue.then((connection) => connection.closeSync()))
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    for (;;) {
      if (!started) {
        if (pending.length < 8 || pending.length < pending.readInt32BE(0)) return
        const length = pending.readInt32BE(0)
        const code = pending.readInt32BE(4)
        pending = pending.subarray(length)
        if (code === sslRequestCode || code === gssEncRequestCode) socket.write('N')
        else if (code === cancelRequestCode) return void socket.end()
        else {
          started = true
          then(() => socket.write(startupReply(processId)))
        }
        continue
      }
      if (pending.length < 5 || pending.length < 1 + pending.readInt32BE(1)) return
      const type = String.fromCharCode(pending[0])
      const body = pending.subarray(5, 1 + pending.readInt32BE(1))
      pending = pending.subarray(1 + pending.readInt32BE(1))
      if (type === 'Q') {
        const sql = body.toString('utf8', 0, body.length - 1)
        then((connection) => simpleQuery(connection, sql, socket))
      } else if (type === 'X') return void socket.end()
      else if (type === 'S') {
        skipUntilSync = false
        then(() => socket.write(readyForQuery()))
      } else if (!skipUntilSync) {
        skipUntilSync = true
        then(() =>
          socket.write(errorResponse('only the simple query protocol is supported', '0A000')),
        )
      }
    }
  })
}

/** Opens `database` read-only and serves it on 127.0.0.1:`port`; resolves with the port. */
export async function serveDuckDb({ database, port = 0, threads = 2 }) {
  const instance = await DuckDBInstance.create(database, {
    access_mode: 'READ_ONLY',
    threads: String(threads),
  })
  let nextProcessId = 1
  const server = net.createServer((socket) => serveSocket(socket, instance, nextProcessId++))
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { server, port: server.address().port }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs()
  if (args.database === undefined) {
    console.error('usage: node bench/duckdb-wire.mjs --database FILE [--port 0] [--threads 2]')
    process.exit(2)
  }
  const { port } = await serveDuckDb({
    database: args.database,
    port: Number(args.port ?? 0),
    threads: Number(args.threads ?? 2),
  })
  console.log(`duckdb-wire listening on 127.0.0.1:${port}`)
}
