// The planner's two entry points: describe (Parse/Describe: parameter and row types, no
// segments touched) and plan (bind with the parameter values, pin the table's segments once,
// cut the physical plan).
import { assert, type Batch, type Field, type SqlType } from '../common/index.js'
import type {
  ExecutableStatement,
  OutputField,
  PhysicalPlan,
  ScalarValue,
  SegmentRef,
} from '../executor/plan.js'
import { noRegNames, type RegNames } from '../executor/functions/reg-names.js'
import type { SessionActivity } from './catalog/session-activity.js'
import { showAllFields } from '../executor/settings.js'
import type { Catalog } from '../storage/api.js'
import { BindContext, type BindSession } from './bind/context.js'
import { explainOutputFields, explainStatement, splitExplain } from './explain.js'
import { planInsertValuesFast } from './insert-fast-path.js'
import type { BoundSelect } from './bind/select-binder.js'
import { bindStatement, type BoundStatement } from './bind/statement-binder.js'
import { tablesOf } from './physical/join-plan.js'
import { planSelect } from './physical/select-plan.js'
import { parseStatement } from './sql/parser.js'
import type { StatementNode } from './sql/ast.js'
import {
  QueryMaterializer,
  hasQueryParts,
  type PlanSelect,
  type RunPlan,
} from './materialize/query-materializer.js'

export interface PlannerContext {
  readonly tenant: string
  readonly catalog: Catalog
  /** Session settings as SET/SHOW see them, lower-case names. */
  readonly settings: Map<string, string>
  /** The session's TimeZone: reads timestamptz constants written without an offset. */
  readonly timeZone: string
  /** Runs a plan to its end: subqueries, set operations and WITH run once before the query. */
  readonly runPlan?: RunPlanFn
  /** The session's pid (BackendKeyData's): what pg_backend_pid() returns. */
  readonly backendPid?: number
  /** The server's sessions on this database, for pg_stat_activity. */
  readonly activity?: () => readonly SessionActivity[]
}

/** Runs a subquery's plan, with the statement's reg names when it names a reg type. */
type RunPlanFn = (
  plan: PhysicalPlan,
  fields: readonly Field[],
  regNames?: RegNames,
) => Promise<Batch[]>

export interface StatementDescription {
  readonly paramTypes: SqlType[]
  readonly fields: OutputField[] | null
}

/** Returns the parameter types (inferred where the client left them unknown) and the row shape. */
export async function describeStatement(
  text: string,
  paramTypes: readonly (SqlType | undefined)[],
  ctx: PlannerContext,
): Promise<StatementDescription> {
  const explain = splitExplain(text)
  if (explain !== null) {
    const inner = await describeStatement(explain.query, paramTypes, ctx)
    return { paramTypes: inner.paramTypes, fields: [...explainOutputFields] }
  }
  const context = new BindContext(paramTypes, null, ctx.timeZone, bindSession(ctx))
  const bound = await bindWithMaterialized(parseStatement(text), context, ctx, null)
  return { paramTypes: context.finalParamTypes(), fields: fieldsOf(bound) }
}

/** Binds `text` with its parameter values and returns what the executor runs. */
export async function planStatement(
  text: string,
  params: readonly ScalarValue[],
  paramTypes: readonly (SqlType | undefined)[],
  ctx: PlannerContext,
): Promise<ExecutableStatement> {
  const explain = splitExplain(text)
  if (explain !== null) {
    const inner = await planStatementGeneral(explain.query, params, paramTypes, ctx)
    return explainStatement(explain, inner)
  }
  if (params.length === 0) {
    const fast = await planInsertValuesFast(text, ctx)
    if (fast !== null) return fast
  }
  return planStatementGeneral(text, params, paramTypes, ctx)
}

/** Plans any statement through the parser and binder (the fast paths' reference). */
export async function planStatementGeneral(
  text: string,
  params: readonly ScalarValue[],
  paramTypes: readonly (SqlType | undefined)[],
  ctx: PlannerContext,
): Promise<ExecutableStatement> {
  const context = new BindContext(paramTypes, params, ctx.timeZone, bindSession(ctx))
  const runPlan = ctx.runPlan ?? noRunner
  const run: RunPlanFn = (plan, fields) => runPlan(plan, fields, context.regNames)
  const bound = await bindWithMaterialized(parseStatement(text), context, ctx, run)
  const regNames = context.regNames === noRegNames ? {} : { regNames: context.regNames }
  switch (bound.kind) {
    case 'query':
      return {
        kind: 'query',
        plan: await planQuery(bound.select, ctx),
        fields: bound.select.fields,
        ...regNames,
      }
    case 'insert': {
      const source: PhysicalPlan =
        bound.source.kind === 'values'
          ? { kind: 'values', fields: bound.columns, rows: bound.source.rows }
          : {
              kind: 'project',
              input: await planQuery(bound.source.select, ctx),
              exprs: bound.source.casts,
            }
      return {
        kind: 'insert',
        tenant: ctx.tenant,
        table: bound.table.name,
        source,
        columns: bound.columns,
        ...regNames,
      }
    }
    case 'create-table-as': {
      const { select, withData, ...table } = bound
      return {
        ...table,
        source: withData ? await planQuery(select, ctx) : null,
        ...regNames,
      }
    }
    case 'copy-to':
      return {
        kind: 'copy-to',
        plan: await planQuery(bound.select, ctx),
        fields: bound.select.fields,
        options: bound.options,
        ...regNames,
      }
    default:
      return bound
  }
}

/** Binds `node` after running its subqueries, set operations and WITH (planner/materialize). */
async function bindWithMaterialized(
  node: StatementNode,
  context: BindContext,
  ctx: PlannerContext,
  run: RunPlan,
): Promise<BoundStatement> {
  if (!hasQueryParts(node)) return bindStatement(node, context, ctx)
  const planSelect: PlanSelect = async (select, relations) => {
    const bound = await bindStatement(select, context, { ...ctx, materialized: relations })
    assert(bound.kind === 'query', 'a SELECT binds as a query')
    return { select: bound.select, plan: () => planQuery(bound.select, ctx) }
  }
  const materializer = new QueryMaterializer(context, ctx.tenant, planSelect, run)
  const rewritten = await materializer.rewriteStatement(node)
  return bindStatement(rewritten, context, { ...ctx, materialized: materializer.relations })
}

async function noRunner(): Promise<Batch[]> {
  assert(false, 'PlannerContext.runPlan is needed to run subqueries')
}

async function planQuery(select: BoundSelect, ctx: PlannerContext): Promise<PhysicalPlan> {
  const pinned = new Map<string, SegmentRef[]>()
  for (const table of tablesOf(select)) {
    if (!pinned.has(table)) pinned.set(table, await pinSegments(table, ctx))
  }
  return planSelect(select, ctx.tenant, (table) => pinned.get(table) ?? [])
}

/** Takes the table's visible segments once: the snapshot the whole statement reads. */
async function pinSegments(table: string, ctx: PlannerContext): Promise<SegmentRef[]> {
  const segments = await ctx.catalog.listSegments(ctx.tenant, table)
  return segments.map((s) => ({
    segmentId: s.segmentId,
    blobKey: s.blobKey,
    rows: s.rows,
    minTs: s.minTs,
    maxTs: s.maxTs,
    columns: s.columns,
  }))
}

function fieldsOf(bound: BoundStatement): OutputField[] | null {
  switch (bound.kind) {
    case 'query':
      return [...bound.select.fields]
    case 'show':
      return bound.name === 'all'
        ? [...showAllFields]
        : [{ name: bound.name, type: 'text', tableOid: 0, columnNumber: 0 }]
    default:
      return null
  }
}

/** The session's database and user, for current_database() and current_user. */
function bindSession(ctx: PlannerContext): BindSession {
  return {
    database: ctx.tenant,
    user: ctx.settings.get('session_authorization') ?? 'malamute',
    settings: ctx.settings,
    ...(ctx.backendPid === undefined ? {} : { backendPid: ctx.backendPid }),
  }
}
