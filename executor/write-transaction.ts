// The writes of one explicit transaction block (BEGIN ... COMMIT | ROLLBACK). The gateway
// creates one on BEGIN and passes it in ExecutionSession; INSERT, INSERT ... SELECT and
// COPY FROM then add their rows to a bulk append per table instead of committing them:
//
//   BEGIN ─► INSERT / COPY ─► bulk.add (segments uploaded as rows arrive, none visible)
//        ─► COMMIT   ─► commitBulks: ONE metadata transaction for every table, or nothing
//        ─► ROLLBACK, an error then ROLLBACK, or the connection closing ─► abort: files deleted
//
// A crash before COMMIT leaves only unreferenced segment files, which the orphan scan
// deletes. Reads inside the block do not see its own rows (they are not in the catalog yet).
import { PgError, SqlState, type Batch, type Field } from '../common/index.js'
import type { BulkAppend, IngestWriter } from '../storage/api.js'

export class WriteTransaction {
  private readonly bulks = new Map<string, BulkAppend>()
  private state: 'open' | 'committed' | 'aborted' = 'open'
  /** The write in progress: abort waits for it, so no upload outlives the abort. */
  private busy: Promise<void> = Promise.resolve()
  /** Rows handed to add() so far, counted on arrival: savepoints compare it to undo nothing. */
  private rowsReceived = 0

  constructor(private readonly writer: IngestWriter) {}

  /** Adds rows to the table's bulk append; they become visible at commit(). */
  add(tenant: string, table: string, fields: readonly Field[], batch: Batch): Promise<void> {
    this.rowsReceived += batch.length
    return this.serialized(async () => {
      if (this.state !== 'open') {
        throw new PgError({
          code: SqlState.inFailedSqlTransaction,
          message:
            'current transaction is aborted, commands ignored until end of transaction block',
        })
      }
      const key = `${tenant}\u0000${table}`
      let bulk = this.bulks.get(key)
      if (bulk === undefined) {
        bulk = await this.writer.beginBulk(tenant, table)
        this.bulks.set(key, bulk)
      }
      await bulk.add(fields, batch)
    })
  }

  /** How many rows add() has received, including any whose upload failed. */
  get rowsAdded(): number {
    return this.rowsReceived
  }

  /** Makes every added row visible in one metadata transaction; aborts everything on failure. */
  commit(): Promise<void> {
    return this.serialized(async () => {
      if (this.state !== 'open') return
      this.state = 'committed'
      await this.writer.commitBulks([...this.bulks.values()])
    })
  }

  /** Deletes every uploaded segment; nothing of the block becomes visible. Safe to call twice. */
  abort(): Promise<void> {
    if (this.state === 'open') this.state = 'aborted'
    return this.serialized(async () => {
      for (const bulk of this.bulks.values()) await bulk.abort()
      this.bulks.clear()
    })
  }

  /** Runs `body` after every earlier operation settled: one storage operation at a time. */
  private serialized(body: () => Promise<void>): Promise<void> {
    const run = this.busy.then(body)
    this.busy = run.catch(() => undefined)
    return run
  }
}
