// to_char(number, format) with PostgreSQL 15's common numeric template patterns
// (formatting.c NUM_processor): 9 (digit, leading zeros blank), 0 (digit, always printed),
// . and D (decimal point), , and G (group separator), S / MI / PL / SG / PR (signs), and the FM
// prefix (no padding, no trailing fraction zeros). Without a sign pattern one position is kept
// for the sign, just left of the first printed character. Too many integer digits print '#'.
// Numeric rounds half away from zero, floats as printf does (ties to even). RN, TH, EEEE and
// V are in to-char-number-extra.ts.
import { PgError, SqlState } from '../../common/index.js'
import { ordinalSuffix, romanNumeral, scientificText, shiftValue } from './to-char-number-extra.js'

type Token =
  | { kind: 'digit'; zero: boolean }
  | { kind: 'point' }
  | { kind: 'group' }
  | { kind: 'sign'; style: 'S' | 'MI' | 'PL' | 'SG' | 'PR' }
  | { kind: 'literal'; text: string }
  | { kind: 'roman'; lower: boolean }
  | { kind: 'ordinal'; lower: boolean }

interface NumberFormat {
  readonly tokens: readonly Token[]
  readonly fillMode: boolean
  readonly integerDigits: number
  readonly fractionDigits: number
  readonly roman: boolean
  readonly scientific: boolean
  /** V: the value is multiplied by 10^shift (the 9s after V). */
  readonly shift: number
}

function formatError(message: string, detail?: string): PgError {
  const fields = { code: SqlState.syntaxError, message }
  return new PgError(detail === undefined ? fields : { ...fields, detail })
}

const formatCache = new Map<string, NumberFormat>()

function parseFormat(format: string): NumberFormat {
  const cached = formatCache.get(format)
  if (cached !== undefined) return cached
  const tokens: Token[] = []
  let fillMode = false
  let integerDigits = 0
  let fractionDigits = 0
  let afterPoint = false
  let afterV = false
  let roman = false
  let scientific = false
  let shift = 0
  for (let i = 0; i < format.length;) {
    const rest = format.slice(i).toUpperCase()
    const raw = format.slice(i, i + 2)
    const sign = (['MI', 'PL', 'SG', 'PR'] as const).find((s) => rest.startsWith(s))
    const action = rest[0] !== '"' && /^(FM|[90.D,GSV]|MI|PL|SG|PR|RN|TH|EEEE)/.test(rest)
    if (scientific && action && !rest.startsWith('EEEE'))
      throw formatError('"EEEE" must be the last pattern used')
    if (rest.startsWith('EEEE')) {
      if (scientific) throw formatError('cannot use "EEEE" twice')
      const signed = tokens.some((t) => t.kind === 'sign')
      if (fillMode || signed || roman || afterV) {
        throw formatError(
          '"EEEE" is incompatible with other formats',
          '"EEEE" may only be used together with digit and decimal point patterns.',
        )
      }
      scientific = true
      i += 4
    } else if (raw === 'RN' || raw === 'rn') {
      roman = true
      tokens.push({ kind: 'roman', lower: raw === 'rn' })
      i += 2
    } else if (raw === 'TH' || raw === 'th') {
      tokens.push({ kind: 'ordinal', lower: raw === 'th' })
      i += 2
    } else if (rest[0] === 'V') {
      if (afterPoint) throw formatError('cannot use "V" and decimal point together')
      afterV = true
      i++
    } else if (rest[0] === '"') {
      const close = format.indexOf('"', i + 1)
      const end = close < 0 ? format.length : close
      tokens.push({ kind: 'literal', text: format.slice(i + 1, end) })
      i = end + 1
    } else if (rest.startsWith('FM')) {
      fillMode = true
      i += 2
    } else if (rest[0] === '9' || rest[0] === '0') {
      tokens.push({ kind: 'digit', zero: rest[0] === '0' })
      if (afterPoint) fractionDigits++
      else integerDigits++
      if (afterV && rest[0] === '9') shift++
      i++
    } else if (rest[0] === '.' || rest[0] === 'D') {
      if (afterV) throw formatError('cannot use "V" and decimal point together')
      if (afterPoint) {
        throw new PgError({
          code: SqlState.syntaxError,
          message: 'multiple decimal points',
        })
      }
      afterPoint = true
      tokens.push({ kind: 'point' })
      i++
    } else if (rest[0] === ',' || rest[0] === 'G') {
      tokens.push({ kind: 'group' })
      i++
    } else if (sign !== undefined) {
      tokens.push({ kind: 'sign', style: sign })
      i += 2
    } else if (rest[0] === 'S') {
      tokens.push({ kind: 'sign', style: 'S' })
      i++
    } else {
      tokens.push({ kind: 'literal', text: format[i]! })
      i++
    }
  }
  if (roman && scientific) {
    throw formatError(
      '"EEEE" is incompatible with other formats',
      '"EEEE" may only be used together with digit and decimal point patterns.',
    )
  }
  const parsed = { tokens, fillMode, integerDigits, fractionDigits, roman, scientific, shift }
  if (formatCache.size > 1000) formatCache.clear()
  formatCache.set(format, parsed)
  return parsed
}

/** The magnitude of `value` rounded to `scale` decimals, as [integer digits, fraction digits]. */
function roundedDigits(value: string | number, scale: number): [string, string, boolean] {
  if (typeof value === 'number') {
    const negative = value < 0 || Object.is(value, -0)
    const magnitude = Math.abs(value)
    let text = magnitude.toFixed(scale)
    const scaled = magnitude * 10 ** scale
    // printf rounds exact ties to even; toFixed rounds them up.
    if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled) && Math.floor(scaled) % 2 === 0)
      text = (Math.floor(scaled) / 10 ** scale).toFixed(scale)
    const [integer = '0', fraction = ''] = text.split('.')
    return [integer, fraction, negative && /[1-9]/.test(text)]
  }
  const negative = value.startsWith('-')
  const [integerText = '0', fractionText = ''] = value.replace(/^[-+]/, '').split('.')
  let digits = BigInt(integerText + fractionText.padEnd(scale, '0').slice(0, scale))
  if ((fractionText[scale] ?? '0') >= '5') digits += 1n
  const text = digits.toString().padStart(scale + 1, '0')
  const integer = text.slice(0, text.length - scale)
  return [integer, text.slice(text.length - scale), negative && digits !== 0n]
}

/** to_char(number, format) of one value (numeric as its decimal text; `integer` for int2/4/8). */
export function formatNumberToChar(
  value: string | number,
  format: string,
  fromInteger = false,
): string {
  const spec = parseFormat(format)
  // Integers take EEEE through float8's printf, as int4_to_char and int8_to_char do.
  if (spec.scientific) {
    const scientificValue = fromInteger ? Number(value) : value
    return scientificText(scientificValue, spec.integerDigits, spec.fractionDigits)
  }
  if (spec.roman) return romanText(value, spec)
  if (typeof value === 'number' && !Number.isFinite(value)) value = String(value)
  if (spec.shift > 0) value = shiftValue(value, spec.shift)
  const [integerRaw, fraction, negative] = roundedDigits(value, spec.fractionDigits)
  const overflow = integerRaw.replace(/^0+/, '').length > spec.integerDigits
  const integer = integerRaw
    .padStart(spec.integerDigits, '0')
    .slice(-spec.integerDigits || undefined)
  const isZero = /^0*$/.test(integerRaw) && /^0*$/.test(fraction)
  const hasPoint = spec.tokens.some((t) => t.kind === 'point')
  // PL prints only the plus: the minus still takes the implicit sign position.
  const explicitSign = spec.tokens.some((t) => t.kind === 'sign' && t.style !== 'PL')
  // The integer position from which digits print: the first '0' pattern or significant digit.
  let firstPrinted = spec.integerDigits
  let digitIndex = 0
  for (const token of spec.tokens) {
    if (token.kind === 'point') break
    if (token.kind !== 'digit') continue
    const digit = integer[digitIndex] ?? '0'
    if (token.zero || digit !== '0') {
      firstPrinted = digitIndex
      break
    }
    digitIndex++
  }
  // A zero integer part with only 9s prints one 0 when nothing else would (PostgreSQL: '   0').
  if (
    firstPrinted === spec.integerDigits &&
    spec.integerDigits > 0 &&
    isZero &&
    (spec.fractionDigits === 0 || spec.fillMode)
  )
    firstPrinted = spec.integerDigits - 1
  let lastFraction = spec.fractionDigits
  if (spec.fillMode) {
    // FM drops trailing fraction zeros printed by 9s (0s stay).
    let f = 0
    const fractionTokens = spec.tokens.filter(
      (t, i) => t.kind === 'digit' && isAfterPoint(spec.tokens, i),
    )
    lastFraction = 0
    for (const token of fractionTokens) {
      if (token.kind === 'digit' && (token.zero || fraction.slice(f).replace(/0+$/, '').length > 0))
        lastFraction = f + 1
      f++
    }
  }
  // The sign that sits just left of the first printed character: the implicit one, a
  // leading S, or PR's '<'.
  const leadingS = spec.tokens[0]?.kind === 'sign' && spec.tokens[0].style === 'S'
  const hasPr = spec.tokens.some((t) => t.kind === 'sign' && t.style === 'PR')
  const blank = spec.fillMode ? '' : ' '
  const anchored = hasPr
    ? negative
      ? '<'
      : blank
    : leadingS
      ? negative
        ? '-'
        : '+'
      : !explicitSign
        ? negative
          ? '-'
          : blank
        : null
  let out = ''
  let pendingSign = anchored !== null
  let integerIndex = 0
  let fractionIndex = 0
  let afterPoint = false
  let printedDigit = false
  const placeSign = (): void => {
    if (pendingSign && anchored !== null) out += anchored
    pendingSign = false
  }
  const pad = (): void => {
    if (!spec.fillMode) out += ' '
  }
  for (let t = 0; t < spec.tokens.length; t++) {
    const token = spec.tokens[t]!
    switch (token.kind) {
      case 'digit': {
        if (afterPoint) {
          if (fractionIndex < lastFraction) {
            placeSign()
            out += overflow ? '#' : (fraction[fractionIndex] ?? '0')
          }
          fractionIndex++
        } else {
          if (overflow) {
            if (integerIndex === 0) placeSign()
            out += '#'
          } else if (integerIndex >= firstPrinted) {
            placeSign()
            out += integer[integerIndex] ?? '0'
            printedDigit = true
          } else pad()
          integerIndex++
        }
        break
      }
      case 'point':
        afterPoint = true
        placeSign()
        out += '.'
        break
      case 'group':
        if (printedDigit || overflow) out += ','
        else pad()
        break
      case 'sign':
        if (token.style === 'PR') out += negative ? '>' : blank
        else if (!(t === 0 && token.style === 'S')) out += signText(token.style, negative, blank)
        break
      case 'literal':
        out += token.text
        break
      case 'ordinal':
        // Not for a negative or overflowing value, nor with a decimal point.
        if (!negative && !overflow && !hasPoint) out += ordinalSuffix(integerRaw, token.lower)
        break
      case 'roman':
        break
    }
  }
  placeSign()
  return out
}

/** A format with RN: the numeral (15 wide unless FM) at each RN, literal text kept. */
function romanText(value: string | number, spec: NumberFormat): string {
  const numeral = romanNumeral(value)
  let out = ''
  for (const token of spec.tokens) {
    if (token.kind === 'literal') out += token.text
    if (token.kind !== 'roman') continue
    const text = token.lower ? numeral.toLowerCase() : numeral
    out += spec.fillMode ? text : text.padStart(15)
  }
  return out
}

function isAfterPoint(tokens: readonly Token[], index: number): boolean {
  return tokens.slice(0, index).some((t) => t.kind === 'point')
}

function signText(style: 'S' | 'MI' | 'PL' | 'SG', negative: boolean, blank: string): string {
  switch (style) {
    case 'S':
    case 'SG':
      return negative ? '-' : '+'
    case 'MI':
      return negative ? '-' : blank
    case 'PL':
      return negative ? blank : '+'
  }
}
