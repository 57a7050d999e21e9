// Bind parameter values into the executor's ScalarValue. Text-format values pass through as
// strings: the engine reads them with the parameter type's input function. Binary ones are
// decoded here by the parameter's type, into the same in-memory conventions vectors use
// (common/vector.ts): integers and floats as numbers, timestamps as microseconds since
// 1970-01-01 UTC, dates as days since then. Wire formats are PostgreSQL's send/recv functions
// (src/backend/utils/adt/*.c): big-endian, times counted from 2000-01-01.
import type { ArraySqlType, SqlType } from '../../common/index.js'
import { PgError, SqlState, elementTypeOf, isArrayType, notSupported } from '../../common/index.js'
import {
  formatArrayElements,
  multidimensionalNotSupported,
} from '../../executor/format/array-text.js'
import { formatScalarText } from '../../executor/format/text-output.js'
import type { ScalarValue } from '../../executor/plan.js'
import { formatInterval } from '../../executor/interval/interval-text.js'
import type { FormatCode } from '../protocol/frontend-messages.js'

/** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch. */
export const postgresEpochMicroseconds = 946_684_800_000_000
/** Days from 1970-01-01 to 2000-01-01. */
export const postgresEpochDays = 10_957

const int64Max = 0x7fffffffffffffffn
const int64Min = -0x8000000000000000n

function badBinary(type: SqlType): PgError {
  return new PgError({
    code: SqlState.invalidBinaryRepresentation,
    message: `incorrect binary data format in bind parameter of type ${type}`,
  })
}

function expectLength(bytes: Buffer, length: number, type: SqlType): void {
  if (bytes.length !== length) throw badBinary(type)
}

/** Decodes one Bind parameter: NULL stays null, text stays text, binary is read by `type`. */
export function decodeParameter(
  type: SqlType,
  format: FormatCode,
  bytes: Buffer | null,
): ScalarValue {
  if (bytes === null) return null
  if (format === 0) return bytes.toString('utf8')
  return decodeBinaryParameter(type, bytes)
}

/** Reads a binary-format value of `type`. Throws 22P03 on a wrong length, 0A000 on types without one. */
export function decodeBinaryParameter(type: SqlType, bytes: Buffer): ScalarValue {
  if (isArrayType(type)) return decodeBinaryArray(type, bytes)
  switch (type) {
    case 'bool':
      expectLength(bytes, 1, type)
      return bytes[0] !== 0
    case 'int2':
      expectLength(bytes, 2, type)
      return bytes.readInt16BE(0)
    case 'int4':
      expectLength(bytes, 4, type)
      return bytes.readInt32BE(0)
    case 'oid':
    case 'regproc':
    case 'regprocedure':
    case 'regoper':
    case 'regoperator':
    case 'regclass':
    case 'regtype':
    case 'regnamespace':
    case 'regrole':
    case 'xid':
      expectLength(bytes, 4, type)
      return bytes.readUInt32BE(0)
    case 'int8':
      return readInt64(bytes, type)
    case 'float4':
      expectLength(bytes, 4, type)
      return bytes.readFloatBE(0)
    case 'float8':
      expectLength(bytes, 8, type)
      return bytes.readDoubleBE(0)
    case 'timestamptz':
    case 'timestamp': {
      expectLength(bytes, 8, type)
      const micros = bytes.readBigInt64BE(0)
      if (micros === int64Max) return Infinity
      if (micros === int64Min) return -Infinity
      return Number(micros) + postgresEpochMicroseconds
    }
    case 'date': {
      expectLength(bytes, 4, type)
      const days = bytes.readInt32BE(0)
      if (days === 0x7fffffff) return Infinity
      if (days === -0x80000000) return -Infinity
      return days + postgresEpochDays
    }
    case 'numeric':
      return decodeNumeric(bytes)
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'json':
    case 'unknown':
      return bytes.toString('utf8')
    case 'jsonb':
      if (bytes[0] !== 1) throw badBinary(type)
      return bytes.toString('utf8', 1)
    case 'bytea':
      // ScalarValue has no byte type: hand the engine bytea's text form, as a text parameter would.
      return `\\x${bytes.toString('hex')}`
    case 'char':
      // charrecv: one byte; the zero byte is the empty value.
      expectLength(bytes, 1, type)
      return bytes[0] === 0 ? '' : String.fromCharCode(bytes[0]!)
    case 'pg_node_tree':
    case 'aclitem':
      throw notSupported(`binary ${type} parameters`)
    case 'ddsketch':
      // The protobuf bytes, handed on as the base64 text the ddsketch input function reads.
      return bytes.toString('base64')
    case 'interval': {
      // interval_recv: int64 microseconds, int32 days, int32 months; the engine reads its text.
      expectLength(bytes, 16, type)
      const micros = readInt64(bytes.subarray(0, 8), 'int8')
      return formatInterval({ micros, days: bytes.readInt32BE(8), months: bytes.readInt32BE(12) })
    }
  }
}

/**
 * array_recv for one-dimensional arrays, into the array's text (how plans carry array
 * constants); elements are read by their own receive functions.
 */
function decodeBinaryArray(type: ArraySqlType, bytes: Buffer): ScalarValue {
  const element = elementTypeOf(type)
  if (bytes.length < 12) throw badBinary(type)
  const dimensions = bytes.readInt32BE(0)
  if (dimensions > 1) throw multidimensionalNotSupported()
  if (dimensions < 0 || (bytes.readInt32BE(4) & ~1) !== 0) throw badBinary(type)
  if (dimensions === 0) return '{}'
  if (bytes.length < 20) throw badBinary(type)
  const count = bytes.readInt32BE(12)
  if (bytes.readInt32BE(16) !== 1) throw notSupported('array lower bounds other than 1')
  const texts: (string | null)[] = []
  let at = 20
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw badBinary(type)
    const length = bytes.readInt32BE(at)
    at += 4
    if (length < 0) {
      texts.push(null)
      continue
    }
    if (at + length > bytes.length) throw badBinary(type)
    const value = decodeBinaryParameter(element, bytes.subarray(at, at + length))
    at += length
    texts.push(
      element === 'bytea' ? String(value) : formatScalarText(value, element, { timeZone: 'UTC' }),
    )
  }
  if (at !== bytes.length) throw badBinary(type)
  return formatArrayElements(texts)
}

function readInt64(bytes: Buffer, type: SqlType): number {
  expectLength(bytes, 8, type)
  const value = bytes.readBigInt64BE(0)
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new PgError({
      code: SqlState.numericValueOutOfRange,
      message: `bigint parameter ${value} is out of the range Malamute holds exactly`,
      detail: 'Malamute holds integers exactly within ±2^53.',
    })
  }
  return Number(value)
}

const numericPositive = 0x0000
const numericNegative = 0x4000
const numericNaN = 0xc000
const numericPositiveInfinity = 0xd000
const numericNegativeInfinity = 0xf000

/** Reads numeric's binary form (base-10000 digits, weight, sign, display scale) into its text. */
export function decodeNumeric(bytes: Buffer): string {
  if (bytes.length < 8) throw badBinary('numeric')
  const digitCount = bytes.readUInt16BE(0)
  const weight = bytes.readInt16BE(2)
  const sign = bytes.readUInt16BE(4)
  const displayScale = bytes.readUInt16BE(6)
  if (bytes.length !== 8 + digitCount * 2) throw badBinary('numeric')
  if (sign === numericNaN) return 'NaN'
  if (sign === numericPositiveInfinity) return 'Infinity'
  if (sign === numericNegativeInfinity) return '-Infinity'
  if (sign !== numericPositive && sign !== numericNegative) throw badBinary('numeric')
  const digits: string[] = []
  for (let i = 0; i < digitCount; i++) {
    const digit = bytes.readUInt16BE(8 + i * 2)
    if (digit > 9999) throw badBinary('numeric')
    digits.push(String(digit).padStart(4, '0'))
  }
  let integer = ''
  for (let group = 0; group <= weight; group++) integer += digits[group] ?? '0000'
  integer = integer.replace(/^0+/, '') || '0'
  let fraction = ''
  for (let group = weight + 1; fraction.length < displayScale; group++) {
    fraction += group < 0 ? '0000' : (digits[group] ?? '0000')
  }
  fraction = fraction.slice(0, displayScale)
  const magnitude = displayScale > 0 ? `${integer}.${fraction}` : integer
  return sign === numericNegative && /[1-9]/.test(magnitude) ? `-${magnitude}` : magnitude
}
