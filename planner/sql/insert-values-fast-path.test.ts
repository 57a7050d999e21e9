import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LiteralKind, scanInsertValues } from './insert-values-fast-path.js'

test('scans a multi-row literal INSERT into columns', () => {
  const scanned = scanInsertValues(
    `insert into Logs (ts, "Http.Method", n) values ('2024-01-01 00:00:00+00', 'it''s', -1.5e3), ('x', NULL, 42);`,
  )
  assert.ok(scanned)
  assert.equal(scanned.table, 'logs')
  assert.deepEqual(scanned.columns, ['ts', 'Http.Method', 'n'])
  assert.equal(scanned.rowCount, 2)
  assert.deepEqual(scanned.texts, [
    ['2024-01-01 00:00:00+00', 'x'],
    ["it's", ''],
    ['-1.5e3', '42'],
  ])
  assert.deepEqual([...(scanned.kinds[1] ?? [])], [LiteralKind.String, LiteralKind.Null])
  assert.deepEqual([...(scanned.kinds[2] ?? [])], [LiteralKind.Number, LiteralKind.Number])
})

test('leaves everything that is not a plain literal to the general path', () => {
  for (const sql of [
    'insert into t values (1 + 1)',
    "insert into t values ('{}'::jsonb)",
    'insert into t values (1), (1, 2)',
    'insert into t select 1',
    "insert into t values (E'a\\n')",
    'insert into t values (1) returning *',
    'insert into t values (default)',
    'insert into t values (1) -- comment',
    'insert into t values (1.2.3)',
  ]) {
    assert.equal(scanInsertValues(sql), null, sql)
  }
})

test('accepts booleans, schema-qualified public tables and no column list', () => {
  const scanned = scanInsertValues('INSERT INTO public.t VALUES (true, FALSE, null)')
  assert.ok(scanned)
  assert.equal(scanned.columns, null)
  assert.deepEqual(scanned.texts, [['true'], ['false'], ['']])
})
