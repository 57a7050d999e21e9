// PostgreSQL's array text format (array_in / array_out in src/backend/utils/adt/arrayfuncs.c)
// for one-dimensional arrays: `{a,"b c",NULL,"\"q\""}`. Output quotes an element when it is
// empty, spells NULL, or holds a brace, comma, quote, backslash or white space; input accepts
// quoted and unquoted elements with backslash escapes and trims unquoted ones.
import { PgError, SqlState } from '../../common/index.js'

/** Quotes one element's text as array_out does. */
export function quoteArrayElement(text: string): string {
  if (text === '') return '""'
  let needsQuotes = text.length === 4 && text.toUpperCase() === 'NULL'
  let needsEscapes = false
  for (let i = 0; i < text.length && !(needsQuotes && needsEscapes); i++) {
    const c = text.charCodeAt(i)
    if (c === 34 || c === 92) {
      needsQuotes = true
      needsEscapes = true
    } else if (c === 123 || c === 125 || c === 44 || isArraySpace(c)) needsQuotes = true
  }
  if (!needsQuotes) return text
  return `"${needsEscapes ? text.replace(/["\\]/g, '\\$&') : text}"`
}

/** array_isspace: space, \t, \n, \r, \v, \f. */
function isArraySpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

/** Renders elements (null for NULL) as PostgreSQL's array text. */
export function formatArrayElements(elements: readonly (string | null)[]): string {
  let out = '{'
  for (let i = 0; i < elements.length; i++) {
    if (i > 0) out += ','
    const element = elements[i]
    out += element === null || element === undefined ? 'NULL' : quoteArrayElement(element)
  }
  return `${out}}`
}

function malformed(text: string, detail: string): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: `malformed array literal: "${text}"`,
    detail,
  })
}

/** 0A000 for input Malamute cannot hold: arrays are one-dimensional with lower bound 1. */
export function multidimensionalNotSupported(): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message: 'multidimensional arrays are not supported',
    hint: 'Malamute holds one-dimensional arrays with lower bound 1.',
  })
}

/**
 * Reads array text into its elements' texts (null for an unquoted NULL). Accepts a leading
 * `[1:n]=` dimension decoration with lower bound 1; raises PostgreSQL's 22P02 messages.
 */
export function parseArrayText(text: string): (string | null)[] {
  let i = 0
  const n = text.length
  const skipSpace = (): void => {
    while (i < n && isArraySpace(text.charCodeAt(i))) i++
  }
  skipSpace()
  if (text[i] === '[') i = parseDimensions(text, i)
  skipSpace()
  if (text[i] !== '{')
    throw malformed(text, 'Array value must start with "{" or dimension information.')
  i++
  const elements: (string | null)[] = []
  skipSpace()
  if (text[i] === '}') {
    i++
  } else {
    for (;;) {
      skipSpace()
      if (i >= n) throw malformed(text, 'Unexpected end of input.')
      const c = text[i]
      if (c === '{') throw multidimensionalNotSupported()
      if (c === ',' || c === '}') throw malformed(text, `Unexpected "${c}" character.`)
      let value = ''
      let quoted = false
      if (c === '"') {
        quoted = true
        i++
        for (;;) {
          if (i >= n) throw malformed(text, 'Unexpected end of input.')
          const d = text[i]!
          if (d === '"') break
          if (d === '\\') {
            i++
            if (i >= n) throw malformed(text, 'Unexpected end of input.')
          }
          value += text[i]
          i++
        }
        i++
        skipSpace()
      } else {
        // Unquoted: up to a delimiter; trailing white space that was not escaped is dropped.
        let keep = 0
        for (;;) {
          if (i >= n) throw malformed(text, 'Unexpected end of input.')
          const d = text[i]!
          if (d === ',' || d === '}') break
          if (d === '{' || d === '"') throw malformed(text, `Unexpected "${d}" character.`)
          if (d === '\\') {
            i++
            if (i >= n) throw malformed(text, 'Unexpected end of input.')
            value += text[i]
            keep = value.length
          } else {
            value += d
            if (!isArraySpace(d.charCodeAt(0))) keep = value.length
          }
          i++
        }
        value = value.slice(0, keep)
      }
      elements.push(!quoted && value.length === 4 && value.toUpperCase() === 'NULL' ? null : value)
      const d = text[i]
      if (d === ',') {
        i++
        continue
      }
      if (d === '}') {
        i++
        break
      }
      if (d === undefined) throw malformed(text, 'Unexpected end of input.')
      throw malformed(text, 'Unexpected array element.')
    }
  }
  skipSpace()
  if (i < n) throw malformed(text, 'Junk after closing right brace.')
  return elements
}

/** Reads `[1:n]=`, checking the lower bound is 1; returns the index after `=`. */
function parseDimensions(text: string, start: number): number {
  const match = /^\[\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?\]\s*(\[)?/.exec(text.slice(start))
  if (match === null) throw malformed(text, 'Missing "]" after array dimensions.')
  if (match[3] !== undefined) throw multidimensionalNotSupported()
  if (match[2] !== undefined && match[1] !== '1') {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'array lower bounds other than 1 are not supported',
    })
  }
  let i = start + match[0].length
  while (i < text.length && isArraySpace(text.charCodeAt(i))) i++
  if (text[i] !== '=') throw malformed(text, 'Missing "=" after array dimensions.')
  return i + 1
}
