// The scalar function registry: one kernel per entry of executor/signatures.ts's
// ScalarSignatures. registry.test.ts checks that the two name sets are equal.
import { arithmeticKernels } from './arithmetic.js'
import { comparisonKernels } from './comparison.js'
import { conditionalKernels } from './conditional.js'
import type { Kernel } from './kernel.js'
import { likeKernels } from './like.js'
import { logicKernels } from './logic.js'
import { textKernels } from './text.js'
import { timeKernels } from './time.js'

export type { Kernel, KernelCall } from './kernel.js'

export const scalarKernels: Readonly<Record<string, Kernel>> = {
  ...arithmeticKernels,
  ...comparisonKernels,
  ...logicKernels,
  ...textKernels,
  ...likeKernels,
  ...conditionalKernels,
  ...timeKernels,
}
