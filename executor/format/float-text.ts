// float4/float8 text output as PostgreSQL 15 prints with extra_float_digits = 1 (the
// default): the shortest digits that round-trip, laid out like printf %g would with that
// many digits, exponent form when the decimal exponent is < -4 or >= 15 (float8) / 6
// (float4), and a two-digit minimum exponent: 1e+15, 1.5e-05, 1.234567e+06.

/** Shortest round-trip digits (no dot, no sign) and the decimal exponent of the first. */
function shortestDigits(magnitude: number, float4: boolean): { digits: string; exponent: number } {
  let text = magnitude.toExponential()
  if (float4) {
    for (let precision = 1; precision <= 9; precision++) {
      const candidate = magnitude.toExponential(precision - 1)
      if (Math.fround(Number(candidate)) === magnitude) {
        text = candidate
        break
      }
    }
  }
  const exponentAt = text.indexOf('e')
  const mantissa = text.slice(0, exponentAt)
  let digits = mantissa.replace('.', '')
  while (digits.length > 1 && digits.endsWith('0')) digits = digits.slice(0, -1)
  return { digits, exponent: Number(text.slice(exponentAt + 1)) }
}

function layout(digits: string, exponent: number, exponentMax: number): string {
  if (exponent < -4 || exponent >= exponentMax) {
    const mantissa = digits.length === 1 ? digits : `${digits[0] ?? ''}.${digits.slice(1)}`
    const sign = exponent < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`
  if (digits.length <= exponent + 1) return digits + '0'.repeat(exponent + 1 - digits.length)
  return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
}

/** PostgreSQL's float8out / float4out text for one value. */
export function formatFloatText(value: number, float4: boolean): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const stored = float4 ? Math.fround(value) : value
  const { digits, exponent } = shortestDigits(Math.abs(stored), float4)
  const text = layout(digits, exponent, float4 ? 6 : 15)
  return stored < 0 ? `-${text}` : text
}
