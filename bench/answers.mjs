// Comparable answers: every engine's rows become text in one canonical form, then are compared
// in order, or group by group of equal sort key where the query's order is not total.
//
// Canonical text: NULL is ∅; numbers (and numeric text) keep 6 significant digits (and agree
// within one unit of the last, for values at a rounding boundary), so float
// summation order and numeric scale (avg gives 12.5000000000000000 in PostgreSQL, 12.5 in
// DuckDB) do not matter; timestamps become ISO 8601 UTC with trailing zero fractions dropped;
// JSON objects are re-serialised with sorted keys (jsonb reorders keys and adds spaces).
import { readFileSync } from 'node:fs'

const numberPattern = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i
const timestampPattern = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)?$/

/** Sorts object keys, recursively, so equal JSON values serialise alike. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  )
}

function canonicalTimestamp(match) {
  const [, date, time, fraction = '', zone = 'Z'] = match
  const trimmed = fraction.replace(/0+$/, '').replace(/\.$/, '')
  if (zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) return `${date}T${time}${trimmed}Z`
  const utc = new Date(
    `${date}T${time}${fraction.slice(0, 4)}${zone.length === 3 ? `${zone}:00` : zone}`,
  )
  return utc.toISOString().replace(/\.?0*Z$/, '') + trimmed.slice(4) + 'Z'
}

/** One value (text from the wire, or text of a DuckDB value) in canonical text. */
export function canonicalValue(text) {
  if (text === null || text === undefined) return '∅'
  if (text.length < 30 && numberPattern.test(text)) {
    const number = Number(text)
    return Number.isSafeInteger(number) ? String(number) : String(Number(number.toPrecision(6)))
  }
  const timestamp = timestampPattern.exec(text)
  if (timestamp !== null) return canonicalTimestamp(timestamp)
  if (text.startsWith('{"') && text.endsWith('}')) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(text)))
    } catch {
      return text // a PostgreSQL array literal, not JSON
    }
  }
  return text
}

export const canonicalRow = (row) => row.map(canonicalValue).join(' | ')

/** Canonical rows cut into runs of equal value in column `keyIndex` (for `-- order: ts`). */
function groupsByKey(rows, keyIndex) {
  const groups = []
  for (const row of rows) {
    const key = canonicalValue(row[keyIndex] ?? null)
    const last = groups.at(-1)
    if (last !== undefined && last.key === key) last.rows.push(canonicalRow(row))
    else groups.push({ key, rows: [canonicalRow(row)] })
  }
  for (const group of groups) group.rows.sort()
  return groups
}

/**
 * Whether two canonical rows agree: equal text, or numbers within one unit of the sixth
 * significant digit (a value near a rounding boundary may round either way: 250.4785).
 */
function sameRow(mine, other) {
  if (mine === other) return true
  if (mine === undefined || other === undefined) return false
  const a = mine.split(' | ')
  const b = other.split(' | ')
  if (a.length !== b.length) return false
  return a.every((cell, i) => {
    if (cell === b[i]) return true
    const x = Number(cell)
    const y = Number(b[i])
    if (!Number.isFinite(x) || !Number.isFinite(y) || cell === '' || b[i] === '') return false
    return Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y))
  })
}

const shorten = (text) => (text.length > 160 ? `${text.slice(0, 157)}...` : text)

/**
 * Compares `answer` with `reference` ({ columns, rows }, rows of text or null) for `query`
 * ({ sql, orderKey }). Answers undefined when they agree, else the first difference, briefly.
 */
export function compareAnswers(query, { columns, rows: answer }, { rows: reference }) {
  const keyIndex = query.orderKey === undefined ? -1 : columns.indexOf(query.orderKey)
  if (keyIndex < 0) {
    const ours = answer.map(canonicalRow)
    const theirs = reference.map(canonicalRow)
    if (ours.length !== theirs.length) return `${ours.length} rows, expected ${theirs.length}`
    const i = ours.findIndex((row, k) => !sameRow(row, theirs[k]))
    return i < 0 ? undefined : `row ${i + 1}: ${shorten(ours[i])} ≠ ${shorten(theirs[i])}`
  }
  if (answer.length !== reference.length)
    return `${answer.length} rows, expected ${reference.length}`
  const ours = groupsByKey(answer, keyIndex)
  const theirs = groupsByKey(reference, keyIndex)
  if (ours.length !== theirs.length)
    return `${ours.length} distinct ${query.orderKey}, expected ${theirs.length}`
  const limited = /\blimit\s+\d+\s*$/i.test(query.sql)
  for (let g = 0; g < ours.length; g++) {
    const mine = ours[g]
    const other = theirs[g]
    if (mine.key !== other.key)
      return `${query.orderKey} group ${g + 1}: ${mine.key} ≠ ${other.key}`
    // Under LIMIT, the rows of the last group are any of its peers: only its key must agree.
    if (limited && g === ours.length - 1) break
    const i = mine.rows.findIndex((row, k) => !sameRow(row, other.rows[k]))
    if (i >= 0 || mine.rows.length !== other.rows.length) {
      return `${query.orderKey} ${mine.key}: ${shorten(mine.rows[i] ?? '(none)')} ≠ ${shorten(other.rows[i] ?? '(none)')}`
    }
  }
  return undefined
}

/**
 * Compares Malamute's answer to a query that only it runs (ddsketch_* estimates) with the exact
 * answer another engine gave to its `-- approximates: <query> <column> <relative error>`
 * query: same rows in the same order, every column equal except `column`, which must be within
 * the relative error of the exact value (plus half a unit of its last printed decimal, for
 * round()). Answers undefined when they agree, else the first difference, briefly.
 */
export function compareApproximate(approximates, { columns, rows: answer }, { rows: exact }) {
  const { column, relativeError } = approximates
  const index = columns.indexOf(column)
  if (index < 0) return `no column ${column}`
  if (answer.length !== exact.length) return `${answer.length} rows, expected ${exact.length}`
  for (let i = 0; i < answer.length; i++) {
    const mine = answer[i]
    const other = exact[i]
    const same = mine.every(
      (cell, k) => k === index || canonicalValue(cell) === canonicalValue(other[k]),
    )
    const estimate = Number(mine[index])
    const truth = Number(other[index])
    const decimals = /\.(\d+)$/.exec(mine[index] ?? '')?.[1]?.length ?? 0
    const slack = relativeError * Math.abs(truth) + 0.5 * 10 ** -decimals
    if (!same || !(Math.abs(estimate - truth) <= slack))
      return `row ${i + 1}: ${shorten(canonicalRow(mine))} ≠ ${shorten(canonicalRow(other))} (±${(100 * relativeError).toFixed(1)} % on ${column})`
  }
  return undefined
}

/**
 * Reads a query file: `-- name: id` blocks, optional `-- order: column` lines, SQL text.
 * `-- engines: a,b` runs a query on those engines only; `-- approximates: <query> <column>
 * <relative error>` checks an estimate against that query's exact answer (compareApproximate).
 */
export function readQueryFile(file) {
  const queries = []
  let current
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const name = /^--\s*name:\s*(\S+)/.exec(line)
    if (name !== null) {
      current = { name: name[1], sql: '', orderKey: undefined }
      queries.push(current)
      continue
    }
    const order = /^--\s*order:\s*(\S+)/.exec(line)
    const engines = /^--\s*engines:\s*(\S+)/.exec(line)
    const approximates = /^--\s*approximates:\s*(\S+)\s+(\S+)\s+([\d.]+)/.exec(line)
    if (current === undefined) continue
    if (order !== null) current.orderKey = order[1]
    else if (engines !== null) current.engines = engines[1].split(',')
    else if (approximates !== null) {
      const [, query, column, relativeError] = approximates
      current.approximates = { query, column, relativeError: Number(relativeError) }
    } else if (!/^\s*--/.test(line)) current.sql += `${line}\n`
  }
  return queries.map((query) => ({ ...query, sql: query.sql.trim().replace(/;\s*$/, '') }))
}
