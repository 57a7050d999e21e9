// string_agg_join(values[], delimiters[] | delimiter): the final step of string_agg when its
// delimiter varies by row or its values are bytea (planner/bind/string-agg.ts). The values
// and the delimiters are two array_aggs over the same rows in the same order; as PostgreSQL's
// string_agg_transfn, each non-NULL value after the first is preceded by its own row's
// delimiter (none when that is NULL), NULL values are skipped with their delimiters, and the
// result is NULL when there is no non-NULL value. Works on the bytes, so text and bytea alike.
import { assert, type ArrayVector, type TextVector, type Vector } from '../../common/index.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import { argAt, type Kernel } from './kernel.js'

const stringAggJoin: Kernel = (call) => {
  const values = argAt(call, 0)
  const delimiters = argAt(call, 1)
  assert(values.kind === 'array' && values.child.kind === 'text', 'string_agg_join values')
  const out = new TextVectorBuilder(call.type, call.length)
  const parts: Uint8Array[] = []
  for (let row = 0; row < call.length; row++) {
    parts.length = 0
    if (values.validity === null || values.validity[row] === 1)
      collectRow(values as ArrayVector & { child: TextVector }, delimiters, row, parts)
    if (parts.length === 0) out.appendNull()
    else
      out.appendBytes(
        joinParts(parts),
        0,
        parts.reduce((n, p) => n + p.length, 0),
      )
  }
  return out.finish()
}

/** The byte ranges of one row's result, in order (none when it has no non-NULL value). */
function collectRow(
  values: ArrayVector & { child: TextVector },
  delimiters: Vector,
  row: number,
  parts: Uint8Array[],
): void {
  const child = values.child
  const start = values.offsets[row]!
  const end = values.offsets[row + 1]!
  for (let k = start; k < end; k++) {
    if (child.validity !== null && child.validity[k] !== 1) continue
    if (parts.length > 0) {
      const delimiter = delimiterAt(delimiters, row, k - start)
      if (delimiter !== null) parts.push(delimiter)
    }
    parts.push(child.data.subarray(child.offsets[k]!, child.offsets[k + 1]!))
  }
}

/** Element `index` of the row's delimiter array, or the row's one delimiter; null for NULL. */
function delimiterAt(delimiters: Vector, row: number, index: number): Uint8Array | null {
  if (delimiters.kind === 'text') {
    if (delimiters.validity !== null && delimiters.validity[row] !== 1) return null
    return delimiters.data.subarray(delimiters.offsets[row]!, delimiters.offsets[row + 1]!)
  }
  assert(delimiters.kind === 'array' && delimiters.child.kind === 'text', 'delimiters')
  if (delimiters.validity !== null && delimiters.validity[row] !== 1) return null
  const k = delimiters.offsets[row]! + index
  if (k >= delimiters.offsets[row + 1]!) return null
  const child = delimiters.child
  if (child.validity !== null && child.validity[k] !== 1) return null
  return child.data.subarray(child.offsets[k]!, child.offsets[k + 1]!)
}

function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    joined.set(part, at)
    at += part.length
  }
  return joined
}

export const stringAggJoinKernels: Readonly<Record<string, Kernel>> = {
  string_agg_join: stringAggJoin,
}
