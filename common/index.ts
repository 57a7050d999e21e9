// common/: what every layer shares and nothing else. PgError and the SQLSTATE table,
// assert, and the SQL type table with its OIDs and Arrow mapping. It imports nothing of
// ours and does no I/O; a thing only one layer needs lives in that layer.
export * from './assert.js'
export * from './pg-error.js'
export * from './sql-state.js'
export * from './sql-type.js'
export * from './vector.js'
export * from './vector-ops.js'
