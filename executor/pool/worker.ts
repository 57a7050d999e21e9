// The piscina worker entry: runs one scan fragment over one segment and replies with plain
// data. Result vectors' buffers are transferred, not copied; errors cross as PlainError.
import { Piscina } from 'piscina'
import { assert, toPlainError } from '../../common/index.js'
import { openSegmentsForWorker, type WorkerSegments } from '../../storage/index.js'
import {
  FragmentProtocolVersion,
  type FragmentReply,
  type FragmentTask,
} from './fragment-runner.js'
import { runFragment } from './fragment.js'
import { transferableBuffers } from './transfer.js'

/** One segment opener per data directory, so footers stay cached across tasks. */
const openers = new Map<string, WorkerSegments>()

export default async function runFragmentTask(task: FragmentTask): Promise<unknown> {
  try {
    assert(task.version === FragmentProtocolVersion, 'coordinator and worker speak one version')
    let segments = openers.get(task.dataDir)
    if (segments === undefined) {
      segments = openSegmentsForWorker(task.dataDir)
      openers.set(task.dataDir, segments)
    }
    const reader = await segments.openSegment(task.blobKey)
    const batches = await runFragment(task, reader, () => false)
    const reply: FragmentReply = { version: FragmentProtocolVersion, ok: true, batches }
    return Piscina.move({
      [Piscina.transferableSymbol]: transferableBuffers(batches),
      [Piscina.valueSymbol]: reply,
    } as unknown as Parameters<typeof Piscina.move>[0])
  } catch (error) {
    const plain = toPlainError(error)
    const reply: FragmentReply = { version: FragmentProtocolVersion, ok: false, error: plain }
    return reply
  }
}
