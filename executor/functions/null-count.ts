// num_nulls(VARIADIC "any") and num_nonnulls: how many arguments are (not) NULL, per row.
// Never NULL themselves. (The VARIADIC array form, counting an array's elements, is not here.)
// Also the size functions' final step and pg_tablespace_location.
import { makeNumberVector } from '../expr/vector-builders.js'
import { argAt, combineValidity, numberArg, type Kernel } from './kernel.js'
import { textRows } from './row-values.js'

function countNulls(nulls: boolean): Kernel {
  return (call) => {
    const out = new Float64Array(call.length)
    for (const arg of call.args) {
      const validity = arg.validity
      if (validity === null) continue
      for (let row = 0; row < call.length; row++) if (validity[row] === 0) out[row]! += 1
    }
    if (!nulls) for (let row = 0; row < call.length; row++) out[row] = call.args.length - out[row]!
    return makeNumberVector(call.type, out, null)
  }
}

/**
 * pg_relation_size & co. as planner/sql/size-functions.ts rewrites them: (x, bytes) is the
 * bytes, NULL where x is NULL.
 */
const sizeOf: Kernel = (call) => {
  const bytes = numberArg(call, 1)
  const validity = combineValidity(call.length, argAt(call, 0), bytes)
  return makeNumberVector(call.type, bytes.values.slice(0, call.length), validity)
}

export const nullCountKernels: Readonly<Record<string, Kernel>> = {
  num_nulls: countNulls(true),
  num_nonnulls: countNulls(false),
  pg_relation_size: sizeOf,
  pg_table_size: sizeOf,
  pg_total_relation_size: sizeOf,
  pg_database_size: sizeOf,
  // PostgreSQL's default tablespaces have no location of their own: ''
  pg_tablespace_location: (call) => textRows(call, () => ''),
}
