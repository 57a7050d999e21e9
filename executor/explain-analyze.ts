// EXPLAIN ANALYZE: runs a plan with every operator wrapped in a meter (rows, batches, time
// inside it and its inputs), drains it, and renders the plan with what was measured. Scans
// add what their tasks reported: segments and batches read, batches pruned by min/max,
// rows and bytes read. The operators are the ones buildOperator builds.
import { assertNever, type Batch } from '../common/index.js'
import { explainLines, type OperatorActuals } from './explain.js'
import { AggregateOp } from './operators/aggregate.js'
import { DistinctOp } from './operators/distinct.js'
import { FilterOp } from './operators/filter.js'
import { JoinOp } from './operators/join.js'
import { LimitOp } from './operators/limit.js'
import { checkCanceled, type Operator, type OperatorContext } from './operators/operator.js'
import { ProjectOp } from './operators/project.js'
import { ScanOp } from './operators/scan.js'
import { SortOp } from './operators/sort.js'
import { BatchesOp, ValuesOp } from './operators/values.js'
import { UnnestOp } from './operators/unnest.js'
import { PartitionTopKOp } from './operators/partition-top-k.js'
import { WindowOp } from './operators/window.js'
import type { PhysicalPlan } from './plan.js'

/** Counts what passes through `operator` and the time spent pulling from it. */
function metered(operator: Operator, actuals: OperatorActuals): Operator {
  return {
    async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
      const iterator = operator[Symbol.asyncIterator]()
      try {
        for (;;) {
          const started = performance.now()
          const next = await iterator.next()
          actuals.timeMs += performance.now() - started
          if (next.done === true) return
          actuals.rows += next.value.length
          actuals.batches++
          yield next.value
        }
      } finally {
        await iterator.return?.()
      }
    },
  }
}

function build(
  plan: PhysicalPlan,
  context: OperatorContext,
  actuals: Map<PhysicalPlan, OperatorActuals>,
): Operator {
  const measured: OperatorActuals = { rows: 0, batches: 0, timeMs: 0 }
  actuals.set(plan, measured)
  const input = (child: PhysicalPlan): Operator => build(child, context, actuals)
  let operator: Operator
  switch (plan.kind) {
    case 'scan': {
      const scan = new ScanOp(plan, context)
      measured.scan = { tasks: 0, metrics: scan.metrics }
      const scanActuals = measured.scan
      operator = {
        async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
          yield* scan
          scanActuals.tasks = scan.tasks
          scanActuals.partitions = scan.partitions
        },
      }
      break
    }
    case 'values':
      operator = new ValuesOp(plan, context)
      break
    case 'batches':
      operator = new BatchesOp(plan, context)
      break
    case 'filter':
      operator = new FilterOp(input(plan.input), plan.predicate, context)
      break
    case 'project':
      operator = new ProjectOp(input(plan.input), plan.exprs, context)
      break
    case 'aggregate':
      operator = new AggregateOp(plan, input(plan.input), context)
      break
    case 'sort':
      operator = new SortOp(plan, input(plan.input), context)
      break
    case 'limit':
      operator = new LimitOp(input(plan.input), plan.limit, plan.offset, context)
      break
    case 'distinct':
      operator = new DistinctOp(input(plan.input), context, plan.keys)
      break
    case 'window':
      operator = new WindowOp(plan, input(plan.input), context)
      break
    case 'partition-top-k':
      operator = new PartitionTopKOp(plan, input(plan.input), context)
      break
    case 'unnest':
      operator = new UnnestOp(plan, input(plan.input), context)
      break
    case 'join':
      operator = new JoinOp(plan, input(plan.left), input(plan.right), context)
      break
    default:
      return assertNever(plan, 'plan kind')
  }
  return metered(operator, measured)
}

/** Runs `plan` to the end, discarding its rows, and returns EXPLAIN ANALYZE's lines. */
export async function explainAnalyze(
  plan: PhysicalPlan,
  context: OperatorContext,
): Promise<string[]> {
  const actuals = new Map<PhysicalPlan, OperatorActuals>()
  const root = build(plan, context, actuals)
  const started = performance.now()
  for await (const batch of root) {
    void batch
    checkCanceled(context.signal)
  }
  const totalMs = performance.now() - started
  return [...explainLines(plan, actuals), `Execution Time: ${totalMs.toFixed(3)} ms`]
}
