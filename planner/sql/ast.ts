// Syntax nodes: what the parser produces, before names and types are bound. Every node
// carries `position`, the 0-based offset where PostgreSQL would point an error at it (the
// operator for binary expressions, the function name for calls, the first token otherwise).
// Identifiers are already folded: unquoted ones to lower case, quoted ones kept as written.
import type { SqlType } from '../../common/index.js'
import type { ScalarValue } from '../../executor/plan.js'

export interface ColumnRefNode {
  readonly kind: 'column-ref'
  readonly table: string | null
  readonly name: string
  readonly position: number
}

export interface StarNode {
  readonly kind: 'star'
  readonly table: string | null
  readonly position: number
}

export interface LiteralNode {
  readonly kind: 'literal'
  readonly literal: 'integer' | 'decimal' | 'string' | 'null' | 'bool'
  /** Numbers as written, strings decoded, 'true'/'false' for booleans, '' for NULL. */
  readonly text: string
  readonly position: number
}

export interface ParamNode {
  readonly kind: 'param'
  /** 1-based, as written: $1 is 1. */
  readonly number: number
  readonly position: number
}

export interface TypeNameNode {
  readonly name: string
  readonly position: number
}

export interface CastNode {
  readonly kind: 'cast'
  readonly arg: SyntaxExpr
  readonly typeName: TypeNameNode
  readonly position: number
}

export interface UnaryNode {
  readonly kind: 'unary'
  /** '~' is bitwise not (a prefix operator at the "other operator" level). */
  readonly op: '-' | '+' | 'not' | '~'
  readonly arg: SyntaxExpr
  readonly position: number
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '&'
  | '|'
  | '#'
  | '<<'
  | '>>'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or'
  | '||'
  | '@>'
  | '<@'
  | '&&'
  | 'like'
  | 'not like'
  | 'ilike'
  | 'not ilike'
  | 'is distinct from'
  | 'is not distinct from'
  | '~'
  | '~*'
  | '!~'
  | '!~*'
  | '->'
  | '->>'
  | '#>'
  | '#>>'
  | '#-'
  | '?'
  | '?|'
  | '?&'
  | '@>'
  | '<@'

export interface BinaryNode {
  readonly kind: 'binary'
  readonly op: BinaryOp
  readonly left: SyntaxExpr
  readonly right: SyntaxExpr
  readonly position: number
}

export interface IsNode {
  readonly kind: 'is'
  readonly test: 'null' | 'true' | 'false'
  readonly negated: boolean
  readonly arg: SyntaxExpr
  readonly position: number
}

export interface BetweenNode {
  readonly kind: 'between'
  readonly arg: SyntaxExpr
  readonly low: SyntaxExpr
  readonly high: SyntaxExpr
  readonly negated: boolean
  readonly position: number
}

export interface InListNode {
  readonly kind: 'in-list'
  readonly arg: SyntaxExpr
  readonly values: readonly SyntaxExpr[]
  readonly negated: boolean
  readonly position: number
}

export interface CaseNode {
  readonly kind: 'case'
  readonly operand: SyntaxExpr | null
  readonly whens: readonly { readonly when: SyntaxExpr; readonly then: SyntaxExpr }[]
  readonly otherwise: SyntaxExpr | null
  readonly position: number
}

export interface FuncNode {
  readonly kind: 'func'
  readonly name: string
  readonly args: readonly SyntaxExpr[]
  /** count(*) */
  readonly star: boolean
  readonly distinct: boolean
  readonly filter: SyntaxExpr | null
  /** OVER (...) or OVER name: a window function call. */
  readonly over?: WindowSpecNode
  /** `WITHIN GROUP (ORDER BY ...)`: an ordered-set aggregate's sorted argument. */
  readonly withinGroup?: readonly OrderItem[]
  /** An aggregate's own ORDER BY: `array_agg(x ORDER BY y)`. */
  readonly orderBy?: readonly OrderItem[]
  /** Named notation, `make_interval(days => 3)`: each argument's name, null for positional. */
  readonly argNames?: readonly (string | null)[]
  readonly position: number
}

/** One end of a window frame; `offset` for `n PRECEDING` / `n FOLLOWING`. */
export interface FrameBoundNode {
  readonly kind:
    'unbounded-preceding' | 'preceding' | 'current-row' | 'following' | 'unbounded-following'
  readonly offset: SyntaxExpr | null
  readonly position: number
}

export interface FrameNode {
  readonly mode: 'rows' | 'range' | 'groups'
  readonly start: FrameBoundNode
  readonly end: FrameBoundNode
  /** EXCLUDE CURRENT ROW / GROUP / TIES; 'no-others' when absent or EXCLUDE NO OTHERS. */
  readonly exclude: 'no-others' | 'current-row' | 'group' | 'ties'
  readonly position: number
}

/** A window specification: `OVER name` sets only `base`; `OVER (base ...)` refines a named one. */
export interface WindowSpecNode {
  readonly base: string | null
  readonly partitionBy: readonly SyntaxExpr[]
  readonly orderBy: readonly OrderItem[]
  readonly frame: FrameNode | null
  readonly position: number
}

/** `(SELECT ...)` used as a value: at most one row, exactly one column. */
export interface SubqueryExprNode {
  readonly kind: 'subquery'
  readonly query: SelectNode
  /** `ARRAY(SELECT ...)`: every row, as one array. */
  readonly array?: boolean
  readonly position: number
}

/** `EXISTS (SELECT ...)`; NOT EXISTS is a unary NOT over it. */
export interface ExistsNode {
  readonly kind: 'exists'
  readonly query: SelectNode
  readonly position: number
}

/** `arg [NOT] IN (SELECT ...)`. */
export interface InSubqueryNode {
  readonly kind: 'in-subquery'
  readonly arg: SyntaxExpr
  readonly query: SelectNode
  readonly negated: boolean
  readonly position: number
}

/**
 * A value the planner already knows, typed: what a subquery in an expression becomes once
 * it has run (planner/materialize). The parser never produces it.
 */
export interface ConstantNode {
  readonly kind: 'constant'
  readonly value: ScalarValue
  readonly type: SqlType
  /** The output column name PostgreSQL would give the replaced expression, if any. */
  readonly name: string | null
  readonly position: number
}

export type SyntaxExpr =
  | SubqueryExprNode
  | ExistsNode
  | InSubqueryNode
  | ConstantNode
  | ColumnRefNode
  | StarNode
  | LiteralNode
  | ParamNode
  | CastNode
  | UnaryNode
  | BinaryNode
  | IsNode
  | BetweenNode
  | InListNode
  | CaseNode
  | FuncNode

/** Returns the offset of the node's leftmost token (PostgreSQL's exprLocation for most nodes). */
export function leftmostPosition(node: SyntaxExpr): number {
  switch (node.kind) {
    case 'binary':
      return Math.min(node.position, leftmostPosition(node.left))
    case 'cast':
    case 'is':
    case 'between':
    case 'in-list':
    case 'in-subquery':
      return Math.min(node.position, leftmostPosition(node.arg))
    case 'subquery':
    case 'exists':
    case 'constant':
    case 'column-ref':
    case 'star':
    case 'literal':
    case 'param':
    case 'unary':
    case 'case':
    case 'func':
      return node.position
  }
}

// ---------------------------------------------------------------------------------------
// Statements.

export interface NameNode {
  readonly name: string
  readonly position: number
}

export interface SelectTarget {
  readonly expr: SyntaxExpr
  readonly alias: string | null
}

export interface OrderItem {
  readonly expr: SyntaxExpr
  readonly descending: boolean
  /** null when not written: NULLS FIRST for DESC, NULLS LAST for ASC. */
  readonly nullsFirst: boolean | null
}

/** A base table in FROM, `name [AS] alias`. */
export interface TableRefNode {
  readonly kind: 'table-ref'
  readonly table: NameNode
  readonly alias: string | null
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross'

/** `left [type] JOIN right ON ... | USING (...)`; comma lists are cross joins. */
export interface JoinNode {
  readonly kind: 'join'
  readonly joinType: JoinType
  readonly left: FromItem
  readonly right: FromItem
  readonly on: SyntaxExpr | null
  readonly using: readonly NameNode[] | null
  /** NATURAL JOIN: USING the column names both sides have (the binder finds them). */
  readonly natural?: true
  /** `(a JOIN b) AS j`: only the alias is visible from outside. */
  readonly alias: string | null
  readonly position: number
  /**
   * A materialized LATERAL subquery's link to the left item (lateral-join.ts): ANDed to the
   * condition, bound where only the left's columns are visible unqualified.
   */
  readonly lateralKeys?: SyntaxExpr
}

/** `(SELECT ...) [AS] alias [(columns)]` in FROM. */
export interface SubqueryRefNode {
  readonly kind: 'subquery-ref'
  readonly query: SelectNode
  readonly alias: string | null
  readonly columnAliases: readonly NameNode[]
  readonly position: number
  /** `LATERAL (SELECT ...)`: may read the FROM items before it (planner/materialize/lateral-join.ts). */
  readonly lateral?: true
}

/** `left UNION|INTERSECT|EXCEPT [ALL] right`; the parser wraps it as `SELECT * FROM` it. */
export interface SetOpRefNode {
  readonly kind: 'set-op'
  readonly op: 'union' | 'intersect' | 'except'
  readonly all: boolean
  readonly left: SelectNode
  readonly right: SelectNode
  readonly alias: string | null
  readonly columnAliases: readonly NameNode[]
  readonly position: number
}

/** `VALUES (...), (...)` as a FROM item (or a statement, wrapped as `SELECT * FROM` it). */
export interface ValuesRefNode {
  readonly kind: 'values'
  readonly rows: readonly (readonly SyntaxExpr[])[]
  readonly alias: string | null
  readonly columnAliases: readonly NameNode[]
  readonly position: number
}

/** A set-returning function in FROM: `generate_series(1, 3) [AS] g [(n)]`. */
export interface FunctionRefNode {
  readonly kind: 'function-ref'
  readonly name: NameNode
  readonly args: readonly SyntaxExpr[]
  readonly alias: string | null
  readonly columnAliases: readonly NameNode[]
  /** WITH ORDINALITY: a last column numbering the rows from 1. */
  readonly withOrdinality?: boolean
  readonly position: number
}

export type FromItem =
  TableRefNode | JoinNode | SubqueryRefNode | SetOpRefNode | ValuesRefNode | FunctionRefNode

/** One `name [(columns)] AS (query)` of a WITH clause. */
export interface CommonTableNode {
  readonly name: NameNode
  readonly columnAliases: readonly NameNode[]
  readonly query: SelectNode
}

export interface WithClause {
  readonly recursive: boolean
  readonly tables: readonly CommonTableNode[]
}

/**
 * One GROUP BY item when grouping sets are written: a plain expression, ROLLUP/CUBE over
 * elements (each a parenthesized list or one expression), GROUPING SETS, or a list `(a, b)` /
 * `()` inside GROUPING SETS.
 */
export type GroupingItemNode =
  | { readonly kind: 'expr'; readonly expr: SyntaxExpr }
  | {
      readonly kind: 'rollup' | 'cube'
      readonly elements: readonly (readonly SyntaxExpr[])[]
      readonly position: number
    }
  | {
      readonly kind: 'sets'
      readonly items: readonly GroupingItemNode[]
      readonly position: number
    }
  | { readonly kind: 'list'; readonly exprs: readonly SyntaxExpr[]; readonly position: number }

export interface SelectNode {
  readonly kind: 'select'
  readonly distinct: boolean
  /** DISTINCT ON (...): the first row of each group of these values (distinct is then false). */
  readonly distinctOn?: readonly SyntaxExpr[]
  readonly targets: readonly SelectTarget[]
  readonly from: FromItem | null
  readonly where: SyntaxExpr | null
  readonly groupBy: readonly SyntaxExpr[]
  /** GROUP BY with ROLLUP/CUBE/GROUPING SETS/(): every item (groupBy is then empty). */
  readonly groupingSets?: readonly GroupingItemNode[]
  /** GROUP BY DISTINCT with grouping sets: duplicate sets are dropped. */
  readonly distinctGroupingSets?: true
  readonly having: SyntaxExpr | null
  readonly orderBy: readonly OrderItem[]
  readonly limit: SyntaxExpr | null
  readonly offset: SyntaxExpr | null
  /** WINDOW name AS (...), ...; absent when not written. */
  readonly windows?: readonly { readonly name: string; readonly spec: WindowSpecNode }[]
  /** WITH ...: the common tables this query (and its subqueries) may read. */
  readonly with?: WithClause
}

/** A SELECT the planner writes itself: only `parts` set, the rest empty as the parser leaves them. */
export function selectNode(parts: Partial<Omit<SelectNode, 'kind'>>): SelectNode {
  return {
    kind: 'select',
    distinct: false,
    targets: [],
    from: null,
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    offset: null,
    ...parts,
  }
}

export interface InsertNode {
  readonly kind: 'insert'
  readonly table: NameNode
  readonly columns: readonly NameNode[] | null
  readonly source:
    { readonly kind: 'values'; readonly rows: readonly (readonly SyntaxExpr[])[] } | SelectNode
}

export interface CreateTableNode {
  readonly kind: 'create-table'
  readonly table: NameNode
  readonly columns: readonly { readonly name: NameNode; readonly typeName: TypeNameNode }[]
  readonly ifNotExists: boolean
  /** `WITH (parameter = value, ...)`: the table parameters ALTER TABLE SET takes. */
  readonly options: readonly TableOptionNode[]
  /** CREATE TABLE ... [(names)] AS query [WITH [NO] DATA]: columns then stay empty. */
  readonly as?: {
    readonly query: SelectNode
    readonly columnNames: readonly NameNode[] | null
    readonly withData: boolean
  }
}

export interface DropTableNode {
  readonly kind: 'drop-table'
  readonly tables: readonly NameNode[]
  readonly ifExists: boolean
}

/** One storage parameter of ALTER TABLE SET (name = value) or RESET (name). */
export interface TableOptionNode {
  /** Lower-case parameter name. */
  readonly name: string
  /** The value as written (strings decoded); null under RESET. */
  readonly value: string | null
  readonly position: number
}

/** ALTER TABLE [IF EXISTS] name SET (option = value, ...) | RESET (option, ...). */
export interface AlterTableNode {
  readonly kind: 'alter-table'
  readonly table: NameNode
  readonly ifExists: boolean
  readonly action: 'set' | 'reset'
  readonly options: readonly TableOptionNode[]
}

/** `ALTER TABLE t ADD [COLUMN] [IF NOT EXISTS] name type [, ADD ...]`. */
export interface AlterTableAddNode {
  readonly kind: 'alter-table-add'
  readonly table: NameNode
  readonly ifExists: boolean
  readonly columns: readonly {
    readonly name: NameNode
    readonly typeName: TypeNameNode
    readonly ifNotExists: boolean
  }[]
}

/** `TRUNCATE [TABLE] [ONLY] t [, ...] [CONTINUE IDENTITY | RESTART IDENTITY] [RESTRICT]`. */
export interface TruncateNode {
  readonly kind: 'truncate'
  readonly tables: readonly NameNode[]
}

export interface TransactionNode {
  readonly kind: 'transaction'
  readonly action: 'begin' | 'commit' | 'rollback'
}

export interface SetNode {
  readonly kind: 'set'
  readonly name: string
  /** null for SET x TO DEFAULT / RESET x. */
  readonly value: string | null
  readonly local: boolean
}

export interface ShowNode {
  readonly kind: 'show'
  readonly name: string
}

export interface EmptyNode {
  readonly kind: 'empty'
}

/** DEALLOCATE and DISCARD: drop the named prepared statements, all of them, or none. */
export interface ReleaseNode {
  readonly kind: 'release'
  /** The command tag: DEALLOCATE, DEALLOCATE ALL, DISCARD ALL, DISCARD PLANS, ... */
  readonly tag: string
  readonly statements: readonly string[] | 'all'
}

/** One COPY option as written: `(format csv, header)` or the old `CSV HEADER` words. */
export interface CopyOptionNode {
  /** Lower-case option name: format, header, delimiter, null, quote, escape, encoding, ... */
  readonly name: string
  /** The value as written (strings decoded), or null when the option has none. */
  readonly value: string | null
  readonly position: number
}

/** COPY table [(columns)] FROM STDIN, or COPY table [(columns)] | (query) TO STDOUT. */
export interface CopyNode {
  readonly kind: 'copy'
  readonly table: NameNode | null
  readonly columns: readonly NameNode[] | null
  readonly query: SelectNode | null
  readonly direction: 'from' | 'to'
  readonly options: readonly CopyOptionNode[]
}

export type StatementNode =
  | CopyNode
  | SelectNode
  | InsertNode
  | CreateTableNode
  | DropTableNode
  | AlterTableNode
  | AlterTableAddNode
  | TruncateNode
  | TransactionNode
  | SetNode
  | ShowNode
  | EmptyNode
  | ReleaseNode
