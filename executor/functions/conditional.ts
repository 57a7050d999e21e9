// coalesce, nullif, greatest, least: each row picks one argument's value (or NULL).
import { assert, pickRowsGeneric, type SqlType, type Vector } from '../../common/index.js'
import {
  makeBoolVector,
  makeNumberVector,
  makeNumericVector,
  TextVectorBuilder,
} from '../expr/vector-builders.js'
import { compareVectors } from './comparison.js'
import { argAt, type Kernel } from './kernel.js'

/** Builds a vector whose row r is row r of args[choice[r]], or NULL where choice[r] is -1. */
export function pickRows(type: SqlType, args: readonly Vector[], choice: Int32Array): Vector {
  const length = choice.length
  const first = args[0]
  assert(first !== undefined, 'picking from no arguments')
  for (const arg of args) assert(arg.kind === first.kind, 'picked arguments differ in layout')
  const validity = new Uint8Array(length)
  let anyNull = false
  for (let row = 0; row < length; row++) {
    const source = args[choice[row]!]
    const present = source !== undefined && (source.validity === null || source.validity[row] === 1)
    validity[row] = present ? 1 : 0
    if (!present) anyNull = true
  }
  const outValidity = anyNull ? validity : null
  switch (first.kind) {
    case 'bool':
    case 'number': {
      const values = first.kind === 'bool' ? new Uint8Array(length) : new Float64Array(length)
      for (let row = 0; row < length; row++) {
        const source = args[choice[row]!]
        if (source !== undefined && (source.kind === 'bool' || source.kind === 'number'))
          values[row] = source.values[row]!
      }
      return first.kind === 'bool'
        ? makeBoolVector(type, values as Uint8Array, outValidity)
        : makeNumberVector(type, values as Float64Array, outValidity)
    }
    case 'numeric': {
      const unscaled = new Array<bigint>(length).fill(0n)
      const scales = new Uint16Array(length)
      for (let row = 0; row < length; row++) {
        const source = args[choice[row]!]
        if (source === undefined || source.kind !== 'numeric') continue
        unscaled[row] = source.unscaled[row]!
        scales[row] = source.scales[row]!
      }
      return makeNumericVector(type, unscaled, scales, outValidity)
    }
    case 'text': {
      const builder = new TextVectorBuilder(type, length)
      for (let row = 0; row < length; row++) {
        const source = args[choice[row]!]
        if (source === undefined || source.kind !== 'text' || validity[row] === 0)
          builder.appendNull()
        else builder.appendBytes(source.data, source.offsets[row]!, source.offsets[row + 1]!)
      }
      return builder.finish()
    }
    case 'array':
      return pickRowsGeneric(type, args, choice)
  }
}

const coalesce: Kernel = (call) => {
  const choice = new Int32Array(call.length).fill(-1)
  call.args.forEach((arg, index) => {
    for (let row = 0; row < call.length; row++) {
      if (choice[row] === -1 && (arg.validity === null || arg.validity[row] === 1))
        choice[row] = index
    }
  })
  return pickRows(call.type, call.args, choice)
}

const nullif: Kernel = (call) => {
  const left = argAt(call, 0)
  const right = argAt(call, 1)
  const order = new Int8Array(call.length)
  compareVectors(left, right, call.length, order)
  const choice = new Int32Array(call.length)
  for (let row = 0; row < call.length; row++) {
    const rightPresent = right.validity === null || right.validity[row] === 1
    const leftPresent = left.validity === null || left.validity[row] === 1
    choice[row] = leftPresent && rightPresent && order[row] === 0 ? -1 : 0
  }
  return pickRows(call.type, [left], choice)
}

/** greatest / least: NULL arguments are ignored; NULL only when every argument is NULL. */
function extremum(sign: 1 | -1): Kernel {
  return (call) => {
    let best = argAt(call, 0)
    const order = new Int8Array(call.length)
    const choice = new Int32Array(call.length)
    for (const candidate of call.args.slice(1)) {
      compareVectors(candidate, best, call.length, order)
      for (let row = 0; row < call.length; row++) {
        const candidatePresent = candidate.validity === null || candidate.validity[row] === 1
        const bestPresent = best.validity === null || best.validity[row] === 1
        const wins = candidatePresent && (!bestPresent || order[row]! * sign > 0)
        choice[row] = wins ? 1 : 0
      }
      best = pickRows(call.type, [best, candidate], choice)
    }
    return best.type === call.type ? best : { ...best, type: call.type }
  }
}

export const conditionalKernels: Readonly<Record<string, Kernel>> = {
  coalesce,
  nullif,
  greatest: extremum(1),
  least: extremum(-1),
}
