// The Engine the wire protocol talks to: planner and executor glued behind gateway/engine.ts.
// It keeps no state of its own between statements; session state lives in SessionState.
import type { SqlType, Vector } from '../common/index.js'
import type { Executor } from '../executor/index.js'
import { formatValueText } from '../executor/format/text-output.js'
import type { ScalarValue } from '../executor/plan.js'
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
    const planned = await planStatement(
      statement.text,
      params,
      paramTypes,
      this.#plannerContext(session),
    )
    return this.#executor.run(
      planned,
      { timeZone: timeZoneOf(session), settings: session.settings },
      signal,
    )
  }

  formatText(vector: Vector, row: number, session: SessionState): string | null {
    return formatValueText(vector, row, { timeZone: timeZoneOf(session) })
  }

  #plannerContext(session: SessionState): PlannerContext {
    return {
      tenant: session.database,
      catalog: this.#storage.catalog,
      settings: session.settings,
      timeZone: timeZoneOf(session),
    }
  }
}

function timeZoneOf(session: SessionState): string {
  return session.settings.get('timezone') ?? 'UTC'
}
