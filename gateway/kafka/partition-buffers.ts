// Per-partition buffers between kafkajs fetches and commits. A fetch brings one record batch
// per partition (librdkafka's mock: one producer request's worth), often a few hundred
// messages; a commit costs an fsynced segment and a metadata transaction, so messages gather
// until a partition holds commitRowsTarget messages or commitBytesTarget bytes, or its oldest
// message waited commitIntervalMs.
//
// Buffering never weakens exactly-once: kafkajs runs with autoCommit off, so resolving an
// offset only moves this process's fetch position. What counts is the offset stored with the
// segments, and a buffer remembers the stored offset it started from (`expected`): if
// another writer moved it meanwhile (a rebalance), the commit fails with 40001, the buffer is
// dropped and the partition is sought back to the stored offset.
import type { Batch as KafkaBatch, KafkaMessage } from 'kafkajs'
import type { Logger } from 'pino'
import { PgError, SqlState } from '../../common/index.js'
import {
  commitPartitionMessages,
  type PartitionCommitResult,
  type PartitionTarget,
} from './partition-commit.js'

/** kafkajs's seek offset for a partition's earliest message. */
const EarliestOffset = '-2'

export interface PartitionBufferLimits {
  readonly commitRowsTarget: number
  readonly commitBytesTarget: number
  readonly commitIntervalMs: number
}

interface PartitionBuffer {
  /** The stored offset when the buffer started (what the commit expects to replace). */
  expected: string | null
  /** The offset after the last buffered message. */
  next: bigint | null
  messages: KafkaMessage[]
  bytes: number
  sinceMs: number
  /** Serializes accept and flush per partition. */
  lock: Promise<void>
  /** The stored offset we last sought back to because a fetch started past it. */
  soughtBackTo: string | null
}

export class PartitionBuffers {
  private readonly buffers = new Map<number, PartitionBuffer>()

  constructor(
    private readonly target: PartitionTarget,
    private readonly limits: PartitionBufferLimits,
    private readonly logger: Logger,
    private readonly seek: (partition: number, offset: string) => void,
    private readonly committed: (partition: number, result: PartitionCommitResult) => void,
    private readonly conflicted: () => void,
  ) {}

  /** Takes a fetched batch's new messages; commits when the partition's buffer is due. */
  accept(batch: KafkaBatch): Promise<void> {
    return this.locked(batch.partition, async (buffer) => {
      const position = buffer.next ?? (await this.storedOffset(batch.partition, buffer))
      const first = batch.messages[0]
      if (first === undefined) return
      const stored = buffer.expected
      if (position !== null && BigInt(first.offset) > position) {
        if (buffer.messages.length === 0 && buffer.soughtBackTo !== stored && stored !== null) {
          // The fetch started past the stored offset (it raced the seek on assignment).
          buffer.soughtBackTo = stored
          this.seek(batch.partition, stored)
          return
        }
        this.logger.warn(
          { partition: batch.partition, expected: position.toString(), first: first.offset },
          'kafka: messages between the expected offset and the first available one are gone',
        )
      }
      for (const message of batch.messages) {
        if (position !== null && BigInt(message.offset) < position) continue
        if (buffer.messages.length === 0) buffer.sinceMs = Date.now()
        buffer.messages.push(message)
        buffer.bytes += message.value?.length ?? 0
      }
      const last = batch.messages[batch.messages.length - 1]
      if (last !== undefined && (position === null || BigInt(last.offset) >= position))
        buffer.next = BigInt(last.offset) + 1n
      if (this.isDue(buffer)) await this.flush(batch.partition, buffer)
    })
  }

  /** Commits every buffer whose oldest message waited commitIntervalMs. */
  async flushDue(): Promise<void> {
    const due = [...this.buffers].filter(([, buffer]) => this.isDue(buffer))
    await Promise.all(
      due.map(([partition]) =>
        this.locked(partition, async (buffer) => {
          if (this.isDue(buffer)) await this.flush(partition, buffer)
        }),
      ),
    )
  }

  /** Commits every non-empty buffer (a rebalance or a shutdown), then forgets positions. */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.buffers.keys()].map((partition) =>
        this.locked(partition, async (buffer) => {
          if (buffer.messages.length > 0) await this.flush(partition, buffer)
          buffer.next = null
          buffer.expected = null
          buffer.soughtBackTo = null
        }),
      ),
    )
  }

  private isDue(buffer: PartitionBuffer): boolean {
    if (buffer.messages.length === 0) return false
    return (
      buffer.messages.length >= this.limits.commitRowsTarget ||
      buffer.bytes >= this.limits.commitBytesTarget ||
      Date.now() - buffer.sinceMs >= this.limits.commitIntervalMs
    )
  }

  /** Reads the stored offset into an empty buffer's `expected`; answers it as the position. */
  private async storedOffset(partition: number, buffer: PartitionBuffer): Promise<bigint | null> {
    const { storage, tenant, table, source } = this.target
    const stored = await storage.writer.readSourcePositions(tenant, table, source)
    buffer.expected = stored.get(partition) ?? null
    return buffer.expected === null ? null : BigInt(buffer.expected)
  }

  private async flush(partition: number, buffer: PartitionBuffer): Promise<void> {
    const messages = buffer.messages
    buffer.messages = []
    buffer.bytes = 0
    try {
      const result = await commitPartitionMessages(
        this.target,
        partition,
        messages,
        buffer.expected,
      )
      buffer.expected = result.next
      this.committed(partition, result)
    } catch (error) {
      // Nothing of the buffer is stored: go back to the stored offset and read it again.
      buffer.next = null
      const position = await this.storedOffset(partition, buffer)
      this.seek(partition, position === null ? EarliestOffset : position.toString())
      const conflict = error instanceof PgError && error.code === SqlState.serializationFailure
      if (conflict) this.conflicted()
      else this.logger.error({ err: error, partition }, 'kafka: commit failed; reading again')
    }
  }

  private locked(
    partition: number,
    run: (buffer: PartitionBuffer) => Promise<void>,
  ): Promise<void> {
    let buffer = this.buffers.get(partition)
    if (buffer === undefined) {
      buffer = {
        expected: null,
        next: null,
        messages: [],
        bytes: 0,
        sinceMs: 0,
        lock: Promise.resolve(),
        soughtBackTo: null,
      }
      this.buffers.set(partition, buffer)
    }
    const target = buffer
    const done = target.lock.then(() => run(target))
    target.lock = done.catch(() => undefined)
    return done
  }
}
