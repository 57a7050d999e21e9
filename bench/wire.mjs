// What the wire engines share: a node-postgres session that hands back every value as the
// server's text (so no engine pays for client-side type parsing the others skip), COPY of the
// CSV through psql with progress lines, and the bytes a directory holds.
import { spawn } from 'node:child_process'
import { createReadStream, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'

const textOnly = { getTypeParser: () => (text) => text }

/** Opens a session; `query(sql)` answers { columns, rows } with rows as arrays of text|null. */
export async function connectWire({ port, user, database }) {
  const client = new pg.Client({ host: '127.0.0.1', port, user, database, types: textOnly })
  await client.connect()
  return {
    async query(sql) {
      const result = await client.query({ text: sql, rowMode: 'array' })
      return { columns: result.fields.map((field) => field.name), rows: result.rows }
    },
    end: () => client.end(),
  }
}

/** Prints `label: loaded n %` lines on stderr at most every `everyMs`, counting bytes. */
function progressCounter(label, totalBytes, startedMs, everyMs = 5000) {
  let bytes = 0
  let lastMs = startedMs
  return new Transform({
    transform(chunk, _encoding, done) {
      bytes += chunk.length
      const now = performance.now()
      if (now - lastMs >= everyMs) {
        lastMs = now
        const mbPerSecond = bytes / 1e6 / ((now - startedMs) / 1000)
        process.stderr.write(
          `${label}: sent ${((100 * bytes) / totalBytes).toFixed(0)} % of the CSV (${mbPerSecond.toFixed(1)} MB/s)\n`,
        )
      }
      done(null, chunk)
    },
  })
}

/**
 * Runs psql with `commands` (-c each, in one session) while piping `csv` into its stdin, where
 * a `\copy ... FROM pstdin` command reads it. Answers the seconds it took.
 */
export async function psqlWithCsv({ port, user, database, commands, csv, label }) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port)]
  args.push('-U', user, '-d', database, ...commands.flatMap((command) => ['-c', command]))
  const started = performance.now()
  const child = spawn('psql', args, { stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise((resolve) => child.once('close', resolve))
  child.stdin.on('error', () => {}) // psql may stop reading when COPY fails; its exit code says why
  await pipeline(
    createReadStream(csv, { highWaterMark: 1 << 20 }),
    progressCounter(label, statSync(csv).size, started),
    child.stdin,
  ).catch(() => {})
  const code = await exited
  if (code !== 0) throw new Error(`psql exited with ${code}: ${stderr.trim().split('\n')[0]}`)
  return (performance.now() - started) / 1000
}

/** Runs psql with `commands`; answers the seconds it took. */
export async function psql({ port, user, database, commands }) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port)]
  args.push('-U', user, '-d', database, ...commands.flatMap((command) => ['-c', command]))
  const started = performance.now()
  const child = spawn('psql', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise((resolve) => child.once('close', resolve))
  if (code !== 0) throw new Error(`psql exited with ${code}: ${stderr.trim().split('\n')[0]}`)
  return (performance.now() - started) / 1000
}

/** Total bytes of the files under `dir`. */
export function directoryBytes(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) bytes += directoryBytes(full)
    else if (entry.isFile()) bytes += statSync(full).size
  }
  return bytes
}

/** The table definition every engine loads, with tags and attributes typed as given. */
export const logsTableDdl = (tagsType, attributesType) =>
  `CREATE TABLE logs (ts timestamptz, service text, host text, env text, status text, http_status int, duration_ms double precision, trace_id text, user_id bigint, message text, tags ${tagsType}, attributes ${attributesType})`

export const copyCommand = '\\copy logs FROM pstdin WITH (FORMAT csv, HEADER true)'

/** psql's \\copy of the CSV file at `csv` (an absolute path) into logs. */
export const copyFileCommand = (csv) =>
  `\\copy logs FROM '${csv.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`
