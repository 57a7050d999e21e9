#!/usr/bin/env node
// `npm run bench`: generates the seeded log events, loads them into Malamute, PostgreSQL 15 and
// DuckDB (in-process and behind a PostgreSQL wire front), runs bench/queries.sql on each, checks
// that the answers agree, and prints load rates, stored bytes, medians, Malamute's ratios and
// their geometric means; writes bench/results/<date>.json and bench/results/ratios.svg.
//
// Usage: npm run bench -- [--rows 10000000] [--engines malamute,postgres,duckdb-wire,duckdb]
//          [--queries q01,q06] [--reps 5] [--budget-s 60] [--keep-data] [--seed 42]
//          [--data-dir DIR] [--results-dir bench/results] [--threads 2] [--explain q06,q07,q14]
// --explain: queries (name prefixes) whose EXPLAIN ANALYZE on Malamute is summarised (batches
// read and pruned) and kept in the JSON; '' for none.
import { createHash } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { compareAnswers, compareApproximate, readQueryFile } from './answers.mjs'
import { duckDbEngines } from './engine-duckdb.mjs'
import { malamuteEngine } from './engine-malamute.mjs'
import { postgresEngine } from './engine-postgres.mjs'
import { generate } from './generate.mjs'
import { median, root } from './harness.mjs'
import { geometricMeans, loadTable, queryTable, ratioChartSvg } from './report.mjs'

const engineOrder = ['malamute', 'postgres', 'duckdb-wire', 'duckdb']
// The answer every other engine is checked against: PostgreSQL's when it ran.
const referenceOrder = ['postgres', 'duckdb', 'duckdb-wire', 'malamute']

const { values: options } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    seed: { type: 'string', default: '42' },
    engines: { type: 'string', default: engineOrder.join(',') },
    queries: { type: 'string' },
    reps: { type: 'string', default: '5' },
    'budget-s': { type: 'string', default: '60' },
    'keep-data': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: path.join(tmpdir(), 'malamute-bench-data') },
    'results-dir': { type: 'string', default: path.join(root, 'bench/results') },
    threads: { type: 'string', default: '2' },
    explain: { type: 'string', default: 'q06,q07,q14' },
  },
})
const rows = Number(options.rows)
const reps = Number(options.reps)
const budgetMs = Number(options['budget-s']) * 1000
const explainWanted = options.explain === '' ? [] : options.explain.split(',')
const engineKeys = options.engines.split(',')
const unknown = engineKeys.filter((key) => !engineOrder.includes(key))
if (!Number.isInteger(rows) || rows < 1 || unknown.length > 0 || !(reps >= 1)) {
  console.error(`bad options${unknown.length > 0 ? `: unknown engines ${unknown.join(', ')}` : ''}`)
  process.exit(2)
}
const log = (line) => process.stderr.write(`${line}\n`)

/** Generates the data set once per rows, seed and generator source; answers its meta.json. */
function dataSet() {
  const source = ['generate.mjs', 'vocabulary.mjs'].map((f) =>
    readFileSync(path.join(root, 'bench', f)),
  )
  const version = createHash('sha256').update(Buffer.concat(source)).digest('hex').slice(0, 8)
  const out = path.join(options['data-dir'], `logs-${rows}-seed-${options.seed}-${version}`)
  const metaFile = path.join(out, 'meta.json')
  if (existsSync(metaFile)) {
    log(`data: reusing ${out}`)
    return { out, meta: JSON.parse(readFileSync(metaFile, 'utf8')) }
  }
  log(`data: generating ${rows.toLocaleString('en-US')} events into ${out}`)
  const started = performance.now()
  const meta = generate({
    rows,
    seed: Number(options.seed),
    out,
    formats: ['csv'],
    onProgress: (done) =>
      log(
        `data: ${done.toLocaleString('en-US')} events, ${Math.round(done / ((performance.now() - started) / 1000))} events/s`,
      ),
  })
  log(
    `data: ${(meta.files.csv.bytes / 1e6).toFixed(0)} MB of CSV in ${meta.generate_seconds.toFixed(1)} s`,
  )
  return { out, meta }
}

/** Warm-up, then up to `reps` timed runs while the query's time budget lasts. */
async function timeQuery(engine, sql) {
  const times = []
  let answer
  let spentMs = 0
  try {
    for (let run = 0; run <= reps; run++) {
      const started = performance.now()
      answer = await engine.query(sql)
      const ms = performance.now() - started
      spentMs += ms
      const slowWarmUp = run === 0 && spentMs > budgetMs
      if (run > 0 || slowWarmUp) times.push(ms)
      if (spentMs > budgetMs && times.length > 0) break
    }
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0] }
  }
  const text = engine.text === undefined ? answer : engine.text(answer)
  return { medianMs: median(times), timesMs: times, rows: text.rows.length, answer: text }
}

/** EXPLAIN ANALYZE of `query` on Malamute: its text and the scan's reading and pruning counts. */
async function explain(engine, query) {
  try {
    const { rows: lines } = await engine.query(`EXPLAIN ANALYZE ${query.sql}`)
    const text = lines.map((line) => line[0]).join('\n')
    // Sums every `name=number` of the Scan lines: segments, read, pruned-by-*, batches-*, bytes-read.
    const counts = {}
    for (const line of text.split('\n').filter((l) => /\bScan\b/.test(l))) {
      for (const [, name, value] of line.matchAll(/([a-z-]+)=(\d+)\b/g)) {
        counts[name] = (counts[name] ?? 0) + Number(value)
      }
    }
    // Pruned by time, by statistics and by token filters, or left unread by a top-k.
    const pruned = Object.entries(counts)
      .filter(([name]) => /^batches-(pruned|skipped)-by-/.test(name))
      .reduce((sum, [, value]) => sum + value, 0)
    const batches = pruned + (counts['batches-read'] ?? 0)
    const summary = `segments ${counts.segments ?? '?'}, read ${counts.read ?? '?'}; batches read ${counts['batches-read'] ?? '?'}, pruned ${pruned} (${batches === 0 ? '–' : ((100 * pruned) / batches).toFixed(1)} %); bytes read ${counts['bytes-read'] ?? '?'}`
    log(`${query.name}: EXPLAIN ANALYZE on Malamute: ${summary}`)
    return { name: query.name, summary, counts, text }
  } catch (error) {
    return { name: query.name, error: String(error?.message ?? error).split('\n')[0] }
  }
}

/** Checks each engine's answer against the reference; answers a one-cell summary. */
function checkAgreement(query, outcomes, labels) {
  if (query.approximates !== undefined) return checkApproximation(query, outcomes, labels)
  const answered = Object.keys(outcomes).filter((key) => outcomes[key].answer !== undefined)
  const referenceKey = referenceOrder.find((key) => answered.includes(key))
  if (referenceKey === undefined) return 'no answers'
  const differences = []
  for (const key of answered) {
    if (key === referenceKey) continue
    const difference = compareAnswers(query, outcomes[key].answer, outcomes[referenceKey].answer)
    outcomes[key].agrees = difference === undefined
    if (difference !== undefined) {
      outcomes[key].difference = difference
      differences.push(`${labels.get(key)} differs from ${labels.get(referenceKey)}: ${difference}`)
    }
  }
  if (differences.length > 0) return `NO (${differences.map((d) => d.split(':')[0]).join('; ')})`
  return answered.length === 1 ? 'only one answer' : `yes (${answered.length} engines)`
}

/** An estimate (ddsketch) checked against the exact answer of the query it approximates. */
function checkApproximation(query, outcomes, labels) {
  const { query: exactName, column, relativeError } = query.approximates
  const exact = results.find((result) => result.name === exactName)?.engines ?? {}
  const referenceKey = referenceOrder.find((key) => exact[key]?.answer !== undefined)
  if (referenceKey === undefined) return `no exact answer (${exactName})`
  const answered = Object.keys(outcomes).filter((key) => outcomes[key].answer !== undefined)
  if (answered.length === 0) return 'no answers'
  const within = `within ${100 * relativeError} % on ${column} of ${exactName} on ${labels.get(referenceKey)}`
  const differences = []
  for (const key of answered) {
    const difference = compareApproximate(
      query.approximates,
      outcomes[key].answer,
      exact[referenceKey].answer,
    )
    outcomes[key].agrees = difference === undefined
    if (difference !== undefined) {
      outcomes[key].difference = difference
      differences.push(labels.get(key))
    }
  }
  return differences.length > 0 ? `NO (${differences.join('; ')} not ${within})` : `yes (${within})`
}

const { out: dataDir, meta } = dataSet()
const workDir = mkdtempSync(path.join(tmpdir(), 'malamute-bench-run-'))
chmodSync(workDir, 0o755) // the PostgreSQL cluster inside runs as the postgres user
const threads = Number(options.threads)
const duck = duckDbEngines({ workDir, log, threads })
const factories = {
  malamute: () => malamuteEngine({ workDir, log }),
  postgres: () => postgresEngine({ workDir, log }),
  'duckdb-wire': () => duck.wire,
  duckdb: () => duck.inProcess,
}
const engines = engineOrder.filter((key) => engineKeys.includes(key)).map((key) => factories[key]())
const labels = new Map(engines.map((engine) => [engine.key, engine.label]))
let queries = readQueryFile(path.join(root, 'bench/queries.sql'))
if (options.queries !== undefined) {
  const wanted = options.queries.split(',')
  const picked = (query) => wanted.some((prefix) => query.name.startsWith(prefix))
  // An estimate needs the exact answer it is checked against.
  const exactNames = new Set(queries.filter(picked).map((query) => query.approximates?.query))
  queries = queries.filter((query) => picked(query) || exactNames.has(query.name))
}

const loads = new Map()
const results = []
const explains = []
try {
  const csv = meta.files.csv.path
  const ready = []
  for (const engine of engines) {
    try {
      const load = await engine.load({ csv, rows })
      log(
        `${engine.key}: ${Math.round(rows / load.seconds).toLocaleString('en-US')} rows/s, ${(load.bytes / 1e6).toFixed(1)} MB stored, ${(load.bytes / rows).toFixed(0)} bytes/event`,
      )
      loads.set(engine.label, load)
      ready.push(engine)
    } catch (error) {
      log(`${engine.key}: load failed: ${error.message}`)
      loads.set(engine.label, { error: String(error.message).split('\n')[0] })
    }
  }
  for (const query of queries) {
    const outcomes = {}
    for (const engine of ready) {
      if (query.engines === undefined || query.engines.includes(engine.key))
        outcomes[engine.key] = await timeQuery(engine, query.sql)
    }
    const agreement = checkAgreement(query, outcomes, labels)
    const figures = ready
      .filter(({ key }) => outcomes[key] !== undefined)
      .map(
        ({ key }) =>
          `${key} ${outcomes[key].error === undefined ? `${outcomes[key].medianMs.toFixed(1)} ms` : 'error'}`,
      )
    log(`${query.name}: ${figures.join(', ')}; agree: ${agreement}`)
    results.push({ name: query.name, engines: outcomes, agreement })
  }
  const malamute = ready.find((engine) => engine.key === 'malamute')
  const explained = queries.filter((query) => explainWanted.some((p) => query.name.startsWith(p)))
  if (malamute !== undefined)
    for (const query of explained) explains.push(await explain(malamute, query))
} finally {
  for (const engine of engines)
    await engine.close().catch((error) => log(`${engine.key}: close: ${error.message}`))
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`
const title = `npm run bench: ${rows.toLocaleString('en-US')} events, ${new Date().toISOString().slice(0, 16)}Z, ${machine}`
console.log(`\n${title}\n`)
console.log(loadTable(loads, rows, meta.raw_bytes))
console.log('')
console.log(queryTable(results, labels))
for (const result of results) {
  for (const [key, outcome] of Object.entries(result.engines)) {
    if (outcome.error !== undefined)
      console.log(`- ${result.name} ${labels.get(key)}: error: ${outcome.error}`)
    if (outcome.difference !== undefined)
      console.log(`- ${result.name} ${labels.get(key)} differs: ${outcome.difference}`)
  }
}
for (const { name, summary: counts, error } of explains) {
  console.log(
    `- ${name} EXPLAIN ANALYZE on Malamute: ${error === undefined ? counts : `error: ${error}`}`,
  )
}
mkdirSync(options['results-dir'], { recursive: true })
const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*/, 'Z')
const jsonFile = path.join(options['results-dir'], `${stamp}.json`)
const forJson = results.map(({ name, engines: outcomes, agreement }) => ({
  name,
  agreement,
  engines: Object.fromEntries(
    Object.entries(outcomes).map(([key, { answer, ...rest }]) => [key, rest]),
  ),
}))
const summary = {
  title,
  rows,
  seed: Number(options.seed),
  reps,
  budgetSeconds: budgetMs / 1000,
  machine,
  node: process.version,
  meta,
  loads: Object.fromEntries(loads),
  geometricMeans: geometricMeans(results),
  queries: forJson,
  malamuteExplainAnalyze: explains,
}
writeFileSync(jsonFile, `${JSON.stringify(summary, null, 2)}\n`)
writeFileSync(path.join(options['results-dir'], 'ratios.svg'), ratioChartSvg(results, title))
console.log(
  `\nwrote ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), path.join(options['results-dir'], 'ratios.svg'))}`,
)

if (options['keep-data'])
  console.log(`kept the data in ${dataDir} and the engines' files in ${workDir}`)
else {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(workDir, { recursive: true, force: true })
}
