// Runs scan tasks on the calling thread: the pool disabled (workerThreads 0), tests,
// and tiny queries where a thread hop costs more than the scan.
import type { Storage } from '../../storage/api.js'
import { queryCanceledError } from '../operators/operator.js'
import type { FragmentResult, FragmentRunner, FragmentTask } from './fragment-runner.js'
import { runFragment } from './fragment.js'

export class InlineRunner implements FragmentRunner {
  readonly concurrency = 1

  constructor(private readonly storage: Pick<Storage, 'openSegment'>) {}

  async run(task: FragmentTask, signal: AbortSignal): Promise<FragmentResult> {
    const result = await runFragment(
      task,
      (blobKey) => this.storage.openSegment(blobKey),
      () => signal.aborted,
    )
    if (signal.aborted) throw queryCanceledError()
    return result
  }

  async close(): Promise<void> {}
}
