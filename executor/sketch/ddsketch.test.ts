import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DDSketch } from '@datadog/sketches-js'
import { LogarithmicMapping } from '@datadog/sketches-js/dist/ddsketch/mapping/index.js'
import type { Batch } from '../../common/index.js'
import { GroupedAggregation } from '../aggregates/grouped-aggregation.js'
import { sliceBatch } from '../expr/batch-ops.js'
import { scalarAt, vectorFromValues } from '../expr/vector-builders.js'
import type { AggregateCall, Expr } from '../plan.js'
import { sketchBytesAt } from './ddsketch-cast.js'
import { ProtoWriter, WireType } from './protobuf.js'
import { DdsketchAccumulator } from './ddsketch-accumulator.js'
import { Sketch, mappingForAccuracy } from './ddsketch.js'

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return (state + 0.5) / 2 ** 32
  }
}

/** Standard normal by Box-Muller. */
function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next())
}

const quantiles = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

/** Asserts every quantile is within `alpha` of the exact value at rank floor(q(n-1)). */
function assertAccurate(sketch: Sketch, values: readonly number[], alpha: number, what: string) {
  const sorted = Float64Array.from(values).sort()
  for (const q of quantiles) {
    const exact = sorted[Math.floor(q * (sorted.length - 1))]!
    const estimate = sketch.quantile(q)
    assert.ok(estimate !== null)
    const error = Math.abs(estimate - exact)
    assert.ok(
      error <= alpha * Math.abs(exact) + 1e-12,
      `${what}: q=${q} estimate ${estimate} exact ${exact} relative error ${error / Math.abs(exact)}`,
    )
  }
}

function datasets(): Record<string, number[]> {
  const next = random(42)
  const n = 50_000
  return {
    lognormal: Array.from({ length: n }, () => Math.exp(1 + 2 * normal(next))),
    pareto: Array.from({ length: n }, () => 1 / Math.pow(next(), 1 / 1.2)),
    'negative, zero and positive': Array.from({ length: n }, (_, i) =>
      i % 10 === 0 ? 0 : (next() < 0.4 ? -1 : 1) * Math.exp(3 * normal(next)),
    ),
    'all negative': Array.from({ length: n }, () => -Math.exp(2 * normal(next))),
    'tiny and huge': Array.from({ length: n }, () => Math.pow(10, -9 + 18 * next())),
  }
}

describe('@datadog/sketches-js 2.1.1, as Malamute found it', () => {
  it('merge() drops the other sketch’s negative values', () => {
    const a = new DDSketch()
    const b = new DDSketch()
    a.accept(5)
    for (const value of [-10, -20, -30]) b.accept(value)
    a.merge(b)
    assert.equal(a.count, 4, 'the count says four values')
    assert.equal(a.negativeStore.count, 0, 'but no negative value arrived')
    assert.ok(a.getValueAtQuantile(0) > 0, 'so the minimum quantile is positive')
  })

  it('toProto()/fromProto() need protobufjs, or lose min/max/sum when it is there', () => {
    const sketch = new DDSketch()
    for (const value of [1, 2, 3]) sketch.accept(value)
    let bytes: Uint8Array
    try {
      bytes = sketch.toProto()
    } catch (error) {
      assert.match(String(error), /protobufjs/, 'a devDependency, not installed with the package')
      return
    }
    const decoded = DDSketch.fromProto(bytes)
    assert.equal(decoded.count, 3)
    assert.deepEqual([decoded.min, decoded.max, decoded.sum], [Infinity, -Infinity, 0])
  })
})

describe('Sketch', () => {
  for (const [name, values] of Object.entries(datasets())) {
    it(`keeps the 1% relative-accuracy guarantee: ${name}, one pass and merged, after a round trip`, () => {
      const mapping = mappingForAccuracy(0.01)
      const single = new Sketch(mapping)
      for (const value of values) single.accept(value)
      assertAccurate(single, values, 0.01, `${name} single`)
      const merged = new Sketch(mapping)
      const next = random(7)
      for (let start = 0; start < values.length;) {
        const end = Math.min(values.length, start + 1 + Math.floor(next() * 9000))
        const part = new Sketch(mapping)
        for (let i = start; i < end; i++) part.accept(values[i]!)
        merged.merge(Sketch.decode(part.encode()))
        start = end
      }
      assertAccurate(merged, values, 0.01, `${name} merged`)
      const decoded = Sketch.decode(merged.encode())
      assert.equal(decoded.count, values.length)
      assert.equal(decoded.min, Math.min(...values))
      assert.equal(decoded.max, Math.max(...values))
      const exactSum = values.reduce((a, b) => a + b, 0)
      assert.ok(
        Math.abs(decoded.sum - exactSum) <= 1e-9 * values.reduce((a, b) => a + Math.abs(b), 0),
      )
      assertAccurate(decoded, values, 0.01, `${name} decoded`)
    })
  }

  it('holds other relative accuracies', () => {
    const values = datasets()['negative, zero and positive']!
    for (const alpha of [0.001, 0.05]) {
      const sketch = new Sketch(mappingForAccuracy(alpha))
      for (const value of values) sketch.accept(value)
      assertAccurate(Sketch.decode(sketch.encode()), values, alpha, `alpha ${alpha}`)
    }
  })

  it('reads a protobuf built from DDSketch.proto: sparse and contiguous stores, no summary', () => {
    const gamma = new LogarithmicMapping(0.01).gamma
    const library = LogarithmicMapping.fromGammaOffset(gamma, 0)
    const mapping = new ProtoWriter().tag(1, WireType.fixed64).double(gamma)
    mapping.tag(2, WireType.fixed64).double(0)
    const packed = new ProtoWriter().double(1).double(0).double(2)
    const positive = new ProtoWriter().tag(2, WireType.lengthDelimited).bytes(packed.finish())
    positive.tag(3, WireType.varint).sint32(100)
    const entry = new ProtoWriter().tag(1, WireType.varint).sint32(-5)
    entry.tag(2, WireType.fixed64).double(3)
    const negative = new ProtoWriter().tag(1, WireType.lengthDelimited).bytes(entry.finish())
    const message = new ProtoWriter()
      .tag(1, WireType.lengthDelimited)
      .bytes(mapping.finish())
      .tag(2, WireType.lengthDelimited)
      .bytes(positive.finish())
      .tag(3, WireType.lengthDelimited)
      .bytes(negative.finish())
      .tag(4, WireType.fixed64)
      .double(1)
      .tag(7, WireType.varint) // an unknown field is skipped
      .varint(99)
      .finish()
    const sketch = Sketch.decode(message)
    const value = (key: number): number => library.value(key)
    assert.equal(sketch.count, 7)
    assert.equal(sketch.quantile(0), -value(-5))
    assert.equal(sketch.quantile(0.5), 0)
    assert.equal(sketch.quantile(1), value(102))
    // Without Malamute's summary fields, min/max/sum come from the bins.
    assert.equal(sketch.min, -value(-5))
    assert.equal(sketch.max, value(102))
    assert.ok(Math.abs(sketch.sum - (value(100) + 2 * value(102) - 3 * value(-5))) < 1e-9)
  })

  it('refuses to merge sketches of different accuracies, and malformed bytes', () => {
    const a = new Sketch(mappingForAccuracy(0.01))
    const b = new Sketch(mappingForAccuracy(0.02))
    assert.throws(() => a.merge(b), { code: '22023' })
    assert.throws(() => Sketch.decode(Uint8Array.of(0x0a, 0x20, 1)), { code: '22P02' })
    assert.throws(() => Sketch.decode(new Uint8Array(0)), { code: '22P02' })
    assert.throws(() => mappingForAccuracy(1), { code: '22023' })
    assert.throws(() => a.accept(NaN), { code: '22023' })
  })

  it('answers an empty sketch: count 0, NULL quantiles', () => {
    const empty = Sketch.decode(new Sketch(mappingForAccuracy(0.01)).encode())
    assert.equal(empty.count, 0)
    assert.equal(empty.quantile(0.5), null)
    assert.throws(() => empty.quantile(1.5), { code: '22003' })
  })
})

describe('ddsketch_agg and ddsketch_merge accumulators', () => {
  it('merging partial states of any split equals one pass, per group', () => {
    const next = random(3)
    const n = 5000
    const groups = Array.from({ length: n }, () => (next() < 0.3 ? 'a' : next() < 0.5 ? 'b' : null))
    const values = Array.from({ length: n }, (_, i) =>
      i % 17 === 0 ? null : (next() < 0.2 ? -1 : 1) * Math.exp(4 * normal(next)),
    )
    const input: Batch = {
      length: n,
      columns: [vectorFromValues('text', groups), vectorFromValues('float8', values)],
    }
    const groupBy: Expr[] = [{ kind: 'column', index: 0, type: 'text' }]
    const build: AggregateCall = {
      fn: 'ddsketch_agg',
      args: [{ kind: 'column', index: 1, type: 'float8' }],
      distinct: false,
      filter: null,
      type: 'ddsketch',
    }
    const summarize = (batches: readonly Batch[]): string[] =>
      batches
        .flatMap((batch) =>
          Array.from({ length: batch.length }, (_, row) => {
            const sketches = batch.columns[1]!
            assert.ok(sketches.kind === 'text')
            const sketch = Sketch.decode(sketchBytesAt(sketches, row))
            const key = scalarAt(batch.columns[0]!, row)
            const summary = [sketch.count, sketch.min, sketch.max, sketch.sum.toPrecision(12)]
            return JSON.stringify([key, ...summary, ...quantiles.map((q) => sketch.quantile(q))])
          }),
        )
        .sort()
    const context = { timeZone: 'UTC', nowMicros: 0 }
    const single = new GroupedAggregation(groupBy, [build], context)
    single.update(input)
    const final = new GroupedAggregation(groupBy, [build], context)
    // Sketches of the partials, merged again by ddsketch_merge over a sketch column.
    const mergeCall: AggregateCall = {
      ...build,
      fn: 'ddsketch_merge',
      args: [{ kind: 'column', index: 1, type: 'ddsketch' }],
    }
    const remerged = new GroupedAggregation(groupBy, [mergeCall], context)
    for (let start = 0; start < n; start += 700) {
      const partial = new GroupedAggregation(groupBy, [build], context)
      partial.update(sliceBatch(input, start, Math.min(n, start + 700)))
      for (const batch of partial.partialBatches()) {
        final.merge(batch)
        remerged.update(batch)
      }
    }
    const expected = summarize(single.finalBatches())
    assert.deepEqual(summarize(final.finalBatches()), expected)
    assert.deepEqual(summarize(remerged.finalBatches()), expected)
  })
})

describe('batch kernels', () => {
  it('ddsketch_agg’s batch path encodes each group byte for byte as accept() one value at a time', () => {
    const next = random(11)
    const mapping = mappingForAccuracy(0.01)
    const accumulator = new DdsketchAccumulator(true, 0.01)
    const expected = [new Sketch(mapping), new Sketch(mapping), new Sketch(mapping)]
    // Batches of several sizes: the key buffer is reused and grows.
    for (const length of [10, 9000, 3, 20_000]) {
      const values = new Float64Array(length)
      const validity = new Uint8Array(length)
      const groupIds = new Int32Array(length)
      const include = new Uint8Array(length)
      for (let row = 0; row < length; row++) {
        const kind = next()
        values[row] =
          kind < 0.05
            ? 0
            : kind < 0.08
              ? 1e-320
              : (next() < 0.3 ? -1 : 1) * Math.exp(5 * normal(next))
        validity[row] = next() < 0.05 ? 0 : 1
        groupIds[row] = next() < 0.05 ? -1 : Math.floor(next() * 3)
        include[row] = next() < 0.1 ? 0 : 1
        // A NaN where the row does not count must not be refused.
        if (validity[row] === 0 || groupIds[row]! < 0 || include[row] === 0) {
          if (next() < 0.5) values[row] = NaN
        } else expected[groupIds[row]!]!.accept(values[row]!)
      }
      const vector = { kind: 'number', type: 'float8', length, validity, values } as const
      accumulator.update([vector], groupIds, 3, include)
    }
    const state = accumulator.evaluate(3)
    assert.ok(state.kind === 'text')
    expected.forEach((sketch, group) =>
      assert.deepEqual(sketchBytesAt(state, group), sketch.encode(), `group ${group}`),
    )
    const bad = { kind: 'number', type: 'float8', length: 1, validity: null } as const
    const values = Float64Array.of(Infinity)
    assert.throws(() => accumulator.update([{ ...bad, values }], Int32Array.of(0), 1, null), {
      code: '22023',
    })
  })

  it('decodes and merges bin array to bin array as adding bins one at a time does', () => {
    const next = random(5)
    const mapping = mappingForAccuracy(0.01)
    const build = (count: number, scale: number): Sketch => {
      const sketch = new Sketch(mapping)
      for (let i = 0; i < count; i++)
        sketch.accept((next() < 0.2 ? -1 : 1) * scale * Math.exp(3 * normal(next)))
      return sketch
    }
    // Few values far apart encode sparse, many contiguous; ranges overlap and do not.
    const sketches = [build(5, 1), build(20_000, 1), build(3, 1e6), build(5000, 1e-3), build(0, 1)]
    for (const sketch of sketches) {
      assert.deepEqual(Sketch.decode(sketch.encode()).encode(), sketch.encode())
    }
    const merged = Sketch.decode(sketches[0]!.encode())
    const reference = new Sketch(mapping)
    for (const sketch of sketches) {
      if (sketch !== sketches[0]) merged.merge(Sketch.decode(sketch.encode()))
      sketch.positive.forEachBin((key, count) => reference.positive.add(key, count))
      sketch.negative.forEachBin((key, count) => reference.negative.add(key, count))
      reference.zeroCount += sketch.zeroCount
      reference.sum += sketch.sum
      reference.min = Math.min(reference.min, sketch.min)
      reference.max = Math.max(reference.max, sketch.max)
    }
    assert.deepEqual(merged.encode(), reference.encode())
    const inPlace = Sketch.decode(sketches[0]!.encode())
    for (const sketch of sketches.slice(1)) inPlace.mergeEncoded(sketch.encode())
    assert.deepEqual(inPlace.encode(), reference.encode())
    assert.throws(() => inPlace.mergeEncoded(new Sketch(mappingForAccuracy(0.02)).encode()), {
      code: '22023',
    })
    assert.equal(merged.positive.total, reference.positive.total)
    assert.equal(merged.negative.total, reference.negative.total)
    // Packed counts whose length is not a whole number of doubles.
    const empty = new Sketch(mapping).encode()
    const torn = Uint8Array.of(...empty, 0x12, 0x03, 0x12, 0x01, 0)
    assert.throws(() => Sketch.decode(torn), { code: '22P02' })
  })
})
