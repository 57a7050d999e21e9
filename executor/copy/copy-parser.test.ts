// COPY's parsers see CopyData chunks cut wherever the client's buffer ended, so every case
// is fed whole and then split at every byte offset (and byte by byte).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, isNullAt } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { defaultCopyOptions, type CopyOptions } from './copy-options.js'
import { CopyParser } from './copy-parser.js'
import { CopyWriter } from './copy-writer.js'
import { makeTextVector } from '../expr/vector-builders.js'

type Rows = (string | null)[][]

function parse(input: Buffer, options: CopyOptions, width: number, splits: number[]): Rows {
  const names = Array.from({ length: width }, (_, i) => `c${i}`)
  const parser = new CopyParser(options, 't', names, 3)
  const rows: Rows = []
  const collect = (): void => {
    for (const batch of parser.takeReady()) {
      for (let row = 0; row < batch.rows; row++) {
        rows.push(batch.columns.map((c) => (isNullAt(c, row) ? null : textAt(c, row))))
      }
    }
  }
  let at = 0
  for (const split of [...splits, input.length]) {
    parser.push(input.subarray(at, split))
    collect()
    at = split
  }
  parser.finish()
  collect()
  return rows
}

function checkEverySplit(input: string, options: CopyOptions, width: number, expected: Rows): void {
  const bytes = Buffer.from(input, 'utf8')
  assert.deepEqual(parse(bytes, options, width, []), expected, 'whole')
  for (let split = 0; split <= bytes.length; split++)
    assert.deepEqual(parse(bytes, options, width, [split]), expected, `split at ${split}`)
  const everyByte = Array.from({ length: bytes.length }, (_, i) => i)
  assert.deepEqual(parse(bytes, options, width, everyByte), expected, 'byte by byte')
}

const csv = (overrides: Partial<CopyOptions> = {}): CopyOptions => ({
  ...defaultCopyOptions('csv'),
  ...overrides,
})
const text = (overrides: Partial<CopyOptions> = {}): CopyOptions => ({
  ...defaultCopyOptions('text'),
  ...overrides,
})

test('copy csv: quoting, doubled quotes, quoted empty vs NULL, newlines in quotes, CRLF', () => {
  const input = 'a,b,c\n1,"x,y",\n2,"",""""\r\n3,"multi\nline",é\n"4",plain"quoted part"tail,z'
  checkEverySplit(input, csv({ header: true }), 3, [
    ['1', 'x,y', null],
    ['2', '', '"'],
    ['3', 'multi\nline', 'é'],
    ['4', 'plainquoted parttail', 'z'],
  ])
})

test('copy csv: custom delimiter, null string, escape; \\. ends the data', () => {
  const input = "1;NULL;'it\\'s'\n2;'NULL';x\n\\.\n3;ignored;y\n"
  checkEverySplit(input, csv({ delimiter: ';', nullString: 'NULL', quote: "'", escape: '\\' }), 3, [
    ['1', null, "it's"],
    ['2', 'NULL', 'x'],
  ])
})

test('copy text: backslash escapes, \\N, octal and hex, empty strings', () => {
  const input = 'a\\tb\t\\N\t\\\\\n\t\\101\\x42\\x\tx\\.y\r\n\\n\t\\N\t\n'
  checkEverySplit(input, text(), 3, [
    ['a\tb', null, '\\'],
    ['', 'ABx', 'x.y'],
    ['\n', null, ''],
  ])
})

test('copy: wrong column counts are 22P04 naming the line', () => {
  const bytes = Buffer.from('1,2\n3\n')
  assert.throws(
    () => parse(bytes, csv(), 2, []),
    (error) =>
      error instanceof PgError &&
      error.code === '22P04' &&
      error.message === 'missing data for column "c1"' &&
      error.fields.detail === 'COPY t, line 2',
  )
  assert.throws(
    () => parse(Buffer.from('1\t2\t3\n'), text(), 2, []),
    (error) =>
      error instanceof PgError && error.message === 'extra data after last expected column',
  )
  assert.throws(
    () => parse(Buffer.from('1,"open\n'), csv(), 2, []),
    (error) => error instanceof PgError && error.message === 'unterminated CSV quoted field',
  )
})

test('copy writer output parses back to the same values, in text and csv', () => {
  const values = ['plain', 'tab\there', 'new\nline', 'comma,quote"', '', 'back\\slash', '\\.', null]
  for (const options of [text(), csv(), csv({ header: true })]) {
    const writer = new CopyWriter(options, { timeZone: 'UTC' })
    const batch = { length: values.length, columns: [makeTextVector('text', values)] }
    const rows = writer.rows(batch)
    const bytes = Buffer.concat([
      options.header ? writer.header([{ name: 'c0', type: 'text' }]).bytes : Buffer.alloc(0),
      rows.bytes,
    ])
    const parsed = parse(bytes, options, 1, []).map((row) => row[0])
    assert.deepEqual(parsed, values, options.format)
    // One CopyData per row: each row's bytes parse alone to that row.
    const noHeader = { ...options, header: false }
    const each = [...rows.rowEnds].map((end, i) =>
      parse(
        Buffer.from(rows.bytes.subarray(i === 0 ? 0 : rows.rowEnds[i - 1], end)),
        noHeader,
        1,
        [],
      ),
    )
    assert.deepEqual(
      each.map((r) => r.map((row) => row[0])),
      values.map((v) => [v]),
      options.format,
    )
  }
})
