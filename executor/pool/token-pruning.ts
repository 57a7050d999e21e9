// Pruning by token filters (storage/segment/token-filter.ts): the conjuncts of a scan's
// filter that a batch's Bloom filter of values and trigrams can refute.
//
//   text_col = 'v', text_col IN ('v', 'w')   some value may be present
//   text_col LIKE '%a_phrase%'               every trigram of each literal run may be present
//   text_col ILIKE '%Phrase%'                same, with trigrams of three ASCII bytes only
//   text_col ~ 'req(uired)?literal', ~*      literal runs every match must contain (ASCII)
//
// Anything else (OR, NOT LIKE, functions of the column, patterns from a column) takes no
// part. Probing never refutes a batch that holds a matching row: trigrams are case-folded
// the way the filter stores them, and case-insensitive probes skip non-ASCII trigrams, whose
// case mapping the filter does not promise to cover.
import { mayContainTrigrams, mayContainValue, trigramsOf } from '../../storage/index.js'
import type { SegmentReader } from '../../storage/api.js'
import { compileLikePattern } from '../functions/like.js'
import type { Expr } from '../plan.js'
import { statsPredicatesOf } from './stats-pruning.js'

export type TokenPredicate =
  | { readonly kind: 'values'; readonly column: number; readonly values: readonly Uint8Array[] }
  | { readonly kind: 'trigrams'; readonly column: number; readonly codes: readonly number[] }

const tokenTypes: ReadonlySet<string> = new Set(['text', 'varchar', 'name'])
const encoder = new TextEncoder()

/** The column under `expr` when it is a text column read as text (maybe through a text cast). */
function textColumnOf(expr: Expr): number | undefined {
  const inner = expr.kind === 'cast' && tokenTypes.has(expr.type) ? expr.arg : expr
  return inner.kind === 'column' && tokenTypes.has(inner.type) ? inner.index : undefined
}

function literalText(expr: Expr | undefined): string | undefined {
  return expr?.kind === 'literal' && typeof expr.value === 'string' ? expr.value : undefined
}

/** The literal runs of a LIKE pattern (between % and _), as bytes. */
function likeRuns(pattern: string): Uint8Array[] {
  let tokens: Int16Array
  try {
    tokens = compileLikePattern(pattern).tokens
  } catch {
    return [] // the kernel reports the bad pattern
  }
  const runs: Uint8Array[] = []
  let run: number[] = []
  for (const token of tokens) {
    if (token >= 0) run.push(token)
    else if (run.length > 0) [runs[runs.length], run] = [Uint8Array.from(run), []]
  }
  if (run.length > 0) runs.push(Uint8Array.from(run))
  return runs
}

/** Index just past the bracket expression starting at `start` ('['), or -1. */
function bracketEnd(pattern: string, start: number): number {
  let i = start + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  for (; i < pattern.length; i++) {
    if (pattern[i] === '[' && ':.='.includes(pattern[i + 1] ?? 'x')) {
      const close = pattern.indexOf(`${pattern[i + 1]}]`, i + 2)
      if (close < 0) return -1
      i = close + 1
    } else if (pattern[i] === ']') return i + 1
  }
  return -1
}

/** Index just past the group starting at `start` ('('), or -1. */
function groupEnd(pattern: string, start: number): number {
  let depth = 0
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') i++
    else if (c === '[') {
      const end = bracketEnd(pattern, i)
      if (end < 0) return -1
      i = end - 1
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i + 1
  }
  return -1
}

/**
 * Literal runs every match of PostgreSQL regex `pattern` contains, or [] when unsure
 * (alternation, embedded options, anything unusual): runs end at any metacharacter, and a
 * character a quantifier makes optional is dropped.
 */
export function requiredRegexRuns(pattern: string): string[] {
  if (pattern.startsWith('***') || pattern.startsWith('(?') || pattern.includes('|')) return []
  const runs: string[] = []
  let run = ''
  const flush = (): void => {
    if (run.length > 0) runs.push(run)
    run = ''
  }
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!
    if (c === '\\') {
      const next = pattern[i + 1]
      if (next === undefined) return []
      if (/[0-9A-Za-z]/.test(next)) flush()
      else run += next
      i += 2
    } else if (c === '[' || c === '(') {
      const end = c === '[' ? bracketEnd(pattern, i) : groupEnd(pattern, i)
      if (end < 0) return []
      flush()
      i = end
    } else if (c === '*' || c === '?' || c === '{') {
      run = run.slice(0, -1)
      flush()
      if (c === '{') {
        const close = pattern.indexOf('}', i)
        if (close < 0) return []
        i = close + 1
      } else i++
    } else if (c === '+' || c === '.' || c === '^' || c === '$') {
      flush()
      i++
    } else if (c === ')' || c === ']' || c === '}') {
      return []
    } else {
      // A character a following quantifier makes optional is dropped when the quantifier is seen.
      run += c
      i++
    }
  }
  flush()
  return runs
}

function trigramPredicate(
  column: number,
  runs: readonly Uint8Array[],
  asciiOnly: boolean,
): TokenPredicate | undefined {
  const codes = new Set<number>()
  for (const run of runs) for (const code of trigramsOf(run, asciiOnly)) codes.add(code)
  return codes.size === 0 ? undefined : { kind: 'trigrams', column, codes: [...codes] }
}

function patternPredicate(conjunct: Expr): TokenPredicate | undefined {
  if (conjunct.kind !== 'call' || conjunct.args.length !== 2) return undefined
  const [subject, patternExpr] = conjunct.args
  const column = subject === undefined ? undefined : textColumnOf(subject)
  const pattern = literalText(patternExpr)
  if (column === undefined || pattern === undefined) return undefined
  switch (conjunct.fn) {
    case 'like':
      return trigramPredicate(column, likeRuns(pattern), false)
    case 'ilike':
      return trigramPredicate(column, likeRuns(pattern), true)
    case 'regex_match':
    case 'regex_imatch':
      return trigramPredicate(
        column,
        requiredRegexRuns(pattern).map((run) => encoder.encode(run)),
        true,
      )
    default:
      return undefined
  }
}

/** The conjuncts of `filter` (an AND tree) that token filters can refute. */
export function tokenPredicatesOf(filter: Expr | null): TokenPredicate[] {
  if (filter === null) return []
  if (filter.kind === 'call' && filter.fn === 'and')
    return filter.args.flatMap((arg) => tokenPredicatesOf(arg))
  const pattern = patternPredicate(filter)
  if (pattern !== undefined) return [pattern]
  return statsPredicatesOf(filter).flatMap((predicate): TokenPredicate[] => {
    if (predicate.op !== 'eq' && predicate.op !== 'in') return []
    if (!tokenTypes.has(predicate.type) || predicate.values.length === 0) return []
    const values = predicate.values.map((value) => encoder.encode(String(value)))
    return [{ kind: 'values', column: predicate.column, values }]
  })
}

/**
 * What proves batch `batchIndex` of `reader` holds no matching row: a value index (format 4)
 * that holds none of a predicate's values, or a Bloom filter ('tokens'); null when nothing
 * does. Adds the filter bytes it read to `bytes.read`.
 */
export async function tokenRefutation(
  reader: SegmentReader,
  batchIndex: number,
  predicates: readonly TokenPredicate[],
  names: readonly string[],
  bytes: { read: number },
): Promise<'tokens' | 'value-index' | null> {
  if (reader.tokenFilter === undefined) return null
  for (const predicate of predicates) {
    const name = names[predicate.column]
    if (name === undefined) continue
    const filter = await reader.tokenFilter(batchIndex, name)
    if (filter === undefined) continue
    bytes.read += filter.bits.length + (filter.values?.byteLength ?? 0)
    if (predicate.kind === 'values') {
      if (!predicate.values.some((value) => mayContainValue(filter, value)))
        return filter.values === undefined ? 'tokens' : 'value-index'
    } else if (!mayContainTrigrams(filter, predicate.codes)) return 'tokens'
  }
  return null
}

/**
 * False when some predicate's token filter proves batch `batchIndex` of `reader` holds no
 * matching row; adds the filter bytes it read to `bytes.read`.
 */
export async function batchMayMatchTokens(
  reader: SegmentReader,
  batchIndex: number,
  predicates: readonly TokenPredicate[],
  names: readonly string[],
  bytes: { read: number },
): Promise<boolean> {
  return (await tokenRefutation(reader, batchIndex, predicates, names, bytes)) === null
}
