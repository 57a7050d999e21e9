// Which segments compaction merges next: size-tiered merges within one (tenant, table, time
// bucket), as Husky's compactors do. Pure functions over segment metadata, no I/O.
//
//   segments of a table ──► group by (time bucket of minTs, row tier) ──► newest bucket first,
//   smallest tier first ──► per group, up to inputsMax inputs (smallest first) whose rows stay
//   within outputRowsMax ──► disjoint merges
//
// The bucket is the UTC day of a segment's minTs; a segment spanning days belongs to the day of
// its minTs, and so does a merge's output (its minTs is its inputs' least). The tier of a
// segment grows with its rows by a factor (tierGrowth): tier = floor(log_growth(rows / base)),
// 0 below base rows. Segments with outputRowsMax rows or more are finished: never inputs.
import { assert } from '../common/index.js'
import type { SegmentMeta } from './api.js'

export interface CompactionPolicyOptions {
  /** Most segments one merge reads. */
  readonly inputsMax: number
  /** Fewest segments worth a merge. */
  readonly inputsMin: number
  /** Rows an output segment may hold: the inputs of one merge sum to at most this. */
  readonly outputRowsMax: number
  /** Rows below which every segment is tier 0. */
  readonly tierBaseRows: number
  /** How much larger each tier's segments are than the tier below's. */
  readonly tierGrowth: number
}

export const DefaultCompactionPolicy: CompactionPolicyOptions = {
  inputsMax: 32,
  inputsMin: 2,
  outputRowsMax: 1_000_000,
  tierBaseRows: 1000,
  tierGrowth: 8,
}

const MicrosecondsPerDay = 86_400_000_000

/** The time bucket (UTC day number since 1970-01-01) of a time in epoch microseconds. */
export function timeBucketOf(timeUs: number): number {
  return Math.floor(timeUs / MicrosecondsPerDay)
}

/** The size tier of a segment with `rows` rows. */
export function tierOf(rows: number, policy: CompactionPolicyOptions): number {
  if (rows < policy.tierBaseRows * policy.tierGrowth) return 0
  const tier = Math.floor(Math.log(rows / policy.tierBaseRows) / Math.log(policy.tierGrowth))
  // Floating-point log can land just below an exact power; step up when the next tier is reached.
  return rows >= policy.tierBaseRows * policy.tierGrowth ** (tier + 1) ? tier + 1 : tier
}

/** One merge: inputs of one table, bucket and tier. */
export interface PlannedMerge {
  readonly bucket: number
  readonly tier: number
  readonly inputs: readonly SegmentMeta[]
  readonly rows: number
}

export interface CompactionPlan {
  /** Disjoint merges, newest bucket first, then smallest tier. */
  readonly merges: readonly PlannedMerge[]
  /** Segments some merge would take: the work compaction has not done yet. */
  readonly backlogSegments: number
}

/** Checks that a policy can make progress. */
export function assertPolicyValid(policy: CompactionPolicyOptions): void {
  assert(Number.isInteger(policy.inputsMin) && policy.inputsMin >= 2, 'a merge takes two inputs')
  assert(policy.inputsMax >= policy.inputsMin, 'inputsMax is at least inputsMin')
  assert(policy.outputRowsMax >= 2, 'an output may hold two rows')
  assert(policy.tierBaseRows >= 1, 'the tier base is a row at least')
  assert(policy.tierGrowth > 1, 'tiers grow')
}

/** Plans the merges for one table's live segments. */
export function planCompactions(
  segments: readonly SegmentMeta[],
  policy: CompactionPolicyOptions = DefaultCompactionPolicy,
): CompactionPlan {
  const groups = new Map<string, { bucket: number; tier: number; members: SegmentMeta[] }>()
  for (const segment of segments) {
    if (segment.rows >= policy.outputRowsMax) continue
    const bucket = timeBucketOf(segment.minTs)
    const tier = tierOf(segment.rows, policy)
    const key = `${bucket}/${tier}`
    let group = groups.get(key)
    if (group === undefined) {
      group = { bucket, tier, members: [] }
      groups.set(key, group)
    }
    group.members.push(segment)
  }
  const ordered = [...groups.values()].sort((a, b) => b.bucket - a.bucket || a.tier - b.tier)
  const merges: PlannedMerge[] = []
  let backlogSegments = 0
  for (const group of ordered) {
    if (group.members.length < policy.inputsMin) continue
    for (const merge of mergesOfGroup(group.members, policy)) {
      merges.push({ bucket: group.bucket, tier: group.tier, ...merge })
      backlogSegments += merge.inputs.length
    }
  }
  return { merges, backlogSegments }
}

/** Cuts one group into disjoint merges: smallest segments first, oldest first among equals. */
function mergesOfGroup(
  members: readonly SegmentMeta[],
  policy: CompactionPolicyOptions,
): { inputs: SegmentMeta[]; rows: number }[] {
  const sorted = [...members].sort(
    (a, b) => a.rows - b.rows || (a.segmentId < b.segmentId ? -1 : 1),
  )
  const merges: { inputs: SegmentMeta[]; rows: number }[] = []
  let inputs: SegmentMeta[] = []
  let rows = 0
  const cut = (): void => {
    if (inputs.length >= policy.inputsMin) merges.push({ inputs, rows })
    inputs = []
    rows = 0
  }
  for (const segment of sorted) {
    if (inputs.length >= policy.inputsMax || rows + segment.rows > policy.outputRowsMax) cut()
    inputs.push(segment)
    rows += segment.rows
  }
  cut()
  return merges
}
