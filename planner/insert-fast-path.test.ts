import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Batch, Vector } from '../common/index.js'
import { evaluate } from '../executor/expr/evaluate.js'
import { scalarAt } from '../executor/expr/vector-builders.js'
import type { ExecutableStatement, ScalarValue } from '../executor/plan.js'
import { planInsertValuesFast } from './insert-fast-path.js'
import { planStatementGeneral } from './planner.js'
import { eventsContext } from './testing/fixtures.js'

const evalContext = { timeZone: 'UTC', nowMicros: 0 }

/** The rows an INSERT would store, as plain values, whichever plan shape carries them. */
function insertedRows(statement: ExecutableStatement): ScalarValue[][] {
  assert.equal(statement.kind, 'insert')
  if (statement.kind !== 'insert') return []
  const source = statement.source
  const empty: Batch = { length: 1, columns: [] }
  if (source.kind === 'values') {
    return source.rows.map((row) =>
      row.map((expr) => scalarAt(evaluate(expr, empty, evalContext), 0)),
    )
  }
  assert.equal(source.kind, 'batches')
  if (source.kind !== 'batches') return []
  const rows: ScalarValue[][] = []
  for (const batch of source.batches) {
    for (let row = 0; row < batch.length; row++)
      rows.push(batch.columns.map((column: Vector) => scalarAt(column, row)))
  }
  return rows
}

test('the INSERT fast path stores exactly what the general path stores', async () => {
  const ctx = eventsContext()
  for (const sql of [
    "INSERT INTO events VALUES ('2024-01-01 00:00:00+00', 'api', 200, 1.5, 10, 'GET'), ('2024-01-02 12:00:00.25+02', NULL, -32768, 1e-7, -9007199254740991, '')",
    "INSERT INTO events (service, status, duration) VALUES ('a', 1, 2), ('b', 2, 3.25), (NULL, NULL, NULL)",
    "INSERT INTO events (status, duration, bytes) VALUES ('42', '2.5', '7'), ('-1', 'NaN', NULL)",
    'INSERT INTO events (duration, status) VALUES (0.1, 2147483647), (-0.0, 0)',
    `INSERT INTO events ("http.method", service) VALUES ('it''s', 'x')`,
    "INSERT INTO events (ts) VALUES ('2024-03-10 02:30:00')",
  ]) {
    const fast = await planInsertValuesFast(sql, ctx)
    assert.ok(fast !== null, `fast path takes: ${sql}`)
    const general = await planStatementGeneral(sql, [], [], ctx)
    assert.deepEqual(
      fast.kind === 'insert' ? fast.columns : null,
      general.kind === 'insert' ? general.columns : null,
      sql,
    )
    assert.deepEqual(insertedRows(fast), insertedRows(general), sql)
  }
})

test('the fast path leaves mixed kinds, rounding and errors to the general path', async () => {
  const ctx = eventsContext()
  for (const sql of [
    'INSERT INTO events (status) VALUES (1.5)', // numeric into int4 rounds: the general path's rule
    "INSERT INTO events (status) VALUES (1), ('2')", // mixed literal kinds
    'INSERT INTO events (status) VALUES (40000000000)', // out of range: the error needs a position
    "INSERT INTO events (status) VALUES ('x')", // bad input: likewise
    'INSERT INTO events (nope) VALUES (1)', // unknown column
    'INSERT INTO nope VALUES (1)', // unknown table
    'INSERT INTO events (service) VALUES (true)', // boolean into text
    'INSERT INTO events (duration) VALUES (1e400)', // float overflow
  ]) {
    assert.equal(await planInsertValuesFast(sql, ctx), null, sql)
  }
})
