import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sortFloatRuns } from './sorted-runs.js'

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const specials = [0, -0, NaN, Infinity, -Infinity, 1.5, -2]

/** `runs` runs of up to `length` values each sorted, with -0, NaN and repeats among them. */
function runsOf(seed: number, runs: number, length: number): Float64Array {
  const next = random(seed)
  const parts: number[] = []
  for (let run = 0; run < runs; run++) {
    const values = Float64Array.from({ length: Math.floor(next() * length) }, () =>
      next() < 0.2 ? specials[Math.floor(next() * specials.length)]! : Math.round(next() * 50),
    )
    parts.push(...values.sort())
  }
  return Float64Array.from(parts)
}

/** Compares bit for bit, so -0 and 0 differ. */
function sameOrder(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length)
  for (let i = 0; i < actual.length; i++) assert.ok(Object.is(actual[i], expected[i]), `at ${i}`)
}

describe('sortFloatRuns', () => {
  for (const runs of [0, 1, 2, 3, 16, 40]) {
    it(`orders ${runs} sorted runs as Float64Array#sort does`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const values = runsOf(seed * 31 + runs, runs, 60)
        const expected = values.slice().sort()
        sortFloatRuns(values)
        sameOrder(values, expected)
      }
    })
  }

  it('sorts values in no order at all', () => {
    const next = random(5)
    const values = Float64Array.from({ length: 500 }, () => next() * 10 - 5)
    const expected = values.slice().sort()
    sortFloatRuns(values)
    sameOrder(values, expected)
  })
})
