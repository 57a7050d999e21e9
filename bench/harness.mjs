// What every benchmark script shares: argument parsing, starting a Malamute server on a free
// port, the spine's query set, median timing and the order-independent answer comparison.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** `--name value` pairs from the command line. */
export function parseArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.flatMap((arg, i, all) => (arg.startsWith('--') ? [[arg.slice(2), all[i + 1]]] : [])),
  )
}

/** The spine's dashboard queries over `logs`, as [name, sql]. */
export const spineQueries = [
  ['count(*)', 'SELECT count(*) FROM logs'],
  ['sum', 'SELECT sum(duration_ms), sum(http_status) FROM logs'],
  [
    'GROUP BY',
    'SELECT service, count(*), avg(duration_ms), max(http_status) FROM logs GROUP BY service ORDER BY service',
  ],
  [
    'GROUP BY + FILTER',
    'SELECT status, count(*), count(*) FILTER (WHERE http_status >= 500) FROM logs GROUP BY status ORDER BY status',
  ],
]

/** Starts `malamute serve` on a free port over `dataDir`; resolves once it listens. */
export async function startMalamute(dataDir, { serveArgs = [], nodeArgs = [], build = root } = {}) {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(build, 'dist/bin/malamute.js'),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...serveArgs,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      const match = /listening on [^:]+:(\d+)/.exec(line)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`malamute exited with ${code}`)))
  })
  return { child, port }
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Runs `run` `runs` times; answers the median milliseconds and the last answer. */
export async function timeMedian(run, runs) {
  const times = []
  let answer
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    answer = await run()
    times.push(performance.now() - started)
  }
  return { ms: median(times), answer }
}

/**
 * Waits until background compaction stops changing the segment count of `logs` (a single
 * segment has nothing to merge); answers the count, the seconds waited, and whether compaction
 * replaced any segment. `explain` runs an EXPLAIN of a query over `logs` and answers its text.
 * One merge of large segments takes seconds, so a count steady for a few checks may only mean
 * a merge is running: the count must hold for `steadyChecks` one-second checks.
 */
export async function settledSegments(explain, { steadyChecks = 3, timeoutMs = 300_000 } = {}) {
  const segments = async () => {
    const match = /segments=(\d+)/.exec(await explain('EXPLAIN SELECT max(duration_ms) FROM logs'))
    return match === null ? NaN : Number(match[1])
  }
  const first = await segments()
  let last = first
  let steady = 0
  const started = performance.now()
  while (last > 1 && steady < steadyChecks && performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const now = await segments()
    steady = now === last ? steady + 1 : 0
    last = now
  }
  const waitedSeconds = (performance.now() - started) / 1000
  return { segments: last, waitedSeconds, compacted: last !== first }
}

/** EXPLAIN text through a node-postgres client, for settledSegments. */
export const explainWith = (client) => async (sql) => {
  const { rows } = await client.query({ text: sql, rowMode: 'array' })
  return rows.map((row) => row[0]).join('\n')
}

/** An answer as comparable text: numbers (and numeric text) rounded to 6 significant digits. */
export function normaliseAnswer(rows) {
  return JSON.stringify(
    rows.map((row) =>
      row.map((value) => {
        const number =
          typeof value === 'bigint'
            ? Number(value)
            : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
              ? Number(value)
              : value
        return typeof number === 'number' ? Number(number.toPrecision(6)) : value
      }),
    ),
  )
}
