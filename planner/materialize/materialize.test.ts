// Binding of subqueries, set operations, VALUES and WITH as Parse/Describe sees them: nothing
// runs, yet result names and types follow PostgreSQL. The rows themselves are checked by
// sqllogic/subquery, sqllogic/setop and sqllogic/cte against PostgreSQL.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../../common/index.js'
import { describeStatement } from '../planner.js'
import { parseStatement } from '../sql/parser.js'
import { eventsContext } from '../testing/fixtures.js'
import { hasQueryParts, readsTable } from './query-materializer.js'

async function fieldsOf(sql: string): Promise<[string, string][]> {
  const { fields } = await describeStatement(sql, [], eventsContext())
  return (fields ?? []).map((f) => [f.name, f.type])
}

async function errorOf(sql: string): Promise<string> {
  try {
    await describeStatement(sql, [], eventsContext())
  } catch (error) {
    assert.ok(error instanceof PgError)
    return `${error.code} ${error.message}`
  }
  return 'no error'
}

test('set operations take each column’s common type and the left names', async () => {
  assert.deepEqual(await fieldsOf('SELECT 1 AS a, 2.5 UNION SELECT 3000000000, 1'), [
    ['a', 'int8'],
    ['?column?', 'numeric'],
  ])
  assert.deepEqual(await fieldsOf("SELECT 'a' INTERSECT SELECT 'b'"), [['?column?', 'text']])
  assert.deepEqual(await fieldsOf("SELECT 1 EXCEPT ALL SELECT '2'"), [['?column?', 'int4']])
  assert.equal(
    await errorOf('SELECT 1 UNION SELECT now()'),
    '42804 UNION types integer and timestamp with time zone cannot be matched',
  )
  assert.equal(
    await errorOf('SELECT 1 UNION SELECT 1, 2'),
    '42601 each UNION query must have the same number of columns',
  )
})

test('VALUES names its columns column1.. and resolves their types', async () => {
  assert.deepEqual(await fieldsOf("VALUES (1, 'a'), (2.5, NULL)"), [
    ['column1', 'numeric'],
    ['column2', 'text'],
  ])
  assert.deepEqual(await fieldsOf('SELECT * FROM (VALUES (1, 2)) AS v(x)'), [
    ['x', 'int4'],
    ['column2', 'int4'],
  ])
  assert.match(await errorOf("VALUES (1), ('a'::text)"), /^42804 VALUES types integer and text/)
})

test('WITH tables shadow catalog tables and keep their column aliases', async () => {
  assert.deepEqual(
    await fieldsOf('WITH events(a) AS (SELECT 1) SELECT a, events.a + 1 AS b FROM events'),
    [
      ['a', 'int4'],
      ['b', 'int4'],
    ],
  )
  assert.deepEqual(
    await fieldsOf(
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r',
    ),
    [['n', 'int4']],
  )
  assert.match(await errorOf('WITH t AS (SELECT 1), t AS (SELECT 2) SELECT 1'), /^42712/)
})

test('subqueries in expressions are typed and named as PostgreSQL names them', async () => {
  assert.deepEqual(
    await fieldsOf(
      'SELECT (SELECT max(duration) FROM events), EXISTS (SELECT 1 FROM events), 1 IN (SELECT 1)',
    ),
    [
      ['max', 'float8'],
      ['exists', 'bool'],
      ['?column?', 'bool'],
    ],
  )
})

test('only statements with query parts take the materializing path', () => {
  assert.equal(hasQueryParts(parseStatement('SELECT a FROM t WHERE a IN (1, 2)')), false)
  assert.equal(hasQueryParts(parseStatement('INSERT INTO t VALUES (1), (2)')), false)
  assert.equal(hasQueryParts(parseStatement('SELECT 1 UNION SELECT 2')), true)
  assert.equal(hasQueryParts(parseStatement('SELECT a FROM t WHERE EXISTS (SELECT 1)')), true)
  assert.equal(hasQueryParts(parseStatement('WITH x AS (SELECT 1) SELECT * FROM x')), true)
  assert.equal(
    readsTable(parseStatement('SELECT 1 FROM a JOIN (SELECT 1 FROM r) s ON true'), 'r'),
    true,
  )
})
