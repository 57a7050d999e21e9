// The in-memory columnar layout every layer shares: a Batch is a few thousand rows held
// as one Vector per column. Layouts follow Arrow where it is cheap to do so in JS:
//
//   bool            values: Uint8Array, one byte per row (0 or 1)
//   number-like     values: Float64Array (int2/int4/int8/float4/float8/oid; timestamptz and
//                   timestamp as microseconds since 1970-01-01 UTC; date as days since then)
//   text-like       Arrow Utf8: offsets Int32Array (length + 1 entries) into data Uint8Array
//   numeric         exact decimals: unscaled bigint[] and scales Uint16Array
//                   (value = unscaled / 10^scale); numeric is rare in scans, exact in results
//   array           Arrow List: offsets Int32Array (length + 1 entries) into one child vector
//                   of the element type; the array's NULL is in validity, an element's NULL in
//                   the child's validity. Arrays are one-dimensional with lower bound 1.
//
// validity is one byte per row (1 = present, 0 = NULL), or null when no row is NULL.
// Segments store Arrow bitmaps; readers expand them once per batch so kernels can test a
// byte instead of a bit. Values under a NULL are unspecified but must be safe to read.
//
// Vectors are plain data (no classes) so they cross worker boundaries by structured clone
// or as transferred buffers.
import { isArrayType, type SqlType } from './sql-type.js'

export interface BoolVector {
  readonly kind: 'bool'
  readonly type: SqlType
  readonly length: number
  readonly validity: Uint8Array | null
  readonly values: Uint8Array
}

export interface NumberVector {
  readonly kind: 'number'
  readonly type: SqlType
  readonly length: number
  readonly validity: Uint8Array | null
  readonly values: Float64Array
}

export interface TextVector {
  readonly kind: 'text'
  readonly type: SqlType
  readonly length: number
  readonly validity: Uint8Array | null
  readonly offsets: Int32Array
  readonly data: Uint8Array
  /**
   * Set when the rows came from a dictionary-encoded chunk: row i holds values[codes[i]] (a
   * NULL row any code). Kernels may work on the few distinct values and map codes instead of
   * touching every row's bytes; offsets/data are always filled too. Use textDictionaryOf.
   */
  readonly dictionary?: TextDictionary
}

/** The distinct values of a text vector and each row's index into them. */
export interface TextDictionary {
  readonly codes: Uint16Array
  readonly values: TextVector
}

/** `vector`'s dictionary when it has one that covers exactly its rows. */
export function textDictionaryOf(vector: Vector): TextDictionary | undefined {
  if (vector.kind !== 'text') return undefined
  const dictionary = vector.dictionary
  return dictionary !== undefined && dictionary.codes.length === vector.length
    ? dictionary
    : undefined
}

export interface NumericVector {
  readonly kind: 'numeric'
  readonly type: SqlType
  readonly length: number
  readonly validity: Uint8Array | null
  readonly unscaled: readonly bigint[]
  readonly scales: Uint16Array
}

export interface ArrayVector {
  readonly kind: 'array'
  readonly type: SqlType
  readonly length: number
  readonly validity: Uint8Array | null
  /** Row i's elements are child rows offsets[i] .. offsets[i + 1]. */
  readonly offsets: Int32Array
  readonly child: Vector
}

export type Vector = BoolVector | NumberVector | TextVector | NumericVector | ArrayVector

export interface Field {
  readonly name: string
  readonly type: SqlType
}

export interface Batch {
  readonly length: number
  readonly columns: readonly Vector[]
}

/** Rows per batch the writers cut and the scans produce; Husky uses 8-16k row groups. */
export const BatchRowsTarget = 8192

/** Returns the vector layout that holds values of `type`. */
export function vectorKindOf(type: SqlType): Vector['kind'] {
  if (isArrayType(type)) return 'array'
  switch (type) {
    case 'bool':
      return 'bool'
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'timestamptz':
    case 'timestamp':
    case 'date':
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
      return 'number'
    case 'numeric':
      return 'numeric'
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'interval':
    case 'jsonb':
    case 'json':
    case 'bytea':
    case 'unknown':
    case 'ddsketch':
    case 'char':
    case 'pg_node_tree':
    case 'aclitem':
      return 'text'
  }
}

/** True when row `index` of `vector` is NULL. For row-at-a-time paths only (output, tests). */
export function isNullAt(vector: Vector, index: number): boolean {
  return vector.validity !== null && vector.validity[index] === 0
}
