// executor/: runs physical plans. It owns the plan types (what it can run), the kernels over
// typed arrays (expressions, functions, casts, text output), the stateful operators (scan
// fan-out, filter, project, hash aggregate, sort and top-k, limit, distinct), the aggregate
// accumulators (update, state, merge, evaluate), and the piscina pool whose workers run one
// fragment per segment and hand back partial results as plain data in transferred buffers.
// It reads segments and commits inserts only through storage/'s interfaces. It must never
// parse SQL or resolve names (that is the planner's), never touch sockets or wire formats
// (the gateway's), never hold a JS object per row in a hot path, never let a class instance
// or an Error cross a worker boundary, and never ignore the statement's AbortSignal.
export * from './plan.js'
export * from './signatures.js'
export {
  Executor,
  InsertRowsMax,
  type ExecutionResult,
  type ExecutionSession,
  type ExecutorOptions,
} from './executor.js'
export { showSetting, applySetting } from './settings.js'
export type { EvalContext } from './expr/eval-context.js'
export { evaluate } from './expr/evaluate.js'
export { formatValueText, type TextOutputOptions } from './format/text-output.js'
export { defaultCopyOptions, type CopyFormat, type CopyOptions } from './copy/copy-options.js'
export type { CopyTransfer } from './copy/copy-transfer.js'
export { WriteTransaction } from './write-transaction.js'
export { queryWorkerBlobTraffic } from './pool/worker-pool.js'
