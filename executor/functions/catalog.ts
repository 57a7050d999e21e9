// System information and catalog functions that psql's \d family, pgjdbc's DatabaseMetaData
// and pgcli call (https://www.postgresql.org/docs/15/functions-info.html): format_type(),
// pg_table_is_visible(), pg_get_userbyid(), the privilege checks (Malamute has one role, a
// superuser: always true), and the deparsers of objects Malamute does not have (defaults,
// constraints, indexes, policies: NULL). Also PostgreSQL array literals read as text (array_to_string,
// `x = ANY(text[])`) until arrays are a type.
import { SqlTypeNames, SqlTypes, type SqlType } from '../../common/index.js'
import { arrayVectorFromTexts } from '../expr/array-values.js'
import { makeBoolVector, makeConstantVector, makeNullVector } from '../expr/vector-builders.js'
import { argAt, type Kernel } from './kernel.js'
import { boolRows, numberReader, stringReader, textRows } from './row-values.js'

/** Types that are no Malamute type but that catalogs and clients name (pg_type.dat oids). */
export const extraTypeNames: Readonly<Record<number, string>> = {
  18: '"char"',
  22: 'int2vector',
  28: 'xid',
  30: 'oidvector',
  194: 'pg_node_tree',
  1033: 'aclitem',
  1002: '"char"[]',
  1006: 'int2vector[]',
  1011: 'xid[]',
  1013: 'oidvector[]',
  1034: 'aclitem[]',
  1263: 'cstring[]',
  2287: 'record[]',
  2249: 'record',
  2275: 'cstring',
  2276: '"any"',
  2277: 'anyarray',
  2278: 'void',
  2279: 'trigger',
  2281: 'internal',
  2283: 'anyelement',
  3838: 'event_trigger',
}

const typeByOid = new Map<number, SqlType>()
const arrayElementByOid = new Map<number, SqlType>()
for (const name of SqlTypeNames) {
  typeByOid.set(SqlTypes[name].oid, name)
  if (SqlTypes[name].arrayOid !== 0) arrayElementByOid.set(SqlTypes[name].arrayOid, name)
}

/** The oid of a type name as regtype's input reads it (`integer`, `int4`, `trigger`), if any. */
export function typeOidByName(name: string): number | undefined {
  for (const [oid, typeName] of Object.entries(extraTypeNames))
    if (typeName === name || typeName === `"${name}"`) return Number(oid)
  return undefined
}

/**
 * format_type(oid, typmod) as PostgreSQL prints it: `integer`, `character varying(20)`,
 * `numeric(10,2)`, `timestamp with time zone`, `text[]`; `???` for an unknown oid and `-`
 * for regtype's output of 0 (`forRegtype`).
 */
export function formatType(oid: number, typmod: number | null, forRegtype = false): string {
  if (oid === 0 && forRegtype) return '-'
  const element = arrayElementByOid.get(oid)
  if (element !== undefined) return `${formatType(SqlTypes[element].oid, typmod)}[]`
  const type = typeByOid.get(oid)
  if (type === undefined) return extraTypeNames[oid] ?? (forRegtype ? String(oid) : '???')
  const display = SqlTypes[type].displayName
  if (typmod === null) return display
  if (typmod < 0) return type === 'bpchar' ? 'bpchar' : display
  switch (type) {
    case 'varchar':
    case 'bpchar':
      return `${display}(${typmod - 4})`
    case 'numeric': {
      const packed = typmod - 4
      return `numeric(${(packed >> 16) & 0xffff},${packed & 0xffff})`
    }
    case 'timestamptz':
      return `timestamp(${typmod}) with time zone`
    case 'timestamp':
      return `timestamp(${typmod}) without time zone`
    default:
      return display
  }
}

/**
 * Reads a PostgreSQL array literal (`{a,"b c",NULL}`) into its elements; NULL elements are
 * null. One dimension: nested braces are kept as text.
 */
export function parseArrayLiteral(text: string): (string | null)[] {
  const body = text.trim()
  if (!body.startsWith('{') || !body.endsWith('}')) return [body]
  const out: (string | null)[] = []
  let i = 1
  const end = body.length - 1
  if (body.slice(1, end).trim() === '') return out
  while (i <= end) {
    while (i < end && body[i] === ' ') i++
    let value = ''
    let quoted = false
    if (body[i] === '"') {
      quoted = true
      i++
      while (i < end && body[i] !== '"') {
        if (body[i] === '\\') i++
        value += body[i] ?? ''
        i++
      }
      i++
      while (i < end && body[i] !== ',') i++
    } else {
      let depth = 0
      while (i < end && (depth > 0 || body[i] !== ',')) {
        if (body[i] === '{') depth++
        if (body[i] === '}') depth--
        value += body[i]
        i++
      }
      value = value.trim()
    }
    out.push(!quoted && value.toUpperCase() === 'NULL' ? null : value)
    i++
  }
  return out
}

const alwaysTrue: Kernel = (call) => boolRows(call, () => true)

const alwaysNull: Kernel = (call) => makeNullVector(call.type, call.length)

/** Splits `schema.name` / `"Quoted"` as PostgreSQL's stringToQualifiedNameList does. */
export function qualifiedName(text: string): string[] {
  const parts: string[] = []
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(\.|$)/y
  let match: RegExpExecArray | null
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    parts.push(
      match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? '').toLowerCase(),
    )
    if (match[3] === '') break
  }
  return parts
}

let transactionCounter = 1000

export const catalogKernels: Readonly<Record<string, Kernel>> = {
  pg_table_is_visible: alwaysTrue,
  pg_type_is_visible: alwaysTrue,
  pg_function_is_visible: alwaysTrue,
  pg_opclass_is_visible: alwaysTrue,
  pg_collation_is_visible: alwaysTrue,
  pg_conversion_is_visible: alwaysTrue,
  pg_operator_is_visible: alwaysTrue,
  pg_ts_config_is_visible: alwaysTrue,
  pg_statistics_obj_is_visible: alwaysTrue,
  has_table_privilege: alwaysTrue,
  has_schema_privilege: alwaysTrue,
  has_database_privilege: alwaysTrue,
  has_any_column_privilege: alwaysTrue,
  has_function_privilege: alwaysTrue,
  has_sequence_privilege: alwaysTrue,
  has_column_privilege: alwaysTrue,
  pg_relation_is_publishable: (call) => boolRows(call, () => false),
  pg_get_expr: alwaysNull,
  obj_description: alwaysNull,
  col_description: alwaysNull,
  shobj_description: alwaysNull,
  pg_get_constraintdef: alwaysNull,
  pg_get_indexdef: alwaysNull,
  pg_get_serial_sequence: alwaysNull,
  pg_get_statisticsobjdef_columns: alwaysNull,
  // Outside a server session (the binder folds it there to the session's pid).
  pg_backend_pid: (call) => makeConstantVector(process.pid, 'int4', call.length),
  // Signal a session by pid: false when no session of this database has it.
  pg_cancel_backend: (call) => {
    const pid = numberReader(call, 0)
    return boolRows(call, (row) => call.ctx.signalBackend?.(pid(row), 'cancel') ?? false)
  },
  pg_terminate_backend: (call) => {
    const pid = numberReader(call, 0)
    return boolRows(call, (row) => call.ctx.signalBackend?.(pid(row), 'terminate') ?? false)
  },
  txid_current: (call) => makeConstantVector((transactionCounter += 1), 'int8', call.length),
  format_type: (call) => {
    const oids = numberReader(call, 0)
    const typmods = argAt(call, 1)
    const typmod = numberReader(call, 1)
    const oidValidity = argAt(call, 0).validity
    return textRows(
      call,
      (row) =>
        formatType(
          oids(row),
          typmods.validity !== null && typmods.validity[row] === 0 ? null : typmod(row),
        ),
      oidValidity,
    )
  },
  pg_get_userbyid: (call) => {
    const oids = numberReader(call, 0)
    const user = stringReader(call, 1)
    return textRows(call, (row) => (oids(row) === 10 ? user(row) : `unknown (OID=${oids(row)})`))
  },
  // parse_ident('"Some".name') → {Some,name}: qualifiedName's rules, as a text[].
  parse_ident: (call) => {
    const texts = stringReader(call, 0)
    const validity = argAt(call, 0).validity
    const literals = Array.from({ length: call.length }, (_, row) => {
      if (validity !== null && validity[row] === 0) return null
      const parts = qualifiedName(texts(row))
      return `{${parts.map((p) => `"${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`
    })
    return arrayVectorFromTexts('_text', literals)
  },
  array_to_string: (call) => {
    const arrays = stringReader(call, 0)
    const separators = stringReader(call, 1)
    return textRows(call, (row) =>
      parseArrayLiteral(arrays(row))
        .filter((e) => e !== null)
        .join(separators(row)),
    )
  },
  current_schemas: (call) => {
    const implicit = argAt(call, 0)
    const texts = Array.from({ length: call.length }, (_, row) =>
      implicit.validity !== null && implicit.validity[row] === 0
        ? null
        : implicit.kind === 'bool' && implicit.values[row] === 1
          ? '{pg_catalog,public}'
          : '{public}',
    )
    return arrayVectorFromTexts('_name', texts)
  },
  text_array_element: (call) => {
    const arrays = stringReader(call, 0)
    const index = numberReader(call, 1)
    return textRows(call, (row) => parseArrayLiteral(arrays(row))[index(row) - 1] ?? null)
  },
  text_array_contains: (call) => {
    // `element = ANY(array)`: true on a match; NULL when there is none but the array has a
    // NULL element; false otherwise (PostgreSQL's three-valued ANY).
    const elements = stringReader(call, 0)
    const arrays = stringReader(call, 1)
    const validity = new Uint8Array(call.length)
    const values = new Uint8Array(call.length)
    const a = argAt(call, 0).validity
    const b = argAt(call, 1).validity
    for (let row = 0; row < call.length; row++) {
      if ((a !== null && a[row] === 0) || (b !== null && b[row] === 0)) continue
      const items = parseArrayLiteral(arrays(row))
      const element = elements(row)
      if (items.includes(element)) {
        values[row] = 1
        validity[row] = 1
      } else if (!items.includes(null)) {
        validity[row] = 1
      }
    }
    return makeBoolVector('bool', values, validity)
  },
}
