// The byte path of text → text[] must give castVector's arrays for every vector it accepts
// and decline (null) every vector holding a literal that needs parseArrayText: checked on
// hand-picked literals and on random ones built from the characters that matter.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ArrayVector } from '../../common/index.js'
import { castVector } from '../cast/cast-vector.js'
import { makeTextVector, textAt } from '../expr/vector-builders.js'
import { textArrayFromBytes } from './text-array-bytes.js'

/** Each row as its elements' texts (null for a NULL array). */
function rowsOf(vector: ArrayVector): (string[] | null)[] {
  return Array.from({ length: vector.length }, (_, row) => {
    if (vector.validity !== null && vector.validity[row] === 0) return null
    const elements: string[] = []
    for (let k = vector.offsets[row]!; k < vector.offsets[row + 1]!; k++)
      elements.push(textAt(vector.child as Parameters<typeof textAt>[0], k))
    return elements
  })
}

/** castVector's rows, or null when it rejects the literals. */
function general(values: readonly (string | null)[]): (string[] | null)[] | null {
  try {
    return rowsOf(
      castVector(makeTextVector('text', values), '_text', { timeZone: 'UTC' }) as ArrayVector,
    )
  } catch {
    return null
  }
}

const accepted = ['{}', '{a}', '{team:core,region:us-east-1}', '{a,b,c}', '{x=1,y-2}']
const declined = [
  '{a,NULL}',
  '{null}',
  '{"a"}',
  '{a b}',
  '{a,}',
  '{,a}',
  '{a\\,b}',
  '{é}',
  ' {a}',
  '{{a}}',
  'a',
  '{a}}',
  '[1:1]={a}',
  '{a,{b}}',
]

test('plain literals take the byte path and agree with castVector', () => {
  const values = [...accepted, null, ...accepted]
  const fast = textArrayFromBytes(makeTextVector('text', values))
  assert.ok(fast !== null)
  assert.deepEqual(rowsOf(fast), general(values))
})

test('literals that need parseArrayText are declined', () => {
  for (const literal of declined)
    assert.equal(textArrayFromBytes(makeTextVector('text', ['{a}', literal])), null, literal)
})

test('random literals: accepted ones agree with castVector', () => {
  let state = 7
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return (state >>> 8) % n
  }
  const pieces = ['a', 'b', 'NULL', 'null', ',', ' ', '"', '\\', '{', '}', 'x:1', 'é', '']
  let acceptedCount = 0
  for (let round = 0; round < 2000; round++) {
    const inner = Array.from({ length: next(5) }, () => pieces[next(pieces.length)]!).join('')
    const literal = next(10) === 0 ? inner : `{${inner}}`
    const fast = textArrayFromBytes(makeTextVector('text', [literal]))
    if (fast === null) continue
    acceptedCount++
    assert.deepEqual(rowsOf(fast), general([literal]), literal)
  }
  assert.ok(acceptedCount > 100)
})
