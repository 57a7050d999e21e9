// pg_type and the per-type facts pg_attribute repeats (length, alignment, storage, collation):
// one row per Malamute type (common/sql-type.ts, with PostgreSQL's OIDs) and one per its array
// type, so drivers that look a RowDescription type OID up in pg_type find it.
import {
  SqlTypeNames,
  SqlTypes,
  elementTypeOf,
  isArrayType,
  type ScalarSqlType,
  type SqlType,
} from '../../common/index.js'
import { NamespaceOid, OwnerOid, type CatalogRow } from './catalog-snapshot.js'
import { ioRoutineOid } from './pg-io-routines.js'

/** pg_collation oids: the database default, "C" and "POSIX". */
export const CollationOid = { default: 100, c: 950, posix: 951 } as const

/** Input function names, as pg_type.typinput spells them; output/receive/send follow the pattern. */
const inputFunctions: Readonly<Record<ScalarSqlType, string>> = {
  bool: 'boolin',
  int2: 'int2in',
  int4: 'int4in',
  int8: 'int8in',
  float4: 'float4in',
  float8: 'float8in',
  numeric: 'numeric_in',
  text: 'textin',
  varchar: 'varcharin',
  bpchar: 'bpcharin',
  name: 'namein',
  timestamptz: 'timestamptz_in',
  timestamp: 'timestamp_in',
  date: 'date_in',
  interval: 'interval_in',
  jsonb: 'jsonb_in',
  json: 'json_in',
  bytea: 'byteain',
  oid: 'oidin',
  unknown: 'unknownin',
  ddsketch: 'ddsketch_in',
  char: 'charin',
  xid: 'xidin',
  pg_node_tree: 'pg_node_tree_in',
  aclitem: 'aclitemin',
  regproc: 'regprocin',
  regprocedure: 'regprocedurein',
  regoper: 'regoperin',
  regoperator: 'regoperatorin',
  regclass: 'regclassin',
  regtype: 'regtypein',
  regnamespace: 'regnamespacein',
  regrole: 'regrolein',
}

/** The I/O function named like `input` for `suffix` (out, recv, send): int4in → int4out. */
function ioFunction(input: string, suffix: 'out' | 'recv' | 'send'): string {
  return input.endsWith('_in')
    ? `${input.slice(0, -3)}_${suffix}`
    : `${input.slice(0, -2)}${suffix}`
}

export interface TypeFacts {
  readonly typlen: number
  readonly byValue: boolean
  /** pg_type.typalign: c (char), s (short), i (int), d (double). */
  readonly align: 'c' | 's' | 'i' | 'd'
  /** pg_type.typstorage: p (plain), x (extended), m (main). */
  readonly storage: 'p' | 'x' | 'm'
  readonly collation: number
}

/** Returns the physical facts PostgreSQL 15 records for `type`. */
export function typeFacts(type: SqlType): TypeFacts {
  if (isArrayType(type)) {
    const element = typeFacts(elementTypeOf(type))
    const align = element.align === 'd' ? 'd' : 'i'
    return { typlen: -1, byValue: false, align, storage: 'x', collation: element.collation }
  }
  const { typlen, category } = SqlTypes[type]
  const byValue = typlen === 1 || typlen === 2 || typlen === 4 || typlen === 8
  const align =
    typlen === 8 || type === 'interval'
      ? 'd'
      : typlen === 2
        ? 's'
        : typlen === 1 || typlen === 64 || typlen === -2
          ? 'c'
          : 'i'
  const storage = typlen > 0 || typlen === -2 ? 'p' : type === 'numeric' ? 'm' : 'x'
  const collation =
    type === 'name'
      ? CollationOid.c
      : (category === 'S' && type !== 'unknown') || type === 'pg_node_tree'
        ? CollationOid.default
        : 0
  return { typlen, byValue, align, storage, collation }
}

/** pg_type rows: each type, then each array type. */
export function pgTypeRows(): CatalogRow[] {
  const rows: CatalogRow[] = []
  for (const name of SqlTypeNames) {
    // Array types get their row beside their element type's, below.
    if (isArrayType(name)) continue
    const info = SqlTypes[name]
    const facts = typeFacts(name)
    const input = inputFunctions[name]
    rows.push({
      ...commonTypeColumns,
      oid: info.oid,
      typname: name,
      typlen: info.typlen,
      typbyval: facts.byValue,
      typtype: name === 'unknown' ? 'p' : 'b',
      typcategory: info.category,
      typispreferred: info.preferred,
      typsubscript: 0,
      typelem: 0,
      typarray: info.arrayOid,
      typinput: ioRoutineOid(input),
      typoutput: ioRoutineOid(ioFunction(input, 'out')),
      // aclitem has no binary form.
      typreceive: name === 'aclitem' ? 0 : ioRoutineOid(ioFunction(input, 'recv')),
      typsend: name === 'aclitem' ? 0 : ioRoutineOid(ioFunction(input, 'send')),
      typalign: facts.align,
      typstorage: facts.storage,
      typcollation: facts.collation,
    })
    if (info.arrayOid === 0) continue
    rows.push({
      ...commonTypeColumns,
      oid: info.arrayOid,
      typname: `_${name}`,
      typlen: -1,
      typbyval: false,
      typtype: 'b',
      typcategory: 'A',
      typispreferred: false,
      typsubscript: ioRoutineOid('array_subscript_handler'),
      typelem: info.oid,
      typarray: 0,
      typinput: ioRoutineOid('array_in'),
      typoutput: ioRoutineOid('array_out'),
      typreceive: ioRoutineOid('array_recv'),
      typsend: ioRoutineOid('array_send'),
      typanalyze: ioRoutineOid('array_typanalyze'),
      typalign: facts.align === 'd' ? 'd' : 'i',
      typstorage: 'x',
      typcollation: facts.collation,
    })
  }
  return [...rows, ...catalogOnlyTypeRows()]
}

/**
 * pg_type rows of types Malamute has no values of but that catalogs and clients name: the
 * catalog column types int2vector and oidvector (read as smallint[] and oid[]) and the pseudo-types functions return (trigger, void, record).
 * Facts as PostgreSQL 15's pg_type.dat: oid, typname, typlen, typbyval, typtype,
 * typcategory, typelem, typarray, typinput, typalign, typstorage, typcollation.
 */
const catalogOnlyTypes: readonly (readonly [
  number,
  string,
  number,
  boolean,
  string,
  string,
  number,
  number,
  string,
  string,
  string,
  number,
])[] = [
  [22, 'int2vector', -1, false, 'b', 'A', 21, 1006, 'int2vectorin', 'i', 'p', 0],
  [30, 'oidvector', -1, false, 'b', 'A', 26, 1013, 'oidvectorin', 'i', 'p', 0],
  [2249, 'record', -1, false, 'p', 'P', 0, 2287, 'record_in', 'd', 'x', 0],
  [2275, 'cstring', -2, false, 'p', 'P', 0, 1263, 'cstring_in', 'c', 'p', 0],
  [2276, 'any', 4, true, 'p', 'P', 0, 0, 'any_in', 'i', 'p', 0],
  [2277, 'anyarray', -1, false, 'p', 'P', 0, 0, 'anyarray_in', 'd', 'x', 0],
  [2278, 'void', 4, true, 'p', 'P', 0, 0, 'void_in', 'i', 'p', 0],
  [2279, 'trigger', 4, true, 'p', 'P', 0, 0, 'trigger_in', 'i', 'p', 0],
  [2281, 'internal', 8, true, 'p', 'P', 0, 0, 'internal_in', 'd', 'p', 0],
  [2283, 'anyelement', 4, true, 'p', 'P', 0, 0, 'anyelement_in', 'i', 'p', 0],
  [3838, 'event_trigger', 4, true, 'p', 'P', 0, 0, 'event_trigger_in', 'i', 'p', 0],
  [1006, '_int2vector', -1, false, 'b', 'A', 22, 0, 'array_in', 'i', 'x', 0],
  [1013, '_oidvector', -1, false, 'b', 'A', 30, 0, 'array_in', 'i', 'x', 0],
  [2287, '_record', -1, false, 'p', 'P', 2249, 0, 'array_in', 'd', 'x', 0],
  [1263, '_cstring', -1, false, 'b', 'A', 2275, 0, 'array_in', 'i', 'x', 0],
]

/** The I/O function of `input`'s type named like it, or `-` where PostgreSQL has none. */
function catalogOnlyIo(input: string, suffix: 'out' | 'recv' | 'send'): string {
  if (input === 'array_in') return `array_${suffix}`
  const noBinary = ['any_in', 'internal_in', 'trigger_in', 'anyelement_in', 'event_trigger_in']
  return suffix !== 'out' && noBinary.includes(input) ? '-' : ioFunction(input, suffix)
}

function catalogOnlyTypeRows(): CatalogRow[] {
  return catalogOnlyTypes.map(
    ([oid, typname, typlen, typbyval, typtype, typcategory, typelem, typarray, input, ...rest]) => {
      const [typalign, typstorage, typcollation] = rest
      return {
        ...commonTypeColumns,
        oid,
        typname,
        typlen,
        typbyval,
        typtype,
        typcategory,
        typispreferred: false,
        typsubscript: ioRoutineOid(
          typcategory === 'A' || input === 'array_in' ? 'array_subscript_handler' : '-',
        ),
        typelem,
        typarray,
        typinput: ioRoutineOid(input),
        typoutput: ioRoutineOid(catalogOnlyIo(input, 'out')),
        typreceive: ioRoutineOid(catalogOnlyIo(input, 'recv')),
        typsend: ioRoutineOid(catalogOnlyIo(input, 'send')),
        typanalyze: ioRoutineOid(input === 'array_in' ? 'array_typanalyze' : '-'),
        typalign,
        typstorage,
        typcollation,
      }
    },
  )
}

const commonTypeColumns: CatalogRow = {
  typnamespace: NamespaceOid.pg_catalog,
  typowner: OwnerOid,
  typisdefined: true,
  typdelim: ',',
  typrelid: 0,
  typmodin: 0,
  typmodout: 0,
  typanalyze: 0,
  typnotnull: false,
  typbasetype: 0,
  typtypmod: -1,
  typndims: 0,
}
