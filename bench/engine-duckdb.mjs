// DuckDB as two benchmark engines over one database file: in-process (@duckdb/node-api, the
// fastest way to use it) and behind a thin PostgreSQL wire front (bench/duckdb-wire.mjs in its
// own process, the path Malamute and PostgreSQL are timed over). The CSV loads once, with
// read_csv into a table with the same types as PostgreSQL's (tags VARCHAR[], attributes JSON).
import { spawn } from 'node:child_process'
import { rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { DuckDBInstance } from '@duckdb/node-api'
import { valueText } from './duckdb-wire.mjs'
import { root } from './harness.mjs'
import { connectWire } from './wire.mjs'

const sqlString = (text) => `'${text.replaceAll("'", "''")}'`

async function loadDatabase(database, csv, rows, threads) {
  rmSync(database, { force: true })
  rmSync(`${database}.wal`, { force: true })
  const instance = await DuckDBInstance.create(database, { threads: String(threads) })
  const connection = await instance.connect()
  await connection.run(`CREATE TABLE logs (ts TIMESTAMPTZ, service VARCHAR, host VARCHAR, env VARCHAR,
    status VARCHAR, http_status INTEGER, duration_ms DOUBLE, trace_id VARCHAR, user_id BIGINT,
    message VARCHAR, tags VARCHAR[], attributes JSON)`)
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  // tags arrive as a PostgreSQL array literal whose elements need no quoting: {a:b,c:d}
  await connection.run(`INSERT INTO logs SELECT ts, service, host, env, status, http_status,
      duration_ms, trace_id, user_id, message, string_split(tags[2:-2], ','), attributes::JSON
    FROM read_csv(${sqlString(csv)}, header = true, quote = '"', escape = '"', columns = {
      'ts': 'TIMESTAMPTZ', 'service': 'VARCHAR', 'host': 'VARCHAR', 'env': 'VARCHAR',
      'status': 'VARCHAR', 'http_status': 'INTEGER', 'duration_ms': 'DOUBLE', 'trace_id': 'VARCHAR',
      'user_id': 'BIGINT', 'message': 'VARCHAR', 'tags': 'VARCHAR', 'attributes': 'VARCHAR'})`)
  await connection.run('CHECKPOINT')
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const counted = Number(
    (await connection.runAndReadAll('SELECT count(*) FROM logs')).getRows()[0][0],
  )
  if (counted !== rows) throw new Error(`duckdb holds ${counted} rows, expected ${rows}`)
  connection.closeSync()
  instance.closeSync()
  return {
    seconds,
    bytes: statSync(database).size,
    notes: [
      `read_csv into a database file, ${threads} threads, CPU ${cpuSeconds.toFixed(0)} s (${Math.round(rows / cpuSeconds).toLocaleString('en-US')} rows per CPU-second)`,
    ],
  }
}

/** Starts bench/duckdb-wire.mjs on `database`; resolves with the child and its port. */
async function startWireFront(database, threads) {
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'bench/duckdb-wire.mjs'),
      '--database',
      database,
      '--threads',
      String(threads),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`duckdb-wire exited with ${code}`)))
  })
  return { child, port }
}

/** The two DuckDB engines; whichever loads first loads the shared database file. */
export function duckDbEngines({ workDir, log, threads }) {
  const database = path.join(workDir, 'logs.duckdb')
  let loaded
  const loadOnce = ({ csv, rows }) => {
    if (loaded === undefined) {
      log('duckdb: read_csv into a database file')
      loaded = loadDatabase(database, csv, rows, threads)
    }
    return loaded
  }

  let instance
  let connection
  const inProcess = {
    key: 'duckdb',
    label: 'DuckDB',
    async load(data) {
      const result = await loadOnce(data)
      instance = await DuckDBInstance.create(database, {
        access_mode: 'READ_ONLY',
        threads: String(threads),
      })
      connection = await instance.connect()
      await connection.run("SET TimeZone = 'UTC'")
      return result
    },
    async query(sql) {
      const reader = await connection.runAndReadAll(sql)
      return { columns: reader.columnNames(), rows: reader.getRows() }
    },
    /** Values as PostgreSQL's text, outside the timed part. */
    text: ({ columns, rows }) => ({
      columns,
      rows: rows.map((row) => row.map((value) => (value === null ? null : valueText(value)))),
    }),
    async close() {
      connection?.closeSync()
      instance?.closeSync()
    },
  }

  let front
  let session
  const wire = {
    key: 'duckdb-wire',
    label: 'DuckDB (wire)',
    async load(data) {
      const result = await loadOnce(data)
      front = await startWireFront(database, threads)
      session = await connectWire({ port: front.port, user: 'bench', database: 'bench' })
      return {
        ...result,
        notes: [...result.notes, 'same file as DuckDB, served by bench/duckdb-wire.mjs'],
      }
    },
    query: (sql) => session.query(sql),
    async close() {
      await session?.end().catch(() => {})
      if (front !== undefined && front.child.exitCode === null) {
        front.child.kill('SIGTERM')
        await new Promise((resolve) => front.child.once('exit', resolve))
      }
    },
  }
  return { inProcess, wire }
}
