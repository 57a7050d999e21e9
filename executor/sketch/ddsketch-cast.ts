// Casts to and from ddsketch. A ddsketch vector holds each sketch's protobuf bytes (Arrow
// Binary in segments). Input: text as base64 (what the output gives) or `\x` hex, and bytea
// (the protobuf bytes), so agents can send pre-aggregated sketches from Datadog's sketches
// libraries; each is checked by decoding it. Output: text is the protobuf in base64; bytea the
// protobuf bytes.
import {
  PgError,
  SqlState,
  SqlTypes,
  type SqlType,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { TextVectorBuilder } from '../expr/vector-builders.js'
import { Sketch } from './ddsketch.js'

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/
const hexPattern = /^(?:[0-9a-fA-F]{2})*$/
const textDecoder = new TextDecoder()

/** Casts `vector` (of ddsketch, or to ddsketch from text-like or bytea) to `to`. */
export function castDdsketchVector(vector: Vector, to: SqlType): Vector {
  if (vector.kind !== 'text') throw cannotCast(vector.type, to)
  if (to === 'ddsketch') return toSketches(vector)
  if (vector.type !== 'ddsketch') throw cannotCast(vector.type, to)
  const builder = new TextVectorBuilder(to, vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (vector.validity !== null && vector.validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const bytes = Buffer.from(sketchBytesAt(vector, row))
    if (to === 'bytea') builder.appendBytes(bytes, 0, bytes.length)
    else if (to === 'text' || to === 'varchar' || to === 'bpchar' || to === 'name')
      builder.appendString(bytes.toString('base64'))
    else throw cannotCast(vector.type, to)
  }
  return builder.finish()
}

/** The protobuf bytes of row `row` (a view, not a copy). */
export function sketchBytesAt(vector: TextVector, row: number): Uint8Array {
  return vector.data.subarray(vector.offsets[row]!, vector.offsets[row + 1]!)
}

/** The text output of a ddsketch value: its protobuf in base64. */
export function formatDdsketch(vector: TextVector, row: number): string {
  return Buffer.from(sketchBytesAt(vector, row)).toString('base64')
}

function toSketches(vector: TextVector): TextVector {
  const builder = new TextVectorBuilder('ddsketch', vector.length)
  for (let row = 0; row < vector.length; row++) {
    if (vector.validity !== null && vector.validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const raw = sketchBytesAt(vector, row)
    const bytes = vector.type === 'bytea' ? raw : parseText(textDecoder.decode(raw))
    Sketch.decode(bytes)
    builder.appendBytes(bytes, 0, bytes.length)
  }
  return builder.finish()
}

/** base64 or `\x` hex text into bytes; 22P02 for anything else. */
function parseText(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '')
  if (compact.startsWith('\\x')) {
    const hex = compact.slice(2)
    if (hexPattern.test(hex)) return Buffer.from(hex, 'hex')
  } else if (compact.length % 4 === 0 && base64Pattern.test(compact)) {
    return Buffer.from(compact, 'base64')
  }
  throw new PgError({
    code: SqlState.invalidTextRepresentation,
    message: `invalid input syntax for type ddsketch: "${text}"`,
    hint: 'A ddsketch is written as its DDSketch protobuf in base64, or in hex after \\x.',
  })
}

function cannotCast(from: SqlType, to: SqlType): PgError {
  return new PgError({
    code: SqlState.cannotCoerce,
    message: `cannot cast type ${SqlTypes[from].displayName} to ${SqlTypes[to].displayName}`,
  })
}
