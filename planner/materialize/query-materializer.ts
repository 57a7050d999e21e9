// Runs what a statement needs before it can be bound as one flat query, and rewrites the
// syntax tree around the results, the way PostgreSQL runs an InitPlan once per statement:
//
//   WITH a AS (...)            each common table runs once; references read its rows
//   x UNION / INTERSECT / EXCEPT y, VALUES (...), generate_series(...) in FROM
//                              run, combined (set-operations.ts), and read as a relation
//   (SELECT max(x) FROM t)     runs once; becomes a constant (21000 on a second row)
//   x [NOT] IN (SELECT ...)    runs once; becomes `x [NOT] IN (v1, v2, ...)`, a hash probe
//   [NOT] EXISTS (SELECT ...)  runs once (LIMIT 1); becomes true or false
//
// A correlated EXISTS or scalar subquery linked to the outer query by `inner = outer`
// equalities is decorrelated (decorrelate.ts): EXISTS on one key into a semi join on the
// distinct inner keys, `coalesce(outer IN (keys), false)` (PostgreSQL's hashed subplan), on
// several keys and a scalar subquery into a left join. Other correlations are 0A000.
//
// Materialized rows are held in memory (at most `MaterializedRowsMax`); a relation built here
// is a VirtualTableInfo whose rows the physical planner reads as a Batches leaf. When only
// describing a statement nothing runs: every relation is empty and every value NULL.
import {
  PgError,
  SqlState,
  arrayTypeOf,
  concatVectors,
  elementTypeOf,
  type Batch,
  type Field,
  type SqlType,
} from '../../common/index.js'
import { arrayScalarAt } from '../../executor/expr/array-values.js'
import { multidimensionalNotSupported } from '../../executor/format/array-text.js'
import {
  SetReturningAlias,
  isSetReturningCall,
  rewriteSetReturningTargets,
} from './set-returning.js'
import { concatBatches, takeRows } from '../../executor/expr/batch-ops.js'
import { makeNullVector, scalarAt } from '../../executor/expr/vector-builders.js'
import type { PhysicalPlan, ScalarValue } from '../../executor/plan.js'
import type { TableInfo } from '../../storage/api.js'
import type { BindContext } from '../bind/context.js'
import { ExpressionBinder } from '../bind/expression-binder.js'
import type { BoundSelect } from '../bind/select-binder.js'
import { emptyScope } from '../bind/scope.js'
import { commonType, displayType } from '../bind/types.js'
import type { VirtualTableInfo } from '../catalog/virtual-catalog.js'
import {
  selectNode,
  type CommonTableNode,
  type FromItem,
  type FunctionRefNode,
  type JoinNode,
  type SelectNode,
  type SetOpRefNode,
  type StatementNode,
  type SyntaxExpr,
  type ValuesRefNode,
} from '../sql/ast.js'
import { applyPerOuterRow, type OuterFrame } from './correlated-apply.js'
import { fromFunction, tableFunctionRows, type FromFunctionHost } from './from-functions.js'
import { isLateralJoin, lateralJoin, type LateralHost } from './lateral-join.js'
import {
  asLateralSubquery,
  isJsonSetReturningCall,
  isLateralFunctionJoin,
  rewriteJsonSetReturningTargets,
} from './lateral-functions.js'

type LateralFunctionJoin = Parameters<typeof asLateralSubquery>[0]
import {
  attachLeftJoins,
  decorrelateExists,
  decorrelateScalar,
  type PendingJoin,
} from './decorrelate.js'
import {
  castRows,
  combineRows,
  setOperationTypes,
  type Rows,
  type RunPlan,
} from './set-operations.js'

export type { RunPlan } from './set-operations.js'

/** Rows one materialized relation (a common table, a set operation) may hold. */
export const MaterializedRowsMax = 1_000_000

/** Steps a recursive common table may take (about 0.25 ms each); PostgreSQL has no limit. */
export const RecursionStepsMax = 100_000

/** Binds and plans a rewritten SELECT against the statement's catalog and relations. */
export type PlanSelect = (
  node: SelectNode,
  relations: ReadonlyMap<string, TableInfo>,
) => Promise<{ readonly select: BoundSelect; readonly plan: () => Promise<PhysicalPlan> }>

/** Common tables in scope: name as written → materialized relation name. */
type CommonTables = ReadonlyMap<string, string>

export class QueryMaterializer {
  /** Materialized relations by their internal name, for the statement binder. */
  readonly relations = new Map<string, TableInfo>()
  private relationCount = 0
  /** Per SELECT being rewritten: decorrelated scalar subqueries to left-join to its FROM. */
  private readonly joinFrames: PendingJoin[][] = []
  /** Per SELECT being rewritten: its FROM and WHERE, for correlated-apply.ts. */
  private readonly outerFrames: OuterFrame[] = []
  /** Per SELECT being rewritten: the SELECT itself, for correlatedOverNoRows. */
  private readonly selectFrames: { node: SelectNode; tables: CommonTables }[] = []
  private probing = false

  constructor(
    private readonly context: BindContext,
    private readonly tenant: string,
    private readonly planSelect: PlanSelect,
    private readonly run: RunPlan,
  ) {}

  /** Returns `node` with every subquery, set operation, VALUES and WITH materialized. */
  async rewriteStatement(node: StatementNode): Promise<StatementNode> {
    switch (node.kind) {
      case 'select':
        return this.rewriteSelect(node, new Map())
      case 'insert':
        if (node.source.kind === 'select')
          return { ...node, source: await this.rewriteSelect(node.source, new Map()) }
        return {
          ...node,
          source: (await this.rewrite(node.source, new Map())) as typeof node.source,
        }
      case 'create-table':
        return node.as === undefined
          ? node
          : {
              ...node,
              as: { ...node.as, query: await this.rewriteSelect(node.as.query, new Map()) },
            }
      case 'copy':
        return node.query === null
          ? node
          : { ...node, query: await this.rewriteSelect(node.query, new Map()) }
      default:
        return node
    }
  }

  /** Runs `node` and returns its rows. */
  async execute(node: SelectNode, tables: CommonTables): Promise<Rows> {
    const rewritten = await this.rewriteSelect(node, tables)
    const planned = await this.planSelect(rewritten, this.relations)
    const fields = planned.select.fields
    if (this.run === null) return { fields, batches: [] }
    const batches = await this.run(await planned.plan(), fields)
    return { fields, batches }
  }

  private async rewriteSelect(node: SelectNode, outer: CommonTables): Promise<SelectNode> {
    let tables = outer
    if (node.with !== undefined) {
      const scoped = new Map(outer)
      for (const table of node.with.tables) {
        const name = table.name.name
        if (node.with.tables.filter((t) => t.name.name === name).length > 1) {
          throw new PgError({
            code: SqlState.duplicateAlias,
            message: `WITH query name "${name}" specified more than once`,
            position: table.name.position + 1,
          })
        }
        const recursive = node.with.recursive && readsTable(table.query, name)
        const rows = recursive
          ? await this.recursiveTable(table, scoped)
          : await this.execute(table.query, scoped)
        const renamed = renameColumns(rows, table.columnAliases, name)
        scoped.set(name, this.register(renamed))
      }
      tables = scoped
    }
    const { with: _with, ...rest } = rewriteSetReturningTargets(
      rewriteJsonSetReturningTargets(node),
    )
    // FROM first: a correlated subquery elsewhere in the SELECT may need to read it.
    const from = await this.rewriteFrom(rest.from, rest.where, tables)
    this.joinFrames.push([])
    this.outerFrames.push({ from, where: rest.where })
    this.selectFrames.push({ node: rest as SelectNode, tables })
    let rewritten: SelectNode
    try {
      const others = (await this.rewriteFields({ ...rest, from: null }, tables)) as SelectNode
      rewritten = { ...others, from }
    } finally {
      this.outerFrames.pop()
      this.selectFrames.pop()
    }
    const joins = this.joinFrames.pop() ?? []
    if (joins.length === 0) return rewritten
    const joined = attachLeftJoins(rewritten, joins)
    if (joined.groupBy.length === 0) return joined
    // A subquery's value depends only on the outer columns it reads, which a grouped query
    // may read only when grouped: grouping by the joined columns too changes no group.
    const joinedColumns = joins.flatMap((join) =>
      (this.relations.get(join.relation)?.columns ?? []).map((column): SyntaxExpr => ({
        kind: 'column-ref',
        table: join.alias,
        name: column.name,
        position: 0,
      })),
    )
    return { ...joined, groupBy: [...joined.groupBy, ...joinedColumns] }
  }

  /**
   * Rewrites a SELECT's FROM. The lateral unnest that select-list set-returning calls became
   * (set-returning.ts) may have subqueries reading the items before it among its arguments
   * (pgcli's `unnest((SELECT array_agg(...) ... WHERE c.attrelid = fk.conrelid))`): those are
   * rewritten with the items before it as their outer query, and their left joins attach there,
   * so the unnest reads them laterally as it reads any column.
   */
  private async rewriteFrom(
    from: FromItem | null,
    where: SyntaxExpr | null,
    tables: CommonTables,
  ): Promise<FromItem | null> {
    const unnest = from?.kind === 'join' ? from.right : undefined
    if (
      from?.kind !== 'join' ||
      unnest?.kind !== 'function-ref' ||
      unnest.alias !== SetReturningAlias ||
      !containsSubquery(unnest.args)
    )
      return this.rewriteFromSpine(from, where, tables)
    const left = (await this.rewrite(from.left, tables)) as FromItem
    this.joinFrames.push([])
    this.outerFrames.push({ from: left, where })
    let args: SyntaxExpr[]
    try {
      args = (await this.rewrite(unnest.args, tables)) as SyntaxExpr[]
    } finally {
      this.outerFrames.pop()
    }
    const joins = this.joinFrames.pop() ?? []
    const joinedLeft = joins.length === 0 ? left : attachLeftJoins(selectFrom(left), joins).from
    const right = await this.functionRef({ ...unnest, args }, tables)
    return { ...from, left: joinedLeft ?? left, right }
  }

  /**
   * Rewrites a FROM whose top (and the left items of its inner joins) may be a LATERAL join:
   * those get the SELECT's WHERE, to read the outer values only of the rows it keeps.
   */
  private async rewriteFromSpine(
    item: FromItem | null,
    where: SyntaxExpr | null,
    tables: CommonTables,
  ): Promise<FromItem | null> {
    if (item?.kind !== 'join' || item.alias !== null)
      return (await this.rewrite(item, tables)) as FromItem | null
    if (isLateralJoin(item)) return lateralJoin(item, this.lateralHost, tables, where)
    if (isLateralFunctionJoin(item))
      return lateralJoin(asLateralSubquery(item), this.lateralHost, tables, where)
    if (item.joinType !== 'inner' && item.joinType !== 'cross')
      return (await this.rewrite(item, tables)) as FromItem
    const left = await this.rewriteFromSpine(item.left, where, tables)
    const rest = (await this.rewriteFields({ ...item, left: null }, tables)) as JoinNode
    return { ...rest, left: left ?? item.left }
  }

  /** Left-joins `rows` (a decorrelated scalar subquery) to the SELECT being rewritten. */
  joinToCurrentSelect(
    rows: Rows,
    outer: readonly SyntaxExpr[],
    position: number,
    nullSafe?: readonly boolean[],
  ): string {
    const frame = this.joinFrames[this.joinFrames.length - 1]
    if (frame === undefined) throw correlatedNotSupported(position)
    const alias = `*subquery ${frame.length + 1}*`
    const relation = this.register(rows)
    frame.push(
      nullSafe === undefined ? { relation, alias, outer } : { relation, alias, outer, nullSafe },
    )
    return alias
  }

  /** Rewrites any syntax value: nested queries, FROM items and subquery expressions. */
  private async rewrite(value: unknown, tables: CommonTables): Promise<unknown> {
    if (Array.isArray(value)) {
      const out: unknown[] = []
      for (const item of value) out.push(await this.rewrite(item, tables))
      return out
    }
    if (typeof value !== 'object' || value === null) return value
    const node = value as { readonly kind?: unknown }
    switch (node.kind) {
      case 'select':
        return this.rewriteSelect(node as SelectNode, tables)
      case 'table-ref':
        return this.rewriteTableRef(node as Extract<FromItem, { kind: 'table-ref' }>, tables)
      case 'set-op':
        return this.relationRef(
          await this.setOperation(node as SetOpRefNode, tables),
          node as SetOpRefNode,
        )
      case 'values':
        if ('columnAliases' in node) {
          const values = node as ValuesRefNode
          return this.relationRef(await this.values(values, tables), values)
        }
        break
      case 'function-ref':
        return this.functionRef(node as FunctionRefNode, tables)
      case 'join':
        if (isLateralJoin(node)) return lateralJoin(node, this.lateralHost, tables)
        if (isLateralFunctionJoin(node as JoinNode))
          return lateralJoin(
            asLateralSubquery(node as LateralFunctionJoin),
            this.lateralHost,
            tables,
          )
        break
      case 'subquery':
      case 'exists':
      case 'in-subquery':
        return this.subqueryExpr(node as SyntaxExpr, tables)
    }
    return this.rewriteFields(node, tables)
  }

  private async rewriteFields(node: object, tables: CommonTables): Promise<unknown> {
    const out: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(node)) out[key] = await this.rewrite(field, tables)
    return out
  }

  private rewriteTableRef(
    item: Extract<FromItem, { kind: 'table-ref' }>,
    tables: CommonTables,
  ): FromItem {
    const internal = tables.get(item.table.name)
    if (internal === undefined) return item
    return {
      kind: 'table-ref',
      table: { name: internal, position: item.table.position },
      alias: item.alias ?? item.table.name,
    }
  }

  private relationRef(rows: Rows, item: SetOpRefNode | ValuesRefNode): FromItem {
    const fallback = item.kind === 'values' ? '*VALUES*' : '*SELECT*'
    const renamed = renameColumns(rows, item.columnAliases, item.alias ?? fallback)
    const internal = this.register(renamed)
    return {
      kind: 'table-ref',
      table: { name: internal, position: item.position },
      alias: item.alias ?? fallback,
    }
  }

  /** A function in FROM, run once into a relation (from-functions.ts). */
  private functionRef(item: FunctionRefNode, tables: CommonTables): Promise<FromItem> {
    return fromFunction(this.fromFunctionHost, item, tables)
  }

  private get fromFunctionHost(): FromFunctionHost {
    return {
      context: this.context,
      run: this.run,
      rewriteArgs: async (args, tables) => (await this.rewrite(args, tables)) as SyntaxExpr[],
      execute: (node, tables) => this.execute(node, tables),
      register: (rows) => this.register(rows),
    }
  }

  private get lateralHost(): LateralHost {
    return {
      rewrite: (value, tables) => this.rewrite(value, tables),
      execute: (node, tables) => this.execute(node, tables),
      register: (rows, hiddenKeys) => this.register(rows, hiddenKeys),
      tableFunction: (item) => tableFunctionRows(this.context, this.run, item),
    }
  }

  /** Holds `rows` as a relation for this statement; returns its internal name. */
  register(rows: Rows, hiddenKeys = 0): string {
    this.relationCount += 1
    const name = `*materialized ${this.relationCount}*`
    const length = rows.batches.reduce((sum, b) => sum + b.length, 0)
    const batch: Batch =
      rows.batches.length === 0
        ? { length: 0, columns: rows.fields.map((f) => makeNullVector(f.type, 0)) }
        : concatBatches(rows.batches)
    const table: VirtualTableInfo = {
      oid: 0,
      tenant: this.tenant,
      name,
      columns: rows.fields.map((f, i) => ({
        name: f.name,
        type: f.type,
        attnum: i + 1,
        declared: false,
      })),
      timeColumn: null,
      createdAtMs: 0,
      rows: { ...batch, length },
      ...(hiddenKeys > 0 ? { hiddenKeys } : {}),
    }
    this.relations.set(name, table)
    return name
  }

  private async setOperation(item: SetOpRefNode, tables: CommonTables): Promise<Rows> {
    const left = await this.execute(item.left, tables)
    const right = await this.execute(item.right, tables)
    const opName = item.op.toUpperCase()
    const types = setOperationTypes(
      opName,
      left.fields,
      right.fields,
      unknownTargets(item.left),
      unknownTargets(item.right),
    )
    const timeZone = this.context.timeZone
    const combined = await combineRows(
      item.op,
      item.all,
      castRows(left, types, timeZone),
      castRows(right, types, timeZone),
      this.run,
    )
    checkRowCount(combined)
    return combined
  }

  private async values(item: ValuesRefNode, tables: CommonTables): Promise<Rows> {
    const rows = (await this.rewrite(item.rows, tables)) as SyntaxExpr[][]
    const binder = new ExpressionBinder(this.context, emptyScope)
    const policy = { allowed: false, clause: 'VALUES' } as const
    const bound = rows.map((row) => row.map((expr) => binder.bind(expr, policy)))
    const width = bound[0]?.length ?? 0
    const types: SqlType[] = []
    for (let column = 0; column < width; column += 1) {
      const columnTypes = bound.map((row) => row[column]?.type ?? 'unknown')
      const type = commonType(columnTypes)
      if (type === undefined) {
        const [a, b] = distinctTypes(columnTypes)
        throw new PgError({
          code: SqlState.datatypeMismatch,
          message: `VALUES types ${displayType(a)} and ${displayType(b)} cannot be matched`,
        })
      }
      types.push(type)
    }
    const fields: Field[] = types.map((type, i) => ({ name: `column${i + 1}`, type }))
    const coerced = bound.map((row) =>
      row.map((e, i) => this.context.coerce(e, types[i] ?? e.type)),
    )
    if (this.run === null) return { fields, batches: [] }
    return { fields, batches: await this.run({ kind: 'values', fields, rows: coerced }, fields) }
  }

  /** WITH RECURSIVE name AS (anchor UNION [ALL] step): step runs until it adds no row. */
  private async recursiveTable(table: CommonTableNode, tables: CommonTables): Promise<Rows> {
    const name = table.name.name
    const from = table.query.from
    if (from?.kind !== 'set-op' || from.op !== 'union' || readsTable(from.left, name)) {
      throw new PgError({
        code: SqlState.invalidRecursion,
        message: `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`,
      })
    }
    const anchor = renameColumns(await this.execute(from.left, tables), table.columnAliases, name)
    const anchorTypes = anchor.fields.map((f) => f.type)
    const seen = from.all ? null : new Set<string>()
    let working = keepNew(anchor, seen)
    const result: Batch[] = [...working.batches]
    let total = countRows(working)
    const scoped = new Map(tables)
    for (let steps = 1; countRows(working) > 0; steps += 1) {
      if (steps > RecursionStepsMax) throw tooManySteps(name)
      const internal = this.register(working)
      scoped.set(name, internal)
      const step = await this.execute(from.right, scoped)
      this.relations.delete(internal)
      if (step.fields.length !== anchor.fields.length) {
        throw new PgError({
          code: SqlState.syntaxError,
          message: 'each UNION query must have the same number of columns',
        })
      }
      working = keepNew(castRows(step, anchorTypes, this.context.timeZone), seen)
      working = { fields: anchor.fields, batches: working.batches }
      total += countRows(working)
      if (total > MaterializedRowsMax) throw tooManyRows(`recursive query "${name}"`)
      result.push(...working.batches)
    }
    return { fields: anchor.fields, batches: result }
  }

  private async subqueryExpr(node: SyntaxExpr, tables: CommonTables): Promise<SyntaxExpr> {
    try {
      return await this.materializeSubquery(node, tables)
    } catch (error) {
      if (!isCorrelatedNotSupported(error) || !(await this.currentSelectHasNoRows())) throw error
      // PostgreSQL runs a correlated subquery once per outer row: with no outer row it never
      // runs (psql's \d reads pg_policy, always empty here, with ARRAY(SELECT ... = ANY(...))).
      return { kind: 'literal', literal: 'null', text: 'NULL', position: node.position }
    }
  }

  /** True when the FROM of the SELECT being rewritten has no rows at all. */
  private async currentSelectHasNoRows(): Promise<boolean> {
    const frame = this.selectFrames[this.selectFrames.length - 1]
    if (frame === undefined || frame.node.from === null || this.run === null) return false
    // One probe at a time: a probe whose own FROM needs this answer is not empty by it.
    if (this.probing) return false
    const probe: SelectNode = selectNode({
      targets: [{ expr: one, alias: null }],
      from: frame.node.from,
      limit: one,
    })
    this.probing = true
    try {
      return countRows(await this.execute(probe, frame.tables)) === 0
    } catch {
      return false
    } finally {
      this.probing = false
    }
  }

  private async materializeSubquery(node: SyntaxExpr, tables: CommonTables): Promise<SyntaxExpr> {
    switch (node.kind) {
      case 'subquery':
        if (node.array === true) return this.arraySubquery(node.query, node.position, tables)
        return this.scalarSubquery(node.query, node.position, tables)
      case 'exists': {
        const limited = node.query.limit === null ? { ...node.query, limit: one } : node.query
        const rows = await this.executeOrDecorrelate(limited, tables)
        if (rows === null)
          return this.orApply(() => decorrelateExists(node, this, tables), node, tables)
        return constant(countRows(rows) > 0, 'bool', 'exists', node.position)
      }
      case 'in-subquery': {
        const arg = (await this.rewrite(node.arg, tables)) as SyntaxExpr
        const rows = await this.executeOrDecorrelate(node.query, tables)
        if (rows === null) return this.apply({ ...node, arg }, tables)
        return this.inList(arg, rows, node.negated, node.position)
      }
      default:
        return node
    }
  }

  /** The join decorrelate.ts makes of `node`, else the per-outer-row apply. */
  private async orApply(
    decorrelate: () => Promise<SyntaxExpr>,
    node: Parameters<typeof applyPerOuterRow>[0],
    tables: CommonTables,
  ): Promise<SyntaxExpr> {
    try {
      return await decorrelate()
    } catch (error) {
      if (!isCorrelatedNotSupported(error)) throw error
      return this.apply(node, tables)
    }
  }

  private apply(
    node: Parameters<typeof applyPerOuterRow>[0],
    tables: CommonTables,
  ): Promise<SyntaxExpr> {
    const frame = this.outerFrames[this.outerFrames.length - 1]
    return applyPerOuterRow(node, frame, this, tables)
  }

  /** `arg [NOT] IN (the rows' distinct values)`; an empty subquery makes it false (true). */
  inList(arg: SyntaxExpr, rows: Rows, negated: boolean, position: number): SyntaxExpr {
    const field = rows.fields[0]
    if (rows.fields.length !== 1 || field === undefined) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: `subquery has too ${rows.fields.length > 1 ? 'many' : 'few'} columns`,
        position: position + 1,
      })
    }
    const values = distinctValues(rows)
    if (values.length === 0) return constant(negated, 'bool', null, position)
    const list = values.map((v) => constant(v, field.type, null, position))
    return { kind: 'in-list', arg, values: list, negated, position }
  }

  private async scalarSubquery(
    query: SelectNode,
    position: number,
    tables: CommonTables,
  ): Promise<SyntaxExpr> {
    const rows = await this.executeOrDecorrelate(query, tables)
    if (rows === null) {
      const node = { kind: 'subquery', query, position } as const
      return this.orApply(() => decorrelateScalar(query, position, this, tables), node, tables)
    }
    const field = rows.fields[0]
    if (rows.fields.length !== 1 || field === undefined) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'subquery must return only one column',
        position: position + 1,
      })
    }
    if (countRows(rows) > 1) {
      throw new PgError({
        code: SqlState.cardinalityViolation,
        message: 'more than one row returned by a subquery used as an expression',
      })
    }
    const first = rows.batches.find((b) => b.length > 0)?.columns[0]
    const value = first === undefined ? null : scalarAt(first, 0)
    const name = field.name === '?column?' ? null : field.name
    return constant(value, field.type, name, position)
  }

  /** `ARRAY(SELECT x ...)`: the rows' one column as an array constant (NULL rows included). */
  private async arraySubquery(
    query: SelectNode,
    position: number,
    tables: CommonTables,
  ): Promise<SyntaxExpr> {
    const rows = await this.executeOrDecorrelate(query, tables)
    if (rows === null) throw correlatedNotSupported(position)
    const field = rows.fields[0]
    if (rows.fields.length !== 1 || field === undefined) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'subquery must return only one column',
        position: position + 1,
      })
    }
    const type = arrayTypeOf(field.type === 'unknown' ? 'text' : field.type)
    if (type === undefined) throw multidimensionalNotSupported()
    const parts = rows.batches.filter((b) => b.length > 0).map((b) => b.columns[0]!)
    const child = parts.length === 0 ? makeNullVector(elementTypeOf(type), 0) : concatVectors(parts)
    const offsets = Int32Array.of(0, child.length)
    const array = { kind: 'array', type, length: 1, validity: null, offsets, child } as const
    return constant(arrayScalarAt(array, 0), type, 'array', position)
  }

  /** Runs `query`; null when it reads a column of an outer query (a correlated subquery). */
  async executeOrDecorrelate(query: SelectNode, tables: CommonTables): Promise<Rows | null> {
    try {
      return await this.execute(query, tables)
    } catch (error) {
      if (isOuterReference(error)) return null
      throw error
    }
  }
}

const one: SyntaxExpr = { kind: 'literal', literal: 'integer', text: '1', position: 0 }

export function constant(
  value: ScalarValue,
  type: SqlType,
  name: string | null,
  position: number,
): SyntaxExpr {
  return { kind: 'constant', value, type, name, position }
}

function isCorrelatedNotSupported(error: unknown): boolean {
  return (
    error instanceof PgError &&
    error.fields.code === SqlState.featureNotSupported &&
    error.fields.message.startsWith('correlated subqueries are supported only')
  )
}

export function correlatedNotSupported(position: number): PgError {
  return new PgError({
    code: SqlState.featureNotSupported,
    message:
      'correlated subqueries are supported only as EXISTS or a scalar subquery linked by equalities',
    position: position + 1,
  })
}

/** A binding error that a reference to an outer query's column would raise. */
export function isOuterReference(error: unknown): boolean {
  if (!(error instanceof PgError)) return false
  if (error.code === SqlState.undefinedTable)
    return error.message.startsWith('missing FROM-clause entry')
  return (
    error.code === SqlState.undefinedColumn && /^column "[^"]*" does not exist$/.test(error.message)
  )
}

export function countRows(rows: Rows): number {
  return rows.batches.reduce((sum, b) => sum + b.length, 0)
}

function checkRowCount(rows: Rows): void {
  if (countRows(rows) > MaterializedRowsMax) throw tooManyRows('set operation')
}

function tooManySteps(name: string): PgError {
  return new PgError({
    code: SqlState.statementTooComplex,
    message: `recursive query "${name}" did not finish within ${RecursionStepsMax} steps`,
  })
}

export function tooManyRows(what: string): PgError {
  return new PgError({
    code: SqlState.statementTooComplex,
    message: `${what} produced more than ${MaterializedRowsMax} rows`,
    hint: 'A recursive query that never stops adding rows needs a condition that ends it.',
  })
}

/** The first column's distinct values, NULL included once. */
function distinctValues(rows: Rows): ScalarValue[] {
  const seen = new Set<ScalarValue>()
  for (const batch of rows.batches) {
    const column = batch.columns[0]
    if (column === undefined) continue
    for (let row = 0; row < batch.length; row += 1) seen.add(scalarAt(column, row))
  }
  return [...seen]
}

/** Drops rows already in `seen` (and repeats within `rows`); keeps all when `seen` is null. */
function keepNew(rows: Rows, seen: Set<string> | null): Rows {
  if (seen === null) return rows
  const batches: Batch[] = []
  for (const batch of rows.batches) {
    const keep: number[] = []
    for (let row = 0; row < batch.length; row += 1) {
      const key = JSON.stringify(batch.columns.map((c) => String(scalarAt(c, row))))
      if (seen.has(key)) continue
      seen.add(key)
      keep.push(row)
    }
    if (keep.length === batch.length) batches.push(batch)
    else if (keep.length > 0) batches.push(takeRows(batch, Int32Array.from(keep)))
  }
  return { fields: rows.fields, batches }
}

export function renameColumns(
  rows: Rows,
  aliases: readonly { name: string }[],
  relation: string,
): Rows {
  if (aliases.length > rows.fields.length) {
    throw new PgError({
      code: SqlState.invalidColumnReference,
      message: `table "${relation}" has ${rows.fields.length} columns available but ${aliases.length} columns specified`,
    })
  }
  const fields = rows.fields.map((f, i) => ({ name: aliases[i]?.name ?? f.name, type: f.type }))
  return { fields, batches: rows.batches }
}

/** Per output column of a set-operation operand: a bare string or NULL literal (unknown). */
function unknownTargets(query: SelectNode): boolean[] {
  return query.targets.map(
    (t) => t.expr.kind === 'literal' && (t.expr.literal === 'string' || t.expr.literal === 'null'),
  )
}

function distinctTypes(types: readonly SqlType[]): [SqlType, SqlType] {
  const known = types.filter((t) => t !== 'unknown')
  const first = known[0] ?? 'text'
  return [first, known.find((t) => t !== first) ?? first]
}

/** True when `value` holds a subquery expression, set operation, VALUES item, function in FROM or WITH. */
export function hasQueryParts(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasQueryParts)
  if (typeof value !== 'object' || value === null) return false
  const node = value as { readonly kind?: unknown }
  switch (node.kind) {
    case 'subquery':
    case 'exists':
    case 'in-subquery':
    case 'set-op':
    case 'function-ref':
      return true
    case 'values':
      if ('columnAliases' in node) return true
      break
    case 'select':
      if ('with' in node) return true
      break
    case 'subquery-ref':
      if ('lateral' in node) return true
      break
    case 'func':
      // unnest / generate_subscripts in a select list become a lateral unnest in FROM.
      if (isSetReturningCall(node as SyntaxExpr) || isJsonSetReturningCall(node as SyntaxExpr))
        return true
      break
    case 'literal':
    case 'column-ref':
      return false
  }
  return Object.values(node).some(hasQueryParts)
}

/** True when `query` names `table` in a FROM anywhere (a recursive common table's self-reference). */
export function readsTable(value: unknown, table: string): boolean {
  if (Array.isArray(value)) return value.some((v) => readsTable(v, table))
  if (typeof value !== 'object' || value === null) return false
  const node = value as { readonly kind?: unknown; readonly table?: { readonly name?: unknown } }
  if (node.kind === 'table-ref' && node.table?.name === table) return true
  return Object.values(node).some((v) => readsTable(v, table))
}

/** True when `value` (syntax) holds a subquery expression anywhere. */
function containsSubquery(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsSubquery)
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { readonly kind?: unknown }).kind
  if (kind === 'subquery' || kind === 'exists' || kind === 'in-subquery') return true
  return Object.values(value).some(containsSubquery)
}

/** `SELECT FROM from`: a frame for attachLeftJoins, which joins to a SELECT's FROM. */
function selectFrom(from: FromItem): SelectNode {
  return selectNode({ from })
}
