import type { Batch } from '../../common/index.js'
import { FragmentProtocolVersion, type FragmentTask } from '../pool/fragment-runner.js'
import type { ScanPlan } from '../plan.js'
import { checkCanceled, type OperatorContext } from './operator.js'

interface Settled {
  readonly id: number
  readonly batches: Batch[]
  readonly error: unknown
}

/**
 * Fans a ScanPlan out as one fragment per segment (to the worker pool, or inline) and
 * streams each fragment's batches as it completes, keeping `concurrency` fragments in
 * flight. Without a partial aggregate, it stops launching fragments once pipeline.limit
 * rows arrived, and cancels the rest.
 */
export class ScanOp implements AsyncIterable<Batch> {
  constructor(
    private readonly plan: ScanPlan,
    private readonly context: OperatorContext,
  ) {}

  private task(index: number): FragmentTask {
    const segment = this.plan.segments[index]!
    return {
      version: FragmentProtocolVersion,
      dataDir: this.context.dataDir,
      blobKey: segment.blobKey,
      columns: this.plan.columns,
      pipeline: this.plan.pipeline,
      timeZone: this.context.evalContext.timeZone,
      nowMicros: this.context.evalContext.nowMicros,
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const { signal, fragments } = this.context
    const { pipeline, segments } = this.plan
    const rowsWanted =
      pipeline.partialAggregate === null && pipeline.limit !== null ? pipeline.limit : Infinity
    const controller = new AbortController()
    const abort = (): void => controller.abort()
    signal.addEventListener('abort', abort)
    // Each promise settles to a value, never rejects: one may fail while the consumer is
    // busy with an earlier batch, and a rejection nobody awaits yet would crash the process.
    const inFlight = new Map<number, Promise<Settled>>()
    let next = 0
    const launch = (): void => {
      while (next < segments.length && inFlight.size < fragments.concurrency) {
        const id = next++
        const settled = fragments.run(this.task(id), controller.signal).then(
          (batches) => ({ id, batches, error: null }),
          (error: unknown) => ({ id, batches: [], error }),
        )
        inFlight.set(id, settled)
      }
    }
    let rows = 0
    try {
      checkCanceled(signal)
      launch()
      while (inFlight.size > 0 && rows < rowsWanted) {
        const settled = await Promise.race(inFlight.values())
        inFlight.delete(settled.id)
        checkCanceled(signal)
        if (settled.error !== null) throw settled.error
        launch()
        for (const batch of settled.batches) {
          if (batch.length === 0) continue
          rows += batch.length
          yield batch
          checkCanceled(signal)
        }
      }
    } finally {
      controller.abort()
      signal.removeEventListener('abort', abort)
    }
  }
}
