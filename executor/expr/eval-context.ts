/** What an expression may read besides its input batch: session settings and the statement clock. */
export interface EvalContext {
  readonly timeZone: string
  /** now(): the statement's start, epoch microseconds. */
  readonly nowMicros: number
}
