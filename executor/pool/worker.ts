// The piscina worker entry: runs one scan task over its segments and replies with plain
// data. Result vectors' buffers are transferred, not copied; errors cross as PlainError.
import { Piscina } from 'piscina'
import { assert, toPlainError } from '../../common/index.js'
import { DirectoryBlobLocation } from '../../storage/index.js'
import {
  FragmentProtocolVersion,
  type FragmentReply,
  type FragmentTask,
} from './fragment-runner.js'
import { CachedSegments } from './cached-segments.js'
import { DecodedCacheBytesDefault } from './decoded-column-cache.js'
import { runFragment } from './fragment.js'
import { TokenFilterCacheBytesDefault } from './token-filter-cache.js'
import type { WorkerData } from './worker-pool.js'
import { transferableBuffers } from './transfer.js'

/** Where this pool's segment files live: the data dir's directory, or S3 (worker-pool.ts). */
const blob = (Piscina.workerData as WorkerData | undefined)?.blob ?? DirectoryBlobLocation

/**
 * This thread's segment caches, kept across tasks (MALAMUTE_DECODED_CACHE_BYTES,
 * MALAMUTE_TOKEN_FILTER_CACHE_BYTES): descriptors, footers, decoded columns, token filters.
 */
const segments = new CachedSegments(blob, {
  decodedBytes: Number(process.env['MALAMUTE_DECODED_CACHE_BYTES'] ?? DecodedCacheBytesDefault),
  tokenFilterBytes: Number(
    process.env['MALAMUTE_TOKEN_FILTER_CACHE_BYTES'] ?? TokenFilterCacheBytesDefault,
  ),
})

export default async function runFragmentTask(task: FragmentTask): Promise<unknown> {
  try {
    assert(task.version === FragmentProtocolVersion, 'coordinator and worker speak one version')
    const { batches, metrics, topKBound, topKRanks } = await runFragment(
      task,
      (blobKey) => segments.open(task.dataDir, blobKey),
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
