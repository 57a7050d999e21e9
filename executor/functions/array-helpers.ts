// Helpers the array kernels share (array.ts, array-search.ts): argument access, growable
// index lists and per-row integer results.
import { assert, type ArrayVector, type Vector } from '../../common/index.js'
import { makeNumberVector } from '../expr/vector-builders.js'
import { argAt, type KernelCall } from './kernel.js'

export function arrayArg(call: KernelCall, index: number): ArrayVector {
  const vector = argAt(call, index)
  assert(vector.kind === 'array', 'kernel argument is not an array vector')
  return vector
}

export const present = (vector: Vector, row: number): boolean =>
  vector.validity === null || vector.validity[row] === 1

/** Growable Int32Array for offsets and picks. */
export class IntList {
  values = new Int32Array(64)
  length = 0
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.length++] = value
  }
  finish(): Int32Array {
    return this.values.slice(0, this.length)
  }
}

/** Per-row integer results; NULL where `value` returns null. */
export function intRows(call: KernelCall, value: (row: number) => number | null): Vector {
  const out = new Float64Array(call.length)
  let validity: Uint8Array | null = null
  for (let row = 0; row < call.length; row++) {
    const v = value(row)
    if (v === null) {
      validity ??= new Uint8Array(call.length).fill(1)
      validity[row] = 0
    } else out[row] = v
  }
  return makeNumberVector(call.type, out, validity)
}

export const sizeOf = (array: ArrayVector, row: number): number =>
  array.offsets[row + 1]! - array.offsets[row]!
