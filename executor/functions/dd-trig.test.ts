import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fastAcos, fastAsin, fastAtan, fastAtan2, fastCos, fastSin, fastTan } from './dd-trig.js'
import {
  preciseAcos,
  preciseAsin,
  preciseAtan,
  preciseAtan2,
  preciseCos,
  preciseSin,
  preciseTan,
} from './precise-trig.js'

/** A deterministic spread of inputs: small, moderate and large angles, exact and not. */
function inputs(count: number, scale: number): number[] {
  let seed = 12345
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? (next() - 0.5) * scale : Math.round((next() - 0.5) * scale * 100) / 100,
  )
}

test('double-double trigonometry agrees with the bigint computation wherever it answers', () => {
  const cases: [string, (x: number) => number, (x: number) => number, number][] = [
    ['sin', fastSin, preciseSin, 2000],
    ['cos', fastCos, preciseCos, 2000],
    ['tan', fastTan, preciseTan, 2000],
    ['atan', fastAtan, preciseAtan, 200],
    ['asin', fastAsin, preciseAsin, 1.999],
    ['acos', fastAcos, preciseAcos, 1.999],
    ['atan2', (x) => fastAtan2(x, -1.25), (x) => preciseAtan2(x, -1.25), 50],
  ]
  for (const [name, fast, precise, scale] of cases) {
    let answered = 0
    for (const x of inputs(3000, scale)) {
      const value = fast(x)
      if (Number.isNaN(value)) continue
      answered++
      assert.equal(value, precise(x), `${name}(${x})`)
    }
    assert.ok(answered > 2900, `${name} answers nearly every input (${answered})`)
  }
})

test('results PostgreSQL (glibc) gives where V8 is one unit off', () => {
  assert.equal(fastAtan2(-0.75, 2), -0.35877067027057225)
  assert.equal(preciseAtan2(-0.75, 2), -0.35877067027057225)
  assert.equal(fastAtan2(2, -1), 2.0344439357957027)
  assert.equal(fastSin(0.5), 0.479425538604203)
  assert.equal(fastCos(1), 0.5403023058681398)
})
