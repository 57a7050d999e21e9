// The aggregate registry: one accumulator per AggregateSignatures entry (executor/signatures.ts).
import { assert, PgError, SqlState } from '../../common/index.js'
import type { AggregateCall } from '../plan.js'
import { CountAccumulator, type GroupsAccumulator } from './accumulator.js'
import { ArrayAggAccumulator } from './array-agg.js'
import { BitAggregateAccumulator, bitAggregateFunctions } from './bit-aggregates.js'
import { RegressionAccumulator, regressionFunctions } from './regression.js'
import { DistinctAccumulator } from './distinct.js'
import { IntervalSumAccumulator } from './interval-sum.js'
import { MinMaxAccumulator } from './min-max.js'
import { OrderedSetAccumulator, orderedSetFunctions } from './ordered-set.js'
import { DdsketchAccumulator, relativeAccuracyOf } from '../sketch/ddsketch-accumulator.js'
import { ApproxCountDistinctAccumulator } from '../sketch/hyperloglog.js'
import {
  FloatVarianceAccumulator,
  NumericVarianceAccumulator,
  varianceFunctions,
} from './variance.js'
import {
  AvgAccumulator,
  FloatSumAccumulator,
  IntegerSumAccumulator,
  NumericSumAccumulator,
} from './sum.js'

/** Builds the accumulator that runs `call`, DISTINCT included. */
export function createAccumulator(call: AggregateCall): GroupsAccumulator {
  if (call.fn === 'count_star') return new CountAccumulator(true)
  if (orderedSetFunctions.includes(call.fn)) return new OrderedSetAccumulator(call)
  if (call.fn === 'ddsketch_agg') return new DdsketchAccumulator(true, relativeAccuracyOf(call))
  if (call.fn === 'ddsketch_merge') return new DdsketchAccumulator(false, 0)
  if (call.fn === 'approx_count_distinct') return new ApproxCountDistinctAccumulator()
  const argument = call.args[0]
  assert(argument !== undefined, `aggregate ${call.fn} has an argument`)
  if (call.fn === 'array_agg') {
    const keys = call.args.slice(1).map((a) => a.type)
    return new ArrayAggAccumulator(argument.type, keys, call.order ?? [], call.distinct)
  }
  const inner = createPlainAccumulator(call.fn, argument.type, call)
  return call.distinct ? new DistinctAccumulator(inner, argument.type) : inner
}

function createPlainAccumulator(
  fn: string,
  argumentType: AggregateCall['type'],
  call: AggregateCall,
): GroupsAccumulator {
  switch (fn) {
    case 'count':
      return new CountAccumulator(false)
    case 'sum':
      switch (argumentType) {
        case 'int2':
        case 'int4':
        case 'int8':
          return new IntegerSumAccumulator(call.type)
        case 'numeric':
          return new NumericSumAccumulator()
        case 'float4':
        case 'float8':
          return new FloatSumAccumulator(call.type)
        case 'interval':
          return new IntervalSumAccumulator(false)
        default:
          throw undefinedAggregate(fn, argumentType)
      }
    case 'avg':
      if (argumentType === 'interval') return new IntervalSumAccumulator(true)
      return new AvgAccumulator(argumentType)
    case 'min':
    case 'max':
      return new MinMaxAccumulator(argumentType, fn === 'max')
    // bool_and is min over bool (false < true), bool_or max; every is bool_and
    case 'bool_and':
    case 'every':
      return new MinMaxAccumulator('bool', false)
    case 'bool_or':
      return new MinMaxAccumulator('bool', true)
    default:
      if (regressionFunctions.has(fn)) return new RegressionAccumulator(fn)
      if (bitAggregateFunctions.has(fn)) return new BitAggregateAccumulator(fn, argumentType)
      if (varianceFunctions[fn] !== undefined) {
        return argumentType === 'float4' || argumentType === 'float8'
          ? new FloatVarianceAccumulator(fn)
          : new NumericVarianceAccumulator(fn)
      }
      throw undefinedAggregate(fn, argumentType)
  }
}

function undefinedAggregate(fn: string, argumentType: string): PgError {
  return new PgError({
    code: SqlState.undefinedFunction,
    message: `function ${fn}(${argumentType}) does not exist`,
  })
}
