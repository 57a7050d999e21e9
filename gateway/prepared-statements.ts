// The session's prepared statements (Parse's named and unnamed statements) and the
// ParameterDescription they answer with. It keeps them; it never runs or describes one.
import { PgError, SqlState, SqlTypes, sqlTypeByOid, type SqlType } from '../common/index.js'
import type { Description, ParsedStatement } from './engine.js'

export interface PreparedStatement {
  readonly statement: ParsedStatement | null
  /** Types the client declared in Parse (undefined: infer); `declaredOids` keeps what it sent. */
  readonly declaredTypes: readonly (SqlType | undefined)[]
  readonly declaredOids: readonly number[]
  description: Description | null
}

export class PreparedStatements {
  private readonly byName = new Map<string, PreparedStatement>()

  /** Parse: stores `parsed` under `name`; a named statement may not be replaced (42P05). */
  add(name: string, parsed: readonly ParsedStatement[], oids: readonly number[]): void {
    if (name !== '' && this.byName.has(name)) {
      throw new PgError({
        code: SqlState.duplicatePreparedStatement,
        message: `prepared statement "${name}" already exists`,
      })
    }
    if (parsed.length > 1) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'cannot insert multiple commands into a prepared statement',
      })
    }
    this.byName.set(name, {
      statement: parsed[0] ?? null,
      declaredTypes: oids.map((oid) => (oid === 0 ? undefined : sqlTypeByOid(oid))),
      declaredOids: oids,
      description: null,
    })
  }

  /** The statement called `name`, or 26000 when there is none. */
  named(name: string): PreparedStatement {
    const prepared = this.byName.get(name)
    if (prepared !== undefined) return prepared
    throw new PgError({
      code: SqlState.invalidSqlStatementName,
      message: `prepared statement "${name}" does not exist`,
    })
  }

  /** Close: forgets `name`; closing one that does not exist is not an error. */
  close(name: string): void {
    this.byName.delete(name)
  }

  /** DEALLOCATE name (26000 when there is none) or ALL; the unnamed statement is never dropped. */
  release(names: readonly string[] | 'all'): void {
    if (names === 'all') {
      for (const name of this.byName.keys()) if (name !== '') this.byName.delete(name)
      return
    }
    for (const name of names) this.named(name)
    for (const name of names) this.byName.delete(name)
  }
}

/** ParameterDescription's OIDs: what the client declared, else what was inferred, else text. */
export function parameterOids(prepared: PreparedStatement, description: Description): number[] {
  const count = Math.max(description.paramTypes.length, prepared.declaredOids.length)
  const oids: number[] = []
  for (let i = 0; i < count; i++) {
    const declared = prepared.declaredOids[i] ?? 0
    const inferred = description.paramTypes[i]
    oids.push(
      declared !== 0
        ? declared
        : inferred === undefined
          ? SqlTypes.text.oid
          : SqlTypes[inferred].oid,
    )
  }
  return oids
}
