// Runs scan fragments on the calling thread: the pool disabled (workerThreads 0), tests,
// and tiny queries where a thread hop costs more than the scan.
import type { Batch } from '../../common/index.js'
import type { Storage } from '../../storage/api.js'
import { queryCanceledError } from '../operators/operator.js'
import type { FragmentRunner, FragmentTask } from './fragment-runner.js'
import { runFragment } from './fragment.js'

export class InlineRunner implements FragmentRunner {
  readonly concurrency = 1

  constructor(private readonly storage: Pick<Storage, 'openSegment'>) {}

  async run(task: FragmentTask, signal: AbortSignal): Promise<Batch[]> {
    const reader = await this.storage.openSegment(task.blobKey)
    const batches = await runFragment(task, reader, () => signal.aborted)
    if (signal.aborted) throw queryCanceledError()
    return batches
  }

  async close(): Promise<void> {}
}
