// The scalar function registry: one kernel per entry of executor/signatures.ts's
// ScalarSignatures. registry.test.ts checks that the two name sets are equal.
import { arithmeticKernels } from './arithmetic.js'
import { arrayKernels } from './array.js'
import { catalogKernels } from './catalog.js'
import { comparisonKernels } from './comparison.js'
import { conditionalKernels } from './conditional.js'
import { datetimeKernels } from './datetime.js'
import { intervalKernels } from './interval-kernels.js'
import { toCharKernels } from './to-char.js'
import { zoneKernels } from './zone-kernels.js'
import { jsonbKernels } from './jsonb-kernels.js'
import { jsonbSetKernels } from './jsonb-set-kernels.js'
import type { Kernel } from './kernel.js'
import { likeKernels } from './like.js'
import { logicKernels } from './logic.js'
import { mathKernels } from './math.js'
import { integerMathKernels } from './integer-math.js'
import { trigKernels } from './trig.js'
import { textExtraKernels } from './text-extra.js'
import { regexExtraKernels } from './regex-extra.js'
import { byteaKernels } from './bytea.js'
import { jsonExtraKernels } from './json-extra.js'
import { nullCountKernels } from './null-count.js'
import { regexKernels } from './regex.js'
import { sessionKernels } from './session.js'
import { quoteKernels } from './quote.js'
import { sizeKernels } from './size.js'
import { stringAggJoinKernels } from './string-agg-join.js'
import { stringKernels } from './string.js'
import { textKernels } from './text.js'
import { timeKernels } from './time.js'
import { clockKernels } from './clock.js'
import { makeTimeKernels } from './make-time.js'
import { toTimestampKernels } from './to-timestamp.js'
import { ddsketchKernels } from '../sketch/ddsketch-functions.js'

export type { Kernel, KernelCall } from './kernel.js'

export const scalarKernels: Readonly<Record<string, Kernel>> = {
  ...arithmeticKernels,
  ...comparisonKernels,
  ...logicKernels,
  ...textKernels,
  ...likeKernels,
  ...conditionalKernels,
  ...timeKernels,
  ...clockKernels,
  ...makeTimeKernels,
  ...stringKernels,
  ...quoteKernels,
  ...sizeKernels,
  ...stringAggJoinKernels,
  ...regexKernels,
  ...textExtraKernels,
  ...regexExtraKernels,
  ...byteaKernels,
  ...jsonExtraKernels,
  ...nullCountKernels,
  ...mathKernels,
  ...trigKernels,
  ...integerMathKernels,
  ...datetimeKernels,
  ...intervalKernels,
  ...toTimestampKernels,
  ...toCharKernels,
  ...zoneKernels,
  ...jsonbKernels,
  ...jsonbSetKernels,
  ...sessionKernels,
  ...catalogKernels,
  ...ddsketchKernels,
  ...arrayKernels,
}
