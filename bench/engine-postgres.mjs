// PostgreSQL 15 as a benchmark engine: a throwaway cluster (bench/pg-cluster.sh), the CSV
// loaded with COPY FROM STDIN (psql's \copy) into a table created in the same transaction, then
// its best indexes for this query set (btree on ts, btree on trace_id, pg_trgm GIN on message)
// and VACUUM ANALYZE. The load rate counts COPY alone; the index build is reported beside it.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { root } from './harness.mjs'
import { connectWire, copyCommand, logsTableDdl, psql, psqlWithCsv } from './wire.mjs'

const login = { user: 'postgres', database: 'postgres' }
const clusterScript = path.join(root, 'bench/pg-cluster.sh')

export function postgresEngine({ workDir, log }) {
  const clusterDir = path.join(workDir, 'postgres')
  let port
  let session
  return {
    key: 'postgres',
    label: 'PostgreSQL',
    async load({ csv, rows }) {
      port = Number(
        execFileSync('bash', [clusterScript, 'start', clusterDir], { encoding: 'utf8' }).trim(),
      )
      log(`postgres: cluster on 127.0.0.1:${port}; COPY FROM STDIN (psql \\copy, csv)`)
      const commands = ['BEGIN', logsTableDdl('text[]', 'jsonb'), copyCommand, 'COMMIT']
      const seconds = await psqlWithCsv({ port, ...login, commands, csv, label: 'postgres' })
      log(`postgres: loaded in ${seconds.toFixed(1)} s; building indexes`)
      const steps = [
        ['btree on ts', 'CREATE INDEX logs_ts ON logs (ts)'],
        ['btree on trace_id', 'CREATE INDEX logs_trace_id ON logs (trace_id)'],
        [
          'pg_trgm GIN on message',
          'CREATE INDEX logs_message_trgm ON logs USING gin (message gin_trgm_ops)',
        ],
        ['VACUUM ANALYZE', 'VACUUM ANALYZE logs'],
      ]
      await psql({ port, ...login, commands: ['CREATE EXTENSION pg_trgm'] })
      const stepSeconds = {}
      for (const [name, sql] of steps) {
        stepSeconds[name] = await psql({ port, ...login, commands: [sql] })
        log(`postgres: ${name} in ${stepSeconds[name].toFixed(1)} s`)
      }
      session = await connectWire({ port, ...login })
      const { rows: sizes } = await session.query(
        "SELECT count(*), pg_total_relation_size('logs'), pg_indexes_size('logs') FROM logs",
      )
      const [counted, totalBytes, indexBytes] = sizes[0].map(Number)
      if (counted !== rows) throw new Error(`postgres holds ${counted} rows, expected ${rows}`)
      const indexSeconds = Object.values(stepSeconds).reduce((sum, s) => sum + s, 0)
      const notes = [
        `indexes and VACUUM ANALYZE ${indexSeconds.toFixed(0)} s more (${Object.entries(stepSeconds)
          .map(([name, s]) => `${name} ${s.toFixed(1)} s`)
          .join(', ')}); indexes ${(indexBytes / 1e6).toFixed(0)} MB of the bytes`,
      ]
      return { seconds, bytes: totalBytes, notes, indexSeconds: stepSeconds }
    },
    query: (sql) => session.query(sql),
    async close() {
      await session?.end().catch(() => {})
      if (port !== undefined)
        execFileSync('bash', [clusterScript, 'stop', clusterDir], { stdio: 'ignore' })
    },
  }
}
