// LIKE / ILIKE with % (any run of characters), _ (one character) and backslash escape.
//
// A constant pattern compiles once per batch (and is cached across batches). Its shape picks
// the loop: exact bytes, prefix, suffix, `%literal%` as one Buffer.indexOf sweep over the
// batch's whole UTF-8 buffer (linear in the batch, not per row), or a general matcher that
// backtracks to the last % like PostgreSQL's MatchText. ILIKE lowers both sides first.
import { PgError, SqlState, sliceVector, type TextVector } from '../../common/index.js'
import { makeBoolVector, textAt } from '../expr/vector-builders.js'
import { combineValidity, textArg, type Kernel } from './kernel.js'
import { bytesEqualAt, matchContains, matchContainsFolded } from './substring-search.js'
import { mapCase } from './text.js'

const percent = -1
const underscore = -2

/** A compiled pattern: bytes, with -1 for % and -2 for _. */
export interface LikePattern {
  readonly shape: 'exact' | 'prefix' | 'suffix' | 'contains' | 'general'
  /** The literal bytes for exact / prefix / suffix / contains. */
  readonly literal: Buffer
  readonly tokens: Int16Array
}

const utf8Encoder = new TextEncoder()

function tokenize(pattern: string): Int16Array {
  const bytes = utf8Encoder.encode(pattern)
  const tokens: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === 0x5c) {
      i += 1
      if (i >= bytes.length) {
        throw new PgError({
          code: SqlState.invalidEscapeSequence,
          message: 'LIKE pattern must not end with escape character',
        })
      }
      tokens.push(bytes[i]!)
    } else if (byte === 0x25) {
      if (tokens[tokens.length - 1] !== percent) tokens.push(percent)
    } else {
      tokens.push(byte === 0x5f ? underscore : byte)
    }
  }
  return Int16Array.from(tokens)
}

/** Compiles a LIKE pattern (backslash escapes). */
export function compileLikePattern(pattern: string): LikePattern {
  const tokens = tokenize(pattern)
  const wildcards = tokens.filter((t) => t < 0).length
  const leading = tokens[0] === percent
  const trailing = tokens.length > 0 && tokens[tokens.length - 1] === percent
  const literalOf = (from: number, to: number): Buffer =>
    Buffer.from(Array.from(tokens.subarray(from, to)))
  let shape: LikePattern['shape'] = 'general'
  let literal: Buffer = Buffer.alloc(0)
  if (tokens.includes(underscore)) shape = 'general'
  else if (wildcards === 0) [shape, literal] = ['exact', literalOf(0, tokens.length)]
  else if (wildcards === 1 && trailing)
    [shape, literal] = ['prefix', literalOf(0, tokens.length - 1)]
  else if (wildcards === 1 && leading) [shape, literal] = ['suffix', literalOf(1, tokens.length)]
  else if (wildcards === 2 && leading && trailing)
    [shape, literal] = ['contains', literalOf(1, tokens.length - 1)]
  return { shape, literal, tokens }
}

/** Bytes of the UTF-8 character starting with `byte`. */
function characterBytes(byte: number): number {
  return byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4
}

/** Matches data[start, end) against pattern tokens, backtracking to the last %. */
export function matchTokens(
  tokens: Int16Array,
  data: Uint8Array,
  start: number,
  end: number,
): boolean {
  let t = 0
  let i = start
  let starToken = -1
  let starText = 0
  while (i < end) {
    const token = t < tokens.length ? tokens[t]! : 0
    if (t < tokens.length && token === percent) {
      starToken = t
      starText = i
      t += 1
    } else if (t < tokens.length && token === underscore) {
      i += characterBytes(data[i]!)
      t += 1
    } else if (t < tokens.length && token === data[i]) {
      i += 1
      t += 1
    } else if (starToken >= 0) {
      starText += characterBytes(data[starText]!)
      i = starText
      t = starToken + 1
    } else {
      return false
    }
  }
  while (t < tokens.length && tokens[t] === percent) t += 1
  return t === tokens.length
}

/** Writes 1 into `out` for rows of `vector` matching `pattern`. */
export function matchLikeVector(vector: TextVector, pattern: LikePattern, out: Uint8Array): void {
  const { data, offsets, length } = vector
  const literal = pattern.literal
  switch (pattern.shape) {
    case 'contains':
      return matchContains(vector, literal, out)
    case 'exact':
      for (let row = 0; row < length; row++) {
        const start = offsets[row]!
        out[row] =
          offsets[row + 1]! - start === literal.length && bytesEqualAt(data, start, literal) ? 1 : 0
      }
      return
    case 'prefix':
      for (let row = 0; row < length; row++) {
        const start = offsets[row]!
        out[row] =
          offsets[row + 1]! - start >= literal.length && bytesEqualAt(data, start, literal) ? 1 : 0
      }
      return
    case 'suffix':
      for (let row = 0; row < length; row++) {
        const end = offsets[row + 1]!
        const fits = end - offsets[row]! >= literal.length
        out[row] = fits && bytesEqualAt(data, end - literal.length, literal) ? 1 : 0
      }
      return
    case 'general':
      for (let row = 0; row < length; row++)
        out[row] = matchTokens(pattern.tokens, data, offsets[row]!, offsets[row + 1]!) ? 1 : 0
      return
  }
}

const patternCacheMax = 256
const patternCache = new Map<string, LikePattern>()

function cachedPattern(pattern: string): LikePattern {
  let compiled = patternCache.get(pattern)
  if (compiled === undefined) {
    compiled = compileLikePattern(pattern)
    if (patternCache.size >= patternCacheMax) patternCache.clear()
    patternCache.set(pattern, compiled)
  }
  return compiled
}

function likeKernel(caseInsensitive: boolean, negated: boolean): Kernel {
  return (call) => {
    const rawText = textArg(call, 0)
    const rawPattern = textArg(call, 1)
    const { length } = call
    const constantPattern = call.constantArgs[1] === true && length > 0
    // A constant pattern is lowered once, not once per row.
    const patternRows = constantPattern ? (sliceVector(rawPattern, 0, 1) as TextVector) : rawPattern
    const patterns = caseInsensitive ? mapCase(patternRows, false) : patternRows
    const validity = combineValidity(length, rawText, rawPattern)
    const out = new Uint8Array(length)
    const constant =
      constantPattern && (patterns.validity === null || patterns.validity[0] === 1)
        ? cachedPattern(textAt(patterns, 0))
        : null
    // ILIKE '%ascii%' folds case while it searches instead of lowering the whole batch first.
    const folded =
      caseInsensitive &&
      constant?.shape === 'contains' &&
      matchContainsFolded(rawText, constant.literal, out)
    const text = caseInsensitive && !folded ? mapCase(rawText, false) : rawText
    if (folded) {
      // `out` is filled.
    } else if (constant !== null) {
      matchLikeVector(text, constant, out)
    } else {
      for (let row = 0; row < length; row++) {
        if (validity !== null && validity[row] === 0) continue
        const tokens = cachedPattern(textAt(patterns, row)).tokens
        out[row] = matchTokens(tokens, text.data, text.offsets[row]!, text.offsets[row + 1]!)
          ? 1
          : 0
      }
    }
    if (negated) for (let row = 0; row < length; row++) out[row] = 1 - out[row]!
    return makeBoolVector('bool', out, validity)
  }
}

export const likeKernels: Readonly<Record<string, Kernel>> = {
  like: likeKernel(false, false),
  not_like: likeKernel(false, true),
  ilike: likeKernel(true, false),
  not_ilike: likeKernel(true, true),
}
