// The fast csv chunk parser must give CopyParser's rows and line numbers on every chunk it
// accepts, and hand every other chunk back (null). Checked on hand-picked cases and on
// random records built from the characters that matter: quotes, delimiters, CR, LF,
// multi-byte UTF-8, empty and NULL fields.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isNullAt } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { defaultCopyOptions, type CopyOptions } from './copy-options.js'
import { CopyParser, type RawCopyBatch } from './copy-parser.js'
import { parseCsvChunk } from './csv-chunk-parser.js'

type Rows = { line: number; values: (string | null)[] }[]

function rowsOf(batches: readonly RawCopyBatch[]): Rows {
  const rows: Rows = []
  for (const batch of batches)
    for (let row = 0; row < batch.rows; row++)
      rows.push({
        line: batch.firstLine + row,
        values: batch.columns.map((c) => (isNullAt(c, row) ? null : textAt(c, row))),
      })
  return rows
}

/** CopyParser's rows, or null when it rejects the input. */
function general(bytes: Uint8Array, options: CopyOptions, width: number): Rows | null {
  const names = Array.from({ length: width }, (_, i) => `c${i}`)
  const parser = new CopyParser(options, 't', names, 2, 7)
  try {
    parser.push(bytes)
    parser.finish()
  } catch {
    return null
  }
  return rowsOf(parser.takeReady())
}

/** Compares the parsers on `input`; answers whether the fast one accepted it. */
function check(input: string, options: CopyOptions, width: number, mustAccept: boolean): boolean {
  const bytes = Buffer.from(input, 'utf8')
  const fast = parseCsvChunk(bytes, options, width, 7, 2)
  if (mustAccept) assert.notEqual(fast, null, JSON.stringify(input))
  if (fast !== null) assert.deepEqual(rowsOf(fast), general(bytes, options, width), input)
  return fast !== null
}

const csv = (overrides: Partial<CopyOptions> = {}): CopyOptions => ({
  ...defaultCopyOptions('csv'),
  ...overrides,
})

test('fast csv: quoted, doubled quotes, NULL vs empty, CRLF, CR, multi-byte, header', () => {
  const input = 'a,b\n1,"x,y"\n2,""\r\n"é✓😀",""""\r3,\n"multi\nline","a""b""c"\n4,last'
  check(input, csv({ header: true }), 2, true)
  check(input, csv(), 2, true)
  check('1;NULL\n2;"NULL"\n', csv({ delimiter: ';', nullString: 'NULL' }), 2, true)
})

test('fast csv hands back what only CopyParser answers right', () => {
  const width = 2
  for (const input of ['1,a"b"c\n', '1,"a"b\n', '1,2,3\n', '1\n', '1,"open\n', '\\.\n1,2\n']) {
    assert.equal(parseCsvChunk(Buffer.from(input), csv(), width, 1, 2), null, input)
  }
})

test('fast csv agrees with CopyParser on random records', () => {
  const pieces = ['a', 'é', '😀', ',', '"', '""', '\n', '\r\n', '', 'x y', '\\', 'NULL']
  let seed = 12345
  const random = (below: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0 // 32-bit LCG, exact in integers
    return (seed >>> 8) % below
  }
  let accepted = 0
  const rounds = 3000
  for (let round = 0; round < rounds; round++) {
    const records: string[] = []
    for (let r = 0; r < 1 + random(4); r++) {
      const fields: string[] = []
      for (let f = 0; f < 3; f++) {
        let value = ''
        for (let k = random(4); k > 0; k--) value += pieces[random(pieces.length)]
        const quoted = random(2) === 0
        fields.push(quoted ? `"${value.replaceAll('"', '""')}"` : value)
      }
      records.push(fields.join(','))
    }
    const input = records.join(random(2) === 0 ? '\n' : '\r\n') + (random(2) === 0 ? '\n' : '')
    if (check(input, csv({ header: random(3) === 0 }), 3, false)) accepted++
    if (check(input, csv({ nullString: 'NULL' }), 3, false)) accepted++
  }
  // Both paths must be exercised: many inputs accepted, many handed back.
  assert.ok(accepted > rounds / 5 && accepted < (rounds * 2 * 4) / 5, `${accepted} accepted`)
})
