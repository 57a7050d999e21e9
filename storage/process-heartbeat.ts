// Each Malamute process (serve, gateway, writer, compactor) records itself in the metadata
// store every few seconds: its role and its blob traffic counters, in total and per table. Roles run as separate
// processes, so this is how one process's system view (malamute.blob_stats) shows what the
// others cost in object-store requests. A record whose heartbeat is older than
// ProcessStaleMs is a process that is gone: listings skip it and beats clear it later.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { ProcessRecord } from './api.js'
import { tableBlobTraffic, type BlobStoreCounters } from './blob-counters.js'
import { ProcessStaleMs } from './catalog.js'
import { Keys, decodeRecord, encodeRecord } from './key-layout.js'
import type { MetadataStore } from './metadata-store.js'

export interface ProcessHeartbeatOptions {
  readonly role: string
  /** This process's blob counters, summed over its threads. */
  readonly counters: () => Readonly<BlobStoreCounters>
  readonly intervalMs?: number
  readonly onError?: (error: unknown) => void
}

export interface ProcessHeartbeat {
  readonly processId: string
  /** Records the counters now (tests and views that want them fresh). */
  beat(): Promise<void>
  /** Stops beating and removes the record. */
  stop(): Promise<void>
}

export const DefaultHeartbeatIntervalMs = 2000

/** Starts beating at once and every intervalMs; the timer never keeps the process alive. */
export function startProcessHeartbeat(
  metadata: MetadataStore,
  options: ProcessHeartbeatOptions,
): ProcessHeartbeat {
  const processId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const startedAtMs = Date.now()
  let stopped = false
  let running: Promise<void> = Promise.resolve()

  const write = async (): Promise<void> => {
    const counters = options.counters()
    const nowMs = Date.now()
    const record: ProcessRecord = {
      processId,
      role: options.role,
      host: hostname(),
      pid: process.pid,
      startedAtMs,
      updatedAtMs: nowMs,
      tables: Object.fromEntries(tableBlobTraffic()),
      blob: {
        getRequests: counters.getRequests,
        putRequests: counters.putRequests,
        deleteRequests: counters.deleteRequests,
        listRequests: counters.listRequests,
        retries: counters.retries,
        bytesRead: counters.bytesRead,
        bytesWritten: counters.bytesWritten,
        cacheHits: counters.cacheHits,
        cacheMisses: counters.cacheMisses,
      },
    }
    // Records of processes long gone (killed, so they never removed their own) are cleared
    // here; the transaction reads nothing, so beats of several processes never conflict.
    const gone = await metadata.read(async (reader) => {
      const range = Keys.allProcesses()
      return (await reader.getRange(range.start, range.end))
        .filter(
          (entry) =>
            decodeRecord<ProcessRecord>(entry.value).updatedAtMs < nowMs - 10 * ProcessStaleMs,
        )
        .map((entry) => entry.key)
    })
    await metadata.transact(async (tx) => {
      tx.set(Keys.process(processId), encodeRecord(record))
      for (const key of gone) tx.clear(key)
    })
  }
  const beat = (): Promise<void> => {
    if (stopped) return running
    running = running.then(write).catch((error: unknown) => options.onError?.(error))
    return running
  }
  void beat()
  const timer = setInterval(() => void beat(), options.intervalMs ?? DefaultHeartbeatIntervalMs)
  timer.unref()
  return {
    processId,
    beat,
    async stop(): Promise<void> {
      if (stopped) return
      clearInterval(timer)
      await running
      stopped = true
      await metadata
        .transact(async (tx) => tx.clear(Keys.process(processId)))
        .catch((error: unknown) => options.onError?.(error))
    },
  }
}
