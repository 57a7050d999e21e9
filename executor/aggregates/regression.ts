// corr, covar_pop, covar_samp and the regr_* aggregates over (Y, X) float8 pairs, with
// PostgreSQL 15's arithmetic so results match to the last digit: float8_regr_accum's
// Youngs-Cramer state (N, Sx, Sxx, Sy, Syy, Sxy), partials combined as float8_regr_combine,
// and the final functions of float.c. Rows where Y or X is NULL are skipped.
import { assert, PgError, SqlState, type SqlType, type Vector } from '../../common/index.js'
import { GroupNumbers, rowCounts, type GroupsAccumulator } from './accumulator.js'

export const regressionFunctions: ReadonlySet<string> = new Set([
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_count',
  'regr_avgx',
  'regr_avgy',
  'regr_sxx',
  'regr_syy',
  'regr_sxy',
  'regr_slope',
  'regr_intercept',
  'regr_r2',
])

function overflow(): PgError {
  return new PgError({
    code: SqlState.numericValueOutOfRange,
    message: 'value out of range: overflow',
  })
}

const isInf = (x: number): boolean => x === Infinity || x === -Infinity

/** The final function of `fn` over one group's state; null is SQL NULL. */
function finalValue(fn: string, s: readonly number[]): number | null {
  const [n, sx, sxx, sy, syy, sxy] = s as [number, number, number, number, number, number]
  if (fn === 'regr_count') return n
  if (n < 1) return null
  switch (fn) {
    case 'regr_sxx':
      return sxx
    case 'regr_syy':
      return syy
    case 'regr_sxy':
      return sxy
    case 'regr_avgx':
      return sx / n
    case 'regr_avgy':
      return sy / n
    case 'covar_pop':
      return sxy / n
    case 'covar_samp':
      return n < 2 ? null : sxy / (n - 1)
    case 'corr':
      return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy)
    case 'regr_r2':
      if (sxx === 0) return null
      return syy === 0 ? 1 : (sxy * sxy) / (sxx * syy)
    case 'regr_slope':
      return sxx === 0 ? null : sxy / sxx
    default:
      // regr_intercept
      return sxx === 0 ? null : (sy - (sx * sxy) / sxx) / n
  }
}

export class RegressionAccumulator implements GroupsAccumulator {
  readonly stateTypes: readonly SqlType[] = [
    'float8',
    'float8',
    'float8',
    'float8',
    'float8',
    'float8',
  ]
  /** N, Sx, Sxx, Sy, Syy, Sxy per group. */
  private readonly slots = Array.from({ length: 6 }, () => new GroupNumbers())

  constructor(private readonly fn: string) {}

  private arrays(groupCount: number): Float64Array[] {
    return this.slots.map((slot) => slot.ensure(groupCount))
  }

  update(
    args: readonly Vector[],
    groupIds: Int32Array,
    groupCount: number,
    include: Uint8Array | null,
  ): void {
    const [yVector, xVector] = args
    assert(
      yVector?.kind === 'number' && xVector?.kind === 'number',
      'regression reads float8 pairs',
    )
    const [nA, sxA, sxxA, syA, syyA, sxyA] = this.arrays(groupCount) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ]
    const yValid = yVector.validity
    const xValid = xVector.validity
    for (let row = 0; row < groupIds.length; row++) {
      if (!rowCounts(row, groupIds, include, yValid)) continue
      if (xValid !== null && xValid[row] === 0) continue
      const g = groupIds[row]!
      const y = yVector.values[row]!
      const x = xVector.values[row]!
      // float8_regr_accum
      const n0 = nA[g]!
      const sx0 = sxA[g]!
      const sy0 = syA[g]!
      const n = n0 + 1
      const sx = sx0 + x
      const sy = sy0 + y
      let sxx = sxxA[g]!
      let syy = syyA[g]!
      let sxy = sxyA[g]!
      if (n0 > 0) {
        const tmpX = x * n - sx
        const tmpY = y * n - sy
        const scale = 1 / (n * n0)
        sxx += tmpX * tmpX * scale
        syy += tmpY * tmpY * scale
        sxy += tmpX * tmpY * scale
        if (isInf(sx) || isInf(sxx) || isInf(sy) || isInf(syy) || isInf(sxy)) {
          if (
            ((isInf(sx) || isInf(sxx)) && !isInf(sx0) && !isInf(x)) ||
            ((isInf(sy) || isInf(syy)) && !isInf(sy0) && !isInf(y)) ||
            (isInf(sxy) && !isInf(sx0) && !isInf(x) && !isInf(sy0) && !isInf(y))
          )
            throw overflow()
          if (isInf(sxx)) sxx = NaN
          if (isInf(syy)) syy = NaN
          if (isInf(sxy)) sxy = NaN
        }
      } else {
        if (!Number.isFinite(x)) sxx = sxy = NaN
        if (!Number.isFinite(y)) syy = sxy = NaN
      }
      nA[g] = n
      sxA[g] = sx
      sxxA[g] = sxx
      syA[g] = sy
      syyA[g] = syy
      sxyA[g] = sxy
    }
  }

  merge(states: readonly Vector[], groupIds: Int32Array, groupCount: number): void {
    const columns = states.map((state) => {
      assert(state.kind === 'number', 'regression state is float8 columns')
      return state.values
    })
    const [n2A, sx2A, sxx2A, sy2A, syy2A, sxy2A] = columns as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ]
    const own = this.arrays(groupCount)
    const [nA, sxA, sxxA, syA, syyA, sxyA] = own as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ]
    for (let row = 0; row < groupIds.length; row++) {
      const g = groupIds[row]!
      if (g < 0) continue
      const n2 = n2A[row]!
      if (n2 === 0) continue
      const n1 = nA[g]!
      if (n1 === 0) {
        own.forEach((slot, k) => (slot[g] = columns[k]![row]!))
        continue
      }
      // float8_regr_combine
      const n = n1 + n2
      const tmp1 = sxA[g]! / n1 - sx2A[row]! / n2
      const tmp2 = syA[g]! / n1 - sy2A[row]! / n2
      const sxy = sxyA[g]! + sxy2A[row]! + (n1 * n2 * tmp1 * tmp2) / n
      if (isInf(sxy) && !isInf(sxyA[g]!) && !isInf(sxy2A[row]!)) throw overflow()
      sxxA[g] = sxxA[g]! + sxx2A[row]! + (n1 * n2 * tmp1 * tmp1) / n
      syyA[g] = syyA[g]! + syy2A[row]! + (n1 * n2 * tmp2 * tmp2) / n
      sxA[g] = sxA[g]! + sx2A[row]!
      syA[g] = syA[g]! + sy2A[row]!
      sxyA[g] = sxy
      nA[g] = n
    }
  }

  state(groupCount: number): Vector[] {
    return this.arrays(groupCount).map((values) => ({
      kind: 'number',
      type: 'float8',
      length: groupCount,
      validity: null,
      values: values.slice(0, groupCount),
    }))
  }

  evaluate(groupCount: number): Vector {
    const own = this.arrays(groupCount)
    const values = new Float64Array(groupCount)
    const validity = new Uint8Array(groupCount)
    let allValid = true
    for (let g = 0; g < groupCount; g++) {
      const result = finalValue(
        this.fn,
        own.map((slot) => slot[g]!),
      )
      if (result === null) {
        allValid = false
        continue
      }
      values[g] = result
      validity[g] = 1
    }
    const type: SqlType = this.fn === 'regr_count' ? 'int8' : 'float8'
    return {
      kind: 'number',
      type,
      length: groupCount,
      validity: allValid ? null : validity,
      values,
    }
  }
}
