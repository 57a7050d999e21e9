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
export async function startMalamute(dataDir, { serveArgs = [], nodeArgs = [] } = {}) {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      path.join(root, 'dist/bin/malamute.js'),
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
