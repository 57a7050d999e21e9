import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseSessionCommand } from './session-commands.js'

const parse = (text: string, offset = 0) => parseSessionCommand({ text, offset })

test('savepoint commands, with optional noise words and quoted names', () => {
  assert.deepEqual(parse('SAVEPOINT _EXEC_SVP_0x1'), { kind: 'savepoint', name: '_exec_svp_0x1' })
  assert.deepEqual(parse('release savepoint "A";'), { kind: 'release', name: 'A' })
  assert.deepEqual(parse('RELEASE a'), { kind: 'release', name: 'a' })
  assert.deepEqual(parse('ROLLBACK WORK TO SAVEPOINT a'), { kind: 'rollbackTo', name: 'a' })
  assert.deepEqual(parse('rollback to a'), { kind: 'rollbackTo', name: 'a' })
  assert.equal(parse('ROLLBACK'), null)
  assert.equal(parse('SELECT 1'), null)
})

test('DECLARE keeps the query with its offset in the client string', () => {
  assert.deepEqual(parse('DECLARE "c" BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT 1', 7), {
    kind: 'declare',
    name: 'c',
    binary: true,
    hold: true,
    query: { text: 'SELECT 1', offset: 7 + 50 },
  })
  assert.throws(() => parse('DECLARE c SCROLL CURSOR FOR SELECT 1'), { code: '0A000' })
  assert.throws(() => parse('DECLARE c CURSOR FOR INSERT INTO t VALUES (1)'), {
    code: '42601',
    fields: { code: '42601', message: 'syntax error at or near "INSERT"', position: 22 },
  })
})

test('FETCH and MOVE directions forward; backward ones are 55000', () => {
  const fetch = (count: number, move = false) => ({ kind: 'fetch', move, name: 'c', count })
  assert.deepEqual(parse('FETCH c'), fetch(1))
  assert.deepEqual(parse('FETCH FORWARD 2000 FROM "c"'), fetch(2000))
  assert.deepEqual(parse('FETCH ALL IN c'), fetch(Infinity))
  assert.deepEqual(parse('FETCH FORWARD ALL c'), fetch(Infinity))
  assert.deepEqual(parse('MOVE NEXT FROM c'), fetch(1, true))
  assert.deepEqual(parse('fetch 0 c'), fetch(0))
  assert.throws(() => parse('FETCH -1 FROM c'), { code: '55000' })
  assert.throws(() => parse('FETCH PRIOR FROM c'), { code: '55000' })
  assert.throws(() => parse('FETCH 1 FROM c extra'), { code: '42601' })
  assert.deepEqual(parse('CLOSE ALL'), { kind: 'close', name: null })
  assert.deepEqual(parse('CLOSE c'), { kind: 'close', name: 'c' })
})
