// `npm run bench` end to end at a small size, so the harness cannot rot between the runs that
// measure: bench/run.mjs generates 2,000 events, loads them into a real Malamute server and
// DuckDB, runs every query of bench/queries.sql, and writes its JSON record and SVG chart.
// DuckDB answers every query; each query Malamute answers must agree with DuckDB's answer.
// The comparison itself is checked too: a changed value is caught, formatting is not.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { repositoryRoot } from './server-harness.js'

interface EngineOutcome {
  readonly medianMs?: number
  readonly error?: string
  readonly agrees?: boolean
  readonly difference?: string
}
interface BenchRecord {
  readonly rows: number
  readonly meta: { readonly counts: { readonly needle: number; readonly deadlock: number } }
  readonly loads: Record<
    string,
    { readonly seconds?: number; readonly bytes?: number; readonly error?: string }
  >
  readonly queries: readonly {
    readonly name: string
    readonly engines: Record<string, EngineOutcome>
  }[]
}

let dir: string

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'malamute-bench-test-'))
})

after(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Runs bench/run.mjs with `args`; answers its exit code and output. */
async function runBench(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'bench/run.mjs'), ...args], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, output }
}

test('npm run bench runs end to end at 2,000 events and Malamute agrees with DuckDB', async () => {
  const resultsDir = path.join(dir, 'results')
  const { code, output } = await runBench([
    ...['--rows', '2000', '--engines', 'malamute,duckdb', '--reps', '1'],
    ...['--data-dir', path.join(dir, 'data'), '--results-dir', resultsDir],
  ])
  assert.equal(code, 0, output)
  const files = await readdir(resultsDir)
  const jsonFile = files.find((file) => file.endsWith('.json'))
  assert.ok(jsonFile !== undefined && files.includes('ratios.svg'), `results: ${files.join(', ')}`)
  const record = JSON.parse(await readFile(path.join(resultsDir, jsonFile), 'utf8')) as BenchRecord
  assert.equal(record.rows, 2000)
  assert.equal(record.meta.counts.needle, 3)
  assert.ok(record.meta.counts.deadlock >= 1)
  for (const label of ['Malamute', 'DuckDB']) {
    assert.ok(
      (record.loads[label]?.bytes ?? 0) > 0,
      `${label} load: ${JSON.stringify(record.loads[label])}`,
    )
  }
  assert.equal(record.queries.length, 18)
  let answeredByMalamute = 0
  for (const query of record.queries) {
    const duck = query.engines['duckdb']
    const ours = query.engines['malamute']
    // q18 (ddsketch) runs on Malamute alone, checked against q17's exact answer on DuckDB.
    const malamuteOnly = query.name.startsWith('q18_')
    assert.equal(duck === undefined, malamuteOnly, `${query.name}: DuckDB ${JSON.stringify(duck)}`)
    if (!malamuteOnly)
      assert.ok(duck?.medianMs !== undefined, `${query.name}: DuckDB ${JSON.stringify(duck)}`)
    if (query.name.startsWith('q17_')) assert.equal(ours, undefined)
    if (ours === undefined || ours.error !== undefined) continue
    answeredByMalamute++
    assert.equal(ours?.agrees, true, `${query.name}: ${ours?.difference ?? JSON.stringify(ours)}`)
  }
  assert.ok(answeredByMalamute >= 10, `Malamute answered only ${answeredByMalamute} queries`)
  const mixed = record.queries.find((query) => query.name.startsWith('q18_'))
  assert.equal(mixed?.engines['malamute']?.agrees, true, JSON.stringify(mixed))
  const svg = await readFile(path.join(resultsDir, 'ratios.svg'), 'utf8')
  assert.match(svg, /^<svg [^>]*>/)
  assert.match(svg, />q01_count_per_minute_last_hour<\/text>/)
  assert.match(svg, />geometric mean<\/text>/)
})

interface Answer {
  readonly columns: string[]
  readonly rows: (string | null)[][]
}

test('answer comparison catches a changed value and ignores formatting', async () => {
  const answers = (await import(
    pathToFileURL(path.join(repositoryRoot, 'bench/answers.mjs')).href
  )) as {
    compareAnswers: (
      query: { sql: string; orderKey?: string },
      answer: Answer,
      reference: Answer,
    ) => string | undefined
    compareApproximate: (
      approximates: { column: string; relativeError: number },
      answer: Answer,
      exact: Answer,
    ) => string | undefined
  }
  const ordered = { sql: 'SELECT ... ORDER BY 1' }
  const columns = ['ts', 'n', 'avg', 'attributes']
  const reference = {
    columns,
    rows: [['2024-01-01 23:00:00+00', '7', '12.5000000000000000', '{"b": 1, "a": {"c": "x"}}']],
  }
  const reformatted = {
    columns,
    rows: [['2024-01-01 23:00:00.000+00', '7', '12.5', '{"a":{"c":"x"},"b":1}']],
  }
  assert.equal(answers.compareAnswers(ordered, reformatted, reference), undefined)
  const changed = {
    columns,
    rows: [['2024-01-01 23:00:00+00', '8', '12.5', '{"a":{"c":"x"},"b":1}']],
  }
  assert.match(answers.compareAnswers(ordered, changed, reference) ?? '', /^row 1: /)
  // Rows sharing a ts may come in any order; under LIMIT the last ts group may hold any peers.
  const byTs = { sql: 'SELECT ts, id FROM t ORDER BY ts DESC LIMIT 3', orderKey: 'ts' }
  const tsRows = (ids: string[]) => ({
    columns: ['ts', 'id'],
    rows: [
      ['2024-01-01 10:00:00+00', ids[0] ?? null],
      ['2024-01-01 10:00:00+00', ids[1] ?? null],
      ['2024-01-01 09:00:00+00', ids[2] ?? null],
    ],
  })
  assert.equal(
    answers.compareAnswers(byTs, tsRows(['a', 'b', 'c']), tsRows(['b', 'a', 'd'])),
    undefined,
  )
  assert.match(
    answers.compareAnswers(byTs, tsRows(['a', 'x', 'c']), tsRows(['a', 'b', 'c'])) ?? '',
    /^ts /,
  )
  // An estimate: the approximate column within the relative error (and round()'s half unit),
  // every other column (ranks included) equal.
  const approximates = { column: 'p99', relativeError: 0.01 }
  const exact = { columns: ['tag', 'p99', 'r'], rows: [['a', '1393.656', '1']] }
  const estimate = (p99: string, r = '1') => ({
    columns: ['tag', 'p99', 'r'],
    rows: [['a', p99, r]],
  })
  assert.equal(answers.compareApproximate(approximates, estimate('1380.5'), exact), undefined)
  assert.match(answers.compareApproximate(approximates, estimate('1370.0'), exact) ?? '', /^row 1/)
  assert.match(
    answers.compareApproximate(approximates, estimate('1393.7', '2'), exact) ?? '',
    /^row 1/,
  )
})
