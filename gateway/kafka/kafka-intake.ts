// Kafka intake: consumes JSON events from one topic into one table, exactly once.
//
// Kafka's own committed offsets are never used: the position of each partition lives in the
// metadata store, written by the same transaction as the segments its messages produced
// (partition-commit.ts). So:
//
//   assignment (start, restart, rebalance) ──► commit what is buffered, then seek every
//       assigned partition to its stored offset (none stored: the topic's earliest)
//   each fetched batch ──► partition-buffers.ts: compared with the stored offset
//       (authoritative, whoever wrote it)
//       ├─ messages before it: already committed, skipped
//       ├─ batch starting after it: seek back to it once (a fetch that raced the seek)
//       └─ the rest buffered until due ──► one commit: events + dead letters + next offset
//          (expected = the stored offset the buffer started from)
//   40001 (another writer moved the offset or committed one of the ids meanwhile) ──► drop
//       the buffer, seek back to the stored offset, read again
//
// Malformed messages go to `<table>_dead_letter` in the same commit and the partition moves
// on. Events are de-duplicated by their id field (storage/event-ids.ts), so a producer's
// retries are stored once too.
import { Kafka, logLevel, type Consumer, type EachBatchPayload, type LogEntry } from 'kafkajs'
import type { Logger } from 'pino'
import type { Storage } from '../../storage/api.js'
import { PartitionBuffers } from './partition-buffers.js'
import type { PartitionCommitResult, PartitionTarget } from './partition-commit.js'

export interface KafkaIntakeOptions {
  readonly storage: Storage
  readonly logger: Logger
  /** host:port of one or more brokers. */
  readonly brokers: readonly string[]
  readonly topic: string
  readonly table: string
  /** The database (tenant) the table is in. Default `malamute`. */
  readonly tenant?: string
  /** The Kafka consumer group. Default `malamute-<table>`. */
  readonly groupId?: string
  /** The event id field; '' turns de-duplication off. Default `id`. */
  readonly idField?: string
  /** Partitions committed at once. Default 1. */
  readonly partitionsConcurrently?: number
  /**
   * How long the group coordinator waits for a silent member before handing its partitions
   * to others (a killed server's partitions wait this long). Default 30 s, as kafkajs.
   */
  readonly sessionTimeoutMs?: number
  /** How long a partition's messages may wait for company before they commit. Default 500 ms. */
  readonly commitIntervalMs?: number
}

export interface KafkaIntakeCounters {
  rows: number
  duplicates: number
  deadLetters: number
  commits: number
  conflicts: number
}

export interface RunningKafkaIntake {
  readonly counters: Readonly<KafkaIntakeCounters>
  close(): Promise<void>
}

const SummaryIntervalMs = 10_000
const RestartDelayMs = 1_000
/** Buffered messages or bytes of one partition that make a commit due at once. */
const CommitRowsTarget = 32_768
const CommitBytesTarget = 16 * 1024 * 1024

/** Starts consuming in the background; connection failures are logged and retried by kafkajs. */
export function startKafkaIntake(options: KafkaIntakeOptions): RunningKafkaIntake {
  const intake = new KafkaIntake(options)
  intake.start()
  return intake
}

class KafkaIntake implements RunningKafkaIntake {
  readonly counters: KafkaIntakeCounters = {
    rows: 0,
    duplicates: 0,
    deadLetters: 0,
    commits: 0,
    conflicts: 0,
  }
  private readonly consumer: Consumer
  private readonly target: PartitionTarget
  private readonly logger: Logger
  private readonly buffers: PartitionBuffers
  private readonly commitIntervalMs: number
  private summaryTimer: NodeJS.Timeout | null = null
  private flushTimer: NodeJS.Timeout | null = null
  private flushing: Promise<void> = Promise.resolve()
  private closed = false
  private running: Promise<void> | null = null
  private lastSummary = ''

  constructor(private readonly options: KafkaIntakeOptions) {
    this.logger = options.logger.child({ kafka: options.topic, table: options.table })
    const kafka = new Kafka({
      clientId: 'malamute',
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
    })
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000
    this.consumer = kafka.consumer({
      groupId: options.groupId ?? `malamute-${options.table}`,
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
    })
    this.target = {
      storage: options.storage,
      tenant: options.tenant ?? 'malamute',
      table: options.table,
      topic: options.topic,
      source: `kafka/${options.topic}`,
      idField: options.idField ?? 'id',
    }
    this.commitIntervalMs = options.commitIntervalMs ?? 500
    this.buffers = new PartitionBuffers(
      this.target,
      {
        commitRowsTarget: CommitRowsTarget,
        commitBytesTarget: CommitBytesTarget,
        commitIntervalMs: this.commitIntervalMs,
      },
      this.logger,
      (partition, offset) => this.consumer.seek({ topic: options.topic, partition, offset }),
      (partition, result) => this.count(partition, result),
      () => this.counters.conflicts++,
    )
  }

  start(): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[this.options.topic] ?? []
      this.seekToStored(partitions).catch((error: unknown) =>
        this.logger.warn({ err: error }, 'kafka: reading stored offsets failed'),
      )
    })
    // Partitions whose buffer waits for more messages that do not come commit on this timer.
    this.flushTimer = setInterval(
      () => {
        this.flushing = this.buffers.flushDue().catch((error: unknown) => {
          this.logger.error({ err: error }, 'kafka: a timed commit failed')
        })
      },
      Math.max(10, Math.floor(this.commitIntervalMs / 2)),
    )
    this.flushTimer.unref()
    // kafkajs restarts its consumer after retriable errors only, and stops for good on one it
    // deems final, such as INVALID_REQUEST from a SyncGroup that librdkafka's mock answers
    // once the group is already up. The offsets live in our metadata store, so starting over
    // (rejoin, seek to stored) is always safe: do it after any crash kafkajs does not restart.
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.closed) return
      this.logger.warn({ err: event.payload.error }, 'kafka: consumer stopped; starting it again')
      setTimeout(() => this.startRunning(), RestartDelayMs).unref()
    })
    this.startRunning()
    this.summaryTimer = setInterval(() => this.logSummary(), SummaryIntervalMs)
    this.summaryTimer.unref()
  }

  private startRunning(): void {
    if (this.closed) return
    this.running = this.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'kafka intake could not start; trying again')
      setTimeout(() => this.startRunning(), RestartDelayMs).unref()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.summaryTimer !== null) clearInterval(this.summaryTimer)
    if (this.flushTimer !== null) clearInterval(this.flushTimer)
    await this.running
    await this.consumer.stop().catch(() => undefined)
    await this.flushing
    await this.buffers.flushAll()
    await this.consumer.disconnect()
    this.logSummary()
  }

  private async run(): Promise<void> {
    await this.consumer.connect()
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true })
    if (this.closed) return
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    })
    this.logger.info({ brokers: this.options.brokers }, 'kafka intake consuming')
  }

  private async seekToStored(partitions: readonly number[]): Promise<void> {
    // Buffered messages commit first (or conflict, if their partition moved on meanwhile).
    await this.buffers.flushAll()
    const { storage, tenant, table, source, topic } = this.target
    const stored = await storage.writer.readSourcePositions(tenant, table, source)
    for (const partition of partitions) {
      const offset = stored.get(partition)
      if (offset !== undefined) this.consumer.seek({ topic, partition, offset })
    }
    this.logger.info(
      { partitions, stored: Object.fromEntries(stored) },
      'kafka: partitions assigned',
    )
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload
    if (!isRunning() || isStale() || this.closed) return
    await this.buffers.accept(batch)
    // autoCommit is off: resolving only moves this process's fetch position (a seek wins).
    resolveOffset(batch.lastOffset())
    await heartbeat()
  }

  private count(partition: number, result: PartitionCommitResult): void {
    this.counters.commits++
    this.counters.rows += result.rows
    this.counters.duplicates += result.duplicates
    this.counters.deadLetters += result.deadLetters.length
    for (const { offset, error } of result.deadLetters) {
      this.logger.warn(
        { partition, offset, error },
        'kafka: malformed message sent to dead letters',
      )
    }
  }

  private logSummary(): void {
    const summary = JSON.stringify(this.counters)
    if (summary === this.lastSummary) return
    this.lastSummary = summary
    this.logger.info({ ...this.counters }, 'kafka intake counters')
  }

  private logKafka(entry: LogEntry): void {
    const { message, ...extra } = entry.log
    const fields = { kafkajs: entry.namespace, ...extra }
    if (entry.level === logLevel.ERROR) this.logger.error(fields, message)
    else if (entry.level === logLevel.WARN) this.logger.warn(fields, message)
    else this.logger.debug(fields, message)
  }
}
