// An in-memory Catalog for planner tests: our own interface, implemented over two maps, so
// tests bind against real tables and segment lists without starting storage.
import { PgError, SqlState, type Field } from '../../common/index.js'
import type {
  Catalog,
  CompactionRecord,
  ProcessRecord,
  SegmentMeta,
  TableInfo,
  TableSettingsChange,
} from '../../storage/api.js'

export class MemoryCatalog implements Catalog {
  private readonly tables = new Map<string, TableInfo>()
  private readonly segments = new Map<string, SegmentMeta[]>()
  private nextOid = 16384

  async listTables(tenant: string): Promise<TableInfo[]> {
    return [...this.tables.values()].filter((t) => t.tenant === tenant)
  }

  async getTable(tenant: string, name: string): Promise<TableInfo | undefined> {
    return this.tables.get(`${tenant}/${name}`)
  }

  async createTable(
    tenant: string,
    name: string,
    columns: readonly Field[],
    ifNotExists: boolean,
    settings: TableSettingsChange = {},
  ): Promise<TableInfo | undefined> {
    const created = this.addTable(tenant, name, columns, null, ifNotExists)
    if (created === undefined) return undefined
    await this.alterTableSettings(tenant, name, settings)
    return this.tables.get(`${tenant}/${name}`)
  }

  /** Creates a table with a time column, as ingestion would. */
  addTable(
    tenant: string,
    name: string,
    columns: readonly Field[],
    timeColumn: string | null,
    ifNotExists = false,
  ): TableInfo | undefined {
    const key = `${tenant}/${name}`
    if (this.tables.has(key)) {
      if (ifNotExists) return undefined
      throw new PgError({
        code: SqlState.duplicateTable,
        message: `relation "${name}" already exists`,
      })
    }
    const info: TableInfo = {
      oid: this.nextOid++,
      tenant,
      name,
      columns: columns.map((c, i) => ({
        name: c.name,
        type: c.type,
        attnum: i + 1,
        declared: true,
      })),
      timeColumn,
      createdAtMs: 0,
    }
    this.tables.set(key, info)
    this.segments.set(key, [])
    return info
  }

  async dropTable(tenant: string, name: string): Promise<boolean> {
    this.segments.delete(`${tenant}/${name}`)
    return this.tables.delete(`${tenant}/${name}`)
  }

  async truncateTable(tenant: string, name: string): Promise<boolean> {
    if (!this.tables.has(`${tenant}/${name}`)) return false
    this.segments.set(`${tenant}/${name}`, [])
    return true
  }

  async addColumns(
    tenant: string,
    name: string,
    fields: readonly Field[],
    ifNotExists: boolean,
  ): Promise<boolean> {
    const table = this.tables.get(`${tenant}/${name}`)
    if (table === undefined) return false
    const columns = [...table.columns]
    for (const field of fields) {
      if (columns.some((column) => column.name === field.name)) {
        if (ifNotExists) continue
        throw new PgError({
          code: SqlState.duplicateColumn,
          message: `column "${field.name}" of relation "${name}" already exists`,
        })
      }
      columns.push({
        name: field.name,
        type: field.type,
        attnum: columns.length + 1,
        declared: true,
      })
    }
    this.tables.set(`${tenant}/${name}`, { ...table, columns })
    return true
  }

  async listSegments(tenant: string, table: string): Promise<SegmentMeta[]> {
    return [...(this.segments.get(`${tenant}/${table}`) ?? [])]
  }

  async alterTableSettings(
    tenant: string,
    name: string,
    change: TableSettingsChange,
  ): Promise<boolean> {
    const key = `${tenant}/${name}`
    const table = this.tables.get(key)
    if (table === undefined) return false
    const updated: Record<string, unknown> = { ...table }
    for (const [setting, value] of Object.entries(change)) {
      if (value === null) delete updated[setting]
      else if (value !== undefined) updated[setting] = value
    }
    this.tables.set(key, updated as unknown as TableInfo)
    return true
  }

  async listCompactions(): Promise<CompactionRecord[]> {
    return []
  }

  async listProcesses(): Promise<ProcessRecord[]> {
    return []
  }

  /** Records a committed segment covering [minTs, maxTs]. */
  addSegment(
    tenant: string,
    table: string,
    segmentId: string,
    minTs: number,
    maxTs: number,
    rows = 100,
  ): void {
    const list = this.segments.get(`${tenant}/${table}`) ?? []
    list.push({
      segmentId,
      tenant,
      table,
      blobKey: `${tenant}/${table}/${segmentId}`,
      rows,
      bytes: rows * 10,
      minTs,
      maxTs,
      level: 0,
      createdAtMs: 0,
      columns: [],
    })
    this.segments.set(`${tenant}/${table}`, list)
  }
}
