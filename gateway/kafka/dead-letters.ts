// Dead letters: Kafka messages that are not events (not JSON, not an object, a bad field such
// as an unparseable timestamp). Each becomes a row of `<table>_dead_letter`, committed in the
// same metadata transaction as the partition's good events and its offset, so a malformed
// message is recorded exactly once and never blocks its partition:
//
//   received_at   timestamptz   when this server read it
//   topic         text
//   partition     bigint
//   message_offset bigint       the message's offset in its partition
//   error         text          why it is not an event
//   payload       text          the message value as UTF-8 (invalid bytes become U+FFFD)
import type { Batch, Field, Vector } from '../../common/index.js'
import type { Catalog } from '../../storage/api.js'
import { textVector } from '../../storage/json-events.js'

export const DeadLetterFields: readonly Field[] = [
  { name: 'received_at', type: 'timestamptz' },
  { name: 'topic', type: 'text' },
  { name: 'partition', type: 'int8' },
  { name: 'message_offset', type: 'int8' },
  { name: 'error', type: 'text' },
  { name: 'payload', type: 'text' },
]

/** The dead-letter table of `table`. */
export function deadLetterTableOf(table: string): string {
  return `${table}_dead_letter`
}

/** Creates the dead-letter table when missing (its columns declared). */
export async function ensureDeadLetterTable(
  catalog: Catalog,
  tenant: string,
  table: string,
): Promise<void> {
  if ((await catalog.getTable(tenant, table)) !== undefined) return
  await catalog.createTable(tenant, table, DeadLetterFields, true)
}

/** Gathers one partition batch's dead letters, a column array each. */
export class DeadLetterBuilder {
  private readonly offsets: number[] = []
  private readonly errors: string[] = []
  private readonly payloads: string[] = []

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly receivedAtMicros: number,
  ) {}

  get rows(): number {
    return this.offsets.length
  }

  add(offset: string, error: string, payload: Buffer | null): void {
    this.offsets.push(Number(offset))
    this.errors.push(error)
    this.payloads.push(payload === null ? '' : payload.toString('utf8'))
  }

  finish(): { fields: readonly Field[]; batch: Batch } {
    const rows = this.offsets.length
    const numbers = (type: 'int8' | 'timestamptz', values: Float64Array): Vector => ({
      kind: 'number',
      type,
      length: rows,
      validity: null,
      values,
    })
    const columns: Vector[] = [
      numbers('timestamptz', new Float64Array(rows).fill(this.receivedAtMicros)),
      textVector('text', new Array<string>(rows).fill(this.topic), rows, null),
      numbers('int8', new Float64Array(rows).fill(this.partition)),
      numbers('int8', Float64Array.from(this.offsets)),
      textVector('text', this.errors, rows, null),
      textVector('text', this.payloads, rows, null),
    ]
    return { fields: DeadLetterFields, batch: { length: rows, columns } }
  }
}
