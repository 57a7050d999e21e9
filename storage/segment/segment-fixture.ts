// Deterministic columns for format-compatibility tests: segment files written from them by an
// older writer are kept in storage/segment/testdata/ and must keep decoding to these values.
import type { Field, Vector } from '../../common/index.js'

const encoder = new TextEncoder()

function textVector(type: 'text' | 'jsonb', values: readonly (string | null)[]): Vector {
  const parts = values.map((value) => encoder.encode(value ?? ''))
  const offsets = new Int32Array(values.length + 1)
  parts.forEach((part, row) => (offsets[row + 1] = offsets[row]! + part.length))
  const data = new Uint8Array(offsets[values.length]!)
  parts.forEach((part, row) => data.set(part, offsets[row]!))
  const validity = values.some((value) => value === null)
    ? Uint8Array.from(values, (value) => (value === null ? 0 : 1))
    : null
  return { kind: 'text', type, length: values.length, validity, offsets, data }
}

const hex = (row: number): string =>
  Array.from({ length: 4 }, (_, k) =>
    ((Math.imul(row + 1, 0x9e3779b1 + k * 0x1234567) >>> 0) + 0x100000000).toString(16).slice(1),
  ).join('')

/** `rows` rows of a log-like table: time, codes, decimals, dictionary text, hex ids, arrays. */
export function fixtureTable(rows: number): { fields: Field[]; columns: Vector[] } {
  const fields: Field[] = [
    { name: 'ts', type: 'timestamptz' },
    { name: 'status', type: 'int4' },
    { name: 'user_id', type: 'int8' },
    { name: 'duration', type: 'float8' },
    { name: 'service', type: 'text' },
    { name: 'trace_id', type: 'text' },
    { name: 'message', type: 'text' },
    { name: 'tags', type: '_text' },
    { name: 'ok', type: 'bool' },
  ]
  const ts = Float64Array.from({ length: rows }, (_, row) => 1_704_067_200_000_000 + row * 8_000)
  const status = Float64Array.from({ length: rows }, (_, row) => [200, 404, 500, 301][row % 4]!)
  const userValidity = Uint8Array.from({ length: rows }, (_, row) => (row % 3 === 0 ? 0 : 1))
  const userIds = Float64Array.from({ length: rows }, (_, row) =>
    row % 3 === 0 ? 0 : row % 7 === 0 ? -Number.MAX_SAFE_INTEGER : row * 1001,
  )
  const duration = Float64Array.from({ length: rows }, (_, row) => ((row * 7919) % 100000) / 1000)
  const services = ['web', 'api', 'db', 'cache']
  const tagOffsets = Int32Array.from({ length: rows + 1 }, (_, row) => row * 2)
  const tagValues = Array.from({ length: rows * 2 }, (_, k) => `k${k % 5}:v${k % 3}`)
  return {
    fields,
    columns: [
      { kind: 'number', type: 'timestamptz', length: rows, validity: null, values: ts },
      { kind: 'number', type: 'int4', length: rows, validity: null, values: status },
      { kind: 'number', type: 'int8', length: rows, validity: userValidity, values: userIds },
      { kind: 'number', type: 'float8', length: rows, validity: null, values: duration },
      textVector(
        'text',
        Array.from({ length: rows }, (_, row) => (row % 11 === 0 ? null : services[row % 4]!)),
      ),
      textVector(
        'text',
        Array.from({ length: rows }, (_, row) => hex(row)),
      ),
      textVector(
        'text',
        Array.from(
          { length: rows },
          (_, row) => `request ${row} took ${row % 97} ms on ${hex(row % 50)}`,
        ),
      ),
      {
        kind: 'array',
        type: '_text',
        length: rows,
        validity: null,
        offsets: tagOffsets,
        child: textVector('text', tagValues),
      } as Vector,
      {
        kind: 'bool',
        type: 'bool',
        length: rows,
        validity: null,
        values: Uint8Array.from({ length: rows }, (_, row) => row % 2),
      },
    ],
  }
}
