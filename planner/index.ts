// planner/: SQL text in, executable statements out. It lexes and parses the statement (its
// own recursive-descent parser over PostgreSQL's grammar for the subset we run), binds names
// and types against the catalog as PostgreSQL's parse analysis does, runs the optimizer rules
// (time-range pruning, predicate and projection pushdown, partial/final aggregate split,
// limit pushdown) and cuts the physical plan of executor/plan.ts. It must never read
// segment bytes or run expressions: constants are read by type, everything else is the
// executor's; and every error a user can cause leaves as a PgError with PostgreSQL's code,
// message and 1-based position.
export { splitStatements, type ParsedStatement } from './sql/split.js'
export { tokenize, type Token } from './sql/lexer.js'
export {
  describeStatement,
  planStatement,
  type PlannerContext,
  type StatementDescription,
} from './planner.js'
