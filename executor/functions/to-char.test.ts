// to_char of numbers and zones, against outputs PostgreSQL 15 gives (also checked in
// sqllogic/functions/to_char.slt against the oracle).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatNumberToChar } from './to-char-number.js'
import { formatToChar } from './to-char.js'

test('number templates pad, sign, group and round as formatting.c', () => {
  const cases: [string | number, string, string][] = [
    ['123.45', '999.99', ' 123.45'],
    ['-5', '999', '  -5'],
    ['5', 'FM999', '5'],
    ['0.5', '9.99', '  .50'],
    ['0', '999', '   0'],
    ['1234', '999', ' ###'],
    ['12345.678', '99,999.9', ' 12,345.7'],
    ['5', 'FM999.99', '5.'],
    ['-7', '999PR', '  <7>'],
    ['7', 'S999', '  +7'],
    ['2.5', '9', ' 3'],
    [2.5, '9', ' 2'],
    [3.5, '9', ' 4'],
    ['-42', '00000', '-00042'],
  ]
  for (const [value, format, expected] of cases)
    assert.equal(formatNumberToChar(value, format), expected, `${value} ${format}`)
})

test('TZ, OF, TZH and TZM print the zone of the value', () => {
  const local = Date.UTC(2024, 6, 5, 10, 7) * 1000
  const zone = { abbreviation: 'EDT', offsetSeconds: -4 * 3600 }
  assert.equal(formatToChar(local, 'HH24:MI TZ tz OF TZH:TZM', zone), '10:07 EDT edt -04 -04:00')
  assert.equal(formatToChar(local, 'OF', { abbreviation: 'IST', offsetSeconds: 19_800 }), '+05:30')
})
