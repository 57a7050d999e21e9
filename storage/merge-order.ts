// The row order of a merge: the inputs' time columns, each sorted by its writer, merged into
// one permutation over the inputs' rows laid end to end. Typed arrays only, no object per row.
import { assert, type Field, type SqlType, type Vector } from '../common/index.js'
import type { FooterSegmentReader } from './segment/segment-reader.js'
import { concatVectors, timeSortPermutation } from './segment/vector-ops.js'

/** One input's time column: values in microseconds, validity as in a Vector. */
export interface TimeRun {
  readonly values: Float64Array
  readonly validity: Uint8Array | null
}

/** The union of the inputs' columns, in first-seen order, each with its first-seen type. */
export function unionFields(readers: readonly FooterSegmentReader[]): Field[] {
  const types = new Map<string, SqlType>()
  for (const reader of readers) {
    for (const field of reader.footer.columns) {
      if (!types.has(field.name)) types.set(field.name, field.type)
    }
  }
  return [...types].map(([name, type]) => ({ name, type }))
}

/** Reads the time column of every input whole: one run per input. */
export async function readTimeRuns(
  readers: readonly FooterSegmentReader[],
  timeField: Field,
): Promise<TimeRun[]> {
  const runs: TimeRun[] = []
  for (const reader of readers) {
    const parts: Vector[] = []
    for (let batch = 0; batch < reader.batchCount; batch++) {
      parts.push(await reader.readColumn(batch, timeField.name, timeField.type))
    }
    const whole = parts.length === 1 ? parts[0]! : concatVectors(timeField.type, parts)
    assert(whole.kind === 'number', 'the time column is number-like')
    runs.push({ values: whole.values, validity: whole.validity })
  }
  return runs
}

/** True when run `run` sorts ascending with NULLs last, as the writers leave it. */
function isSortedRun(run: TimeRun): boolean {
  const { values, validity } = run
  for (let row = 1; row < values.length; row++) {
    const previousNull = validity !== null && validity[row - 1] === 0
    const currentNull = validity !== null && validity[row] === 0
    if (previousNull ? !currentNull : !currentNull && values[row]! < values[row - 1]!) return false
  }
  return true
}

/**
 * The permutation (over the inputs' rows laid end to end) that sorts by time with NULLs last,
 * stable: equal times keep input order. A k-way merge of sorted runs; a run that is not sorted
 * falls back to one stable sort over everything.
 */
export function mergeOrder(runs: readonly TimeRun[]): Uint32Array {
  const total = runs.reduce((sum, run) => sum + run.values.length, 0)
  if (!runs.every(isSortedRun)) {
    const values = new Float64Array(total)
    const validity = new Uint8Array(total).fill(1)
    let at = 0
    for (const run of runs) {
      values.set(run.values, at)
      if (run.validity !== null) validity.set(run.validity.subarray(0, run.values.length), at)
      at += run.values.length
    }
    return timeSortPermutation({
      kind: 'number',
      type: 'timestamptz',
      length: total,
      validity,
      values,
    })
  }
  const starts = new Uint32Array(runs.length)
  for (let index = 1; index < runs.length; index++) {
    starts[index] = starts[index - 1]! + runs[index - 1]!.values.length
  }
  const positions = new Uint32Array(runs.length)
  const order = new Uint32Array(total)
  for (let out = 0; out < total; out++) {
    let best = -1
    let bestNull = true
    let bestValue = 0
    for (let index = 0; index < runs.length; index++) {
      const run = runs[index]!
      const position = positions[index]!
      if (position >= run.values.length) continue
      const isNull = run.validity !== null && run.validity[position] === 0
      const value = run.values[position]!
      // Strictly smaller wins, so among equals the earliest run (input) goes first.
      const smaller = best < 0 || (bestNull ? !isNull : !isNull && value < bestValue)
      if (smaller) {
        best = index
        bestNull = isNull
        bestValue = value
      }
    }
    assert(best >= 0, 'a run has rows left while output rows remain')
    order[out] = starts[best]! + positions[best]!
    positions[best] = positions[best]! + 1
  }
  return order
}
