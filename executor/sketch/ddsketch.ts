// DDSketch (Masson, Rim, Lee: "DDSketch: a fast and fully-mergeable quantile sketch with
// relative-error guarantees", VLDB 2019) as Datadog's sketches libraries encode it: a value x
// lands in bin ceil(log_gamma |x|) of the positive or negative store, or in the zero count;
// any quantile read back is within relative accuracy alpha of the true one, and two sketches
// with the same index mapping merge by adding bins.
//
// The index mappings (logarithmic, and the linearly / cubically interpolated ones agents may
// send) come from @datadog/sketches-js. Its stores and sketch class are not used for merging
// or decoding: 2.1.1's merge() drops the other sketch's negative store, fromProto() loses
// min/max/sum and ignores sparse `binCounts` stores, and toProto()/fromProto() need
// protobufjs, which it lists only as a devDependency (ddsketch.test.ts shows the merge and
// protobuf issues; the sparse-store gap is in its DenseStore.fromProto).
//
// Malamute's value is the DDSketch protobuf (DDSketch.proto of sketches-go/-py/-js), plus the
// exact sum, min and max in fields 100, 101 and 102 (doubles), which Datadog's readers skip
// as unknown fields. A sketch decoded without them (one an agent sent) estimates them from
// its bins: min and max within the relative accuracy, sum as sum(bin value * bin count).
import { PgError, SqlState } from '../../common/index.js'
import {
  CubicallyInterpolatedMapping,
  LinearlyInterpolatedMapping,
  LogarithmicMapping,
} from '@datadog/sketches-js/dist/ddsketch/mapping/index.js'
import { BinStore } from './bin-store.js'
import { ProtoReader, ProtoWriter, WireType, malformed, varintSize } from './protobuf.js'
import { decodeStore, storeLayout, writeStore } from './store-codec.js'

/** The index mapping as the protobuf carries it. */
export interface SketchMapping {
  readonly gamma: number
  readonly indexOffset: number
  /** 0 NONE (logarithmic), 1 LINEAR, 2 QUADRATIC, 3 CUBIC. */
  readonly interpolation: number
}

interface MappingFunctions {
  key(value: number): number
  value(key: number): number
  readonly minPossible: number
}

export const defaultRelativeAccuracy = 0.01
const summaryField = { sum: 100, min: 101, max: 102 } as const

const mappingCache = new Map<string, MappingFunctions>()
let lastMapping: { mapping: SketchMapping; functions: MappingFunctions } | null = null

/** The library's mapping object for `mapping` (key and value functions). */
function mappingFunctions(mapping: SketchMapping): MappingFunctions {
  // Decoding thousands of partial sketches asks for the same mapping each time.
  const last = lastMapping
  if (
    last !== null &&
    last.mapping.gamma === mapping.gamma &&
    last.mapping.indexOffset === mapping.indexOffset &&
    last.mapping.interpolation === mapping.interpolation
  )
    return last.functions
  const cacheKey = `${mapping.gamma}/${mapping.indexOffset}/${mapping.interpolation}`
  let functions = mappingCache.get(cacheKey)
  if (functions === undefined) {
    if (!(mapping.gamma > 1) || !Number.isFinite(mapping.gamma)) {
      throw malformed(`an index mapping it cannot use (gamma ${mapping.gamma})`)
    }
    // Not KeyMapping.fromProto: it loads protobufjs, which 2.1.1 lists only as a devDependency.
    const byInterpolation = [
      LogarithmicMapping,
      LinearlyInterpolatedMapping,
      null,
      CubicallyInterpolatedMapping,
    ]
    const mappingClass = byInterpolation[mapping.interpolation]
    if (mappingClass === undefined || mappingClass === null)
      throw malformed(`interpolation ${mapping.interpolation}`)
    functions = mappingClass.fromGammaOffset(mapping.gamma, mapping.indexOffset)
    mappingCache.set(cacheKey, functions)
  }
  lastMapping = { mapping, functions }
  return functions
}

/** The logarithmic mapping for a relative accuracy in (0, 1); 22023 outside it. */
export function mappingForAccuracy(relativeAccuracy: number): SketchMapping {
  if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `relative accuracy must be between 0 and 1 (exclusive), not ${relativeAccuracy}`,
    })
  }
  const library = new LogarithmicMapping(relativeAccuracy)
  return { gamma: library.gamma, indexOffset: 0, interpolation: 0 }
}

export class Sketch {
  readonly positive = new BinStore()
  readonly negative = new BinStore()
  zeroCount = 0
  sum = 0
  min = Infinity
  max = -Infinity
  private readonly functions: MappingFunctions

  constructor(readonly mapping: SketchMapping) {
    this.functions = mappingFunctions(mapping)
  }

  get count(): number {
    return this.zeroCount + this.positive.total + this.negative.total
  }

  /** Adds one value (NaN and infinities have no bin: 22023). */
  accept(value: number): void {
    if (!Number.isFinite(value)) throw notSketchable(value)
    const functions = this.functions
    const minPossible = functions.minPossible
    const key =
      value > minPossible ? functions.key(value) : value < -minPossible ? functions.key(-value) : 0
    this.acceptKeyed(value, key)
  }

  /** Adds finite `value` whose bin key is `key` (see binKeys). */
  acceptKeyed(value: number, key: number): void {
    const minPossible = this.functions.minPossible
    if (value > minPossible) this.positive.add(key, 1)
    else if (value < -minPossible) this.negative.add(key, 1)
    else this.zeroCount += 1
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }

  /**
   * The batch path: adds the finite values[rows[i]] for i in [from, to), in that order, whose
   * bin keys binKeys() computed into keys[rows[i]]. The same bins and summary as accept().
   */
  acceptRun(
    values: Float64Array,
    keys: Float64Array,
    rows: Int32Array,
    from: number,
    to: number,
  ): void {
    const minPossible = this.functions.minPossible
    const { positive, negative } = this
    let { zeroCount, sum, min, max } = this
    for (let i = from; i < to; i++) {
      const row = rows[i]!
      const value = values[row]!
      if (value > minPossible) positive.add(keys[row]!, 1)
      else if (value < -minPossible) negative.add(keys[row]!, 1)
      else zeroCount += 1
      sum += value
      if (value < min) min = value
      if (value > max) max = value
    }
    this.zeroCount = zeroCount
    this.sum = sum
    this.min = min
    this.max = max
  }

  /** Adds `other`'s bins and summary; 22023 when the index mappings differ. */
  merge(other: Sketch): void {
    checkSameMapping(this.mapping, other.mapping)
    this.positive.merge(other.positive)
    this.negative.merge(other.negative)
    this.zeroCount += other.zeroCount
    this.sum += other.sum
    this.min = Math.min(this.min, other.min)
    this.max = Math.max(this.max, other.max)
  }

  /** The value at quantile q in [0, 1] (22003 outside), null for an empty sketch. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) {
      throw new PgError({
        code: SqlState.numericValueOutOfRange,
        message: `quantile ${q} is not between 0 and 1`,
      })
    }
    const count = this.count
    if (count === 0) return null
    const rank = q * (count - 1)
    const negativeCount = this.negative.total
    let value: number
    if (rank < negativeCount) {
      const key = this.negative.keyAtRank(negativeCount - rank - 1, false)
      value = -this.functions.value(key)
    } else if (rank < negativeCount + this.zeroCount) {
      value = 0
    } else {
      const key = this.positive.keyAtRank(rank - negativeCount - this.zeroCount, true)
      value = this.functions.value(key)
    }
    // The exact extremes bound every quantile; clamping can only move toward the truth.
    return Math.min(Math.max(value, this.min), this.max)
  }

  /**
   * The protobuf bytes, with the exact summary in Malamute's extra fields. Nested message
   * lengths are computed first, so the bytes are written once into a buffer of their size
   * (a partial aggregate encodes one sketch per group).
   */
  encode(): Uint8Array {
    const { gamma, indexOffset, interpolation } = this.mapping
    const mappingLength = 18 + (interpolation !== 0 ? 1 + varintSize(interpolation) : 0)
    const positive = this.positive.total > 0 ? storeLayout(this.positive) : null
    const negative = this.negative.total > 0 ? storeLayout(this.negative) : null
    const fieldLength = (length: number): number => 1 + varintSize(length) + length
    const size =
      fieldLength(mappingLength) +
      (positive === null ? 0 : fieldLength(positive.length)) +
      (negative === null ? 0 : fieldLength(negative.length)) +
      (this.zeroCount !== 0 ? 9 : 0) +
      (this.count > 0 ? 30 : 0)
    const writer = new ProtoWriter(size)
    writer.tag(1, WireType.lengthDelimited).varint(mappingLength)
    writer.tag(1, WireType.fixed64).double(gamma).tag(2, WireType.fixed64).double(indexOffset)
    if (interpolation !== 0) writer.tag(3, WireType.varint).varint(interpolation)
    if (positive !== null) writeStore(writer, 2, this.positive, positive)
    if (negative !== null) writeStore(writer, 3, this.negative, negative)
    if (this.zeroCount !== 0) writer.tag(4, WireType.fixed64).double(this.zeroCount)
    if (this.count > 0) {
      writer.tag(summaryField.sum, WireType.fixed64).double(this.sum)
      writer.tag(summaryField.min, WireType.fixed64).double(this.min)
      writer.tag(summaryField.max, WireType.fixed64).double(this.max)
    }
    return writer.finish()
  }

  /** Reads a DDSketch protobuf (Malamute's or any Datadog library's); 22P02 when malformed. */
  static decode(bytes: Uint8Array): Sketch {
    const parts = parseSketch(bytes)
    const sketch = new Sketch(parts.mapping)
    parts.stores.forEach((store, index) =>
      decodeStore(store, parts.storeSigns[index] === 1 ? sketch.positive : sketch.negative),
    )
    sketch.zeroCount = parts.zeroCount
    const { sum, min, max } = parts
    if (sum !== undefined && min !== undefined && max !== undefined) {
      sketch.sum = sum
      sketch.min = min
      sketch.max = max
    } else sketch.estimateSummary()
    return sketch
  }

  /**
   * merge(Sketch.decode(bytes)) without the decoded sketch: the bins go straight into this
   * sketch's stores (a coordinator merges thousands of partial sketches per query).
   */
  mergeEncoded(bytes: Uint8Array): void {
    const parts = parseSketch(bytes)
    const { sum, min, max } = parts
    if (sum === undefined || min === undefined || max === undefined) {
      this.merge(Sketch.decode(bytes))
      return
    }
    checkSameMapping(this.mapping, parts.mapping)
    parts.stores.forEach((store, index) =>
      decodeStore(store, parts.storeSigns[index] === 1 ? this.positive : this.negative),
    )
    this.zeroCount += parts.zeroCount
    this.sum += sum
    this.min = Math.min(this.min, min)
    this.max = Math.max(this.max, max)
  }

  /** min, max and sum from the bins, for a sketch that came without them. */
  private estimateSummary(): void {
    const value = (key: number): number => this.functions.value(key)
    let sum = 0
    this.positive.forEachBin((key, count) => (sum += value(key) * count))
    this.negative.forEachBin((key, count) => (sum -= value(key) * count))
    this.sum = sum
    const lowest =
      this.negative.total > 0
        ? -value(this.negative.maxKey())
        : this.zeroCount > 0
          ? 0
          : this.positive.total > 0
            ? value(this.positive.minKey())
            : Infinity
    const highest =
      this.positive.total > 0
        ? value(this.positive.maxKey())
        : this.zeroCount > 0
          ? 0
          : this.negative.total > 0
            ? -value(this.negative.minKey())
            : -Infinity
    this.min = lowest
    this.max = highest
  }
}

/**
 * The bin key of values[0 .. length) under `mapping` into keys (a value's key of its absolute
 * value; 0 for values in the zero bin or not finite, which acceptKeyed never sees). Keys are
 * float64: a fine mapping's keys can pass the int32 range.
 */
export function binKeys(
  mapping: SketchMapping,
  values: Float64Array,
  keys: Float64Array,
  length: number,
): void {
  const functions = mappingFunctions(mapping)
  const minPossible = functions.minPossible
  for (let row = 0; row < length; row++) {
    const value = values[row]!
    keys[row] =
      value > minPossible ? functions.key(value) : value < -minPossible ? functions.key(-value) : 0
  }
}

export function notSketchable(value: number): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `cannot add ${value} to a ddsketch`,
    detail: 'A DDSketch holds finite values only.',
  })
}

function checkSameMapping(a: SketchMapping, b: SketchMapping): void {
  if (
    a.gamma !== b.gamma ||
    a.indexOffset !== b.indexOffset ||
    a.interpolation !== b.interpolation
  ) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'cannot merge ddsketches with different index mappings',
      detail: `One has gamma ${a.gamma}, offset ${a.indexOffset}; the other gamma ${b.gamma}, offset ${b.indexOffset}.`,
    })
  }
}

/** A sketch message's top-level fields; its stores as readers, not yet read. */
interface SketchParts {
  readonly mapping: SketchMapping
  readonly stores: readonly ProtoReader[]
  /** 1 for the positive store, -1 for the negative, per entry of stores. */
  readonly storeSigns: readonly number[]
  readonly zeroCount: number
  readonly sum: number | undefined
  readonly min: number | undefined
  readonly max: number | undefined
}

function parseSketch(bytes: Uint8Array): SketchParts {
  const reader = new ProtoReader(bytes)
  let mapping: SketchMapping | null = null
  const stores: ProtoReader[] = []
  const storeSigns: number[] = []
  let zeroCount = 0
  let sum: number | undefined
  let min: number | undefined
  let max: number | undefined
  while (!reader.done) {
    const { field, wireType } = reader.tag()
    if (field === 1 && wireType === WireType.lengthDelimited)
      mapping = decodeMapping(reader.nested())
    else if ((field === 2 || field === 3) && wireType === WireType.lengthDelimited) {
      stores.push(reader.nested())
      storeSigns.push(field === 2 ? 1 : -1)
    } else if (field === 4 && wireType === WireType.fixed64) zeroCount = reader.double()
    else if (field === summaryField.sum && wireType === WireType.fixed64) sum = reader.double()
    else if (field === summaryField.min && wireType === WireType.fixed64) min = reader.double()
    else if (field === summaryField.max && wireType === WireType.fixed64) max = reader.double()
    else reader.skip(wireType)
  }
  if (mapping === null) throw malformed('no index mapping')
  // The mapping must be one this reader can use, before any bin is read.
  mappingFunctions(mapping)
  if (!(zeroCount >= 0) || !Number.isFinite(zeroCount)) throw malformed('a negative zero count')
  return { mapping, stores, storeSigns, zeroCount, sum, min, max }
}

function decodeMapping(reader: ProtoReader): SketchMapping {
  let gamma = 0
  let indexOffset = 0
  let interpolation = 0
  while (!reader.done) {
    const { field, wireType } = reader.tag()
    if (field === 1 && wireType === WireType.fixed64) gamma = reader.double()
    else if (field === 2 && wireType === WireType.fixed64) indexOffset = reader.double()
    else if (field === 3 && wireType === WireType.varint) interpolation = reader.varint()
    else reader.skip(wireType)
  }
  return { gamma, indexOffset, interpolation }
}
