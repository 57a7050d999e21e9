// The kernel contract: one function per registry name, called once per batch with the
// evaluated argument vectors. Kernels are monomorphic loops over typed arrays.
import {
  assert,
  type BoolVector,
  type NumberVector,
  type NumericVector,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import type { EvalContext } from '../expr/eval-context.js'

export interface KernelCall {
  readonly args: readonly Vector[]
  /** True where the argument is a literal, so a kernel can prepare it once (a LIKE pattern). */
  readonly constantArgs: readonly boolean[]
  /** The resolved result type of the call. */
  readonly type: SqlType
  /** Rows in the batch (zero-argument functions such as now() need it). */
  readonly length: number
  readonly ctx: EvalContext
}

export type Kernel = (call: KernelCall) => Vector

/** Validity of a row-wise combination: present only where every input is present. */
export function combineValidity(length: number, ...vectors: readonly Vector[]): Uint8Array | null {
  let out: Uint8Array | null = null
  for (const vector of vectors) {
    const validity = vector.validity
    if (validity === null) continue
    if (out === null) {
      out = validity.slice(0, length)
      continue
    }
    for (let row = 0; row < length; row++) out[row] = out[row]! & validity[row]!
  }
  return out
}

/** Returns argument `index`, asserting the planner passed it. */
export function argAt(call: KernelCall, index: number): Vector {
  const vector = call.args[index]
  assert(vector !== undefined, 'kernel argument missing')
  return vector
}

export function numberArg(call: KernelCall, index: number): NumberVector {
  const vector = argAt(call, index)
  assert(vector.kind === 'number', 'kernel argument is not a number vector')
  return vector
}

export function numericArg(call: KernelCall, index: number): NumericVector {
  const vector = argAt(call, index)
  assert(vector.kind === 'numeric', 'kernel argument is not a numeric vector')
  return vector
}

export function textArg(call: KernelCall, index: number): TextVector {
  const vector = argAt(call, index)
  assert(vector.kind === 'text', 'kernel argument is not a text vector')
  return vector
}

export function boolArg(call: KernelCall, index: number): BoolVector {
  const vector = argAt(call, index)
  assert(vector.kind === 'bool', 'kernel argument is not a bool vector')
  return vector
}
