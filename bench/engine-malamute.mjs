// Malamute as a benchmark engine: `malamute serve` on a fresh data dir, the CSV loaded with
// COPY FROM STDIN over the wire (psql's \copy), then timed once background compaction has
// settled. Tags and attributes load as text[] and jsonb when the server can query them that
// way, else as text (said in the load notes).
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { settledSegments, startMalamute } from './harness.mjs'
import { connectWire, copyCommand, directoryBytes, logsTableDdl, psqlWithCsv } from './wire.mjs'

const login = { user: 'malamute', database: 'malamute' }

/** Asks the server whether it stores and queries a column type; answers the error if not. */
async function probeType(session, table, type, value, check) {
  try {
    await session.query(`DROP TABLE IF EXISTS ${table}`)
    await session.query(`CREATE TABLE ${table} (v ${type})`)
    await session.query(`INSERT INTO ${table} VALUES ('${value}')`)
    return await check()
  } catch (error) {
    return error.message
  } finally {
    await session.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {})
  }
}

async function detectSchemaless(session) {
  const arrays = await probeType(session, 'bench_probe_array', 'text[]', '{a:1,b:2}', async () => {
    const { rows } = await session.query(
      'SELECT tag, count(*) FROM (SELECT unnest(v) AS tag FROM bench_probe_array) t GROUP BY tag ORDER BY tag',
    )
    return JSON.stringify(rows) === '[["a:1","1"],["b:2","1"]]'
      ? true
      : `unnest answered ${JSON.stringify(rows)}`
  })
  const json = await probeType(
    session,
    'bench_probe_jsonb',
    'jsonb',
    '{"h":{"m":"GET"}}',
    async () => {
      const { rows } = await session.query(`SELECT v->'h'->>'m' FROM bench_probe_jsonb`)
      return rows[0]?.[0] === 'GET' ? true : `->/->> answered ${JSON.stringify(rows)}`
    },
  )
  return { arrays, json }
}

/** CPU seconds (user + system) process `pid` has used so far (Linux /proc, 100 ticks/s). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * Creates `logs` with tags and attributes as text[] and jsonb where the server can query them
 * so (else text) and COPYs the CSV in; falls back to text when COPY into those types fails.
 * Adds what it chose to `notes`; answers the seconds of the COPY that succeeded.
 */
export async function copyLogs({ port, session, csv, notes, log }) {
  const support = await detectSchemaless(session)
  if (support.arrays !== true) notes.push(`tags as text (text[] not usable: ${support.arrays})`)
  if (support.json !== true) notes.push(`attributes as text (jsonb not usable: ${support.json})`)
  for (const note of notes) log(`malamute: ${note}`)
  const copy = (tagsType, attributesType) => {
    log(
      `malamute: COPY FROM STDIN (psql \\copy, csv), tags ${tagsType}, attributes ${attributesType}`,
    )
    const ddl = logsTableDdl(tagsType, attributesType)
    return psqlWithCsv({ port, ...login, commands: [ddl, copyCommand], csv, label: 'malamute' })
  }
  const tagsType = support.arrays === true ? 'text[]' : 'text'
  const attributesType = support.json === true ? 'jsonb' : 'text'
  try {
    return await copy(tagsType, attributesType)
  } catch (error) {
    if (tagsType === 'text' && attributesType === 'text') throw error
    notes.push(`COPY into ${tagsType}/${attributesType} failed (${error.message}): loaded as text`)
    log(`malamute: ${notes.at(-1)}`)
    await session.query('DROP TABLE IF EXISTS logs')
    return copy('text', 'text')
  }
}

export function malamuteEngine({ workDir, log }) {
  const dataDir = path.join(workDir, 'malamute-data')
  let server
  let session
  return {
    key: 'malamute',
    label: 'Malamute',
    async load({ csv, rows }) {
      mkdirSync(dataDir, { recursive: true })
      // Replaced segments are deleted soon after compaction, so the stored bytes are the live ones.
      server = await startMalamute(dataDir, { serveArgs: ['--compaction-grace-ms', '1000'] })
      const port = server.port
      session = await connectWire({ port, ...login })
      const notes = []
      const cpuBefore = cpuSeconds(server.child.pid)
      const seconds = await copyLogs({ port, session, csv, notes, log })
      // CPU time tells the server's own cost on a busy machine better than wall-clock time.
      const cpu = cpuSeconds(server.child.pid) - cpuBefore
      const perCpuSecond = Math.round(rows / cpu).toLocaleString('en-US')
      notes.push(`server CPU ${cpu.toFixed(0)} s during COPY (${perCpuSecond} rows per CPU-second)`)
      log(
        `malamute: loaded in ${seconds.toFixed(1)} s; waiting for background compaction to settle`,
      )
      const explain = async (sql) => {
        const { rows } = await session.query(sql)
        return rows.map((row) => row[0]).join('\n')
      }
      const settled = await settledSegments(explain, { steadyChecks: 15, timeoutMs: 900_000 })
      // Replaced segment files go at the next garbage collection after the grace period.
      if (settled.compacted) await new Promise((resolve) => setTimeout(resolve, 2500))
      const { rows: counted } = await session.query('SELECT count(*) FROM logs')
      if (Number(counted[0][0]) !== rows)
        throw new Error(`malamute holds ${counted[0][0]} rows, expected ${rows}`)
      notes.push(
        `${settled.segments} segments after compaction settled (${settled.waitedSeconds.toFixed(0)} s)`,
      )
      return { seconds, bytes: directoryBytes(dataDir), notes }
    },
    query: (sql) => session.query(sql),
    async close() {
      await session?.end().catch(() => {})
      if (server !== undefined && server.child.exitCode === null) {
        server.child.kill('SIGTERM')
        await new Promise((resolve) => server.child.once('exit', resolve))
      }
    },
  }
}
