// The piscina worker entry: runs one scan task over its segments and replies with plain
// data. Result vectors' buffers are transferred, not copied; errors cross as PlainError.
import { Piscina } from 'piscina'
import { assert, toPlainError } from '../../common/index.js'
import { DirectoryBlobLocation, openSegmentsForWorker } from '../../storage/index.js'
import {
  FragmentProtocolVersion,
  type FragmentReply,
  type FragmentTask,
} from './fragment-runner.js'
import { DecodedColumnCache, DecodedCacheBytesDefault } from './decoded-column-cache.js'
import { runFragment } from './fragment.js'
import { TokenFilterCache, TokenFilterCacheBytesDefault } from './token-filter-cache.js'
import { WorkerSegmentFiles } from './segment-files.js'
import type { WorkerData } from './worker-pool.js'
import { transferableBuffers } from './transfer.js'

/** Where this pool's segment files live: the data dir's directory, or S3 (worker-pool.ts). */
const blob = (Piscina.workerData as WorkerData | undefined)?.blob ?? DirectoryBlobLocation

/** Decoded column chunks this thread keeps across tasks (MALAMUTE_DECODED_CACHE_BYTES). */
const decoded = new DecodedColumnCache(
  Number(process.env['MALAMUTE_DECODED_CACHE_BYTES'] ?? DecodedCacheBytesDefault),
)

/** Token filters this thread keeps across tasks (MALAMUTE_TOKEN_FILTER_CACHE_BYTES). */
const filters = new TokenFilterCache(
  Number(process.env['MALAMUTE_TOKEN_FILTER_CACHE_BYTES'] ?? TokenFilterCacheBytesDefault),
)

/** One segment opener per data directory: descriptors and footers stay cached across tasks. */
const openers = new Map<string, Pick<WorkerSegmentFiles, 'openSegment'>>()

export default async function runFragmentTask(task: FragmentTask): Promise<unknown> {
  try {
    assert(task.version === FragmentProtocolVersion, 'coordinator and worker speak one version')
    let segments = openers.get(task.dataDir)
    if (segments === undefined) {
      segments =
        blob.kind === 'directory'
          ? new WorkerSegmentFiles(task.dataDir)
          : openSegmentsForWorker(task.dataDir, undefined, blob)
      openers.set(task.dataDir, segments)
    }
    const files = segments
    const { batches, metrics, topKBound, topKRanks } = await runFragment(
      task,
      async (blobKey) =>
        filters.wrap(decoded.wrap(await files.openSegment(blobKey), blobKey), blobKey),
      () => false,
    )
    const reply: FragmentReply =
      topKBound === undefined
        ? { version: FragmentProtocolVersion, ok: true, batches, metrics }
        : {
            version: FragmentProtocolVersion,
            ok: true,
            batches,
            metrics,
            topKBound,
            topKRanks: topKRanks ?? [],
          }
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
