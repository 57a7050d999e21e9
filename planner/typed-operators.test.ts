// Operators with mixed operand types bind to the functions PostgreSQL's pg_operator names,
// with its result types; the lexer reads jsonb's operators as PostgreSQL's does.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeStatement } from './index.js'
import { eventsContext } from './testing/fixtures.js'
import { tokenize } from './sql/lexer.js'

async function typesOf(sql: string): Promise<string[]> {
  const { fields } = await describeStatement(sql, [], eventsContext())
  return (fields ?? []).map((f) => f.type)
}

test('date/time arithmetic takes pg_operator result types', async () => {
  assert.deepEqual(
    await typesOf(
      "SELECT now() - now(), date '2024-01-02' - date '2024-01-01', date '2024-01-01' + 1, date '2024-01-01' + interval '1 hour', interval '1 day' * 2, -interval '1 day', now() - '2024-01-01', now() + '1 day'",
    ),
    ['interval', 'int4', 'date', 'timestamp', 'interval', 'interval', 'interval', 'timestamptz'],
  )
  assert.deepEqual(
    await typesOf(
      "SELECT now() AT TIME ZONE 'UTC', timestamp '2024-01-01' AT TIME ZONE 'UTC', interval '1' day",
    ),
    ['timestamp', 'timestamptz', 'interval'],
  )
})

test('jsonb operators bind by the right operand: key, index, path, key test', async () => {
  assert.deepEqual(
    await typesOf(
      `SELECT '{}'::jsonb -> 'a', '{}'::jsonb ->> 0, '{}'::jsonb #> '{a}', '{}'::jsonb #>> '{a}', '{}'::jsonb ? 'a', '{}'::jsonb @> '{}', '{}'::json -> 'a'`,
    ),
    ['jsonb', 'text', 'jsonb', 'text', 'bool', 'bool', 'json'],
  )
})

test('the lexer splits j->-1 and keeps ->>, <@ and #>> whole', () => {
  const ops = (sql: string): string[] =>
    tokenize(sql)
      .filter((t) => t.kind === 'op')
      .map((t) => t.value)
  assert.deepEqual(ops('j->-1'), ['->', '-'])
  assert.deepEqual(ops("j->>'a'"), ['->>'])
  assert.deepEqual(ops('a<@b'), ['<@'])
  assert.deepEqual(ops("j#>>'{a}'"), ['#>>'])
  assert.deepEqual(ops('a<-1'), ['<', '-'])
  assert.deepEqual(ops('a*-1'), ['*', '-'])
})
