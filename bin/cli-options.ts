// Option parsers and option groups the commands share (serve, the roles, compact, load), so
// each flag is spelled, parsed and documented once.
import { InvalidArgumentError, type Command } from 'commander'
import { readFileSync } from 'node:fs'
import { PgError } from '../common/index.js'
import {
  parseBlobLocation,
  parseMetadataLocation,
  type BlobLocation,
  type MetadataLocation,
} from '../storage/index.js'
import type { ServeKafkaOptions } from './serve.js'

const env = process.env

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('not a TCP port')
  }
  return port
}

export function parseCount(value: string): number {
  const count = Number(value)
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('not a whole number')
  return count
}

/** The Kafka intake flags (`malamute serve` and `malamute writer`). */
export interface KafkaFlags {
  kafkaBrokers?: string
  kafkaTopic?: string
  kafkaTable?: string
  kafkaGroup?: string
  kafkaIdField: string
  kafkaDatabase: string
  kafkaSessionTimeoutMs: number
  kafkaCommitIntervalMs: number
}

export function addKafkaOptions(command: Command): Command {
  return command
    .option(
      '--kafka-brokers <host:port,...>',
      'consume JSON events from Kafka through these brokers (with --kafka-topic and --kafka-table)',
      env['MALAMUTE_KAFKA_BROKERS'],
    )
    .option('--kafka-topic <topic>', 'the Kafka topic to consume', env['MALAMUTE_KAFKA_TOPIC'])
    .option(
      '--kafka-table <table>',
      'the table Kafka events go to (created when missing)',
      env['MALAMUTE_KAFKA_TABLE'],
    )
    .option(
      '--kafka-group <id>',
      'the Kafka consumer group (default malamute-<table>)',
      env['MALAMUTE_KAFKA_GROUP'],
    )
    .option(
      '--kafka-id-field <field>',
      "event id field Kafka intake de-duplicates by ('' for none)",
      env['MALAMUTE_KAFKA_ID_FIELD'] ?? 'id',
    )
    .option(
      '--kafka-database <name>',
      'the database (tenant) of --kafka-table',
      env['MALAMUTE_KAFKA_DATABASE'] ?? 'malamute',
    )
    .option(
      '--kafka-session-timeout-ms <ms>',
      'how long Kafka waits for a silent server before giving its partitions to others',
      parseCount,
      Number(env['MALAMUTE_KAFKA_SESSION_TIMEOUT_MS'] ?? 30_000),
    )
    .option(
      '--kafka-commit-interval-ms <ms>',
      "how long a partition's messages wait for more before they commit",
      parseCount,
      Number(env['MALAMUTE_KAFKA_COMMIT_INTERVAL_MS'] ?? 500),
    )
}

/** The Kafka intake settings, when --kafka-brokers is given (with its topic and table). */
export function kafkaOptions(
  options: KafkaFlags,
  fail: (message: string) => never,
): ServeKafkaOptions | undefined {
  const { kafkaBrokers, kafkaTopic, kafkaTable } = options
  if (kafkaBrokers === undefined && kafkaTopic === undefined && kafkaTable === undefined)
    return undefined
  if (kafkaBrokers === undefined || kafkaTopic === undefined || kafkaTable === undefined)
    return fail('--kafka-brokers, --kafka-topic and --kafka-table go together')
  return {
    brokers: kafkaBrokers.split(',').map((broker) => broker.trim()),
    topic: kafkaTopic,
    table: kafkaTable,
    tenant: options.kafkaDatabase,
    idField: options.kafkaIdField,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    commitIntervalMs: options.kafkaCommitIntervalMs,
    ...(options.kafkaGroup === undefined ? {} : { groupId: options.kafkaGroup }),
  }
}

/** Options that say where segment files and metadata live. */
export interface StorageLocationOptions {
  blob: string
  s3Endpoint?: string
  s3CacheBytes?: number
  metadata: string
  /** --max-columns: the writers' column cap for tables without max_columns. */
  maxColumns?: number
}

export function addStorageLocationOptions(command: Command): Command {
  return command
    .option(
      '--blob <location>',
      'where segment files live: file: (under the data dir) or s3://BUCKET/PREFIX',
      env['MALAMUTE_BLOB'] ?? 'file:',
    )
    .option(
      '--s3-endpoint <url>',
      'an S3-compatible endpoint for --blob s3:// (path-style addressing)',
      env['MALAMUTE_S3_ENDPOINT'],
    )
    .option(
      '--s3-cache-bytes <bytes>',
      'segment bytes each process and query thread caches from S3 (0 turns the cache off)',
      parseCount,
    )
    .option(
      '--metadata <location>',
      'where metadata lives: lmdb (under the data dir), fdb or fdb:CLUSTER_FILE',
      env['MALAMUTE_METADATA'] ?? 'lmdb',
    )
    .option(
      '--max-columns <n>',
      'columns a table gains from ingested fields before new ones go to its _overflow jsonb ' +
        'column, unless the table sets max_columns',
      parsePositiveCount,
      Number(env['MALAMUTE_MAX_COLUMNS'] ?? 1000),
    )
}

function parsePositiveCount(value: string): number {
  const count = parseCount(value)
  if (count === 0) throw new InvalidArgumentError('not a positive whole number')
  return count
}

/** Parses --blob and --metadata, or fails with the reason (and PostgreSQL's hint, if any). */
export function storageLocations(
  options: StorageLocationOptions,
  fail: (message: string) => never,
): { blob: BlobLocation; metadata: MetadataLocation; maxColumnsDefault?: number } {
  try {
    const blob = parseBlobLocation(options.blob, {
      ...(options.s3Endpoint === undefined ? {} : { endpoint: options.s3Endpoint }),
      ...(options.s3CacheBytes === undefined ? {} : { cacheBytesMax: options.s3CacheBytes }),
    })
    const metadata = parseMetadataLocation(options.metadata)
    const maxColumns = options.maxColumns
    return {
      blob,
      metadata,
      ...(maxColumns === undefined ? {} : { maxColumnsDefault: maxColumns }),
    }
  } catch (error) {
    const hint =
      error instanceof PgError && error.fields.hint !== undefined ? ` ${error.fields.hint}` : ''
    return fail(`${error instanceof Error ? error.message : String(error)}.${hint}`)
  }
}

/** The --tls-cert and --tls-key files, both or neither. */
export function readTls(
  options: { tlsCert?: string; tlsKey?: string },
  fail: (message: string) => never,
): { cert: Buffer; key: Buffer } | undefined {
  if (options.tlsCert === undefined && options.tlsKey === undefined) return undefined
  if (options.tlsCert === undefined || options.tlsKey === undefined) {
    return fail('--tls-cert and --tls-key go together')
  }
  return { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }
}

/** A PgError that stops start-up (a missing FoundationDB client, say) as the lines to print. */
export function startupFailure(error: unknown): string {
  if (!(error instanceof PgError)) throw error
  const { message, detail, hint } = error.fields
  const lines = [message, detail === undefined ? '' : `DETAIL: ${detail}`]
  if (hint !== undefined) lines.push(`HINT: ${hint}`)
  return `malamute: ${lines.filter((line) => line !== '').join('\n')}`
}
