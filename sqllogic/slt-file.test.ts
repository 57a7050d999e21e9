import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatRows, sortLines, typeCharForOid } from './result-format.js'
import { SltParseError, applyReplacements, parseSlt, renderQuery } from './slt-file.js'

const sample = [
  '# a comment',
  'statement ok',
  'CREATE TABLE t (a int4)',
  '',
  'skipif malamute',
  'statement error 42P01',
  'SELECT *',
  'FROM missing',
  '',
  'query IT rowsort',
  'SELECT a, b FROM t',
  '----',
  '2\tNULL',
  '1\t(empty)',
  '',
  'onlyif postgresql',
  'query I',
  'SELECT 1',
  '',
  'halt',
  '',
].join('\n')

test('parses statements, queries, conditions and halt with their line numbers', () => {
  const records = parseSlt(sample)
  assert.deepEqual(
    records.map((record) => [record.kind, record.line, record.headerIndex, record.endIndex]),
    [
      ['statement', 2, 1, 3],
      ['statement', 6, 5, 8],
      ['query', 10, 9, 14],
      ['query', 17, 16, 18],
      ['halt', 20, 19, 20],
    ],
  )
  const [create, missing, query, pending] = records
  assert.equal(create?.kind === 'statement' && create.expectedError, undefined)
  assert.ok(missing?.kind === 'statement')
  assert.equal(missing.expectedError, '42P01')
  assert.equal(missing.sql, 'SELECT *\nFROM missing')
  assert.deepEqual(missing.conditions, [{ kind: 'skipif', engine: 'malamute' }])
  assert.ok(query?.kind === 'query')
  assert.equal(query.typeChars, 'IT')
  assert.equal(query.sortMode, 'rowsort')
  assert.deepEqual(query.expectedLines, ['2\tNULL', '1\t(empty)'])
  assert.ok(pending?.kind === 'query')
  assert.equal(pending.expectedLines, undefined)
  assert.deepEqual(pending.conditions, [{ kind: 'onlyif', engine: 'postgresql' }])
})

test('rejects unknown records and bad query headers with the line', () => {
  assert.throws(
    () => parseSlt('\nloop i 1 2\n'),
    (error: unknown) => {
      return error instanceof SltParseError && error.line === 2
    },
  )
  assert.throws(() => parseSlt('query it\nSELECT 1\n'), SltParseError)
  assert.throws(() => parseSlt('query I sideways\nSELECT 1\n'), SltParseError)
})

test('completion replaces a record and keeps everything around it', () => {
  const records = parseSlt(sample)
  const pending = records[3]
  assert.ok(pending?.kind === 'query')
  const lines = renderQuery(pending, 'I', ['1'])
  const completed = applyReplacements(sample, [
    { headerIndex: pending.headerIndex, endIndex: pending.endIndex, lines },
  ])
  assert.match(completed, /onlyif postgresql\nquery I\nSELECT 1\n----\n1\n\nhalt\n/)
  assert.equal(parseSlt(completed).length, records.length)
})

test('values print as NULL and (empty); sort modes order rows or values', () => {
  const rows = [
    ['b', null],
    ['a', ''],
  ]
  assert.deepEqual(formatRows(rows, 'nosort'), ['b\tNULL', 'a\t(empty)'])
  assert.deepEqual(formatRows(rows, 'rowsort'), ['a\t(empty)', 'b\tNULL'])
  assert.deepEqual(sortLines(['3\t1', '2\t4'], 'valuesort'), ['1', '2', '3', '4'])
  assert.deepEqual([16, 20, 1700, 25, 1184].map(typeCharForOid), ['B', 'I', 'R', 'T', 'P'])
})
