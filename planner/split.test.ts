import assert from 'node:assert/strict'
import { test } from 'node:test'
import { splitStatements } from './index.js'

const texts = (sql: string): string[] => splitStatements(sql).map((s) => s.text)

test('splits on semicolons and keeps offsets into the original string', () => {
  assert.deepEqual(splitStatements('SELECT 1; SELECT 2'), [
    { text: 'SELECT 1', offset: 0 },
    { text: 'SELECT 2', offset: 10 },
  ])
})

test('ignores semicolons inside quotes, identifiers, dollar quotes and comments', () => {
  assert.deepEqual(texts(`SELECT 'a;b'; SELECT "x;y" FROM t`), [
    `SELECT 'a;b'`,
    'SELECT "x;y" FROM t',
  ])
  assert.deepEqual(texts(`SELECT 'it''s;'; SELECT 2`), [`SELECT 'it''s;'`, 'SELECT 2'])
  assert.deepEqual(texts(`SELECT E'a\\';b'; SELECT 2`), [`SELECT E'a\\';b'`, 'SELECT 2'])
  assert.deepEqual(texts('SELECT $$a;b$$; SELECT $q$ $$; $q$'), [
    'SELECT $$a;b$$',
    'SELECT $q$ $$; $q$',
  ])
  assert.deepEqual(texts('SELECT 1 -- no; split\n; SELECT 2'), [
    'SELECT 1 -- no; split\n',
    'SELECT 2',
  ])
  assert.deepEqual(texts('SELECT /* a /* nested; */ still; */ 1; SELECT 2'), [
    'SELECT /* a /* nested; */ still; */ 1',
    'SELECT 2',
  ])
})

test('a backslash does not escape in a standard string', () => {
  assert.deepEqual(texts(`SELECT 'a\\'; SELECT 2`), [`SELECT 'a\\'`, 'SELECT 2'])
})

test('$1 is a parameter, not a dollar quote', () => {
  assert.deepEqual(texts('SELECT $1; SELECT $2'), ['SELECT $1', 'SELECT $2'])
})

test('drops empty statements; an all-empty string gives one empty statement', () => {
  assert.deepEqual(texts('SELECT 1;;  ; SELECT 2;'), ['SELECT 1', 'SELECT 2'])
  assert.deepEqual(splitStatements(''), [{ text: '', offset: 0 }])
  assert.deepEqual(splitStatements(' ; -- only a comment\n;'), [{ text: '', offset: 0 }])
})

test('an unterminated quote runs to the end of the input', () => {
  assert.deepEqual(texts(`SELECT 'a; SELECT 2`), [`SELECT 'a; SELECT 2`])
})
