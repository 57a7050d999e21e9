// The `%literal%` sweep against a row-by-row check: the anchored indexOf (from the literal's
// rarest byte) must find every row that holds the literal, and none that holds it only across
// a row boundary, in ASCII and multi-byte text.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TextVector } from '../../common/index.js'
import { compileLikePattern, matchLikeVector } from './like.js'
import { matchContainsFolded } from './substring-search.js'

const encoder = new TextEncoder()

function textVector(values: readonly string[]): TextVector {
  const parts = values.map((value) => encoder.encode(value))
  const offsets = new Int32Array(values.length + 1)
  parts.forEach((part, index) => (offsets[index + 1] = offsets[index]! + part.length))
  const data = new Uint8Array(offsets[values.length]!)
  parts.forEach((part, index) => data.set(part, offsets[index]!))
  return { kind: 'text', type: 'text', length: values.length, validity: null, offsets, data }
}

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
}

test('%literal% finds exactly the rows holding the literal, whatever byte anchors it', () => {
  const next = random(9)
  const pieces = ['dead', 'lock', ' ', 'detected', 'd', 'é', 'ß', 'k', 'lo', 'ck d', 'xyz', '日本']
  const rows = Array.from({ length: 3000 }, () =>
    Array.from(
      { length: Math.floor(next() * 8) },
      () => pieces[Math.floor(next() * pieces.length)],
    ).join(''),
  )
  for (const literal of ['deadlock detected', 'lock d', 'k', 'dd', 'ck de', 'éß', '日本d', 'zz']) {
    const vector = textVector(rows)
    const out = new Uint8Array(rows.length)
    matchLikeVector(vector, compileLikePattern(`%${literal}%`), out)
    rows.forEach((row, index) => assert.equal(out[index], row.includes(literal) ? 1 : 0, literal))
  }
  // A literal that only spans two rows matches neither; at the very end of the buffer it does.
  const vector = textVector(['xxdead', 'lock detected', 'a deadlock detected'])
  const out = new Uint8Array(3)
  matchLikeVector(vector, compileLikePattern('%deadlock detected%'), out)
  assert.deepEqual([...out], [0, 0, 1])
})

/** Lowercase one character at a time, as the ILIKE kernel lowers (executor/functions/text.ts). */
function lowerByCharacter(text: string): string {
  let out = ''
  for (const character of text) {
    const mapped = character.toLowerCase()
    out += mapped.length === character.length ? mapped : character
  }
  return out
}

test('ILIKE %ascii% folds while it searches: the rows whose lowercase holds the literal', () => {
  const next = random(21)
  const pieces = [
    'Connection',
    'RESET',
    'reset',
    'cONNECTION ',
    ' ',
    'É',
    'ß',
    'İ',
    'k',
    'K',
    'x',
    '日',
  ]
  const rows = Array.from({ length: 3000 }, () =>
    Array.from(
      { length: Math.floor(next() * 8) },
      () => pieces[Math.floor(next() * pieces.length)],
    ).join(''),
  )
  for (const literal of ['connection reset', 'n r', 'set', 'ék', 'k', 'x', 'zz']) {
    const vector = textVector(rows)
    const out = new Uint8Array(rows.length)
    const folded = matchContainsFolded(vector, encoder.encode(literal), out)
    assert.equal(folded, /^[\x00-\x7f]*$/.test(literal), literal)
    if (!folded) continue
    rows.forEach((row, index) =>
      assert.equal(
        out[index],
        lowerByCharacter(row).includes(literal) ? 1 : 0,
        `${literal} in ${row}`,
      ),
    )
  }
  // The Kelvin sign lowers to an ASCII 'k': a batch holding one is left to the lowering path.
  const kelvin = textVector(['\u212Aey', 'KEY'])
  assert.equal(matchContainsFolded(kelvin, encoder.encode('key'), new Uint8Array(2)), false)
  const out = new Uint8Array(2)
  assert.equal(matchContainsFolded(kelvin, encoder.encode('ey'), out), true)
  assert.deepEqual([...out], [1, 1])
})
