// COPY's worker threads: a piscina pool, one thread per core, started on the first large COPY
// or load and idle threads ended after a while. Chunks are independent (record-cutter.ts), so
// any thread takes any chunk; the caller keeps their order.
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { encodeCopyChunk, type CopyChunkReply, type CopyChunkTask } from './copy-chunk.js'

const IdleThreadTimeoutMs = 30_000

let pool: Piscina<CopyChunkTask, CopyChunkReply> | null = null

/** Threads the pool runs chunks on (the number of cores). */
export const copyThreads = Math.max(1, availableParallelism())

/** Encodes `task` on a worker thread (its bytes are moved there), or here when `inline`. */
export async function runCopyChunk(task: CopyChunkTask, inline: boolean): Promise<CopyChunkReply> {
  if (inline) return encodeCopyChunk(task)
  pool ??= new Piscina({
    filename: new URL('./copy-chunk-worker.js', import.meta.url).href,
    maxThreads: copyThreads,
    minThreads: 0,
    idleTimeout: IdleThreadTimeoutMs,
  })
  const whole =
    task.bytes.byteOffset === 0 && task.bytes.byteLength === task.bytes.buffer.byteLength
  return pool.run(task, whole ? { transferList: [task.bytes.buffer as ArrayBuffer] } : {})
}

/** Ends the pool's threads (a CLI load before it exits); a later COPY starts a new pool. */
export async function closeCopyPool(): Promise<void> {
  const closing = pool
  pool = null
  await closing?.destroy()
}
