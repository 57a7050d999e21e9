// bytea input (byteain: \x hex or the escape format), encode/decode (hex, base64, escape, as
// PostgreSQL's encode.c writes and checks them) and the SHA-2 digests sha224 … sha512.
// bytea vectors hold the raw bytes in the text layout.
import { createHash } from 'node:crypto'
import { PgError, SqlState, type TextVector, type Vector } from '../../common/index.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import { textArg, type Kernel, type KernelCall } from './kernel.js'
import { stringReader, strictValidity, textRows } from './row-values.js'

const utf8 = new TextEncoder()

function invalidParameter(message: string, hint?: string): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message,
    ...(hint === undefined ? {} : { hint }),
  })
}

const isSpace = (c: string): boolean => c === ' ' || c === '\n' || c === '\t' || c === '\r'

/** hex_decode: pairs of hex digits, whitespace allowed between pairs. */
function hexDecode(text: string, from: number): Uint8Array {
  const out: number[] = []
  let i = from
  while (i < text.length) {
    if (isSpace(text[i]!)) {
      i++
      continue
    }
    const high = parseInt(text[i]!, 16)
    if (Number.isNaN(high)) throw invalidParameter(`invalid hexadecimal digit: "${text[i]}"`)
    if (i + 1 >= text.length)
      throw invalidParameter('invalid hexadecimal data: odd number of digits')
    const low = parseInt(text[i + 1]!, 16)
    if (Number.isNaN(low)) throw invalidParameter(`invalid hexadecimal digit: "${text[i + 1]}"`)
    out.push(high * 16 + low)
    i += 2
  }
  return Uint8Array.from(out)
}

function invalidBytea(): PgError {
  return new PgError({
    code: SqlState.invalidTextRepresentation,
    message: 'invalid input syntax for type bytea',
  })
}

/** The escape format: \\ is a backslash, \ooo an octal byte, anything else itself in UTF-8. */
function escapeDecode(text: string): Uint8Array {
  const bytes = utf8.encode(text)
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b !== 0x5c) {
      out.push(b)
      continue
    }
    const next = bytes[i + 1]
    if (next === 0x5c) {
      out.push(0x5c)
      i++
      continue
    }
    const [d1, d2, d3] = [bytes[i + 1], bytes[i + 2], bytes[i + 3]]
    const octal = (d: number | undefined, max: number): boolean =>
      d !== undefined && d >= 0x30 && d <= max
    if (!octal(d1, 0x33) || !octal(d2, 0x37) || !octal(d3, 0x37)) throw invalidBytea()
    out.push((d1! - 0x30) * 64 + (d2! - 0x30) * 8 + (d3! - 0x30))
    i += 3
  }
  return Uint8Array.from(out)
}

/** byteain: the bytes a bytea literal stands for. */
export function parseByteaText(text: string): Uint8Array {
  if (text.startsWith('\\x')) return hexDecode(text, 2)
  return escapeDecode(text)
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** pg_base64_encode: a newline after every 76 output characters. */
function base64Encode(bytes: Uint8Array): string {
  let out = ''
  let lineEnd = 76
  let buf = 0
  let pos = 2
  for (const b of bytes) {
    buf |= b << (pos * 8)
    pos--
    if (pos < 0) {
      out += base64Alphabet[(buf >> 18) & 63]! + base64Alphabet[(buf >> 12) & 63]!
      out += base64Alphabet[(buf >> 6) & 63]! + base64Alphabet[buf & 63]!
      pos = 2
      buf = 0
    }
    if (out.length >= lineEnd) {
      out += '\n'
      lineEnd = out.length + 76
    }
  }
  if (pos !== 2) {
    out += base64Alphabet[(buf >> 18) & 63]! + base64Alphabet[(buf >> 12) & 63]!
    out += pos === 0 ? base64Alphabet[(buf >> 6) & 63]! : '='
    out += '='
  }
  return out
}

/** pg_base64_decode, with its errors. */
function base64Decode(text: string): Uint8Array {
  const out: number[] = []
  let buf = 0
  let pos = 0
  let end = 0
  for (const c of text) {
    if (isSpace(c)) continue
    let b = 0
    if (c === '=') {
      if (end === 0) {
        if (pos === 2) end = 1
        else if (pos === 3) end = 2
        else throw invalidParameter('unexpected "=" while decoding base64 sequence')
      }
    } else {
      b = base64Alphabet.indexOf(c)
      if (b < 0 || c.length !== 1)
        throw invalidParameter(`invalid symbol "${c}" found while decoding base64 sequence`)
    }
    buf = (buf << 6) + b
    pos++
    if (pos === 4) {
      out.push((buf >> 16) & 255)
      if (end === 0 || end > 1) out.push((buf >> 8) & 255)
      if (end === 0 || end > 2) out.push(buf & 255)
      buf = 0
      pos = 0
    }
  }
  if (pos !== 0) {
    throw invalidParameter(
      'invalid base64 end sequence',
      'Input data is missing padding, is truncated, or is otherwise corrupted.',
    )
  }
  return Uint8Array.from(out)
}

/** esc_encode: NUL and high-bit bytes as \ooo, a backslash doubled, the rest as is. */
function escapeEncode(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) {
    if (b === 0 || b >= 0x80) out += `\\${b.toString(8).padStart(3, '0')}`
    else if (b === 0x5c) out += '\\\\'
    else out += String.fromCharCode(b)
  }
  return out
}

function unrecognizedEncoding(name: string): PgError {
  return invalidParameter(`unrecognized encoding: "${name}"`)
}

function bytesAt(vector: TextVector, row: number): Uint8Array {
  return vector.data.subarray(vector.offsets[row]!, vector.offsets[row + 1]!)
}

/** A bytea result computed per row. */
function byteaRows(call: KernelCall, compute: (row: number) => Uint8Array): Vector {
  const validity = strictValidity(call)
  const builder = new TextVectorBuilder(call.type, call.length)
  for (let row = 0; row < call.length; row++) {
    if (validity !== null && validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const bytes = compute(row)
    builder.appendBytes(bytes, 0, bytes.length)
  }
  return builder.finish()
}

function digest(algorithm: string): Kernel {
  return (call) => {
    const arg = textArg(call, 0)
    return byteaRows(call, (row) => createHash(algorithm).update(bytesAt(arg, row)).digest())
  }
}

export const byteaKernels: Readonly<Record<string, Kernel>> = {
  encode: (call) => {
    const data = textArg(call, 0)
    const format = stringReader(call, 1)
    return textRows(call, (row) => {
      const bytes = bytesAt(data, row)
      switch (format(row).toLowerCase()) {
        case 'hex':
          return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
        case 'base64':
          return base64Encode(bytes)
        case 'escape':
          return escapeEncode(bytes)
        default:
          throw unrecognizedEncoding(format(row))
      }
    })
  },
  decode: (call) => {
    const text = stringReader(call, 0)
    const format = stringReader(call, 1)
    return byteaRows(call, (row) => {
      switch (format(row).toLowerCase()) {
        case 'hex':
          return hexDecode(text(row), 0)
        case 'base64':
          return base64Decode(text(row))
        case 'escape':
          return escapeDecode(text(row))
        default:
          throw unrecognizedEncoding(format(row))
      }
    })
  },
  sha224: digest('sha224'),
  sha256: digest('sha256'),
  sha384: digest('sha384'),
  sha512: digest('sha512'),
}
