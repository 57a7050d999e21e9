// The Engine the wire protocol talks to: planner and executor glued behind gateway/engine.ts.
// It keeps no state of its own between statements; session state lives in SessionState.
import type { Batch, Field, SqlType, Vector } from '../common/index.js'
import { WriteTransaction, type ExecutionSession, type Executor } from '../executor/index.js'
import { formatValueText } from '../executor/format/text-output.js'
import type { RegNames } from '../executor/functions/reg-names.js'
import type { PhysicalPlan, ScalarValue } from '../executor/plan.js'
import {
  describeStatement,
  planStatement,
  splitStatements,
  type PlannerContext,
} from '../planner/index.js'
import type { Storage } from '../storage/index.js'
import type { Description, Engine, ParsedStatement, ResultStream, SessionState } from './engine.js'

export interface SqlEngineOptions {
  readonly storage: Storage
  readonly executor: Executor
}

export class SqlEngine implements Engine {
  readonly #storage: Storage
  readonly #executor: Executor

  constructor(options: SqlEngineOptions) {
    this.#storage = options.storage
    this.#executor = options.executor
  }

  parse(sql: string): ParsedStatement[] {
    // The wire answers an empty query string with EmptyQueryResponse, so no statement here.
    return splitStatements(sql).filter((statement) => statement.text.trim() !== '')
  }

  async describe(
    statement: ParsedStatement,
    paramTypes: readonly (SqlType | undefined)[],
    session: SessionState,
  ): Promise<Description> {
    return describeStatement(statement.text, paramTypes, this.#plannerContext(session))
  }

  async execute(
    statement: ParsedStatement,
    params: readonly ScalarValue[],
    paramTypes: readonly (SqlType | undefined)[],
    session: SessionState,
    signal: AbortSignal,
  ): Promise<ResultStream> {
    const planned = await planStatement(statement.text, params, paramTypes, {
      ...this.#plannerContext(session),
      runPlan: (plan, fields, regNames) => this.#runToEnd(plan, fields, session, signal, regNames),
    })
    return this.#executor.run(
      planned,
      {
        timeZone: timeZoneOf(session),
        settings: session.settings,
        transaction: session.transaction,
        ...signalsOf(session),
      },
      signal,
    )
  }

  beginTransaction(): WriteTransaction {
    return new WriteTransaction(this.#storage.writer)
  }

  formatText(
    vector: Vector,
    row: number,
    session: SessionState,
    result?: ResultStream,
  ): string | null {
    const regNames = result?.regNames
    return formatValueText(vector, row, {
      timeZone: timeZoneOf(session),
      ...(regNames === undefined ? {} : { regNames }),
    })
  }

  /** Runs a subquery's plan for the planner and collects its batches. */
  async #runToEnd(
    plan: PhysicalPlan,
    fields: readonly Field[],
    session: SessionState,
    signal: AbortSignal,
    regNames: RegNames | undefined,
  ): Promise<Batch[]> {
    const outputFields = fields.map((f) => ({ ...f, tableOid: 0, columnNumber: 0 }))
    const result = await this.#executor.run(
      {
        kind: 'query',
        plan,
        fields: outputFields,
        ...(regNames === undefined ? {} : { regNames }),
      },
      { timeZone: timeZoneOf(session), settings: session.settings },
      signal,
    )
    const batches: Batch[] = []
    for await (const batch of result.batches) batches.push(batch)
    return batches
  }

  #plannerContext(session: SessionState): PlannerContext {
    return {
      tenant: session.database,
      catalog: this.#storage.catalog,
      settings: session.settings,
      timeZone: timeZoneOf(session),
      ...(session.backend === undefined
        ? {}
        : {
            backendPid: session.backend.pid,
            activity: () => session.backend?.registry.list(session.database) ?? [],
          }),
    }
  }
}

/** pg_cancel_backend / pg_terminate_backend reach the sessions of the same database. */
function signalsOf(session: SessionState): Pick<ExecutionSession, 'signalBackend'> {
  const backend = session.backend
  if (backend === undefined) return {}
  return { signalBackend: (pid, kind) => backend.registry.signal(session.database, pid, kind) }
}

function timeZoneOf(session: SessionState): string {
  return session.settings.get('timezone') ?? 'UTC'
}
