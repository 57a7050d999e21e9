// pg_stat_activity's rows: the server's sessions on this database, as the gateway reports
// them (gateway/backend-registry.ts) and the planner receives them with the statement.
import type { CatalogRow, CatalogSnapshot } from './catalog-snapshot.js'
import { OwnerOid } from './catalog-snapshot.js'
import { databaseOid } from './pg-catalog-rows.js'

/** One session, as pg_stat_activity shows it. Times are epoch microseconds. */
export interface SessionActivity {
  readonly pid: number
  readonly database: string
  readonly user: string
  readonly applicationName: string
  readonly clientAddr: string | null
  readonly clientPort: number | null
  readonly backendStartMicros: number
  /** The open transaction's start; null between transactions. */
  readonly xactStartMicros: number | null
  readonly queryStartMicros: number | null
  readonly stateChangeMicros: number
  readonly state: 'active' | 'idle' | 'idle in transaction' | 'idle in transaction (aborted)'
  /** The running statement, or the last one when idle. */
  readonly query: string
}

export function pgStatActivityRows(snapshot: CatalogSnapshot): CatalogRow[] {
  return (snapshot.activity ?? []).map((session) => ({
    datid: databaseOid(session.database),
    datname: session.database,
    pid: session.pid,
    usesysid: OwnerOid,
    usename: session.user,
    application_name: session.applicationName,
    client_addr: session.clientAddr,
    client_port: session.clientPort,
    backend_start: session.backendStartMicros,
    xact_start: session.xactStartMicros,
    query_start: session.queryStartMicros,
    state_change: session.stateChangeMicros,
    // An idle session waits for its client, as PostgreSQL reports it.
    wait_event_type: session.state === 'active' ? null : 'Client',
    wait_event: session.state === 'active' ? null : 'ClientRead',
    state: session.state,
    query: session.query,
    backend_type: 'client backend',
  }))
}
