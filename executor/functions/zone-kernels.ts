// Kernels that take a time zone as an argument: AT TIME ZONE (timezone(zone, ts)) and
// date_trunc(unit, timestamptz, zone). The zone is read by zone-spec.ts, once per batch when
// it is a constant.
import { PgError, SqlState } from '../../common/index.js'
import { makeNumberVector, textAt } from '../expr/vector-builders.js'
import { localToUtcMicros, microsPerSecond, zoneOffsetSeconds } from '../format/time-zone.js'
import { decodeIntervals } from '../interval/interval-layout.js'
import {
  argAt,
  combineValidity,
  numberArg,
  textArg,
  type Kernel,
  type KernelCall,
} from './kernel.js'
import { parseUnit, truncateLocalMicros, truncateTimestamptz } from './time.js'
import { resolveZone, type ZoneSpec } from './zone-spec.js'

/** Reads argument `index` as zones, resolving each distinct text once. */
function zoneReader(call: KernelCall, index: number): (row: number) => ZoneSpec {
  const zones = argAt(call, index)
  if (zones.type === 'interval') {
    const intervals = decodeIntervals(textArg(call, index))
    return (row) => {
      if (intervals.months[row] !== 0 || intervals.days[row] !== 0) {
        throw new PgError({
          code: SqlState.invalidParameterValue,
          message: `interval time zone "${textAt(textArg(call, index), row)}" must not include months or days`,
        })
      }
      return { offsetSeconds: intervals.micros[row]! / microsPerSecond }
    }
  }
  const texts = textArg(call, index)
  let cachedText: string | null = null
  let cachedZone: ZoneSpec = { offsetSeconds: 0 }
  return (row) => {
    const text = textAt(texts, row)
    if (text !== cachedText) {
      cachedZone = resolveZone(text)
      cachedText = text
    }
    return cachedZone
  }
}

/**
 * timezone(zone, ts): timestamptz AT TIME ZONE z is the wall clock in z (a timestamp);
 * timestamp AT TIME ZONE z reads the wall clock as z's (a timestamptz). The zone is a name,
 * an abbreviation-free POSIX offset ('+05' is five hours west) or an interval (east).
 */
const atTimeZone: Kernel = (call) => {
  const zoneAt = zoneReader(call, 0)
  const times = numberArg(call, 1)
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const value = times.values[row]!
    if (!Number.isFinite(value)) {
      out[row] = value
      continue
    }
    const zone = zoneAt(row)
    if (times.type === 'timestamptz') {
      const offset = 'name' in zone ? zoneOffsetSeconds(zone.name, value) : zone.offsetSeconds
      out[row] = value + offset * microsPerSecond
    } else {
      out[row] =
        'name' in zone
          ? localToUtcMicros(zone.name, value)
          : value - zone.offsetSeconds * microsPerSecond
    }
  }
  return makeNumberVector(call.type, out, validity)
}

/** date_trunc(unit, timestamptz, zone): truncates the wall clock in `zone`, not the session's. */
export const dateTruncInZone: Kernel = (call) => {
  const units = textArg(call, 0)
  const times = numberArg(call, 1)
  const zoneAt = zoneReader(call, 2)
  const { length } = call
  const validity = combineValidity(length, ...call.args)
  const out = new Float64Array(length)
  for (let row = 0; row < length; row++) {
    if (validity !== null && validity[row] === 0) continue
    const unit = parseUnit(textAt(units, row))
    const value = times.values[row]!
    const zone = zoneAt(row)
    if (!Number.isFinite(value)) out[row] = value
    else if ('name' in zone) out[row] = truncateTimestamptz(value, unit, zone.name)
    else {
      const offset = zone.offsetSeconds * microsPerSecond
      out[row] = truncateLocalMicros(value + offset, unit) - offset
    }
  }
  return makeNumberVector(call.type, out, validity)
}

export const zoneKernels: Readonly<Record<string, Kernel>> = {
  timezone: atTimeZone,
}
