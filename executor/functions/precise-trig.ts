// Correctly rounded sin, cos, tan, asin, acos, atan and atan2 over doubles (the slow path
// behind dd-trig.ts, for the rare inputs its double-double value cannot decide). PostgreSQL calls
// the C library (glibc), whose results are the correctly rounded ones in practice; V8's
// fdlibm port is off by one unit in the last place for some inputs (atan2(-0.75, 2)). So the
// value is computed in bigint fixed point with ~40 digits beyond the result's leading digit
// and rounded once to the nearest double (Number() of a decimal string rounds correctly).

/** A real r at precision p: the bigint round(r * 10^p). */
type Fixed = bigint

const tens: bigint[] = []
function ten(p: number): bigint {
  return (tens[p] ??= 10n ** BigInt(p))
}

/** The exact value of a finite double at precision p. */
function toFixed(x: number, p: number): Fixed {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const exponentBits = Number((bits >> 52n) & 0x7ffn)
  let mantissa = bits & 0xfffffffffffffn
  if (exponentBits !== 0) mantissa |= 1n << 52n
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075
  let value =
    exponent >= 0
      ? (mantissa << BigInt(exponent)) * ten(p)
      : (mantissa * ten(p) + (1n << BigInt(-exponent - 1))) >> BigInt(-exponent)
  if (x < 0) value = -value
  return value
}

/** The double nearest to v / 10^p. */
function fromFixed(v: Fixed, p: number): number {
  const negative = v < 0n
  const digits = (negative ? -v : v).toString().padStart(p + 1, '0')
  const text = `${digits.slice(0, digits.length - p)}.${digits.slice(digits.length - p)}`
  return negative ? -Number(text) : Number(text)
}

const mul = (a: Fixed, b: Fixed, p: number): Fixed => (a * b) / ten(p)
const div = (a: Fixed, b: Fixed, p: number): Fixed => (a * ten(p)) / b

function sqrtFixed(a: Fixed, p: number): Fixed {
  const n = a * ten(p)
  if (n < 2n) return n
  let r = 1n << BigInt(Math.ceil(n.toString(2).length / 2))
  for (;;) {
    const next = (r + n / r) >> 1n
    if (next >= r) return r
    r = next
  }
}

/** atan(t) by halving the angle until |t| < 0.05, then the Taylor series. */
function atanFixed(t: Fixed, p: number): Fixed {
  const one = ten(p)
  if (t > one || t < -one) {
    const halfPi = piFixed(p) / 2n
    return (t > 0n ? halfPi : -halfPi) - atanFixed(div(one, t, p), p)
  }
  let doublings = 0
  while (t > one / 20n || t < -one / 20n) {
    t = div(t, one + sqrtFixed(one + mul(t, t, p), p), p)
    doublings++
  }
  const t2 = mul(t, t, p)
  let term = t
  let sum = 0n
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k
    term = -mul(term, t2, p)
  }
  return sum << BigInt(doublings)
}

let piCache: { p: number; value: Fixed } = { p: 0, value: 0n }

/** π at precision p, by Machin's formula. */
function piFixed(p: number): Fixed {
  if (piCache.p < p) {
    const q = p + 10
    const arctanInverse = (n: bigint): Fixed => {
      let term = ten(q) / n
      let sum = 0n
      for (let k = 1n; term !== 0n; k += 2n) {
        sum += term / k
        term = -term / (n * n)
      }
      return sum
    }
    piCache = { p: q, value: 16n * arctanInverse(5n) - 4n * arctanInverse(239n) }
  }
  return piCache.value / ten(piCache.p - p)
}

/** sin and cos of r, |r| <= π/4, by their Taylor series. */
function sinCosSmall(r: Fixed, p: number): [Fixed, Fixed] {
  const one = ten(p)
  let sin = 0n
  let cos = 0n
  let term = one
  for (let k = 0n; term !== 0n; k++) {
    // term is r^k / k!
    if (k % 2n === 0n) cos += k % 4n === 0n ? term : -term
    else sin += k % 4n === 1n ? term : -term
    term = mul(term, r, p) / (k + 1n)
  }
  return [sin, cos]
}

/** Digits of precision for a result whose magnitude is about |approx|. */
function precisionFor(approx: number, extra = 0): number {
  const lead =
    approx === 0 || !Number.isFinite(approx) ? 0 : Math.floor(Math.log10(Math.abs(approx)))
  return 40 + Math.max(0, -lead) + extra
}

function sinCos(x: number, which: 'sin' | 'cos' | 'tan', approx: number): number {
  if (x === 0) return which === 'cos' ? 1 : x
  const magnitude = Math.max(0, Math.ceil(Math.log10(Math.abs(x))))
  const p = precisionFor(approx) + magnitude
  const halfPi = piFixed(p) / 2n
  const value = toFixed(x, p)
  const k = (value + (value >= 0n ? halfPi / 2n : -halfPi / 2n)) / halfPi
  const r = value - k * halfPi
  const [s, c] = sinCosSmall(r, p)
  const quadrant = Number(((k % 4n) + 4n) % 4n)
  const sin = [s, c, -s, -c][quadrant]!
  const cos = [c, -s, -c, s][quadrant]!
  if (which === 'sin') return fromFixed(sin, p)
  if (which === 'cos') return fromFixed(cos, p)
  return fromFixed(div(sin, cos, p), p)
}

/** Beyond this the reduction needs more digits of π than is worth it: use V8's. */
const reducedRange = 1e22

export function preciseSin(x: number): number {
  const approx = Math.sin(x)
  return Math.abs(x) > reducedRange || Number.isNaN(approx) ? approx : sinCos(x, 'sin', approx)
}

export function preciseCos(x: number): number {
  const approx = Math.cos(x)
  return Math.abs(x) > reducedRange || Number.isNaN(approx) ? approx : sinCos(x, 'cos', approx)
}

export function preciseTan(x: number): number {
  const approx = Math.tan(x)
  return Math.abs(x) > reducedRange || Number.isNaN(approx) ? approx : sinCos(x, 'tan', approx)
}

export function preciseAtan(x: number): number {
  const approx = Math.atan(x)
  if (x === 0 || !Number.isFinite(x)) return approx
  const p = precisionFor(approx)
  return fromFixed(atanFixed(toFixed(x, p), p), p)
}

export function preciseAtan2(y: number, x: number): number {
  const approx = Math.atan2(y, x)
  if (y === 0 || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return approx
  const p = precisionFor(approx, Math.max(0, Math.ceil(Math.log10(Math.abs(y / x)))))
  const t = div(toFixed(y, p), toFixed(x, p), p)
  let angle = atanFixed(t, p)
  if (x < 0) angle += y >= 0 ? piFixed(p) : -piFixed(p)
  return fromFixed(angle, p)
}

/** asin and acos for |x| <= 1 (the caller rejects the rest). */
export function preciseAsin(x: number): number {
  const approx = Math.asin(x)
  if (x === 0 || Math.abs(x) === 1 || Number.isNaN(x)) return approx
  const p = precisionFor(approx)
  const fixed = toFixed(x, p)
  const one = ten(p)
  return fromFixed(atanFixed(div(fixed, sqrtFixed(one - mul(fixed, fixed, p), p), p), p), p)
}

export function preciseAcos(x: number): number {
  const approx = Math.acos(x)
  if (Math.abs(x) === 1 || Number.isNaN(x)) return approx
  const p = precisionFor(approx)
  const fixed = toFixed(x, p)
  const one = ten(p)
  const asin = atanFixed(div(fixed, sqrtFixed(one - mul(fixed, fixed, p), p), p), p)
  return fromFixed(piFixed(p) / 2n - asin, p)
}
