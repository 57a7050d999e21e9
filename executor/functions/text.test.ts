// mapCase (lower/upper, ILIKE): the all-ASCII fast path maps four bytes at a time; it must
// agree with String case mapping on every ASCII character, at every alignment and length.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { makeTextVector, textAt } from '../expr/vector-builders.js'
import { mapCase } from './text.js'

test('mapCase agrees with String case mapping for every ASCII byte and any alignment', () => {
  let ascii = ''
  for (let code = 0; code < 128; code++) ascii += String.fromCharCode(code)
  const values: (string | null)[] = ['Hello World', 'ABCXYZ@[`{', 'a', '', null, 'MiXeD 123 ZzAa']
  for (let skip = 0; skip < 8; skip++) values.push(ascii.slice(skip), ascii.slice(0, 128 - skip))
  for (const upper of [false, true]) {
    const mapped = mapCase(makeTextVector('text', values), upper)
    values.forEach((value, row) => {
      if (value === null) assert.equal(mapped.validity?.[row], 0)
      else assert.equal(textAt(mapped, row), upper ? value.toUpperCase() : value.toLowerCase())
    })
  }
  const mixed = mapCase(makeTextVector('text', ['ÉCOLE Straße', 'ABC']), false)
  assert.equal(textAt(mixed, 0), 'école straße')
  assert.equal(textAt(mixed, 1), 'abc')
})
