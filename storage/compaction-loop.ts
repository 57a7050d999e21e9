// The background compaction and garbage collection loop `malamute serve` (and the compactor
// role) runs. Every intervalMs: drop segments past their table's retention, compact until no
// merge commits, delete replaced blobs whose grace period passed,
// and (less often) collect orphans. One tick at a time; a failing tick is reported and the
// next one tries again, so the loop never fails a query. Merges yield to the event loop
// between columns and between merges, so queries keep being served meanwhile.
import { assert } from '../common/index.js'
import {
  countCompaction,
  type CompactionFilter,
  type Compactor,
  type MergeResult,
} from './compactor.js'
import type { GarbageCollector } from './garbage-collector.js'
import type { RetentionDrop } from './retention.js'

export interface CompactionLoopOptions {
  readonly intervalMs: number
  /** How often the orphan scan (a listing of every blob) runs. */
  readonly orphanScanIntervalMs?: number
  readonly filter?: CompactionFilter
  readonly onMerge?: (result: MergeResult) => void
  readonly onRetention?: (drop: RetentionDrop) => void
  readonly onError?: (error: unknown) => void
}

export interface CompactionLoop {
  /** Stops scheduling ticks and waits for the running one to end. */
  stop(): Promise<void>
}

export const DefaultOrphanScanIntervalMs = 60_000

/** Starts the loop; the first tick runs after intervalMs. */
export function startCompactionLoop(
  compactor: Compactor,
  collector: GarbageCollector,
  options: CompactionLoopOptions,
): CompactionLoop {
  assert(options.intervalMs > 0, 'the compaction interval is positive')
  const orphanScanIntervalMs = options.orphanScanIntervalMs ?? DefaultOrphanScanIntervalMs
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let lastOrphanScanMs = Date.now()
  const report = (error: unknown): void => options.onError?.(error)

  const tick = async (): Promise<void> => {
    for (const drop of await compactor.enforceRetention(options.filter ?? {})) {
      options.onRetention?.(drop)
    }
    await compactor.compactUntilIdle(options.filter ?? {}, {
      ...(options.onMerge === undefined ? {} : { onMerge: options.onMerge }),
      onError: report,
      shouldStop: () => stopped,
    })
    if (stopped) return
    countCompaction({ replacedBlobsDeleted: await collector.collectReplaced() })
    if (Date.now() - lastOrphanScanMs >= orphanScanIntervalMs) {
      lastOrphanScanMs = Date.now()
      const orphans = await collector.collectOrphans(compactor.inProgressBlobKeys())
      countCompaction({ orphanBlobsDeleted: orphans })
    }
  }

  const schedule = (): void => {
    if (stopped) return
    timer = setTimeout(() => {
      timer = null
      running = tick()
        .catch(report)
        .finally(() => {
          running = null
          schedule()
        })
    }, options.intervalMs)
  }
  schedule()

  return {
    async stop(): Promise<void> {
      stopped = true
      if (timer !== null) clearTimeout(timer)
      timer = null
      if (running !== null) await running
    },
  }
}
