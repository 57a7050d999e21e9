// Malamute's SQL types, named as PostgreSQL's pg_type.typname spells them, with the
// facts every layer needs: the type OID (stable: clients cache them), the array type's
// OID, typlen, the type category used by PostgreSQL's operator resolution
// (https://www.postgresql.org/docs/15/catalog-pg-type.html#CATALOG-TYPCATEGORY-TABLE),
// and the Arrow type a segment stores the column as.
//
// In memory (executor vectors), every number-like type (int2/int4/int8/float4/float8/
// timestamptz/date) is a Float64Array: integers are exact within ±2^53, which covers
// microsecond timestamps until year 2255; ingest rejects bigint values beyond that.
import { vectorKindOf } from './vector.js'

export const SqlTypeNames = [
  'bool',
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'numeric',
  'text',
  'varchar',
  'bpchar',
  'name',
  'timestamptz',
  'timestamp',
  'date',
  'interval',
  'jsonb',
  'json',
  'bytea',
  'oid',
  'unknown',
  'ddsketch',
  // The catalog column types (pg_class.relkind is "char", relfrozenxid xid, relacl aclitem[]):
  // PostgreSQL's internal single-byte type, transaction ids, stored expressions, privileges.
  'char',
  'xid',
  'pg_node_tree',
  'aclitem',
  // The oid alias types (https://www.postgresql.org/docs/15/datatype-oid.html): an oid that
  // prints and reads as the object's name.
  'regproc',
  'regprocedure',
  'regoper',
  'regoperator',
  'regclass',
  'regtype',
  'regnamespace',
  'regrole',
  // One-dimensional arrays of the scalar types, named as pg_type names them (see array-type.ts).
  '_bool',
  '_int2',
  '_int4',
  '_int8',
  '_float4',
  '_float8',
  '_numeric',
  '_text',
  '_varchar',
  '_bpchar',
  '_name',
  '_timestamptz',
  '_timestamp',
  '_date',
  '_interval',
  '_jsonb',
  '_json',
  '_bytea',
  '_oid',
  '_char',
  '_xid',
  '_aclitem',
  '_regproc',
  '_regprocedure',
  '_regoper',
  '_regoperator',
  '_regclass',
  '_regtype',
  '_regnamespace',
  '_regrole',
] as const

export type SqlType = (typeof SqlTypeNames)[number]

/** An array type: `_int4` is PostgreSQL's name for `integer[]`. */
export type ArraySqlType = Extract<SqlType, `_${string}`>

/** A type that is not an array. */
export type ScalarSqlType = Exclude<SqlType, ArraySqlType>

/** True for the array types (`_int4`, `_text`, ...). */
export function isArrayType(type: SqlType): type is ArraySqlType {
  return type.charCodeAt(0) === 95 // '_'
}

export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'A' | 'X' | 'Z'

export type ArrowTypeName =
  | 'Bool'
  | 'Int16'
  | 'Int32'
  | 'Int64'
  | 'Float32'
  | 'Float64'
  | 'Utf8'
  | 'Binary'
  | 'TimestampMicrosecondUTC'
  | 'TimestampMicrosecond'
  | 'DateDay'
  | 'Decimal'
  | 'Null'
  | 'List'

export interface SqlTypeInfo {
  readonly name: SqlType
  readonly oid: number
  readonly arrayOid: number
  /** pg_type.typlen: bytes for fixed-width types, -1 for varlena, -2 for cstring. */
  readonly typlen: number
  readonly category: TypeCategory
  /** pg_type.typispreferred: the type implicit casts prefer within its category. */
  readonly preferred: boolean
  readonly arrow: ArrowTypeName
  /** How format_type() and RowDescription-driven tools display the type. */
  readonly displayName: string
}

const info = (
  name: SqlType,
  oid: number,
  arrayOid: number,
  typlen: number,
  category: TypeCategory,
  preferred: boolean,
  arrow: ArrowTypeName,
  displayName: string,
): SqlTypeInfo => ({ name, oid, arrayOid, typlen, category, preferred, arrow, displayName })

/** The ddsketch type's OID (its array type's is one more): outside PostgreSQL's OID range. */
export const DdsketchOid = 1_000_001

/** OIDs and facts as in PostgreSQL 15's pg_type.dat. */
export const SqlTypes: Readonly<Record<SqlType, SqlTypeInfo>> = {
  bool: info('bool', 16, 1000, 1, 'B', true, 'Bool', 'boolean'),
  int2: info('int2', 21, 1005, 2, 'N', false, 'Int16', 'smallint'),
  int4: info('int4', 23, 1007, 4, 'N', false, 'Int32', 'integer'),
  int8: info('int8', 20, 1016, 8, 'N', false, 'Int64', 'bigint'),
  float4: info('float4', 700, 1021, 4, 'N', false, 'Float32', 'real'),
  float8: info('float8', 701, 1022, 8, 'N', true, 'Float64', 'double precision'),
  numeric: info('numeric', 1700, 1231, -1, 'N', false, 'Decimal', 'numeric'),
  text: info('text', 25, 1009, -1, 'S', true, 'Utf8', 'text'),
  varchar: info('varchar', 1043, 1015, -1, 'S', false, 'Utf8', 'character varying'),
  bpchar: info('bpchar', 1042, 1014, -1, 'S', false, 'Utf8', 'character'),
  name: info('name', 19, 1003, 64, 'S', false, 'Utf8', 'name'),
  timestamptz: info(
    'timestamptz',
    1184,
    1185,
    8,
    'D',
    true,
    'TimestampMicrosecondUTC',
    'timestamp with time zone',
  ),
  timestamp: info(
    'timestamp',
    1114,
    1115,
    8,
    'D',
    false,
    'TimestampMicrosecond',
    'timestamp without time zone',
  ),
  date: info('date', 1082, 1182, 4, 'D', false, 'DateDay', 'date'),
  interval: info('interval', 1186, 1187, 16, 'T', true, 'Utf8', 'interval'),
  jsonb: info('jsonb', 3802, 3807, -1, 'U', false, 'Utf8', 'jsonb'),
  json: info('json', 114, 199, -1, 'U', false, 'Utf8', 'json'),
  bytea: info('bytea', 17, 1001, -1, 'U', false, 'Binary', 'bytea'),
  oid: info('oid', 26, 1028, 4, 'N', false, 'Int32', 'oid'),
  unknown: info('unknown', 705, 0, -2, 'X', false, 'Utf8', 'unknown'),
  // Malamute's own type, past every OID PostgreSQL assigns (executor/sketch/): a DDSketch,
  // held and stored as its protobuf bytes.
  ddsketch: info('ddsketch', DdsketchOid, DdsketchOid + 1, -1, 'U', false, 'Binary', 'ddsketch'),
  // Held as text (xid as a number); typname "char" is not SQL's char, which is bpchar.
  char: info('char', 18, 1002, 1, 'Z', false, 'Utf8', '"char"'),
  xid: info('xid', 28, 1011, 4, 'U', false, 'Int32', 'xid'),
  pg_node_tree: info('pg_node_tree', 194, 0, -1, 'Z', false, 'Utf8', 'pg_node_tree'),
  aclitem: info('aclitem', 1033, 1034, 12, 'U', false, 'Utf8', 'aclitem'),
  ...regTypeInfos(),
  ...arrayTypeInfos(),
}

/** The oid alias types: 4-byte oids, numeric category, printed by name. */
function regTypeInfos(): Record<RegSqlType, SqlTypeInfo> {
  const oids: Record<RegSqlType, readonly [number, number]> = {
    regproc: [24, 1008],
    regprocedure: [2202, 2207],
    regoper: [2203, 2208],
    regoperator: [2204, 2209],
    regclass: [2205, 2210],
    regtype: [2206, 2211],
    regnamespace: [4089, 4090],
    regrole: [4096, 4097],
  }
  const out = {} as Record<RegSqlType, SqlTypeInfo>
  for (const [name, [oid, arrayOid]] of Object.entries(oids) as [
    RegSqlType,
    readonly [number, number],
  ][])
    out[name] = info(name, oid, arrayOid, 4, 'N', false, 'Int32', name)
  return out
}

/** The oid alias types, regclass, regtype and the rest. */
export type RegSqlType = Extract<SqlType, `reg${string}`>

/** True for regclass, regtype, regproc and the other oid alias types. */
export function isRegType(type: SqlType): type is RegSqlType {
  return type.startsWith('reg')
}

/** The array types' rows: typlen -1, category 'A', displayed as `element[]` as format_type does. */
function arrayTypeInfos(): Record<ArraySqlType, SqlTypeInfo> {
  const arrayOids: Record<ArraySqlType, readonly [ScalarSqlType, number, string]> = {
    _bool: ['bool', 1000, 'boolean'],
    _int2: ['int2', 1005, 'smallint'],
    _int4: ['int4', 1007, 'integer'],
    _int8: ['int8', 1016, 'bigint'],
    _float4: ['float4', 1021, 'real'],
    _float8: ['float8', 1022, 'double precision'],
    _numeric: ['numeric', 1231, 'numeric'],
    _text: ['text', 1009, 'text'],
    _varchar: ['varchar', 1015, 'character varying'],
    _bpchar: ['bpchar', 1014, 'character'],
    _name: ['name', 1003, 'name'],
    _timestamptz: ['timestamptz', 1185, 'timestamp with time zone'],
    _timestamp: ['timestamp', 1115, 'timestamp without time zone'],
    _date: ['date', 1182, 'date'],
    _interval: ['interval', 1187, 'interval'],
    _jsonb: ['jsonb', 3807, 'jsonb'],
    _json: ['json', 199, 'json'],
    _bytea: ['bytea', 1001, 'bytea'],
    _oid: ['oid', 1028, 'oid'],
    _char: ['char', 1002, '"char"'],
    _xid: ['xid', 1011, 'xid'],
    _aclitem: ['aclitem', 1034, 'aclitem'],
    _regproc: ['regproc', 1008, 'regproc'],
    _regprocedure: ['regprocedure', 2207, 'regprocedure'],
    _regoper: ['regoper', 2208, 'regoper'],
    _regoperator: ['regoperator', 2209, 'regoperator'],
    _regclass: ['regclass', 2210, 'regclass'],
    _regtype: ['regtype', 2211, 'regtype'],
    _regnamespace: ['regnamespace', 4090, 'regnamespace'],
    _regrole: ['regrole', 4097, 'regrole'],
  }
  const out = {} as Record<ArraySqlType, SqlTypeInfo>
  for (const [name, [, oid, element]] of Object.entries(arrayOids) as [
    ArraySqlType,
    readonly [ScalarSqlType, number, string],
  ][])
    out[name] = info(name, oid, 0, -1, 'A', false, 'List', `${element}[]`)
  return out
}

/** The element type of an array type (`_int4` → `int4`). */
export function elementTypeOf(type: ArraySqlType): ScalarSqlType {
  return type.slice(1) as ScalarSqlType
}

/** The array type whose elements are `type`, or undefined (arrays of arrays are not types). */
export function arrayTypeOf(type: SqlType): ArraySqlType | undefined {
  if (isArrayType(type) || type === 'unknown') return undefined
  const name = `_${type}`
  // Malamute's own ddsketch has no array type among these.
  return name in SqlTypes ? (name as ArraySqlType) : undefined
}

const byOid = new Map<number, SqlType>(Object.values(SqlTypes).map((t) => [t.oid, t.name]))

/** Returns the type with this OID, or undefined for OIDs Malamute does not know. */
export function sqlTypeByOid(oid: number): SqlType | undefined {
  return byOid.get(oid)
}

const aliases: Readonly<Record<string, SqlType>> = {
  boolean: 'bool',
  smallint: 'int2',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  double: 'float8',
  float: 'float8',
  decimal: 'numeric',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  string: 'text',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
}

/**
 * Resolves a type name as SQL spells it (`integer`, `double precision`, `int8`) to a SqlType;
 * `integer[]`, `int[3]`, `integer ARRAY` and `_int4` name the array type.
 */
export function sqlTypeByName(name: string): SqlType | undefined {
  const lower = name.trim().toLowerCase()
  const arrayForm = /^(.*?)\s*(?:\[\s*\d*\s*\]|\s+array(?:\s*\[\s*\d*\s*\])?)$/.exec(lower)
  if (arrayForm !== null) {
    const element = sqlTypeByName(arrayForm[1] ?? '')
    // `int[][]` is the same type as `int[]`: PostgreSQL ignores the declared dimensions.
    if (element === undefined || isArrayType(element)) return element
    return arrayTypeOf(element)
  }
  if (lower in aliases) return aliases[lower]
  if (lower === '"char"') return 'char'
  return (SqlTypeNames as readonly string[]).includes(lower) ? (lower as SqlType) : undefined
}

/** True for types held in memory as a Float64Array. */
export function isNumberLike(type: SqlType): boolean {
  return vectorKindOf(type) === 'number'
}

/** True for types held in memory as UTF-8 text (Arrow Utf8 layout). */
export function isTextLike(type: SqlType): boolean {
  switch (type) {
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'char':
    case 'pg_node_tree':
    case 'aclitem':
    case 'unknown':
    case 'jsonb':
    case 'json':
    case 'interval':
      return true
    default:
      return false
  }
}
