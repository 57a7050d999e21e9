// The server's sessions as pg_stat_activity shows them: one BackendActivity per connection
// (its pid, the one BackendKeyData sends and pg_backend_pid() returns; where it connected
// from; what it runs now or ran last, and since when), and the registry that lists them and
// lets pg_cancel_backend / pg_terminate_backend signal one by pid.
import type { SessionActivity } from '../planner/catalog/session-activity.js'
import type { TransactionStatus } from './protocol/backend-writer.js'

// Microseconds, as PostgreSQL's timestamps have them.
const nowMicros = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000)

/** What one connection reports about itself. */
export class BackendActivity {
  readonly backendStartMicros = nowMicros()
  private state: SessionActivity['state'] = 'idle'
  private query = ''
  private queryStartMicros: number | null = null
  private xactStartMicros: number | null = null
  private stateChangeMicros = this.backendStartMicros

  constructor(
    readonly pid: number,
    readonly database: string,
    readonly user: string,
    private readonly settings: ReadonlyMap<string, string>,
    readonly clientAddr: string | null,
    readonly clientPort: number | null,
  ) {}

  /** A statement (a Query message's whole string, or an Execute's statement) starts running. */
  started(query: string): void {
    const now = nowMicros()
    this.query = query
    this.queryStartMicros = now
    this.xactStartMicros ??= now
    this.state = 'active'
    this.stateChangeMicros = now
  }

  /** ReadyForQuery: the session waits for the client, inside a transaction block or not. */
  idle(status: TransactionStatus): void {
    const state =
      status === 'I'
        ? 'idle'
        : status === 'T'
          ? 'idle in transaction'
          : 'idle in transaction (aborted)'
    if (status === 'I') this.xactStartMicros = null
    if (state === this.state) return
    this.state = state
    this.stateChangeMicros = nowMicros()
  }

  snapshot(): SessionActivity {
    return {
      pid: this.pid,
      database: this.database,
      user: this.user,
      applicationName: this.settings.get('application_name') ?? '',
      clientAddr: this.clientAddr,
      clientPort: this.clientPort,
      backendStartMicros: this.backendStartMicros,
      xactStartMicros: this.xactStartMicros,
      queryStartMicros: this.queryStartMicros,
      stateChangeMicros: this.stateChangeMicros,
      state: this.state,
      query: this.query,
    }
  }
}

/** How a session is signalled: its running statement canceled, or its connection ended. */
export interface BackendSignals {
  cancel(): void
  terminate(): void
}

interface Backend {
  readonly activity: BackendActivity
  readonly signals: BackendSignals
}

/** Every session of one server, by pid. */
export class BackendRegistry {
  private readonly backends = new Map<number, Backend>()

  add(activity: BackendActivity, signals: BackendSignals): void {
    this.backends.set(activity.pid, { activity, signals })
  }

  remove(pid: number): void {
    this.backends.delete(pid)
  }

  /**
   * The sessions on `database`, by pid: a tenant sees its own sessions only (PostgreSQL
   * lists every database's; Malamute's databases are tenants that must not see each other).
   */
  list(database: string): SessionActivity[] {
    return [...this.backends.values()]
      .filter((backend) => backend.activity.database === database)
      .map((backend) => backend.activity.snapshot())
      .sort((a, b) => a.pid - b.pid)
  }

  /** pg_cancel_backend / pg_terminate_backend from a session on `database`: false if no such session there. */
  signal(database: string, pid: number, kind: 'cancel' | 'terminate'): boolean {
    const backend = this.backends.get(pid)
    if (backend === undefined || backend.activity.database !== database) return false
    if (kind === 'cancel') backend.signals.cancel()
    else backend.signals.terminate()
    return true
  }
}
