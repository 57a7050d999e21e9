import { assertNever } from '../../common/index.js'
import type { PhysicalPlan } from '../plan.js'
import { AggregateOp } from './aggregate.js'
import { DistinctOp } from './distinct.js'
import { FilterOp } from './filter.js'
import { JoinOp } from './join.js'
import { LimitOp } from './limit.js'
import { PartitionTopKOp } from './partition-top-k.js'
import type { Operator, OperatorContext } from './operator.js'
import { ProjectOp } from './project.js'
import { ScanOp } from './scan.js'
import { SortOp } from './sort.js'
import { BatchesOp, ValuesOp } from './values.js'
import { UnnestOp } from './unnest.js'
import { WindowOp } from './window.js'

/** Builds the operator tree that runs `plan` on the coordinator. */
export function buildOperator(plan: PhysicalPlan, context: OperatorContext): Operator {
  switch (plan.kind) {
    case 'scan':
      return new ScanOp(plan, context)
    case 'values':
      return new ValuesOp(plan, context)
    case 'batches':
      return new BatchesOp(plan, context)
    case 'filter':
      return new FilterOp(buildOperator(plan.input, context), plan.predicate, context)
    case 'project':
      return new ProjectOp(buildOperator(plan.input, context), plan.exprs, context)
    case 'aggregate':
      return new AggregateOp(plan, buildOperator(plan.input, context), context)
    case 'sort':
      return new SortOp(plan, buildOperator(plan.input, context), context)
    case 'limit':
      return new LimitOp(buildOperator(plan.input, context), plan.limit, plan.offset, context)
    case 'distinct':
      return new DistinctOp(buildOperator(plan.input, context), context, plan.keys)
    case 'window':
      return new WindowOp(plan, buildOperator(plan.input, context), context)
    case 'partition-top-k':
      return new PartitionTopKOp(plan, buildOperator(plan.input, context), context)
    case 'unnest':
      return new UnnestOp(plan, buildOperator(plan.input, context), context)
    case 'join': {
      const left = buildOperator(plan.left, context)
      return new JoinOp(plan, left, buildOperator(plan.right, context), context)
    }
    default:
      return assertNever(plan, 'plan kind')
  }
}
