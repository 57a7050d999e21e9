#!/usr/bin/env node
// The benchmark's seeded generator of log events: the schema and distributions of the shared
// benchmark (../shared/bench/gen.mjs), written for this project. Same --rows and --seed give
// byte-identical files.
//
// Usage: node bench/generate.mjs --rows 1000000 [--seed 42] --out DIR [--formats csv,ndjson]
//
// Writes into DIR:
//   logs.csv     header + one row per event, for COPY ... (FORMAT csv, HEADER true) and DuckDB's
//                read_csv; NULL is an empty unquoted field, tags a PostgreSQL array literal
//                ({team:core,region:eu-west-1}; no element needs quoting), attributes a JSON object
//   logs.ndjson  the same events, one JSON object per line (ts ISO 8601 with Z, tags an array)
//   meta.json    rows, seed, time range, the planted needles and how often each occurs
//
// Columns: ts timestamptz (2024-01-01, one UTC day, diurnal rate peaking mid-afternoon, arrival
// jitter of about 1.5 s), service (50, Zipf s=1.1), host (40 per service), env (prod/staging/dev
// 80/15/5), status (info/warn/error, errors per service plus a 20-minute incident on `payments`
// at 14:00), http_status (follows status), duration_ms (log-normal per service, slower for warn
// and error), trace_id (32 hex; about 35 % of events reuse a recent trace), user_id (NULL for
// about 30 %), message (100..600 bytes: a template plus key=value context), tags (1..5 of
// team:/region:/version:/az:/canary:), attributes (nested JSON: http, network, dd, usr).
//
// Planted, whatever the seed: trace_id 4bf92f3577b34da6a3ce929d0e0e4736 on exactly 3 events;
// the phrase `deadlock detected` in 1.5 events per 100,000 (at least one); `connection reset`
// in mixed case in about 1.3 % of events.
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './harness.mjs'
import * as v from './vocabulary.mjs'

export const needleTraceId = '4bf92f3577b34da6a3ce929d0e0e4736'
export const dayStartMs = Date.UTC(2024, 0, 1)
const dayMs = 86_400_000
const incidentFromMs = dayStartMs + 14 * 3_600_000
const incidentToMs = incidentFromMs + 20 * 60_000
const deadlockPer100k = 1.5

const hexByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/** xoshiro128** seeded through splitmix32: small, fast and good enough for test data. */
export function createRandom(seed) {
  let state = seed | 0
  const splitmix = () => {
    state = (state + 0x9e3779b9) | 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = splitmix()
  const next32 = () => {
    const result = Math.imul(((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25)) >>> 0, 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = (d << 11) | (d >>> 21)
    return result
  }
  const unit = () => next32() / 4294967296
  let spareNormal = NaN
  return {
    next32,
    unit,
    below: (n) => Math.floor(unit() * n),
    pick: (list) => list[Math.floor(unit() * list.length)],
    hex32: () => {
      const n = next32()
      return (
        hexByte[n >>> 24] + hexByte[(n >>> 16) & 255] + hexByte[(n >>> 8) & 255] + hexByte[n & 255]
      )
    },
    /** A standard normal deviate (Box-Muller, the second value kept for the next call). */
    normal() {
      if (!Number.isNaN(spareNormal)) {
        const value = spareNormal
        spareNormal = NaN
        return value
      }
      let u = unit()
      while (u === 0) u = unit()
      const radius = Math.sqrt(-2 * Math.log(u))
      const angle = 2 * Math.PI * unit()
      spareNormal = radius * Math.sin(angle)
      return radius * Math.cos(angle)
    },
  }
}

/** Cumulative weights as a Float64Array, for sampling by binary search. */
function cumulative(weights) {
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  const cdf = new Float64Array(weights.length)
  let running = 0
  weights.forEach((weight, i) => (cdf[i] = running += weight / total))
  return cdf
}

/** The first index whose cumulative weight reaches `x` in [0, 1). */
function searchCdf(cdf, x) {
  let low = 0
  let high = cdf.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if (cdf[middle] < x) low = middle + 1
    else high = middle
  }
  return low
}

const serviceCdf = cumulative(v.services.map((_, i) => 1 / Math.pow(i + 1, 1.1)))
const hostCdf = cumulative(Array.from({ length: v.hostsPerService }, (_, k) => 1 / (k + 3)))
const envCdf = cumulative([80, 15, 5])
// Events per minute follow one sine period a day, lowest at 03:00 and highest at 15:00 UTC.
const minuteCdf = cumulative(
  Array.from(
    { length: 1440 },
    (_, minute) => 1 + 0.6 * Math.sin(2 * Math.PI * (minute / 1440 - 0.375)),
  ),
)

/** The event time of event `i` of `rows`: the rate's inverse CDF plus arrival jitter, in ms. */
function eventTimeMs(i, rows, random) {
  const fraction = (i + 0.5) / rows
  const minute = searchCdf(minuteCdf, fraction)
  const before = minute === 0 ? 0 : minuteCdf[minute - 1]
  const within = (fraction - before) / (minuteCdf[minute] - before)
  let offsetMs = Math.round((minute + within) * 60_000 + random.normal() * 1500)
  // Reflect at the day's edges, so no instant collects the jitter that falls outside.
  if (offsetMs < 0) offsetMs = -offsetMs
  if (offsetMs >= dayMs) offsetMs = 2 * (dayMs - 1) - offsetMs
  return dayStartMs + offsetMs
}

const pad2 = (n) => (n < 10 ? '0' : '') + n
const pad3 = (n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n

/** `HH:MM:SS.mmm` of a millisecond offset within the day. */
function clockText(offsetMs) {
  const seconds = Math.floor(offsetMs / 1000)
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${pad3(offsetMs % 1000)}`
}

/** Indexes of the events carrying a planted value, spread over the day. */
function plantedRows(rows) {
  const needle = new Set([
    Math.floor(rows * 0.3137),
    Math.floor(rows * 0.3137) + 1,
    Math.floor(rows * 0.7731),
  ])
  const deadlockCount = Math.max(1, Math.round((rows * deadlockPer100k) / 100_000))
  const deadlock = new Set()
  for (let k = 0; k < deadlockCount; k++)
    deadlock.add(Math.floor(((k + 0.41) * rows) / deadlockCount))
  for (const i of needle) deadlock.delete(i)
  return { needle, deadlock }
}

/** One event as plain fields (tags as an array, attributes as JSON text). */
function makeEvent(i, rows, random, state, planted) {
  const tsMs = eventTimeMs(i, rows, random)
  const serviceIndex = searchCdf(serviceCdf, random.unit())
  const service = v.serviceProfiles[serviceIndex]
  const host = v.hosts[serviceIndex][searchCdf(hostCdf, random.unit())]
  const env = v.envs[searchCdf(envCdf, random.unit())]
  const deadlock = planted.deadlock.has(i)
  let errorChance = 0.03 * service.errorFactor
  if (serviceIndex === v.paymentsIndex && tsMs >= incidentFromMs && tsMs < incidentToMs)
    errorChance = 0.45
  const draw = random.unit()
  const status =
    deadlock || draw < errorChance ? 'error' : draw < errorChance + 0.07 ? 'warn' : 'info'
  const httpStatus = random.pick(v.httpStatusesByStatus[status])
  const slowdown = status === 'error' ? 1.2 : status === 'warn' ? 0.5 : 0
  const durationMs =
    Math.round(Math.exp(service.logMedianMs + 0.9 * random.normal() + slowdown) * 1000) / 1000
  let traceId
  if (planted.needle.has(i)) traceId = needleTraceId
  else if (state.nextTrace > 0 && random.unit() < 0.35) {
    // Reuse one of the 16 newest traces, so a trace spans a few nearby events.
    const newest = state.nextTrace - 1
    traceId = state.recentTraces[(newest - random.below(Math.min(16, state.nextTrace))) & 255]
  } else {
    traceId = random.hex32() + random.hex32() + random.hex32() + random.hex32()
    state.recentTraces[state.nextTrace++ & 255] = traceId
  }
  const userId =
    random.unit() < 0.3
      ? null
      : random.unit() < 0.5
        ? Math.floor(Math.exp(random.unit() * Math.log(500_000)))
        : 1 + random.below(500_000)
  const request = { method: random.pick(v.methods), path: v.requestPath(random) }
  const facts = { service, request, httpStatus, durationMs, userId }
  let message = deadlock ? v.deadlockMessage(random) : v.message(status, facts, random)
  const lengthWanted = 100 + Math.floor(500 * random.unit() * random.unit())
  while (message.length < lengthWanted) message += ' ' + v.contextPair(random)
  if (message.length > 600) message = message.slice(0, 600)
  const tags = v.tagsFor(service, random)
  const userPart = userId === null ? '' : `,"usr":{"id":${userId}}`
  const attributes = `{"http":{"method":"${request.method}","status_code":${httpStatus},"url_path":"${request.path}"},"network":{"client":{"ip":"${v.ip(random)}"}},"dd":{"version":"${service.version}","env":"${env}"}${userPart}}`
  return {
    tsMs,
    service: service.name,
    host,
    env,
    status,
    httpStatus,
    durationMs,
    traceId,
    userId,
    message,
    tags,
    attributes,
  }
}

const csvQuote = (text) => (text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`)

function csvLine(e) {
  const ts = `2024-01-01 ${clockText(e.tsMs - dayStartMs)}+00`
  return `${ts},${e.service},${e.host},${e.env},${e.status},${e.httpStatus},${e.durationMs},${e.traceId},${e.userId ?? ''},${csvQuote(e.message)},"{${e.tags.join(',')}}",${csvQuote(e.attributes)}\n`
}

function ndjsonLine(e) {
  const ts = `2024-01-01T${clockText(e.tsMs - dayStartMs)}Z`
  return `{"ts":"${ts}","service":"${e.service}","host":"${e.host}","env":"${e.env}","status":"${e.status}","http_status":${e.httpStatus},"duration_ms":${e.durationMs},"trace_id":"${e.traceId}","user_id":${e.userId ?? 'null'},"message":${JSON.stringify(e.message)},"tags":${JSON.stringify(e.tags)},"attributes":${e.attributes}}\n`
}

export const csvHeader =
  'ts,service,host,env,status,http_status,duration_ms,trace_id,user_id,message,tags,attributes\n'

/**
 * Writes `rows` events into `out` in the given formats and answers the meta.json contents.
 * `onProgress(rowsDone)` is called every 2^20 rows.
 */
export function generate({
  rows,
  seed = 42,
  out,
  formats = ['csv', 'ndjson'],
  onProgress = () => {},
}) {
  mkdirSync(out, { recursive: true })
  const random = createRandom(seed)
  const state = { recentTraces: [], nextTrace: 0 }
  const planted = plantedRows(rows)
  const files = formats.map((format) => {
    const file = path.join(out, format === 'csv' ? 'logs.csv' : 'logs.ndjson')
    const fd = openSync(file, 'w')
    if (format === 'csv') writeSync(fd, csvHeader)
    return { format, file, fd, line: format === 'csv' ? csvLine : ndjsonLine, pending: '' }
  })
  const counts = { needle: 0, deadlock: 0, connection_reset_ci: 0, error: 0 }
  // The raw size of every format, written or not: the yardstick for stored bytes per event.
  const rawBytes = { csv: Buffer.byteLength(csvHeader), ndjson: 0 }
  const started = performance.now()
  for (let i = 0; i < rows; i++) {
    const event = makeEvent(i, rows, random, state, planted)
    if (event.traceId === needleTraceId) counts.needle++
    if (event.message.includes('deadlock detected')) counts.deadlock++
    const mentionsConnection =
      event.message.includes('onnection') || event.message.includes('ONNECTION')
    if (mentionsConnection && /connection reset/i.test(event.message)) counts.connection_reset_ci++
    if (event.status === 'error') counts.error++
    rawBytes.csv += Buffer.byteLength(csvLine(event))
    rawBytes.ndjson += Buffer.byteLength(ndjsonLine(event))
    for (const file of files) file.pending += file.line(event)
    if ((i & 4095) === 4095 || i === rows - 1) {
      for (const file of files) {
        writeSync(file.fd, file.pending)
        file.pending = ''
      }
      if ((i & 1048575) === 1048575) onProgress(i + 1)
    }
  }
  for (const file of files) closeSync(file.fd)
  const meta = {
    rows,
    seed,
    from: new Date(dayStartMs).toISOString(),
    to: new Date(dayStartMs + dayMs).toISOString(),
    needle_trace_id: needleTraceId,
    counts,
    files: Object.fromEntries(
      files.map((f) => [f.format, { path: f.file, bytes: statSync(f.file).size }]),
    ),
    raw_bytes: rawBytes,
    generate_seconds: (performance.now() - started) / 1000,
  }
  writeFileSync(path.join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n')
  return meta
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs()
  const rows = Number(args.rows ?? 1_000_000)
  if (!Number.isInteger(rows) || rows < 1 || args.out === undefined) {
    console.error(
      'usage: node bench/generate.mjs --rows N [--seed 42] --out DIR [--formats csv,ndjson]',
    )
    process.exit(2)
  }
  const started = performance.now()
  const meta = generate({
    rows,
    seed: Number(args.seed ?? 42),
    out: args.out,
    formats: String(args.formats ?? 'csv,ndjson').split(','),
    onProgress: (done) =>
      process.stderr.write(
        `generated ${done} events, ${Math.round(done / ((performance.now() - started) / 1000))} events/s\n`,
      ),
  })
  console.log(JSON.stringify(meta))
}
