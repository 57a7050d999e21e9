// Runs scan fragments on a piscina pool of worker threads. The worker file is the compiled
// worker.js next to this module, so the pool works from dist/ with no path configuration.
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { fromPlainError } from '../../common/index.js'
import {
  DirectoryBlobLocation,
  countTableBlobTraffic,
  tableOidOfBlobKey,
  type BlobLocation,
} from '../../storage/index.js'
import { queryCanceledError } from '../operators/operator.js'
import type {
  FragmentReply,
  FragmentResult,
  FragmentRunner,
  FragmentTask,
} from './fragment-runner.js'

/** What every worker thread of the pool is started with (Piscina.workerData in the worker). */
export interface WorkerData {
  readonly blob: BlobLocation
}

/** How long an idle worker thread lives: threads keep their open files and parsed footers. */
const IdleThreadTimeoutMs = 5 * 60 * 1000

export interface WorkerPoolOptions {
  /** Threads in the pool; defaults to the number of cores. */
  readonly maxThreads?: number
  readonly minThreads?: number
  /** Where workers read segment files; the data dir's directory when unset. */
  readonly blob?: BlobLocation
}

/** Blob traffic of this process's query worker threads, as their tasks reported it. */
const workerBlobTraffic = { getRequests: 0, bytesRead: 0, cacheHits: 0 }

/** A copy of the blob traffic query worker threads reported (their own counters are per thread). */
export function queryWorkerBlobTraffic(): Readonly<typeof workerBlobTraffic> {
  return { ...workerBlobTraffic }
}

export class WorkerPoolRunner implements FragmentRunner {
  readonly concurrency: number
  readonly threads: number
  private readonly pool: Piscina<FragmentTask, FragmentReply>

  constructor(options: WorkerPoolOptions = {}) {
    const maxThreads = Math.max(1, options.maxThreads ?? availableParallelism())
    this.pool = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      maxThreads,
      minThreads: Math.min(options.minThreads ?? 1, maxThreads),
      idleTimeout: IdleThreadTimeoutMs,
      workerData: { blob: options.blob ?? DirectoryBlobLocation } satisfies WorkerData,
    })
    this.concurrency = maxThreads * 2
    this.threads = maxThreads
  }

  /**
   * Runs one task. A task is bounded work over a few segments, so a running one is
   * never aborted: piscina would terminate its thread, and the reply would race the exit.
   * Once `signal` fires, no new fragment starts and a finished one's rows are dropped.
   */
  async run(task: FragmentTask, signal: AbortSignal): Promise<FragmentResult> {
    if (signal.aborted) throw queryCanceledError()
    const reply = await this.pool.run(task)
    if (reply.ok) {
      // A task reads segments of one table; its GETs count for that table in this thread.
      const oid = tableOidOfBlobKey(task.blobKeys[0] ?? '')
      if (oid !== undefined) {
        const { blobGets, blobGetBytes } = reply.metrics
        countTableBlobTraffic(oid, { getRequests: blobGets, bytesRead: blobGetBytes })
      }
      workerBlobTraffic.getRequests += reply.metrics.blobGets
      workerBlobTraffic.bytesRead += reply.metrics.blobGetBytes
      workerBlobTraffic.cacheHits += reply.metrics.blobCacheHits
    }
    if (signal.aborted) throw queryCanceledError()
    if (!reply.ok) throw fromPlainError(reply.error)
    return reply.topKBound === undefined
      ? { batches: reply.batches, metrics: reply.metrics }
      : {
          batches: reply.batches,
          metrics: reply.metrics,
          topKBound: reply.topKBound,
          topKRanks: reply.topKRanks ?? [],
        }
  }

  async close(): Promise<void> {
    await this.pool.destroy()
  }
}
