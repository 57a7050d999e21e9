// PostgreSQL 15's regexp_count, regexp_instr, regexp_substr, regexp_like and regexp_match
// (regexp.c), over the translated patterns of regex.ts. Positions count characters (code
// points); the search starts at `start` but sees the whole string, as pg_regexec does.
import { PgError, SqlState } from '../../common/index.js'
import { makeTextVector } from '../expr/vector-builders.js'
import { numberArg, type Kernel, type KernelCall } from './kernel.js'
import { compileRegex } from './regex.js'
import { boolRows, numberRows, stringReader, strictValidity, textRows } from './row-values.js'

/** parse_re_flags for the flags we translate: i, c, and g (which these functions refuse). */
function caseFlag(flags: string, fn: string): boolean {
  let caseInsensitive = false
  for (const flag of flags) {
    if (flag === 'i') caseInsensitive = true
    else if (flag === 'c') caseInsensitive = false
    else if (flag === 'g') {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `${fn} does not support the "global" option`,
        ...(fn === 'regexp_match()' ? { hint: 'Use the regexp_matches function instead.' } : {}),
      })
    } else {
      throw new PgError({
        code: SqlState.invalidParameterValue,
        message: `invalid regular expression option: "${flag}"`,
      })
    }
  }
  return caseInsensitive
}

function invalidValue(name: string, value: number): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `invalid value for parameter "${name}": ${value}`,
  })
}

const surrogate = /[\uD800-\uDFFF]/

/** UTF-16 index of character `chars` (clamped to the end). */
function indexOfCharacter(text: string, chars: number): number {
  if (!surrogate.test(text)) return Math.min(chars, text.length)
  let index = 0
  for (let k = 0; k < chars && index < text.length; k++)
    index += text.codePointAt(index)! > 0xffff ? 2 : 1
  return index
}

/** Character position of UTF-16 index `index`. */
function characterOfIndex(text: string, index: number): number {
  if (!surrogate.test(text)) return index
  return Array.from(text.slice(0, index)).length
}

/** One match: UTF-16 [start, end) of the whole match and of each group (-1 when unset). */
type Match = readonly number[]

/** Every match from character `start` on (setup_regexp_matches with glob, no degenerate skip). */
function allMatches(text: string, regex: RegExp, start: number): Match[] {
  const matches: Match[] = []
  const global = new RegExp(regex.source, `${regex.flags.replace('g', '')}dg`)
  global.lastIndex = indexOfCharacter(text, start)
  if (global.lastIndex > text.length) return matches
  for (let match = global.exec(text); match !== null; match = global.exec(text)) {
    const locations: number[] = []
    for (const span of match.indices!) locations.push(span?.[0] ?? -1, span?.[1] ?? -1)
    matches.push(locations)
    if (match[0].length === 0) {
      if (global.lastIndex >= text.length) break
      global.lastIndex += text.codePointAt(global.lastIndex)! > 0xffff ? 2 : 1
    }
  }
  return matches
}

/** Reads optional int argument `index` (its default when absent). */
function intReader(call: KernelCall, index: number, fallback: number): (row: number) => number {
  if (call.args.length <= index) return () => fallback
  const values = numberArg(call, index).values
  return (row) => values[row]!
}

function optionalText(call: KernelCall, index: number): (row: number) => string {
  return call.args.length > index ? stringReader(call, index) : (): string => ''
}

/** The (match, group) location PostgreSQL's regexp_instr/regexp_substr select, or undefined. */
function selectMatch(matches: Match[], n: number, subexpr: number): [number, number] | undefined {
  const match = matches[n - 1]
  if (match === undefined) return undefined
  const groups = match.length / 2 - 1
  // With no groups, PostgreSQL treats the whole match as the only "subexpression".
  if (subexpr > Math.max(groups, 1)) return undefined
  const slot = subexpr === 0 || groups === 0 ? 0 : subexpr
  return [match[slot * 2]!, match[slot * 2 + 1]!]
}

const regexpCount: Kernel = (call) => {
  const [text, pattern] = [stringReader(call, 0), stringReader(call, 1)]
  const start = intReader(call, 2, 1)
  const flags = optionalText(call, 3)
  return numberRows(call, (row) => {
    if (start(row) <= 0) throw invalidValue('start', start(row))
    const regex = compileRegex(pattern(row), caseFlag(flags(row), 'regexp_count()'))
    return allMatches(text(row), regex, start(row) - 1).length
  })
}

const regexpInstr: Kernel = (call) => {
  const [text, pattern] = [stringReader(call, 0), stringReader(call, 1)]
  const [start, n, endOption] = [
    intReader(call, 2, 1),
    intReader(call, 3, 1),
    intReader(call, 4, 0),
  ]
  const flags = optionalText(call, 5)
  const subexpr = intReader(call, 6, 0)
  return numberRows(call, (row) => {
    if (start(row) <= 0) throw invalidValue('start', start(row))
    if (n(row) <= 0) throw invalidValue('n', n(row))
    if (endOption(row) !== 0 && endOption(row) !== 1)
      throw invalidValue('endoption', endOption(row))
    if (subexpr(row) < 0) throw invalidValue('subexpr', subexpr(row))
    const regex = compileRegex(pattern(row), caseFlag(flags(row), 'regexp_instr()'))
    const value = text(row)
    const span = selectMatch(allMatches(value, regex, start(row) - 1), n(row), subexpr(row))
    if (span === undefined) return 0
    const at = span[endOption(row)]!
    return at < 0 ? 0 : characterOfIndex(value, at) + 1
  })
}

const regexpSubstr: Kernel = (call) => {
  const [text, pattern] = [stringReader(call, 0), stringReader(call, 1)]
  const [start, n] = [intReader(call, 2, 1), intReader(call, 3, 1)]
  const flags = optionalText(call, 4)
  const subexpr = intReader(call, 5, 0)
  return textRows(call, (row) => {
    if (start(row) <= 0) throw invalidValue('start', start(row))
    if (n(row) <= 0) throw invalidValue('n', n(row))
    if (subexpr(row) < 0) throw invalidValue('subexpr', subexpr(row))
    const regex = compileRegex(pattern(row), caseFlag(flags(row), 'regexp_substr()'))
    const value = text(row)
    const span = selectMatch(allMatches(value, regex, start(row) - 1), n(row), subexpr(row))
    if (span === undefined || span[0] < 0) return null
    return value.slice(span[0], span[1])
  })
}

const regexpLike: Kernel = (call) => {
  const [text, pattern] = [stringReader(call, 0), stringReader(call, 1)]
  const flags = optionalText(call, 2)
  return boolRows(call, (row) =>
    compileRegex(pattern(row), caseFlag(flags(row), 'regexp_like()')).test(text(row)),
  )
}

/** regexp_match: the groups of the first match (or the match itself), NULL when none. */
const regexpMatch: Kernel = (call) => {
  const [text, pattern] = [stringReader(call, 0), stringReader(call, 1)]
  const flags = optionalText(call, 2)
  const validity = strictValidity(call)
  const outValidity = new Uint8Array(call.length)
  const offsets = new Int32Array(call.length + 1)
  const elements: (string | null)[] = []
  for (let row = 0; row < call.length; row++) {
    if (validity === null || validity[row] === 1) {
      const regex = compileRegex(pattern(row), caseFlag(flags(row), 'regexp_match()'))
      const match = regex.exec(text(row))
      if (match !== null) {
        outValidity[row] = 1
        if (match.length === 1) elements.push(match[0])
        else for (let k = 1; k < match.length; k++) elements.push(match[k] ?? null)
      }
    }
    offsets[row + 1] = elements.length
  }
  const child = makeTextVector('text', elements)
  const length = call.length
  return { kind: 'array', type: call.type, length, validity: outValidity, offsets, child }
}

export const regexExtraKernels: Readonly<Record<string, Kernel>> = {
  regexp_count: regexpCount,
  regexp_instr: regexpInstr,
  regexp_substr: regexpSubstr,
  regexp_like: regexpLike,
  regexp_match: regexpMatch,
}
