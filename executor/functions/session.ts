// Session and server information functions clients call on connect (psql's \d, JDBC, BI
// tools): version(), current_schema(), pg_is_in_recovery(), pg_postmaster_start_time(),
// pg_encoding_to_char(). current_user and current_database() are folded by the planner.
import { makeBoolVector, makeConstantVector } from '../expr/vector-builders.js'
import { numberArg, type Kernel } from './kernel.js'
import { textRows } from './row-values.js'

/** What version() reports; clients parse the leading "PostgreSQL 15". */
export const versionText =
  'PostgreSQL 15.0 (Malamute 0.1.0) on x86_64-pc-linux-gnu, compiled by node'

/** The server's start, epoch microseconds (the process's, shared by its worker threads). */
const startMicros = Math.round((Date.now() - process.uptime() * 1000) * 1000)

export const sessionKernels: Readonly<Record<string, Kernel>> = {
  version: (call) => makeConstantVector(versionText, 'text', call.length),
  current_schema: (call) => makeConstantVector('public', 'name', call.length),
  pg_is_in_recovery: (call) => makeBoolVector('bool', new Uint8Array(call.length), null),
  pg_postmaster_start_time: (call) => makeConstantVector(startMicros, 'timestamptz', call.length),
  pg_encoding_to_char: (call) => {
    const codes = numberArg(call, 0)
    return textRows(call, (row) =>
      codes.values[row] === 6 ? 'UTF8' : codes.values[row] === 0 ? 'SQL_ASCII' : '',
    )
  },
}
