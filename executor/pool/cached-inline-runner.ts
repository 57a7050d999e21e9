// Runs scan tasks on the coordinator's own thread through its segment caches: for scans that
// read a batch or two (the live tail, ORDER BY ts DESC LIMIT n), a hop to a worker thread and
// back costs more than the scan, and on a busy machine waits for that thread to be scheduled.
// Only top-k tasks and needle attempts (batchesReadMax) run here: their output rows are always
// fresh copies (taken from the read batches), never the decoded cache's shared vectors.
import { queryCanceledError } from '../operators/operator.js'
import type { CachedSegments } from './cached-segments.js'
import type { FragmentResult, FragmentRunner, FragmentTask } from './fragment-runner.js'
import { runFragment } from './fragment.js'

/**
 * The coordinator's cache sizes: a few segments' worth of live-tail batches, and the token
 * filters of a needle's column (30 MB for a trace id at 10M events).
 */
export const CoordinatorCacheSizes = {
  decodedBytes: 64 * 1024 * 1024,
  tokenFilterBytes: 64 * 1024 * 1024,
}

export class CachedInlineRunner implements FragmentRunner {
  readonly concurrency = 1

  constructor(private readonly segments: CachedSegments) {}

  async run(task: FragmentTask, signal: AbortSignal): Promise<FragmentResult> {
    if (signal.aborted) throw queryCanceledError()
    const result = await runFragment(
      task,
      (blobKey) => this.segments.open(task.dataDir, blobKey),
      () => signal.aborted,
    )
    if (signal.aborted) throw queryCanceledError()
    return result
  }

  async close(): Promise<void> {}
}
