// Intervals: PostgreSQL's text forms both ways, span ordering, the arithmetic's cascades, and
// a round trip of packed interval columns through a real segment file.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DirectoryBlobStore, encodeSegment, openSegmentReader } from '../../storage/index.js'
import {
  compareIntervalBytes,
  decodeIntervals,
  encodeIntervals,
  intervalBytes,
  intervalSpanCompare,
  type IntervalValue,
} from './interval-layout.js'
import { formatInterval, parseInterval } from './interval-text.js'
import { ageOf, justifyInterval, scaleInterval, timestampDifference } from './interval-math.js'

const value = (months: number, days: number, micros: number): IntervalValue => ({
  months,
  days,
  micros,
})

test('interval output is IntervalStyle postgres', () => {
  assert.equal(formatInterval(value(0, 1, 7_384_000_000)), '1 day 02:03:04')
  assert.equal(formatInterval(value(0, 0, -1_000_000)), '-00:00:01')
  assert.equal(formatInterval(value(14, 0, 0)), '1 year 2 mons')
  assert.equal(formatInterval(value(0, 0, 500_000)), '00:00:00.5')
  assert.equal(formatInterval(value(0, 0, 0)), '00:00:00')
  assert.equal(formatInterval(value(0, -1, 7_200_000_000)), '-1 days +02:00:00')
  assert.equal(formatInterval(value(-14, 0, 0)), '-1 years -2 mons')
  assert.equal(formatInterval(value(0, 0, 360_000_000_000)), '100:00:00')
})

test('interval input reads units, clocks, fractions, ago and ISO 8601', () => {
  assert.deepEqual(parseInterval('1 day 02:03:04'), value(0, 1, 7_384_000_000))
  assert.deepEqual(parseInterval('@ 1 min ago'), value(0, 0, -60_000_000))
  assert.deepEqual(parseInterval('1.5 months'), value(1, 15, 0))
  assert.deepEqual(parseInterval('1.05 years'), value(13, 0, 0))
  assert.deepEqual(parseInterval('5'), value(0, 0, 5_000_000))
  assert.deepEqual(parseInterval('P1Y2M3DT4H'), value(14, 3, 14_400_000_000))
  assert.throws(() => parseInterval('banana'), { code: '22007' })
  for (const text of ['1 day -01:00:00', '-1 days +02:00:00', '3 years 1 mon 00:00:00.25'])
    assert.equal(formatInterval(parseInterval(text)), text)
})

test('intervals order by span with 30-day months and 24-hour days', () => {
  assert.equal(intervalSpanCompare(value(1, 0, 0), value(0, 30, 0)), 0)
  assert.equal(intervalSpanCompare(value(0, 1, 0), value(0, 0, 86_400_000_000)), 0)
  assert.equal(intervalSpanCompare(value(0, 0, -1), value(0, 0, 0)), -1)
  assert.equal(intervalSpanCompare(value(0, 2, -1), value(0, 1, 86_400_000_000)), -1)
  const a = intervalBytes(value(12, 0, 0))
  const b = intervalBytes(value(0, 360, 1))
  assert.equal(compareIntervalBytes(a, 0, 16, b, 0, 16), -1)
  assert.equal(compareIntervalBytes(b, 0, 16, a, 0, 16), 1)
})

test('arithmetic cascades as interval_mul, timestamp_mi and timestamp_age do', () => {
  assert.equal(formatInterval(scaleInterval(value(1, 0, 0), 1.5, false)), '1 mon 15 days')
  assert.equal(formatInterval(scaleInterval(value(0, 1, 0), 3, true)), '08:00:00')
  assert.equal(formatInterval(scaleInterval(value(1, 0, 0), 7, true)), '4 days 06:51:25.6896')
  assert.throws(() => scaleInterval(value(0, 1, 0), 0, true), { code: '22012' })
  assert.equal(formatInterval(timestampDifference(2 * 86_400e6 + 1, 0)), '2 days 00:00:00.000001')
  assert.equal(formatInterval(justifyInterval(value(1, 0, -3_600_000_000))), '29 days 23:00:00')
  const day = 86_400_000_000
  const mar1 = 19_783 * day // 2024-03-01
  const feb15 = 19_768 * day // 2024-02-15
  assert.equal(formatInterval(ageOf(mar1, feb15)), '15 days')
  assert.equal(formatInterval(ageOf(feb15, mar1)), '-15 days')
})

test('interval columns round-trip through a segment file', async () => {
  const rows = 20_000
  const months = new Int32Array(rows)
  const days = new Int32Array(rows)
  const micros = new Float64Array(rows)
  const validity = new Uint8Array(rows).fill(1)
  for (let row = 0; row < rows; row++) {
    months[row] = ((row * 7919) % 2401) - 1200
    days[row] = ((row * 104_729) % 20_001) - 10_000
    micros[row] = ((row * 1_299_709) % 1e9) * 1e6 - 5e14 + (row % 1_000_000)
    if (row % 17 === 0) validity[row] = 0
  }
  const column = encodeIntervals('interval', months, days, micros, validity)
  const { bytes } = encodeSegment([{ name: 'd', type: 'interval' }], [column])
  const blobs = new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-interval-')))
  await blobs.put('seg/intervals', bytes)
  const reader = await openSegmentReader(blobs, 'seg/intervals')
  let offset = 0
  for (let batch = 0; batch < reader.batchCount; batch++) {
    const vector = await reader.readColumn(batch, 'd', 'interval')
    assert.equal(vector.kind, 'text')
    if (vector.kind !== 'text') return
    const decoded = decodeIntervals(vector)
    for (let row = 0; row < vector.length; row++) {
      const source = offset + row
      assert.equal(vector.validity?.[row] ?? 1, validity[source], `validity of row ${source}`)
      if (validity[source] === 0) continue
      assert.equal(decoded.months[row], months[source])
      assert.equal(decoded.days[row], days[source])
      assert.equal(decoded.micros[row], micros[source])
    }
    offset += vector.length
  }
  assert.equal(offset, rows)
})

test('values written as text before intervals were packed still read', () => {
  const encoder = new TextEncoder()
  for (const text of ['1 day 02:03:04.5', '2 hours', '-1 mon 3 days 00:00:01']) {
    const bytes = encoder.encode(text)
    const vector = {
      kind: 'text' as const,
      type: 'interval' as const,
      length: 1,
      validity: null,
      offsets: Int32Array.from([0, bytes.length]),
      data: bytes,
    }
    const decoded = decodeIntervals(vector)
    assert.equal(
      formatInterval(value(decoded.months[0]!, decoded.days[0]!, decoded.micros[0]!)),
      formatInterval(parseInterval(text)),
    )
  }
  const packed = intervalBytes(value(-5, -40, -1))
  assert.equal(compareIntervalBytes(packed, 0, 16, packed, 0, 16), 0)
})
