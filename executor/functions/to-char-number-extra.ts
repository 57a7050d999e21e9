// to_char(number, format)'s RN (roman), TH (ordinal suffix), EEEE (scientific) and V (shift)
// patterns, as PostgreSQL 15's formatting.c computes them. Values arrive as to-char-number.ts
// has them: numeric as its decimal text (rounded half away from zero), integers and floats as
// numbers (printf's rounding: exact ties to even).

/** A value as to_char receives it. */
export type ToCharValue = string | number

/** int_to_roman: 1..3999 in roman numerals, else 15 '#'. */
export function romanNumeral(value: ToCharValue): string {
  const n =
    typeof value === 'number'
      ? roundHalfEven(value)
      : (value.startsWith('-') ? -1 : 1) * Number(roundDecimal(value, 0))
  if (!(n >= 1 && n <= 3999)) return '#'.repeat(15)
  const units: readonly (readonly [number, string])[] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ]
  let rest = n
  let out = ''
  for (const [size, letters] of units) {
    while (rest >= size) {
      out += letters
      rest -= size
    }
  }
  return out
}

/** get_th: st, nd, rd or th after the integer `digits` (teens take th). */
export function ordinalSuffix(digits: string, lower: boolean): string {
  const last = digits[digits.length - 1]
  const teen = digits.length > 1 && digits[digits.length - 2] === '1'
  const suffix = teen
    ? 'TH'
    : last === '1'
      ? 'ST'
      : last === '2'
        ? 'ND'
        : last === '3'
          ? 'RD'
          : 'TH'
  return lower ? suffix.toLowerCase() : suffix
}

/** `V`: the value times 10^shift (numeric exactly, by moving its decimal point). */
export function shiftValue(value: ToCharValue, shift: number): ToCharValue {
  if (typeof value === 'number') return value * 10 ** shift
  const negative = value.startsWith('-')
  const [integer = '0', fraction = ''] = value.replace(/^[-+]/, '').split('.')
  const padded = fraction.padEnd(shift, '0')
  const digits = (integer + padded.slice(0, shift)).replace(/^0+(?=\d)/, '')
  const rest = padded.slice(shift)
  return `${negative ? '-' : ''}${digits}${rest === '' ? '' : `.${rest}`}`
}

/**
 * `EEEE`: ' ' or '-', one digit, `post` decimals and a signed exponent of at least two digits
 * (printf's %+.*e for numbers, numeric_out_sci for numeric); NaN and infinities fill with '#'.
 */
export function scientificText(value: ToCharValue, pre: number, post: number): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    return ` ${'#'.repeat(pre)}.${'#'.repeat(post + 4)}`
  if (typeof value === 'string' && !/^[-+]?\d*\.?\d*$/.test(value))
    return ` ${'#'.repeat(pre)}.${'#'.repeat(post + 4)}`
  return typeof value === 'number' ? floatScientific(value, post) : numericScientific(value, post)
}

function exponentText(exponent: number): string {
  return `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
}

function floatScientific(value: number, post: number): string {
  const negative = value < 0 || Object.is(value, -0)
  const magnitude = Math.abs(value)
  let text = magnitude.toExponential(post)
  // toExponential rounds exact ties up; printf rounds them to even.
  const wide = magnitude.toExponential(Math.min(100, post + 25))
  const [wideMantissa = '', wideExponent = '0'] = wide.split('e')
  const digits = wideMantissa.replace('.', '')
  if (/^50*$/.test(digits.slice(post + 1)) && Number(digits[post]) % 2 === 0) {
    const kept = digits.slice(0, post + 1)
    text = `${kept[0]}${post > 0 ? `.${kept.slice(1)}` : ''}e${wideExponent}`
  }
  const [mantissa = '0', exponent = '0'] = text.split('e')
  return `${negative ? '-' : ' '}${mantissa}${exponentText(Number(exponent))}`
}

function numericScientific(value: string, post: number): string {
  const negative = value.startsWith('-')
  const [integer = '', fraction = ''] = value.replace(/^[-+]/, '').split('.')
  const digits = integer + fraction
  const first = digits.search(/[1-9]/)
  if (first < 0) return ` ${post > 0 ? `0.${'0'.repeat(post)}` : '0'}${exponentText(0)}`
  const exponent = integer.length - first - 1
  // The significand value / 10^exponent, rounded half away from zero (9.995 → 10.00).
  const significand = `${digits[first]}.${digits.slice(first + 1)}`
  const rounded = roundDecimal(significand, post)
  return `${negative ? '-' : ' '}${rounded}${exponentText(exponent)}`
}

/** A non-negative decimal text rounded half away from zero to `scale` decimals. */
function roundDecimal(text: string, scale: number): string {
  const [integer = '0', fraction = ''] = text.replace(/^[-+]/, '').split('.')
  let digits = BigInt((integer || '0') + fraction.padEnd(scale, '0').slice(0, scale))
  if ((fraction[scale] ?? '0') >= '5') digits += 1n
  const padded = digits.toString().padStart(scale + 1, '0')
  const whole = padded.slice(0, padded.length - scale)
  return scale === 0 ? whole : `${whole}.${padded.slice(padded.length - scale)}`
}

/** rint: the nearest integer, ties to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const difference = value - floor
  if (difference !== 0.5) return Math.round(value)
  return floor % 2 === 0 ? floor : floor + 1
}
