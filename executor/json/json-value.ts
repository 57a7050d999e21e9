// JSON values as jsonb holds them, and jsonb's text forms (jsonb_in / jsonb_out of PostgreSQL
// 15): object keys unique (the last duplicate wins) and ordered shorter first, then bytewise;
// numbers are numeric, kept as their normalized decimal text ('1.50' stays, '1e2' is 100);
// output spaced as `{"a": 1, "b": [1, 2]}`. A jsonb vector holds this normalized text, so
// equality is byte equality and output is a copy; operators parse it again per row.
import { PgError, SqlState } from '../../common/index.js'

/** A JSON number, held as its numeric text. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export class JsonObject {
  /** Keys in jsonb order, unique. */
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly JsonValue[],
  ) {}

  get(key: string): JsonValue | undefined {
    const index = this.keys.indexOf(key)
    return index < 0 ? undefined : this.values[index]
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject

function invalidJson(_text: string, detail: string): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: 'invalid input syntax for type json',
    detail,
  })
}

const utf8 = new TextEncoder()

function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) > 0x7f) return utf8.encode(text).length
  return text.length
}

/** jsonb's key order: shorter (in UTF-8 bytes) first, then bytewise, which is code point order. */
export function compareJsonKeys(a: string, b: string): number {
  const aLength = utf8Length(a)
  const bLength = utf8Length(b)
  if (aLength !== bLength) return aLength - bLength
  if (a === b) return 0
  // Code point order (UTF-16 order differs only around surrogates).
  const aPoints = Array.from(a)
  const bPoints = Array.from(b)
  for (let i = 0; i < Math.min(aPoints.length, bPoints.length); i++) {
    const difference = aPoints[i]!.codePointAt(0)! - bPoints[i]!.codePointAt(0)!
    if (difference !== 0) return difference
  }
  return aPoints.length - bPoints.length
}

/** Builds an object the way jsonb does: duplicate keys keep their last value, keys sorted. */
export function makeJsonObject(pairs: readonly (readonly [string, JsonValue])[]): JsonObject {
  // Normalized text (what jsonb vectors hold) is already in order: no map, no sort.
  let ordered = true
  for (let i = 1; i < pairs.length && ordered; i++)
    ordered = compareJsonKeys(pairs[i - 1]![0], pairs[i]![0]) < 0
  if (ordered)
    return new JsonObject(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    )
  const byKey = new Map<string, JsonValue>()
  for (const [key, value] of pairs) byKey.set(key, value)
  const keys = [...byKey.keys()].sort(compareJsonKeys)
  return new JsonObject(
    keys,
    keys.map((k) => byKey.get(k) ?? null),
  )
}

/** numeric_in's normalization of a JSON number: exponent applied, display scale kept. */
export function normalizeJsonNumber(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (match === null) return text
  const negative = match[1] === '-'
  const fraction = match[3] ?? ''
  const exponent = Number(match[4] ?? 0)
  const scale = Math.max(0, fraction.length - exponent)
  // value = digits × 10^(exponent − fraction.length); as an integer at `scale`
  let unscaled = BigInt(match[2]! + fraction)
  const shift = exponent - fraction.length + scale
  unscaled *= 10n ** BigInt(shift)
  let digits = unscaled.toString().padStart(scale + 1, '0')
  if (scale > 0) digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(-scale)}`
  return negative && unscaled !== 0n ? `-${digits}` : digits
}

class JsonParser {
  private at = 0
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.parseValue()
    this.skipSpace()
    if (this.at < this.text.length) throw this.unexpected()
    return value
  }

  private skipSpace(): void {
    const text = this.text
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at)
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return
      this.at++
    }
  }

  private unexpected(): PgError {
    if (this.at >= this.text.length)
      return invalidJson(this.text, 'The input string ended unexpectedly.')
    const token = /^(?:[A-Za-z0-9_.+-]+|.)/s.exec(this.text.slice(this.at))?.[0] ?? ''
    return invalidJson(this.text, `Token "${token}" is invalid.`)
  }

  private parseValue(): JsonValue {
    this.skipSpace()
    const c = this.text[this.at]
    switch (c) {
      case '{':
        return this.parseObject()
      case '[':
        return this.parseArray()
      case '"':
        return this.parseString()
      case 't':
        return this.parseWord('true', true)
      case 'f':
        return this.parseWord('false', false)
      case 'n':
        return this.parseWord('null', null)
      default:
        return this.parseNumber()
    }
  }

  private parseWord<T extends JsonValue>(word: string, value: T): T {
    const next = this.text.charCodeAt(this.at + word.length)
    const glued =
      (next >= 48 && next <= 57) ||
      (next >= 65 && next <= 90) ||
      (next >= 97 && next <= 122) ||
      next === 95
    if (!this.text.startsWith(word, this.at) || glued) throw this.unexpected()
    this.at += word.length
    return value
  }

  private parseNumber(): JsonNumber {
    const text = this.text
    const start = this.at
    let at = start
    let plain = true
    const digits = (): number => {
      const from = at
      while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++
      return at - from
    }
    if (text[at] === '-') at++
    const integerStart = at
    const integerDigits = digits()
    const leadingZero = integerDigits > 1 && text[integerStart] === '0'
    let valid = integerDigits > 0 && !leadingZero
    if (text[at] === '.') {
      at++
      plain = false
      valid = digits() > 0 && valid
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++
      plain = false
      if (text[at] === '+' || text[at] === '-') at++
      valid = digits() > 0 && valid
    }
    const next = text[at]
    if (!valid || (next !== undefined && /[A-Za-z0-9_.]/.test(next))) throw this.unexpected()
    this.at = at
    const written = text.slice(start, at)
    return new JsonNumber(plain && written !== '-0' ? written : normalizeJsonNumber(written))
  }

  private parseString(): string {
    const text = this.text
    let out = ''
    let start = ++this.at
    for (;;) {
      if (this.at >= text.length) throw invalidJson(text, 'The input string ended unexpectedly.')
      const c = text.charCodeAt(this.at)
      if (c === 34) break
      if (c < 32) {
        throw invalidJson(
          text,
          `Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`,
        )
      }
      if (c !== 92) {
        this.at++
        continue
      }
      out += text.slice(start, this.at)
      const escape = text[this.at + 1]
      this.at += 2
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape
          break
        case 'b':
          out += '\b'
          break
        case 'f':
          out += '\f'
          break
        case 'n':
          out += '\n'
          break
        case 'r':
          out += '\r'
          break
        case 't':
          out += '\t'
          break
        case 'u': {
          const hex = text.slice(this.at, this.at + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            throw invalidJson(text, '"\\u" must be followed by four hexadecimal digits.')
          }
          const code = parseInt(hex, 16)
          if (code === 0) {
            throw new PgError({
              code: SqlState.untranslatableCharacter,
              message: 'unsupported Unicode escape sequence',
              detail: '\\u0000 cannot be converted to text.',
            })
          }
          out += String.fromCharCode(code)
          this.at += 4
          break
        }
        default:
          throw invalidJson(text, `Escape sequence "\\${escape ?? ''}" is invalid.`)
      }
      start = this.at
    }
    out += text.slice(start, this.at)
    this.at++
    return out
  }

  private parseArray(): JsonValue[] {
    this.at++
    const items: JsonValue[] = []
    this.skipSpace()
    if (this.text[this.at] === ']') {
      this.at++
      return items
    }
    for (;;) {
      items.push(this.parseValue())
      this.skipSpace()
      const c = this.text[this.at]
      this.at++
      if (c === ']') return items
      if (c !== ',') {
        this.at--
        throw this.unexpected()
      }
    }
  }

  private parseObject(): JsonObject {
    this.at++
    const pairs: [string, JsonValue][] = []
    this.skipSpace()
    if (this.text[this.at] === '}') {
      this.at++
      return new JsonObject([], [])
    }
    for (;;) {
      this.skipSpace()
      if (this.text[this.at] !== '"') throw this.unexpected()
      const key = this.parseString()
      this.skipSpace()
      if (this.text[this.at] !== ':') throw this.unexpected()
      this.at++
      pairs.push([key, this.parseValue()])
      this.skipSpace()
      const c = this.text[this.at]
      this.at++
      if (c === '}') return makeJsonObject(pairs)
      if (c !== ',') {
        this.at--
        throw this.unexpected()
      }
    }
  }
}

/** Parses JSON text (json_in / jsonb_in); 22P02 with PostgreSQL's detail on bad input. */
export function parseJson(text: string): JsonValue {
  return new JsonParser(text).parseDocument()
}

/** escape_json: quotes and escapes a string as PostgreSQL prints it. */
export function quoteJsonString(value: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 32 && c !== 34 && c !== 92) continue
    out += value.slice(start, i)
    start = i + 1
    switch (c) {
      case 34:
        out += '\\"'
        break
      case 92:
        out += '\\\\'
        break
      case 8:
        out += '\\b'
        break
      case 12:
        out += '\\f'
        break
      case 10:
        out += '\\n'
        break
      case 13:
        out += '\\r'
        break
      case 9:
        out += '\\t'
        break
      default:
        out += `\\u${c.toString(16).padStart(4, '0')}`
    }
  }
  return `${out}${value.slice(start)}"`
}

/** jsonb_out: the normalized text. `separator` is ': ' for jsonb, ' : ' for json_build_object. */
export function serializeJson(value: JsonValue, separator = ': '): string {
  if (value === null) return 'null'
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (typeof value === 'string') return quoteJsonString(value)
  if (value instanceof JsonNumber) return value.text
  if (Array.isArray(value)) return `[${value.map((v) => serializeJson(v, separator)).join(', ')}]`
  const parts = value.keys.map(
    (key, i) =>
      `${quoteJsonString(key)}${separator}${serializeJson(value.values[i] ?? null, separator)}`,
  )
  return `{${parts.join(', ')}}`
}

/** jsonb_typeof's names. */
export function jsonTypeOf(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string') return 'string'
  if (value instanceof JsonNumber) return 'number'
  return Array.isArray(value) ? 'array' : 'object'
}
