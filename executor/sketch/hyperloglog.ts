// approx_count_distinct(x): HyperLogLog (Flajolet et al. 2007, with Heule et al.'s 64-bit
// hash and sparse start, "HyperLogLog in Practice", 2013). 2^14 registers give a standard
// error of 1.04 / sqrt(16384) ≈ 0.81%. A value's bytes hash to 64 bits (two 32-bit murmur3
// passes with different seeds); the top 14 bits pick a register, which keeps the largest
// count of leading zeros + 1 seen in the other 50.
//
// A group starts sparse (register index → rank in a Map) and turns into a dense Uint8Array of
// registers past 2,048 entries, so many small groups stay small. The partial state is one
// bytea per group: format byte 0 then (u16 index, u8 rank) triples, or 1 then the registers.
// Merging takes each register's maximum, so any split merges to the same estimate.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import type { GroupsAccumulator } from '../aggregates/accumulator.js'
import { normalizeDecimal } from '../aggregates/key-column.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import { sketchBytesAt } from './ddsketch-cast.js'

export const precisionBits = 14
const registerCount = 1 << precisionBits
const sparseEntriesMax = registerCount / 8
const textEncoder = new TextEncoder()

/** murmur3 x86 32-bit over bytes[start, end). */
export function murmur3(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed >>> 0
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  const blocksEnd = start + ((end - start) & ~3)
  for (let i = start; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  let k = 0
  const tail = end - blocksEnd
  if (tail === 3) k ^= bytes[blocksEnd + 2]! << 16
  if (tail >= 2) k ^= bytes[blocksEnd + 1]! << 8
  if (tail >= 1) {
    k ^= bytes[blocksEnd]!
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
  }
  h ^= end - start
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** murmur3 x86 32-bit of 8 bytes given as two little-endian words: murmur3 without the loop. */
export function murmur3Words(low: number, high: number, seed: number): number {
  let h = mixWord(seed >>> 0, low)
  h = mixWord(h, high)
  h ^= 8
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  let h = hash ^ k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** One group's registers: sparse until it holds more than sparseEntriesMax of them. */
export class HyperLogLog {
  private sparse: Map<number, number> | null = new Map()
  private dense: Uint8Array | null = null

  /** Adds the value whose 64-bit hash is (high, low). */
  addHash(high: number, low: number): void {
    const index = high >>> (32 - precisionBits)
    const rest = (high << precisionBits) >>> 0
    const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - precisionBits + Math.clz32(low) + 1
    this.set(index, rank)
  }

  private set(index: number, rank: number): void {
    const dense = this.dense
    if (dense !== null) {
      if (rank > dense[index]!) dense[index] = rank
      return
    }
    const sparse = this.sparse!
    if (rank > (sparse.get(index) ?? 0)) sparse.set(index, rank)
    if (sparse.size > sparseEntriesMax) {
      const registers = new Uint8Array(registerCount)
      for (const [i, r] of sparse) registers[i] = r
      this.dense = registers
      this.sparse = null
    }
  }

  merge(other: HyperLogLog): void {
    if (other.dense !== null) {
      for (let index = 0; index < registerCount; index++) {
        const rank = other.dense[index]!
        if (rank > 0) this.set(index, rank)
      }
    } else for (const [index, rank] of other.sparse!) this.set(index, rank)
  }

  /** The estimated number of distinct values, rounded. */
  estimate(): number {
    let sum = 0
    let zeros = 0
    if (this.dense !== null) {
      for (const rank of this.dense) {
        sum += 2 ** -rank
        if (rank === 0) zeros++
      }
    } else {
      zeros = registerCount - this.sparse!.size
      sum = zeros
      for (const rank of this.sparse!.values()) sum += 2 ** -rank
    }
    const alpha = 0.7213 / (1 + 1.079 / registerCount)
    const raw = (alpha * registerCount * registerCount) / sum
    // Small range: linear counting over the empty registers is the better estimate.
    if (raw <= 2.5 * registerCount && zeros > 0)
      return Math.round(registerCount * Math.log(registerCount / zeros))
    return Math.round(raw)
  }

  encode(): Uint8Array {
    if (this.dense !== null) {
      const bytes = new Uint8Array(registerCount + 1)
      bytes[0] = 1
      bytes.set(this.dense, 1)
      return bytes
    }
    const bytes = new Uint8Array(1 + this.sparse!.size * 3)
    let at = 1
    for (const [index, rank] of this.sparse!) {
      bytes[at] = index & 0xff
      bytes[at + 1] = index >>> 8
      bytes[at + 2] = rank
      at += 3
    }
    return bytes
  }

  static decode(bytes: Uint8Array): HyperLogLog {
    const hll = new HyperLogLog()
    if (bytes[0] === 1) {
      assert(bytes.length === registerCount + 1, 'dense HyperLogLog state size')
      hll.dense = bytes.slice(1)
      hll.sparse = null
      return hll
    }
    for (let at = 1; at + 2 < bytes.length; at += 3)
      hll.set(bytes[at]! | (bytes[at + 1]! << 8), bytes[at + 2]!)
    return hll
  }
}

const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)
const scratchWords = new Uint32Array(scratch.buffer)
const seeds = [0x9747b28c, 0x2f3c1a5b] as const

/** Calls `add(row, high, low)` with each counted row's 64-bit hash. */
function hashRows(
  vector: Vector,
  counted: (row: number) => boolean,
  add: (row: number, high: number, low: number) => void,
): void {
  const hashBytes = (row: number, bytes: Uint8Array, start: number, end: number): void =>
    add(row, murmur3(bytes, start, end, seeds[0]), murmur3(bytes, start, end, seeds[1]))
  for (let row = 0; row < vector.length; row++) {
    if (!counted(row)) continue
    switch (vector.kind) {
      case 'number': {
        const value = vector.values[row]!
        // -0 = 0 and every NaN are one value, as in PostgreSQL's float comparison.
        scratch[0] = value === 0 ? 0 : value !== value ? NaN : value
        const low = scratchWords[0]!
        const high = scratchWords[1]!
        add(row, murmur3Words(low, high, seeds[0]), murmur3Words(low, high, seeds[1]))
        break
      }
      case 'bool':
        scratchBytes[0] = vector.values[row]!
        hashBytes(row, scratchBytes, 0, 1)
        break
      case 'text':
        hashBytes(row, vector.data, vector.offsets[row]!, vector.offsets[row + 1]!)
        break
      case 'numeric': {
        const { unscaled, scale } = normalizeDecimal(vector.unscaled[row]!, vector.scales[row]!)
        const text = textEncoder.encode(`${unscaled}e${scale}`)
        hashBytes(row, text, 0, text.length)
        break
      }
    }
  }
}

export class ApproxCountDistinctAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['bytea']
  private readonly groups: (HyperLogLog | undefined)[] = []

  private groupAt(group: number): HyperLogLog {
    let hll = this.groups[group]
    if (hll === undefined) this.groups[group] = hll = new HyperLogLog()
    return hll
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    _groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input !== undefined, 'approx_count_distinct has one argument')
    const validity = input.validity
    const counted = (row: number): boolean =>
      groupIds[row]! >= 0 &&
      (include === null || include[row] === 1) &&
      (validity === null || validity[row] === 1)
    hashRows(input, counted, (row, high, low) => this.groupAt(groupIds[row]!).addHash(high, low))
  }

  merge(states: readonly Vector[], groupIds: Int32Array): void {
    const state = states[0]
    assert(state?.kind === 'text', 'a HyperLogLog state is bytea')
    for (let row = 0; row < state.length; row++) {
      const group = groupIds[row]!
      if (group < 0 || (state.validity !== null && state.validity[row] === 0)) continue
      this.groupAt(group).merge(HyperLogLog.decode(sketchBytesAt(state, row)))
    }
  }

  state(groupCount: number): Vector[] {
    const builder = new TextVectorBuilder('bytea', groupCount)
    for (let group = 0; group < groupCount; group++) {
      const bytes = this.groupAt(group).encode()
      builder.appendBytes(bytes, 0, bytes.length)
    }
    return [builder.finish()]
  }

  evaluate(groupCount: number): Vector {
    const values = new Float64Array(groupCount)
    for (let group = 0; group < groupCount; group++)
      values[group] = this.groups[group]?.estimate() ?? 0
    return { kind: 'number', type: 'int8', length: groupCount, validity: null, values }
  }
}
