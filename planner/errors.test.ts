// Error codes, messages and positions, checked against PostgreSQL 15's answers to the same
// statements (positions are 1-based offsets into the statement text).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../common/index.js'
import { planStatement } from './index.js'
import { eventsContext } from './testing/fixtures.js'

async function rejects(
  sql: string,
  code: string,
  message: string,
  position?: number,
): Promise<void> {
  const ctx = eventsContext()
  await assert.rejects(planStatement(sql, [], [], ctx), (error: unknown) => {
    assert.ok(error instanceof PgError, `expected a PgError, got ${String(error)}`)
    assert.equal(error.fields.code, code)
    assert.equal(error.fields.message, message)
    if (position !== undefined) assert.equal(error.fields.position, position)
    return true
  })
}

test('syntax errors point at the token, or at the end of input', async () => {
  await rejects('SELEC 1', '42601', 'syntax error at or near "SELEC"', 1)
  await rejects('SELECT 1 +', '42601', 'syntax error at end of input', 11)
  await rejects('SELECT 1 FROM', '42601', 'syntax error at end of input', 14)
  await rejects("SELECT 'abc", '42601', `unterminated quoted string at or near "'abc"`, 8)
  await rejects('SELECT (1', '42601', 'syntax error at end of input', 10)
})

test('unknown relations and columns', async () => {
  await rejects('SELECT 1 FROM nope', '42P01', 'relation "nope" does not exist', 15)
  await rejects('SELECT nope FROM events', '42703', 'column "nope" does not exist', 8)
  await rejects('SELECT events.nope FROM events', '42703', 'column events.nope does not exist', 8)
  await rejects(
    'SELECT x.status FROM events',
    '42P01',
    'missing FROM-clause entry for table "x"',
    8,
  )
  await rejects(
    'SELECT Service FROM events e WHERE "Status" = 1',
    '42703',
    'column "Status" does not exist',
    36,
  )
})

test('unknown functions and operators, with the hint', async () => {
  await rejects('SELECT nope(1)', '42883', 'function nope(integer) does not exist', 8)
  await rejects("SELECT 'x'::text + 1", '42883', 'operator does not exist: text + integer', 18)
  await rejects(
    'SELECT service + 1 FROM events',
    '42883',
    'operator does not exist: text + integer',
    16,
  )
  await rejects("SELECT 'a' + 1", '22P02', 'invalid input syntax for type integer: "a"', 8)
})

test('grouping errors', async () => {
  await rejects(
    'SELECT service, status FROM events GROUP BY service',
    '42803',
    'column "events.status" must appear in the GROUP BY clause or be used in an aggregate function',
    17,
  )
  await rejects(
    'SELECT service, count(*) FROM events GROUP BY 1 ORDER BY status',
    '42803',
    'column "events.status" must appear in the GROUP BY clause or be used in an aggregate function',
    58,
  )
  await rejects(
    'SELECT status FROM events WHERE count(*) > 1',
    '42803',
    'aggregate functions are not allowed in WHERE',
    33,
  )
  await rejects(
    'SELECT count(*), status FROM events',
    '42803',
    'column "events.status" must appear in the GROUP BY clause or be used in an aggregate function',
    18,
  )
  await rejects(
    'SELECT sum(count(*)) FROM events',
    '42803',
    'aggregate function calls cannot be nested',
    12,
  )
  await rejects(
    'SELECT status FROM events GROUP BY 3',
    '42P10',
    'GROUP BY position 3 is not in select list',
    36,
  )
  await rejects(
    'SELECT DISTINCT status FROM events ORDER BY service',
    '42P10',
    'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
    45,
  )
})

test('INSERT errors', async () => {
  await rejects(
    'INSERT INTO events (x) VALUES (1)',
    '42703',
    'column "x" of relation "events" does not exist',
    21,
  )
  await rejects(
    'INSERT INTO events (status) VALUES (1, 2)',
    '42601',
    'INSERT has more expressions than target columns',
    40,
  )
  await rejects(
    "INSERT INTO events (status) VALUES ('x'::text)",
    '42804',
    'column "status" is of type integer but expression is of type text',
    37,
  )
  await rejects(
    "INSERT INTO events (status) VALUES ('x')",
    '22P02',
    'invalid input syntax for type integer: "x"',
    37,
  )
})

test('unsupported syntax is 0A000, never a crash', async () => {
  await rejects(
    'SELECT * FROM events ORDER BY status FETCH FIRST 1 ROW WITH TIES',
    '0A000',
    'FETCH ... WITH TIES is not supported yet',
    56,
  )
  await rejects('UPDATE events SET status = 1', '0A000', 'UPDATE is not supported yet', 1)
  await rejects('SELECT * FROM events LIMIT 1 FOR UPDATE', '0A000', 'FOR is not supported yet', 30)
  await rejects('SELECT status @@ 1 FROM events', '0A000', 'operator @@ is not supported yet', 15)
  await rejects(
    'SELECT status ~ 1 FROM events',
    '42883',
    'operator does not exist: integer ~ integer',
    15,
  )
})

test('type and cast errors', async () => {
  await rejects('SELECT 1::nosuchtype', '42704', 'type "nosuchtype" does not exist', 11)
  await rejects(
    'SELECT status FROM events WHERE status',
    '42804',
    'argument of WHERE must be type boolean, not type integer',
    33,
  )
  await rejects(
    "SELECT CASE WHEN true THEN 1 ELSE 'a'::text END",
    '42804',
    'CASE types integer and text cannot be matched',
    8,
  )
  await rejects('SELECT $2', '42P02', 'there is no parameter $2', 8)
  await rejects(
    'CREATE TABLE t (a int, a text)',
    '42701',
    'column "a" specified more than once',
    24,
  )
  await rejects('DROP TABLE nope', '42P01', 'table "nope" does not exist')
  await rejects('SELECT 1 LIMIT -1', '2201W', 'LIMIT must not be negative')
})
