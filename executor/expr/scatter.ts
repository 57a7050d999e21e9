// Reassembles a full-length vector from pieces evaluated on subsets of a batch (CASE
// branches, the right side of AND/OR): piece i holds the rows at indexes[i], in order.
import {
  assert,
  concatVectors,
  nullVector,
  takeVector,
  vectorKindOf,
  type SqlType,
  type Vector,
} from '../../common/index.js'
import {
  makeBoolVector,
  makeNumberVector,
  makeNumericVector,
  TextVectorBuilder,
} from './vector-builders.js'

export interface ScatterPiece {
  readonly indexes: Int32Array
  readonly vector: Vector
}

function scatterValidity(length: number, pieces: readonly ScatterPiece[]): Uint8Array {
  const validity = new Uint8Array(length)
  for (const { indexes, vector } of pieces) {
    const source = vector.validity
    for (let i = 0; i < indexes.length; i++)
      validity[indexes[i]!] = source === null ? 1 : source[i]!
  }
  return validity
}

/** Rows no piece covers are NULL. Every piece must have the layout of `type`. */
export function scatterVectors(
  type: SqlType,
  length: number,
  pieces: readonly ScatterPiece[],
): Vector {
  const kind = vectorKindOf(type)
  for (const piece of pieces)
    assert(piece.vector.kind === kind, 'scattered piece has another layout')
  const validity = scatterValidity(length, pieces)
  switch (kind) {
    case 'bool': {
      const values = new Uint8Array(length)
      for (const { indexes, vector } of pieces) {
        if (vector.kind !== 'bool') continue
        for (let i = 0; i < indexes.length; i++) values[indexes[i]!] = vector.values[i]!
      }
      return makeBoolVector(type, values, validity)
    }
    case 'number': {
      const values = new Float64Array(length)
      for (const { indexes, vector } of pieces) {
        if (vector.kind !== 'number') continue
        for (let i = 0; i < indexes.length; i++) values[indexes[i]!] = vector.values[i]!
      }
      return makeNumberVector(type, values, validity)
    }
    case 'numeric': {
      const unscaled = new Array<bigint>(length).fill(0n)
      const scales = new Uint16Array(length)
      for (const { indexes, vector } of pieces) {
        if (vector.kind !== 'numeric') continue
        for (let i = 0; i < indexes.length; i++) {
          unscaled[indexes[i]!] = vector.unscaled[i]!
          scales[indexes[i]!] = vector.scales[i]!
        }
      }
      return makeNumericVector(type, unscaled, scales, validity)
    }
    case 'text':
      return scatterText(type, length, pieces, validity)
    case 'array': {
      const all = concatVectors([...pieces.map((p) => p.vector), nullVector(type, 1)])
      const selection = new Int32Array(length).fill(all.length - 1)
      let base = 0
      for (const { indexes, vector } of pieces) {
        for (let i = 0; i < indexes.length; i++) selection[indexes[i]!] = base + i
        base += vector.length
      }
      return takeVector(all, selection)
    }
  }
}

function scatterText(
  type: SqlType,
  length: number,
  pieces: readonly ScatterPiece[],
  validity: Uint8Array,
): Vector {
  const pieceOfRow = new Int32Array(length).fill(-1)
  const positionOfRow = new Int32Array(length)
  pieces.forEach(({ indexes }, pieceIndex) => {
    for (let i = 0; i < indexes.length; i++) {
      pieceOfRow[indexes[i]!] = pieceIndex
      positionOfRow[indexes[i]!] = i
    }
  })
  const builder = new TextVectorBuilder(type, length)
  for (let row = 0; row < length; row++) {
    const piece = pieces[pieceOfRow[row]!]?.vector
    if (piece === undefined || piece.kind !== 'text' || validity[row] === 0) {
      builder.appendNull()
      continue
    }
    const at = positionOfRow[row]!
    builder.appendBytes(piece.data, piece.offsets[at]!, piece.offsets[at + 1]!)
  }
  return builder.finish()
}
