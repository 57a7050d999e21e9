/**
 * Programmer mistakes are assertions, not PgErrors: a failed assert ends the query with
 * XX000 (internal_error) and the stack is logged. One condition per assert.
 */
export class AssertionError extends Error {
  constructor(why: string) {
    super(`assertion failed: ${why}`)
    this.name = 'AssertionError'
  }
}

export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new AssertionError(why)
}

/** Ends an exhaustive switch: a new union member fails compilation wherever it is not handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`)
}
