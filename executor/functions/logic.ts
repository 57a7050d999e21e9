// Three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE, NOT NULL is NULL; the
// IS [NOT] NULL / TRUE / FALSE tests never yield NULL.
import { makeBoolVector } from '../expr/vector-builders.js'
import { argAt, boolArg, type Kernel } from './kernel.js'

/** AND / OR over two bool vectors; `dominant` is the value that decides alone (0 for AND). */
function connective(dominant: 0 | 1): Kernel {
  return (call) => {
    const left = boolArg(call, 0)
    const right = boolArg(call, 1)
    const { length } = call
    const out = new Uint8Array(length)
    if (left.validity === null && right.validity === null) {
      for (let row = 0; row < length; row++) {
        out[row] =
          dominant === 0
            ? left.values[row]! & right.values[row]!
            : left.values[row]! | right.values[row]!
      }
      return makeBoolVector('bool', out, null)
    }
    const validity = new Uint8Array(length)
    for (let row = 0; row < length; row++) {
      const leftPresent = left.validity === null || left.validity[row] === 1
      const rightPresent = right.validity === null || right.validity[row] === 1
      const leftDecides = leftPresent && left.values[row] === dominant
      const rightDecides = rightPresent && right.values[row] === dominant
      if (leftDecides || rightDecides) {
        out[row] = dominant
        validity[row] = 1
      } else if (leftPresent && rightPresent) {
        out[row] = 1 - dominant
        validity[row] = 1
      }
    }
    return makeBoolVector('bool', out, validity)
  }
}

const not: Kernel = (call) => {
  const arg = boolArg(call, 0)
  const out = new Uint8Array(call.length)
  for (let row = 0; row < call.length; row++) out[row] = 1 - arg.values[row]!
  return makeBoolVector('bool', out, arg.validity)
}

function nullTest(wantNull: boolean): Kernel {
  return (call) => {
    const arg = argAt(call, 0)
    const out = new Uint8Array(call.length)
    const validity = arg.validity
    if (validity === null) out.fill(wantNull ? 0 : 1)
    else
      for (let row = 0; row < call.length; row++)
        out[row] = (validity[row] === 0) === wantNull ? 1 : 0
    return makeBoolVector('bool', out, null)
  }
}

/** IS TRUE / IS FALSE (negated: IS NOT TRUE / IS NOT FALSE): NULL counts as neither. */
function truthTest(wanted: 0 | 1, negated: boolean): Kernel {
  return (call) => {
    const arg = boolArg(call, 0)
    const out = new Uint8Array(call.length)
    for (let row = 0; row < call.length; row++) {
      const present = arg.validity === null || arg.validity[row] === 1
      const holds = present && arg.values[row] === wanted
      out[row] = holds === negated ? 0 : 1
    }
    return makeBoolVector('bool', out, null)
  }
}

export const logicKernels: Readonly<Record<string, Kernel>> = {
  and: connective(0),
  or: connective(1),
  not,
  is_null: nullTest(true),
  is_not_null: nullTest(false),
  is_true: truthTest(1, false),
  is_not_true: truthTest(1, true),
  is_false: truthTest(0, false),
  is_not_false: truthTest(0, true),
}
