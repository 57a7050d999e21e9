// The record cutter decides where worker threads' chunks begin, so a wrong cut splits a
// quoted newline, an escape or a multi-byte character between two parsers. Every case is fed
// split at every byte offset, with chunks of 1, 2 and 3 records: the chunks must join back
// into the input, and parsing each chunk alone (first line and header passed on) must give
// the rows, and the error line, that parsing the whole stream gives.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError, isNullAt } from '../../common/index.js'
import { textAt } from '../expr/vector-builders.js'
import { defaultCopyOptions, type CopyOptions } from './copy-options.js'
import { CopyParser } from './copy-parser.js'
import { RecordCutter, type RecordChunk } from './record-cutter.js'

type Rows = (string | null)[][]

/** Parses `bytes` alone as a chunk starting at `firstLine`; answers its rows or its error. */
function parseChunk(
  bytes: Uint8Array,
  options: CopyOptions,
  width: number,
  firstLine: number,
): Rows | string {
  const names = Array.from({ length: width }, (_, i) => `c${i}`)
  const parser = new CopyParser(options, 't', names, 2, firstLine)
  try {
    parser.push(bytes)
    parser.finish()
  } catch (error) {
    if (error instanceof PgError) return `${error.message} (${error.fields.detail ?? ''})`
    throw error
  }
  const rows: Rows = []
  for (const batch of parser.takeReady())
    for (let row = 0; row < batch.rows; row++)
      rows.push(batch.columns.map((c) => (isNullAt(c, row) ? null : textAt(c, row))))
  return rows
}

function cut(
  bytes: Uint8Array,
  options: CopyOptions,
  records: number,
  split: number,
): RecordChunk[] {
  const cutter = new RecordCutter(options, { chunkRecords: records, chunkBytesTarget: 1 << 30 })
  const chunks = [...cutter.push(bytes.subarray(0, split)), ...cutter.push(bytes.subarray(split))]
  const last = cutter.finish()
  return last === null ? chunks : [...chunks, last]
}

function checkCuts(input: string, options: CopyOptions, width: number): void {
  const bytes = Buffer.from(input, 'utf8')
  const whole = parseChunk(bytes, options, width, 1)
  for (const records of [1, 2, 3]) {
    for (let split = 0; split <= bytes.length; split++) {
      const chunks = cut(bytes, options, records, split)
      const where = `${records} records a chunk, split at ${split}`
      assert.deepEqual(Buffer.concat(chunks.map((chunk) => chunk.bytes)), bytes, where)
      let rows: Rows = []
      let error: string | null = null
      chunks.forEach((chunk, index) => {
        if (error !== null) return
        const chunkOptions = { ...options, header: options.header && index === 0 }
        const parsed = parseChunk(chunk.bytes, chunkOptions, width, chunk.firstLine)
        if (typeof parsed === 'string') error = parsed
        else rows = [...rows, ...parsed]
      })
      assert.deepEqual(error ?? rows, whole, where)
    }
  }
}

const csv = (overrides: Partial<CopyOptions> = {}): CopyOptions => ({
  ...defaultCopyOptions('csv'),
  ...overrides,
})

test('csv: quoted newlines, doubled quotes, multi-byte UTF-8 and CRLF never split a record', () => {
  const input = 'a,b\n1,"x\ny"\n"é✓",""""\r\n😀,"line\n""two""\n"\n3,\n4,"end"'
  checkCuts(input, csv({ header: true }), 2)
  checkCuts(input, csv(), 2)
})

test('csv with ESCAPE other than QUOTE: an escaped quote stays inside the field', () => {
  const input = '1,"a\\"\nb"\n2,"\\\\"\n3,"c\\\\\n"\n4,z\n'
  checkCuts(input, csv({ escape: '\\' }), 2)
})

test('text: a backslash-escaped newline is data, not a record end', () => {
  const input = '1\ta\\\nb\n2\t\\\\\n3\tü\\N\n4\t\\N\n'
  checkCuts(input, defaultCopyOptions('text'), 2)
})

test('a bad line in a later chunk is named as in the whole stream', () => {
  checkCuts('a,b\n1,"x\ny"\n2,3\n4,5,6\n7,8\n', csv({ header: true }), 2)
  checkCuts('1\t2\n3\t4\n5\n6\t7\n', defaultCopyOptions('text'), 2)
})

test('a \\. line ends the data inside whichever chunk holds it', () => {
  const bytes = Buffer.from('1,2\n3,4\n\\.\n5,6\n', 'utf8')
  const chunks = cut(bytes, csv(), 1, 5)
  const parsed = chunks.map((chunk) => parseChunk(chunk.bytes, csv(), 2, chunk.firstLine))
  assert.deepEqual(parsed.slice(0, 3).flat(), [
    ['1', '2'],
    ['3', '4'],
  ])
})
