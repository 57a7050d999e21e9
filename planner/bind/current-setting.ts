// current_setting(name [, missing_ok]) folds to the session's value while binding: clients
// (Grafana's search-path constraint, its version probe) pass constant names, and the value
// cannot change within a statement.
import { PgError, SqlState } from '../../common/index.js'
import type { Expr, LiteralExpr } from '../../executor/plan.js'
import { applySetting, showSetting } from '../../executor/settings.js'
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

/**
 * set_config(name, value, is_local) with constant arguments: SET name = value, folded while
 * binding as current_setting is, returning the value. is_local (SET LOCAL, for the current
 * transaction) is answered but not kept. The session's settings map is the live one
 * (planner.ts's bindSession passes the gateway's), so the change lasts as SET's does.
 */
export function bindSetConfig(
  args: readonly Expr[],
  position: number,
  context: BindContext,
): LiteralExpr {
  const [name, value, isLocal] = args
  const constant = (e: Expr | undefined): e is LiteralExpr => e?.kind === 'literal'
  if (args.length !== 3 || !constant(name) || !constant(value) || !constant(isLocal)) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: 'set_config() is supported with constant arguments only',
      position: position + 1,
    })
  }
  if (name.value === null) {
    throw new PgError({
      code: SqlState.nullValueNotAllowed,
      message: 'SET requires parameter name',
    })
  }
  const local = isLocal.value === true || isLocal.value === 't' || isLocal.value === 'true'
  const settings = context.session.settings
  const text = value.value === null ? null : String(value.value)
  if (!local && settings instanceof Map) applySetting(String(name.value), text, settings)
  const shown = text ?? showSetting(String(name.value), new Map()).value
  return { kind: 'literal', value: shown, type: 'text' }
}
