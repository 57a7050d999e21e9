import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SegmentMeta } from './api.js'
import {
  DefaultCompactionPolicy,
  planCompactions,
  tierOf,
  timeBucketOf,
  type CompactionPolicyOptions,
} from './compaction-policy.js'

const DayUs = 86_400_000_000
const Jan1Us = Date.UTC(2024, 0, 1) * 1000

let nextId = 0
function segment(rows: number, minTs: number, maxTs = minTs): SegmentMeta {
  const segmentId = `seg-${String(nextId++).padStart(6, '0')}`
  return {
    segmentId,
    tenant: 'acme',
    table: 'logs',
    blobKey: `t1/${segmentId}.seg`,
    rows,
    bytes: rows * 10,
    minTs,
    maxTs,
    level: 0,
    createdAtMs: 0,
    columns: [],
  }
}

test('tiers grow by the growth factor from the base row count', () => {
  const policy = DefaultCompactionPolicy
  assert.equal(tierOf(1, policy), 0)
  assert.equal(tierOf(7_999, policy), 0)
  assert.equal(tierOf(8_000, policy), 1)
  assert.equal(tierOf(63_999, policy), 1)
  assert.equal(tierOf(64_000, policy), 2)
  assert.equal(tierOf(512_000, policy), 3)
  assert.equal(tierOf(999_999, policy), 3)
})

test('time buckets are UTC days of minTs', () => {
  assert.equal(timeBucketOf(Jan1Us), timeBucketOf(Jan1Us + DayUs - 1))
  assert.equal(timeBucketOf(Jan1Us + DayUs), timeBucketOf(Jan1Us) + 1)
  assert.equal(timeBucketOf(Jan1Us - 1), timeBucketOf(Jan1Us) - 1)
})

test('merges stay within a bucket, newest bucket first; a lone segment is left alone', () => {
  const day0 = [segment(10, Jan1Us), segment(20, Jan1Us + 5)]
  // Spans two days: belongs to the day of its minTs.
  const spanning = segment(5, Jan1Us + DayUs - 10, Jan1Us + DayUs + 10)
  const day1 = [segment(1, Jan1Us + DayUs), segment(2, Jan1Us + DayUs + 1)]
  const lone = segment(3, Jan1Us + 2 * DayUs)
  const plan = planCompactions([...day0, spanning, ...day1, lone])
  assert.equal(plan.merges.length, 2)
  const [first, second] = plan.merges
  assert.equal(first?.bucket, timeBucketOf(Jan1Us + DayUs))
  assert.deepEqual(new Set(first?.inputs), new Set(day1))
  assert.equal(second?.bucket, timeBucketOf(Jan1Us))
  assert.deepEqual(new Set(second?.inputs), new Set([...day0, spanning]))
  assert.equal(second?.rows, 35)
  assert.equal(plan.backlogSegments, 5)
})

test('tiers do not mix, and finished segments are never inputs', () => {
  const policy = DefaultCompactionPolicy
  const small = [segment(100, Jan1Us), segment(200, Jan1Us)]
  const large = [segment(10_000, Jan1Us), segment(20_000, Jan1Us)]
  const finished = [segment(1_000_000, Jan1Us), segment(2_000_000, Jan1Us)]
  const plan = planCompactions([...large, ...finished, ...small], policy)
  assert.equal(plan.merges.length, 2)
  assert.deepEqual(
    plan.merges.map((merge) => merge.tier),
    [0, 1],
  )
  assert.deepEqual(new Set(plan.merges[0]?.inputs), new Set(small))
  assert.deepEqual(new Set(plan.merges[1]?.inputs), new Set(large))
})

test('a group is cut into disjoint merges of at most inputsMax inputs and outputRowsMax rows', () => {
  const policy: CompactionPolicyOptions = {
    ...DefaultCompactionPolicy,
    inputsMax: 4,
    outputRowsMax: 100,
    tierBaseRows: 1_000_000,
  }
  const segments = Array.from({ length: 10 }, () => segment(30, Jan1Us))
  const plan = planCompactions(segments, policy)
  // Three inputs of 30 rows fill 90 of 100 rows; the tenth segment has no partner.
  assert.deepEqual(
    plan.merges.map((merge) => merge.inputs.length),
    [3, 3, 3],
  )
  const used = plan.merges.flatMap((merge) => merge.inputs)
  assert.equal(new Set(used).size, 9)
  for (const merge of plan.merges) assert.ok(merge.rows <= 100)
  assert.equal(plan.backlogSegments, 9)

  const many = Array.from({ length: 9 }, () => segment(1, Jan1Us))
  assert.deepEqual(
    planCompactions(many, policy).merges.map((merge) => merge.inputs.length),
    [4, 4],
  )
})

test('smallest segments merge first; two that cannot fit together are not backlog', () => {
  const policy: CompactionPolicyOptions = { ...DefaultCompactionPolicy, tierBaseRows: 1_000_000 }
  const big = [segment(600_000, Jan1Us), segment(700_000, Jan1Us)]
  assert.deepEqual(planCompactions(big, policy), { merges: [], backlogSegments: 0 })
  const tiny = segment(1, Jan1Us)
  const plan = planCompactions([...big, tiny], policy)
  assert.equal(plan.merges.length, 1)
  assert.deepEqual(plan.merges[0]?.inputs, [tiny, big[0]])
})
