// current_setting(name [, missing_ok]) folds to the session's value while binding: clients
// (Grafana's search-path constraint, its version probe) pass constant names, and the value
// cannot change within a statement.
import { PgError, SqlState } from '../../common/index.js'
import type { Expr, LiteralExpr } from '../../executor/plan.js'
import { showSetting } from '../../executor/settings.js'
import type { BindContext } from './context.js'

export function bindCurrentSetting(
  args: readonly Expr[],
  position: number,
  context: BindContext,
): LiteralExpr {
  const [name, missingOk] = args
  const isConstant = (e: Expr | undefined): e is LiteralExpr => e?.kind === 'literal'
  if (!isConstant(name) || args.length > 2 || (missingOk !== undefined && !isConstant(missingOk))) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'current_setting() is supported with constant arguments only',
      position: position + 1,
    })
  }
  const text: LiteralExpr = { kind: 'literal', value: null, type: 'text' }
  if (name.value === null) return text
  try {
    const settings = context.session.settings ?? new Map<string, string>()
    return { ...text, value: showSetting(String(name.value), settings).value }
  } catch (error) {
    const ok = missingOk?.value === true || missingOk?.value === 't' || missingOk?.value === 'true'
    if (ok && error instanceof PgError && error.code === SqlState.undefinedObject) return text
    throw error
  }
}
