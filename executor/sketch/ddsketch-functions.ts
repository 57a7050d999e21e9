// ddsketch_quantile(s, q) and ddsketch_count/sum/min/max/avg(s): float8 answers read from each
// row's sketch. An empty sketch has count 0 and sum 0; its quantiles, min, max and avg are NULL.
import { assert, type Vector } from '../../common/index.js'
import type { Kernel, KernelCall } from '../functions/kernel.js'
import { sketchBytesAt } from './ddsketch-cast.js'
import { Sketch } from './ddsketch.js'

type SketchReader = (sketch: Sketch, row: number) => number | null

/** A float8 per row from the sketch in argument 0 (NULL in, NULL out). */
function sketchRows(call: KernelCall, read: SketchReader): Vector {
  const sketches = call.args[0]
  assert(sketches?.kind === 'text', 'a ddsketch argument is a binary vector')
  const others = call.args.slice(1)
  const values = new Float64Array(call.length)
  const validity = new Uint8Array(call.length)
  for (let row = 0; row < call.length; row++) {
    if (sketches.validity !== null && sketches.validity[row] === 0) continue
    if (others.some((v) => v.validity !== null && v.validity[row] === 0)) continue
    const value = read(Sketch.decode(sketchBytesAt(sketches, row)), row)
    if (value === null) continue
    values[row] = value
    validity[row] = 1
  }
  const allValid = validity.every((v) => v === 1)
  return {
    kind: 'number',
    type: 'float8',
    length: call.length,
    validity: allValid ? null : validity,
    values,
  }
}

const whenNotEmpty =
  (read: (sketch: Sketch) => number): SketchReader =>
  (sketch) =>
    sketch.count === 0 ? null : read(sketch)

export const ddsketchKernels: Readonly<Record<string, Kernel>> = {
  ddsketch_quantile: (call) => {
    const quantiles = call.args[1]
    assert(quantiles?.kind === 'number', 'a quantile is float8')
    return sketchRows(call, (sketch, row) => sketch.quantile(quantiles.values[row]!))
  },
  ddsketch_count: (call) => sketchRows(call, (sketch) => sketch.count),
  ddsketch_sum: (call) => sketchRows(call, (sketch) => sketch.sum),
  ddsketch_min: (call) =>
    sketchRows(
      call,
      whenNotEmpty((sketch) => sketch.min),
    ),
  ddsketch_max: (call) =>
    sketchRows(
      call,
      whenNotEmpty((sketch) => sketch.max),
    ),
  ddsketch_avg: (call) =>
    sketchRows(
      call,
      whenNotEmpty((sketch) => sketch.sum / sketch.count),
    ),
}
