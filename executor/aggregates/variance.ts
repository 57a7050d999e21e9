// var_samp, var_pop, stddev_samp, stddev_pop (variance = var_samp, stddev = stddev_samp), with
// PostgreSQL's arithmetic so results match to the byte:
//
//   float4/float8: float8_accum's Youngs-Cramer state (N, Sx, Sxx), partials combined as
//                  float8_combine does; float8 result
//   integers/numeric: exact (N, sum x, sum x^2) as numeric_stddev_internal keeps them, and
//                  its final (N sum x^2 - (sum x)^2) / (N (N - 1)) at select_div_scale, square
//                  root at the same scale; numeric result
//
// NULL for no rows, and for one row in the _samp forms.
import { assert, type SqlType, type Vector } from '../../common/index.js'
import { decimalDivide, decimalDivisionScale, powerOfTen, type Decimal } from '../decimal.js'
import { GroupNumbers, rowCounts, type GroupsAccumulator } from './accumulator.js'

export const varianceFunctions: Readonly<Record<string, { sample: boolean; root: boolean }>> = {
  var_samp: { sample: true, root: false },
  variance: { sample: true, root: false },
  var_pop: { sample: false, root: false },
  stddev_samp: { sample: true, root: true },
  stddev: { sample: true, root: true },
  stddev_pop: { sample: false, root: true },
}

/** float4/float8 input: state (N, Sx, Sxx) as float8 columns. */
export class FloatVarianceAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['float8', 'float8', 'float8']
  private readonly n = new GroupNumbers()
  private readonly sx = new GroupNumbers()
  private readonly sxx = new GroupNumbers()

  constructor(private readonly fn: string) {}

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input?.kind === 'number', 'float variance reads numbers')
    const [n, sx, sxx] = [this.n, this.sx, this.sxx].map((g) => g.ensure(groupCount))
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      const group = groupIds[row]!
      const value = input.values[row]!
      const count = n![group]! + 1
      const sum = sx![group]! + value
      if (count > 1) {
        const tmp = value * count - sum
        sxx![group]! += (tmp * tmp) / (count * n![group]!)
        // float8_accum: an infinite input makes Sxx NaN, never infinite
        if (Math.abs(sum) === Infinity || Math.abs(sxx![group]!) === Infinity) sxx![group] = NaN
      } else if (!Number.isFinite(value)) sxx![group] = NaN
      n![group] = count
      sx![group] = sum
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const [stateN, stateSx, stateSxx] = states
    assert(
      stateN?.kind === 'number' && stateSx?.kind === 'number' && stateSxx?.kind === 'number',
      'float variance state is three float8 columns',
    )
    const [n, sx, sxx] = [this.n, this.sx, this.sxx].map((g) => g.ensure(groupCount))
    for (let row = 0; row < groupIds.length; row++) {
      const group = groupIds[row]!
      if (group < 0) continue
      const n2 = stateN.values[row]!
      if (n2 === 0) continue
      const n1 = n![group]!
      if (n1 === 0) {
        n![group] = n2
        sx![group] = stateSx.values[row]!
        sxx![group] = stateSxx.values[row]!
        continue
      }
      // float8_combine
      const total = n1 + n2
      const tmp = sx![group]! / n1 - stateSx.values[row]! / n2
      sxx![group] = sxx![group]! + stateSxx.values[row]! + (n1 * n2 * tmp * tmp) / total
      sx![group] = sx![group]! + stateSx.values[row]!
      n![group] = total
    }
  }

  state(groupCount: number): Vector[] {
    return [this.n, this.sx, this.sxx].map((g) => ({
      kind: 'number',
      type: 'float8',
      length: groupCount,
      validity: null,
      values: g.ensure(groupCount).slice(0, groupCount),
    }))
  }

  evaluate(groupCount: number): Vector {
    const { sample, root } = varianceFunctions[this.fn]!
    const n = this.n.ensure(groupCount)
    const sxx = this.sxx.ensure(groupCount)
    const values = new Float64Array(groupCount)
    const validity = new Uint8Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      const count = n[group]!
      if (count === 0 || (sample && count <= 1)) continue
      const variance = sxx[group]! / (sample ? count - 1 : count)
      values[group] = root ? Math.sqrt(variance) : variance
      validity[group] = 1
    }
    const allValid = validity.every((v) => v === 1)
    return {
      kind: 'number',
      type: 'float8',
      length: groupCount,
      validity: allValid ? null : validity,
      values,
    }
  }
}

/** Integer and numeric input: exact (N, sum x, sum x^2) per group, numeric result. */
export class NumericVarianceAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = ['int8', 'numeric', 'numeric']
  private readonly n = new GroupNumbers()
  private sums: Decimal[] = []
  private squares: Decimal[] = []

  constructor(private readonly fn: string) {}

  private add(group: number, count: number, sum: Decimal, square: Decimal): void {
    this.n.values[group]! += count
    this.sums[group] = addDecimals(this.sums[group] ?? zero, sum)
    this.squares[group] = addDecimals(this.squares[group] ?? zero, square)
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const input = args[0]
    assert(input !== undefined, 'variance has one argument')
    this.n.ensure(groupCount)
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, input.validity)) continue
      let value: Decimal
      if (input.kind === 'number') value = { unscaled: BigInt(input.values[row]!), scale: 0 }
      else if (input.kind === 'numeric')
        value = { unscaled: input.unscaled[row]!, scale: input.scales[row]! }
      else return assert(false, 'numeric variance reads integers or numeric')
      const square = { unscaled: value.unscaled * value.unscaled, scale: value.scale * 2 }
      this.add(groupIds[row]!, 1, value, square)
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const [stateN, stateSum, stateSquare] = states
    assert(
      stateN?.kind === 'number' && stateSum?.kind === 'numeric' && stateSquare?.kind === 'numeric',
      'numeric variance state is (int8, numeric, numeric)',
    )
    this.n.ensure(groupCount)
    for (let row = 0; row < groupIds.length; row++) {
      const group = groupIds[row]!
      if (group < 0 || stateN.values[row] === 0) continue
      this.add(
        group,
        stateN.values[row]!,
        { unscaled: stateSum.unscaled[row]!, scale: stateSum.scales[row]! },
        { unscaled: stateSquare.unscaled[row]!, scale: stateSquare.scales[row]! },
      )
    }
  }

  state(groupCount: number): Vector[] {
    const n = this.n.ensure(groupCount).slice(0, groupCount)
    const numeric = (parts: Decimal[]): Vector => {
      const unscaled: bigint[] = []
      const scales = new Uint16Array(groupCount)
      for (let group = 0; group < groupCount; group++) {
        unscaled.push(parts[group]?.unscaled ?? 0n)
        scales[group] = parts[group]?.scale ?? 0
      }
      return {
        kind: 'numeric',
        type: 'numeric',
        length: groupCount,
        validity: null,
        unscaled,
        scales,
      }
    }
    return [
      { kind: 'number', type: 'int8', length: groupCount, validity: null, values: n },
      numeric(this.sums),
      numeric(this.squares),
    ]
  }

  evaluate(groupCount: number): Vector {
    const { sample, root } = varianceFunctions[this.fn]!
    const n = this.n.ensure(groupCount)
    const unscaled: bigint[] = []
    const scales = new Uint16Array(groupCount)
    const validity = new Uint8Array(groupCount)
    for (let group = 0; group < groupCount; group++) {
      const count = n[group]!
      unscaled.push(0n)
      if (count === 0 || (sample && count <= 1)) continue
      validity[group] = 1
      const result = finalVariance(count, this.sums[group]!, this.squares[group]!, sample, root)
      unscaled[group] = result.unscaled
      scales[group] = result.scale
    }
    const allValid = validity.every((v) => v === 1)
    return {
      kind: 'numeric',
      type: 'numeric',
      length: groupCount,
      validity: allValid ? null : validity,
      unscaled,
      scales,
    }
  }
}

const zero: Decimal = { unscaled: 0n, scale: 0 }

function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale)
  return {
    unscaled: a.unscaled * powerOfTen(scale - a.scale) + b.unscaled * powerOfTen(scale - b.scale),
    scale,
  }
}

/** numeric_stddev_internal's final step. */
function finalVariance(
  count: number,
  sum: Decimal,
  square: Decimal,
  sample: boolean,
  root: boolean,
): Decimal {
  const n = BigInt(count)
  // N * sum(x^2) - sum(x)^2 at scale 2 * scale(sum x), exact
  const scale = sum.scale * 2
  const sumSquared = sum.unscaled * sum.unscaled
  const nSquares = n * square.unscaled * powerOfTen(scale - square.scale)
  const numerator: Decimal = { unscaled: nSquares - sumSquared, scale }
  if (numerator.unscaled <= 0n) return zero
  const denominator: Decimal = { unscaled: sample ? n * (n - 1n) : n * n, scale: 0 }
  const variance = decimalDivide(numerator, denominator)
  if (!root) return variance
  return sqrtAtScale(variance, decimalDivisionScale(numerator, denominator))
}

/** sqrt to `scale` digits, rounded half up (sqrt_var). */
function sqrtAtScale(d: Decimal, scale: number): Decimal {
  const shift = 2 * (scale + 1) - d.scale
  const scaled = shift >= 0 ? d.unscaled * powerOfTen(shift) : d.unscaled / powerOfTen(-shift)
  return { unscaled: (integerSqrt(scaled) + 5n) / 10n, scale }
}

function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n
  let x = BigInt(Math.floor(Math.sqrt(Number(n))))
  for (;;) {
    const next = (x + n / x) >> 1n
    if (next === x || next === x + 1n) break
    x = next
  }
  while (x * x > n) x -= 1n
  while ((x + 1n) * (x + 1n) <= n) x += 1n
  return x
}
