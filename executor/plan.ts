// The physical plan: what the executor can run. The planner builds these trees; the
// executor turns them into operators (classes holding state) on the coordinator and, for
// the part below a Scan, inside piscina workers, one fragment per segment.
//
// Plans are plain data (no classes, no functions) with a literal `kind`, so they cross the
// worker boundary by structured clone. Nodes are never mutated; a rewrite returns a new tree.
//
//            coordinator                                    worker (one per segment)
//   Limit ◄─ Sort ◄─ Project ◄─ Aggregate(final) ◄── Scan ──►  read columns → filter →
//                                                             partial aggregate | project → limit
import type { Batch, Field, SqlType } from '../common/index.js'
import type { ColumnStats, TableSettingsChange } from '../storage/api.js'
import type { CopyOptions } from './copy/copy-options.js'
import type { RegNames } from './functions/reg-names.js'

/** A constant as plans carry it. numeric as its decimal text; timestamptz/timestamp as epoch
 * microseconds, date as epoch days; bytea as hex text without the \x. */
export type ScalarValue = null | boolean | number | string

// ---------------------------------------------------------------------------------------
// Expressions: evaluated a batch at a time; `type` is the resolved SQL result type.

export interface ColumnExpr {
  readonly kind: 'column'
  /** Index into the input batch's columns. */
  readonly index: number
  readonly type: SqlType
}

export interface LiteralExpr {
  readonly kind: 'literal'
  readonly value: ScalarValue
  readonly type: SqlType
}

/**
 * A scalar function or operator, named by the executor's function registry
 * (executor/functions: `add`, `eq`, `and`, `like`, `lower`, `date_trunc`, ...). The planner
 * resolves overloads against the registry's signatures and inserts casts, so the kernel
 * receives exactly the argument types of one signature.
 */
export interface CallExpr {
  readonly kind: 'call'
  readonly fn: string
  readonly args: readonly Expr[]
  readonly type: SqlType
}

/** Searched CASE; the planner rewrites `CASE x WHEN v ...` into `x = v` conditions. */
export interface CaseExpr {
  readonly kind: 'case'
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]
  readonly otherwise: Expr | null
  readonly type: SqlType
}

export interface CastExpr {
  readonly kind: 'cast'
  readonly arg: Expr
  readonly type: SqlType
}

/** `arg [NOT] IN (v1, v2, ...)` over constants: one hash probe per row instead of an OR chain. */
export interface InListExpr {
  readonly kind: 'in-list'
  readonly arg: Expr
  readonly values: readonly ScalarValue[]
  readonly negated: boolean
  readonly type: 'bool'
}

export type Expr = ColumnExpr | LiteralExpr | CallExpr | CaseExpr | CastExpr | InListExpr

// ---------------------------------------------------------------------------------------
// Aggregates follow the accumulator contract (update, state, merge, evaluate): a worker
// runs update and ships state; the coordinator merges states and evaluates.

export interface AggregateCall {
  /** Named by the executor's aggregate registry: count_star, count, sum, avg, min, max, ... */
  readonly fn: string
  readonly args: readonly Expr[]
  readonly distinct: boolean
  /** FILTER (WHERE ...): rows where it is not true are skipped. */
  readonly filter: Expr | null
  readonly type: SqlType
  /**
   * Ordered-set aggregates (percentile_cont/percentile_disc/mode WITHIN GROUP (ORDER BY x)):
   * args[0] is x; the fraction is the constant direct argument (null for mode or NULL).
   */
  readonly withinGroup?: {
    readonly fraction: number | null
    readonly descending: boolean
    /**
     * The array form (`percentile_cont(ARRAY[0.5, 0.9])`): one result element per fraction,
     * NULL for a NULL fraction; null when the array itself is NULL (the result is NULL).
     */
    readonly fractions?: readonly (number | null)[] | null
  }
  /**
   * The aggregate's own ORDER BY (array_agg(x ORDER BY y)): its keys are the arguments after
   * the aggregate's own, one direction per key.
   */
  readonly order?: readonly { readonly descending: boolean; readonly nullsFirst: boolean }[]
}

export interface SortKey {
  readonly expr: Expr
  readonly descending: boolean
  readonly nullsFirst: boolean
}

// ---------------------------------------------------------------------------------------
// Operators.

/** One committed segment, pinned by the planner when the query starts. */
export interface SegmentRef {
  readonly segmentId: string
  /** Blob key of the segment file. */
  readonly blobKey: string
  readonly rows: number
  readonly minTs: number
  readonly maxTs: number
  /** The segment's per-column statistics (SegmentMeta.columns), for pruning and metadata answers. */
  readonly columns?: readonly ColumnStats[]
}

/** How the planner narrowed a scan's segments, for EXPLAIN. */
export interface ScanPruning {
  readonly segmentsTotal: number
  readonly prunedByTime: number
  readonly prunedByStats: number
}

/**
 * A lateral unnest of the scanned rows' arrays (`FROM t, unnest(t.tags) AS u(tag)`), run in
 * the fragment after the pipeline's filter, as UnnestPlan runs it. The stages after it
 * (partialAggregate | project, limit) read its output: the passthrough scan columns, one
 * element column per array, then the ordinality when asked.
 */
export interface ScanUnnest {
  /** Scan columns repeated into the output, in this order. */
  readonly passthrough: readonly number[]
  /** Over the scan's columns; each of an array type. */
  readonly arrays: readonly Expr[]
  readonly ordinality: boolean
  readonly outer: boolean
  /** Over the unnest's output: the WHERE conjuncts that read an element or the ordinality. */
  readonly filter: Expr | null
}

/**
 * The work a worker does on one segment. Output, by shape:
 * - partialAggregate set: one row per group: the group keys, then each aggregate's state
 *   columns (see executor/aggregates), for an Aggregate(mode 'final') above to merge;
 * - else project set: the projected rows;
 * - else the scan columns themselves.
 */
export interface ScanPipeline {
  readonly filter: Expr | null
  /** Expands each filtered batch before the stages below (never with topK). */
  readonly unnest?: ScanUnnest
  readonly partialAggregate: {
    readonly groupBy: readonly Expr[]
    readonly aggregates: readonly AggregateCall[]
    readonly groupingSets?: GroupingSets
  } | null
  readonly project: readonly Expr[] | null
  /** Rows a fragment may stop after (no ORDER BY above, or a top-k below). */
  readonly limit: number | null
  /**
   * ORDER BY <scan column> LIMIT k above the scan (scan-top-k.ts): segments and batches are
   * read best-first by that column's statistics, and reading stops once k rows beat the best
   * value left unread. The output is a superset of the top k; the Sort above still orders.
   */
  readonly topK?: ScanTopK
  /**
   * A window top-N below the coordinator's PartitionTopK (over the project's output columns):
   * the fragment keeps, per partition, only the rows that can rank within the limit.
   */
  readonly partitionTopK?: PartitionTopK
  /**
   * ORDER BY ... LIMIT k over the partial aggregate's groups (partition-top-k.ts): when the
   * groups turn out to be many, each task aggregates one hash partition of the keys over every
   * segment and ships only the partial states of its best k groups.
   */
  readonly groupTopK?: GroupTopK
}

/** Partition `index` of `count`: the rows whose group keys hash there. */
export interface KeyPartition {
  readonly index: number
  readonly count: number
}

/** The select list, HAVING and ORDER BY ... LIMIT above an aggregate, run per key partition. */
export interface GroupTopK {
  /** The select list over the aggregate's output (group keys, then aggregate results). */
  readonly outputs: readonly Expr[]
  readonly having: Expr | null
  /** Sort keys over `outputs`. */
  readonly keys: readonly SortKey[]
  /** Rows needed: LIMIT + OFFSET. */
  readonly limit: number
}

/** The leading sort key of a top-k over a scan column (number-like, never NaN: a time column). */
export interface ScanTopK {
  /** Index of the key in the scan's columns. */
  readonly column: number
  readonly descending: boolean
  readonly nullsFirst: boolean
  /** Rows needed: LIMIT + OFFSET. */
  readonly limit: number
}

/**
 * Per partition, the best rows by `orderBy` that a ranking window filter keeps
 * (`rn <= k` over row_number() / rank() / dense_rank()): row_number keeps `limit` rows, rank
 * also the peers of the limit-th row, dense_rank every row of the first `limit` peer groups.
 * Every row ranked within the limit is kept, and every row ranked before a kept one.
 */
export interface PartitionTopK {
  readonly partitionBy: readonly Expr[]
  readonly orderBy: readonly SortKey[]
  readonly limit: number
  readonly fn: 'row_number' | 'rank' | 'dense_rank'
}

export interface ScanPlan {
  readonly kind: 'scan'
  readonly tenant: string
  readonly table: string
  /** Columns read from each segment, in this order; a column a segment lacks reads as NULL. */
  readonly columns: readonly Field[]
  readonly segments: readonly SegmentRef[]
  readonly pipeline: ScanPipeline
  readonly pruning?: ScanPruning
  /** The table's time column when the scan reads it: batches it prunes count as pruned by time. */
  readonly timeColumn?: string
}

export interface ValuesPlan {
  readonly kind: 'values'
  readonly fields: readonly Field[]
  /** Each row's expressions; evaluated with an empty input (constants, casts, functions). */
  readonly rows: readonly (readonly Expr[])[]
}

/** Rows the planner already holds in columnar form, e.g. a literal-only INSERT ... VALUES. */
export interface BatchesPlan {
  readonly kind: 'batches'
  readonly fields: readonly Field[]
  readonly batches: readonly Batch[]
  /** Where the rows came from, for EXPLAIN (e.g. an answer from segment metadata). */
  readonly note?: string
}

export interface FilterPlan {
  readonly kind: 'filter'
  readonly input: PhysicalPlan
  readonly predicate: Expr
}

export interface ProjectPlan {
  readonly kind: 'project'
  readonly input: PhysicalPlan
  readonly exprs: readonly Expr[]
}

/**
 * mode 'single': input is rows; groups by `groupBy` and runs the aggregates in one pass.
 * mode 'final': input is a Scan with a partialAggregate of the same groupBy/aggregates;
 * merges the partial states. Output either way: group keys, then aggregate results.
 */
export interface AggregatePlan {
  readonly kind: 'aggregate'
  readonly mode: 'single' | 'final'
  readonly input: PhysicalPlan
  readonly groupBy: readonly Expr[]
  readonly aggregates: readonly AggregateCall[]
  readonly groupingSets?: GroupingSets
}

/**
 * GROUPING SETS / ROLLUP / CUBE: each set lists the indexes of the group keys it groups by;
 * the other keys are NULL in its rows. The last groupBy expression is then not evaluated: it
 * is the grouping set's index (int4), a hidden key that keeps the sets' groups apart.
 */
export type GroupingSets = readonly (readonly number[])[]

export interface SortPlan {
  readonly kind: 'sort'
  readonly input: PhysicalPlan
  readonly keys: readonly SortKey[]
  /** When set, only the first `limit` rows are needed: a top-k heap instead of a full sort. */
  readonly limit: number | null
}

export interface LimitPlan {
  readonly kind: 'limit'
  readonly input: PhysicalPlan
  readonly limit: number | null
  readonly offset: number
}

/**
 * SELECT DISTINCT over all input columns; with `keys` (DISTINCT ON), the first row of each
 * group of those columns' values, in input order.
 */
export interface DistinctPlan {
  readonly kind: 'distinct'
  readonly input: PhysicalPlan
  readonly keys?: readonly number[]
}

/**
 * One end of a window frame; `offset` counts rows (ROWS) or peer groups (GROUPS), or for RANGE
 * is the distance in the ORDER BY column's units; over timestamps and dates the RANGE offset
 * is `interval` (months, days, microseconds) instead.
 */
export interface WindowFrameBound {
  readonly kind:
    'unbounded-preceding' | 'preceding' | 'current-row' | 'following' | 'unbounded-following'
  readonly offset: number
  readonly interval?: { readonly months: number; readonly days: number; readonly micros: number }
}

/** RANGE frames bound by peer groups (CURRENT ROW includes the row's peers). */
export interface WindowFrame {
  readonly mode: 'rows' | 'range' | 'groups'
  readonly start: WindowFrameBound
  readonly end: WindowFrameBound
  /** EXCLUDE CURRENT ROW / GROUP / TIES; absent for EXCLUDE NO OTHERS. */
  readonly exclude?: 'current-row' | 'group' | 'ties'
}

/**
 * One window function call: a ranking or value function (row_number, rank, lag, ...,
 * executor/signatures.ts WindowSignatures) or an aggregate of AggregateSignatures over the
 * frame. Every expression is over the Window node's input columns.
 */
export interface WindowCall {
  readonly fn: string
  readonly args: readonly Expr[]
  /** FILTER (WHERE ...) of a window aggregate. */
  readonly filter: Expr | null
  readonly partitionBy: readonly Expr[]
  readonly orderBy: readonly SortKey[]
  readonly frame: WindowFrame
  readonly type: SqlType
}

/**
 * Window functions over all input rows, as PostgreSQL runs them after HAVING and before
 * DISTINCT / ORDER BY / LIMIT. Output: the input columns in input order, then one column per
 * call.
 */
export interface WindowPlan {
  readonly kind: 'window'
  readonly input: PhysicalPlan
  readonly calls: readonly WindowCall[]
}

/**
 * The window top-N rewrite (planner/physical/window-top-n.ts): the input's rows reduced to
 * those a ranking window's filter can keep, in no particular order; a Window above ranks them.
 */
export interface PartitionTopKPlan {
  readonly kind: 'partition-top-k'
  readonly input: PhysicalPlan
  readonly topK: PartitionTopK
}

/**
 * Joins two inputs; output rows are the left columns, then the right ones. With keys it is a
 * hash join: the right input is the build side, `leftKeys[i] = rightKeys[i]` for every i
 * (NULL keys never match) and `residual` holds on the candidate pair. Without keys every pair
 * is a candidate (nested loop). Outer joins add unmatched rows with the other side NULL;
 * semi/anti emit the left rows that have / have no match (left columns only).
 */
export interface JoinPlan {
  readonly kind: 'join'
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti'
  readonly left: PhysicalPlan
  readonly right: PhysicalPlan
  readonly leftFields: readonly Field[]
  readonly rightFields: readonly Field[]
  /** Over the left input's columns. */
  readonly leftKeys: readonly Expr[]
  /** Over the right input's columns, each of its left key's type. */
  readonly rightKeys: readonly Expr[]
  /** Over the left columns followed by the right ones; null when the keys decide. */
  readonly residual: Expr | null
}

/**
 * Set-returning expansion of arrays (unnest in FROM or in the select list): each input row
 * repeats once per element of its longest array, arrays zipped and padded with NULLs, as
 * PostgreSQL 10+ zips several unnests. Output: the input columns, one column per array (its
 * element type), then the 1-based ordinality (int8) when asked. `outer` keeps an input row
 * whose arrays are all NULL or empty, with NULL elements (LEFT JOIN LATERAL ... ON true).
 */
export interface UnnestPlan {
  readonly kind: 'unnest'
  readonly input: PhysicalPlan
  /** Input columns repeated into the output, in this order (a column only the arrays read is not). */
  readonly passthrough: readonly number[]
  /** Over the input's columns; each of an array type. */
  readonly arrays: readonly Expr[]
  readonly ordinality: boolean
  readonly outer: boolean
}

export type PhysicalPlan =
  | UnnestPlan
  | JoinPlan
  | ScanPlan
  | ValuesPlan
  | BatchesPlan
  | FilterPlan
  | ProjectPlan
  | AggregatePlan
  | SortPlan
  | LimitPlan
  | DistinctPlan
  | WindowPlan
  | PartitionTopKPlan

// ---------------------------------------------------------------------------------------
// Statements: what one SQL statement does once planned. `query` streams rows; the others
// are run by the executor against storage and answer with a command tag.

export interface OutputField extends Field {
  /** RowDescription's table OID and column number; 0 when the column is not a table column. */
  readonly tableOid: number
  readonly columnNumber: number
}

export type ExecutableStatement =
  | {
      readonly kind: 'query'
      readonly plan: PhysicalPlan
      readonly fields: readonly OutputField[]
      /** EXPLAIN ANALYZE: run `plan`, discard its rows, answer with the annotated plan text. */
      readonly analyze?: boolean
      /** The names its reg values read and print (a statement naming a reg type). */
      readonly regNames?: RegNames
    }
  | {
      readonly kind: 'insert'
      readonly tenant: string
      readonly table: string
      /** Rows to insert, one column per `columns` entry, already cast to those types. */
      readonly source: PhysicalPlan
      readonly columns: readonly Field[]
      readonly regNames?: RegNames
    }
  | {
      readonly kind: 'create-table'
      readonly tenant: string
      readonly table: string
      readonly columns: readonly Field[]
      readonly ifNotExists: boolean
      /** CREATE TABLE ... WITH (max_columns = ..., time_field = ..., retention = ...). */
      readonly settings?: TableSettingsChange
    }
  | {
      /** CREATE TABLE ... AS: creates the table, then loads `source` into it all or nothing. */
      readonly kind: 'create-table-as'
      readonly tenant: string
      readonly table: string
      readonly columns: readonly Field[]
      readonly ifNotExists: boolean
      readonly settings?: TableSettingsChange
      /** Rows in `columns` order; null for WITH NO DATA. */
      readonly source: PhysicalPlan | null
      readonly regNames?: RegNames
    }
  | {
      /** ALTER TABLE ADD COLUMN: names the table already has were checked, or are skipped. */
      readonly kind: 'add-columns'
      readonly tenant: string
      readonly table: string
      readonly ifExists: boolean
      readonly columns: readonly Field[]
    }
  | { readonly kind: 'truncate'; readonly tenant: string; readonly tables: readonly string[] }
  | {
      readonly kind: 'drop-table'
      readonly tenant: string
      readonly tables: readonly string[]
      readonly ifExists: boolean
    }
  | {
      /** ALTER TABLE SET/RESET (retention, max_columns, time_field): null resets one. */
      readonly kind: 'alter-table'
      readonly tenant: string
      readonly table: string
      readonly ifExists: boolean
      readonly settings: TableSettingsChange
    }
  | { readonly kind: 'transaction'; readonly action: 'begin' | 'commit' | 'rollback' }
  | {
      readonly kind: 'set'
      readonly name: string
      readonly value: string | null
      readonly local: boolean
    }
  | { readonly kind: 'show'; readonly name: string }
  | {
      /** DEALLOCATE / DISCARD: the gateway drops these prepared statements (or all). */
      readonly kind: 'release'
      readonly tag: string
      readonly statements: readonly string[] | 'all'
    }
  | { readonly kind: 'empty' }
  | {
      /** COPY table [(columns)] FROM STDIN: the gateway feeds CopyData to the executor. */
      readonly kind: 'copy-from'
      readonly tenant: string
      readonly table: string
      /** The stream's columns in order (text, csv); empty for ndjson, whose fields name themselves. */
      readonly columns: readonly Field[]
      readonly options: CopyOptions
      readonly regNames?: RegNames
    }
  | {
      /** COPY table | (query) TO STDOUT: the plan's rows, written in the COPY format. */
      readonly kind: 'copy-to'
      readonly plan: PhysicalPlan
      readonly fields: readonly OutputField[]
      readonly options: CopyOptions
    }
