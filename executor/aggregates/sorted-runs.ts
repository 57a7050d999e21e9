// Sorting a group's float values when they arrive as a few sorted runs: each worker ships its
// ordered-set state sorted (in parallel, per task), so the coordinator merges the runs in
// linear passes instead of sorting every value again on its one thread.

/** Float64Array#sort's order: -0 before 0, NaN after everything. */
function before(a: number, b: number): boolean {
  if (a !== a) return false
  if (b !== b) return true
  if (a < b) return true
  return a === 0 && b === 0 && Object.is(a, -0) && !Object.is(b, -0)
}

/** Runs past which a plain sort wins over merging run after run. */
const runsMergedMax = 16

/**
 * Sorts `values` in place in Float64Array#sort's order; when they are a few ascending runs
 * (each task's sorted state), merges the runs instead of sorting.
 */
export function sortFloatRuns(values: Float64Array): void {
  const bounds = [0]
  for (let i = 1; i < values.length; i++) {
    if (!before(values[i]!, values[i - 1]!)) continue
    bounds.push(i)
    if (bounds.length > runsMergedMax) {
      values.sort()
      return
    }
  }
  if (bounds.length === 1) return
  bounds.push(values.length)
  let merged = values.slice(0, bounds[1])
  for (let run = 1; run + 1 < bounds.length; run++) {
    const next = values.subarray(bounds[run], bounds[run + 1])
    const out = new Float64Array(merged.length + next.length)
    let left = 0
    let right = 0
    let at = 0
    while (left < merged.length && right < next.length) {
      out[at++] = before(next[right]!, merged[left]!) ? next[right++]! : merged[left++]!
    }
    while (left < merged.length) out[at++] = merged[left++]!
    while (right < next.length) out[at++] = next[right++]!
    merged = out
  }
  values.set(merged)
}
