// `x [NOT] IN (constants)`: one probe per row. Numbers probe a Set of doubles, text compares
// the row's UTF-8 bytes against the encoded constants of the same byte length.
import type { TextVector, Vector } from '../../common/index.js'
import { decimalCompare, decimalParse, type Decimal } from '../decimal.js'
import type { ScalarValue } from '../plan.js'
import { makeBoolVector, scalarAt, vectorFromValues } from './vector-builders.js'
import { compareIntervalBytes, intervalBytes } from '../interval/interval-layout.js'
import { parseInterval } from '../interval/interval-text.js'

const utf8Encoder = new TextEncoder()

function textMatcher(values: readonly ScalarValue[]): (vector: TextVector, row: number) => boolean {
  const byLength = new Map<number, Uint8Array[]>()
  for (const value of values) {
    if (value === null) continue
    const bytes = utf8Encoder.encode(String(value))
    const bucket = byLength.get(bytes.length)
    if (bucket === undefined) byLength.set(bytes.length, [bytes])
    else bucket.push(bytes)
  }
  return (vector, row) => {
    const start = vector.offsets[row]!
    const candidates = byLength.get(vector.offsets[row + 1]! - start)
    if (candidates === undefined) return false
    return candidates.some((candidate) => {
      for (let i = 0; i < candidate.length; i++)
        if (candidate[i] !== vector.data[start + i]) return false
      return true
    })
  }
}

function matcherFor(vector: Vector, values: readonly ScalarValue[]): (row: number) => boolean {
  switch (vector.kind) {
    case 'bool': {
      const set = new Set<number>(values.filter((v) => v !== null).map((v) => (v === true ? 1 : 0)))
      return (row) => set.has(vector.values[row]!)
    }
    case 'number': {
      const set = new Set(values.filter((v) => v !== null).map((v) => Number(v)))
      return (row) => set.has(vector.values[row]!)
    }
    case 'numeric': {
      const decimals: Decimal[] = values
        .filter((v) => v !== null)
        .map((v) => decimalParse(String(v)))
      return (row) => {
        const value = { unscaled: vector.unscaled[row]!, scale: vector.scales[row]! }
        return decimals.some((d) => decimalCompare(d, value) === 0)
      }
    }
    case 'text': {
      if (vector.type === 'interval') {
        // Intervals match by span ('1 mon' IN ('30 days')), so compare, not bytes.
        const packed = values
          .filter((v) => v !== null)
          .map((v) => intervalBytes(parseInterval(String(v))))
        return (row) => {
          const [start, end] = [vector.offsets[row]!, vector.offsets[row + 1]!]
          return packed.some(
            (p) => compareIntervalBytes(vector.data, start, end, p, 0, p.length) === 0,
          )
        }
      }
      const matches = textMatcher(values)
      return (row) => matches(vector, row)
    }
    case 'array': {
      // Constants normalised through the array's input function, compared as canonical text.
      const constants = vectorFromValues(vector.type, values)
      const set = new Set<string>()
      for (let i = 0; i < constants.length; i++) {
        const text = scalarAt(constants, i)
        if (text !== null) set.add(String(text))
      }
      return (row) => set.has(String(scalarAt(vector, row)))
    }
  }
}

/** SQL IN semantics: NULL when the argument is NULL, or when nothing matches and the list holds a NULL. */
export function evaluateInList(
  arg: Vector,
  values: readonly ScalarValue[],
  negated: boolean,
): Vector {
  const length = arg.length
  const listHasNull = values.includes(null)
  const matches = matcherFor(arg, values)
  const out = new Uint8Array(length)
  const validity = new Uint8Array(length)
  let anyNull = false
  for (let row = 0; row < length; row++) {
    if (arg.validity !== null && arg.validity[row] === 0) {
      anyNull = true
      continue
    }
    if (matches(row)) {
      out[row] = negated ? 0 : 1
      validity[row] = 1
    } else if (listHasNull) {
      anyNull = true
    } else {
      out[row] = negated ? 1 : 0
      validity[row] = 1
    }
  }
  return makeBoolVector('bool', out, anyNull ? validity : null)
}
