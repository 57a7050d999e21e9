// quote_ident, quote_literal, quote_nullable: as PostgreSQL's quote.c and ruleutils.c write
// them. An identifier stays bare only when it is lower-case letters, digits and `_` (no digit
// first), and no keyword other than an unreserved one.
import { argAt, type Kernel } from './kernel.js'
import { stringReader, textRows } from './row-values.js'

/** PostgreSQL 15's reserved, type/function-name and column-name keywords (kwlist.h). */
const quotedKeywords = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column ' +
    'constraint create current_catalog current_date current_role current_time current_timestamp ' +
    'current_user default deferrable desc distinct do else end except false fetch for foreign ' +
    'from grant group having in initially intersect into lateral leading limit localtime ' +
    'localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric table then to trailing true union unique user using ' +
    'variadic when where window with ' +
    'authorization binary collation concurrently cross current_schema freeze full ilike inner ' +
    'is isnull join left like natural notnull outer overlaps right similar tablesample verbose ' +
    'between bigint bit boolean char character coalesce dec decimal exists extract float ' +
    'greatest grouping inout int integer interval least national nchar none normalize nullif ' +
    'numeric out overlay position precision real row setof smallint substring time timestamp ' +
    'treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest ' +
    'xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
)

export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !quotedKeywords.has(name)) return name
  return `"${name.replaceAll('"', '""')}"`
}

export function quoteLiteral(text: string): string {
  const quoted = `'${text.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`
  return text.includes('\\') ? `E${quoted}` : quoted
}

export const quoteKernels: Readonly<Record<string, Kernel>> = {
  quote_ident: (call) => {
    const text = stringReader(call, 0)
    return textRows(call, (row) => quoteIdent(text(row)))
  },
  quote_literal: (call) => {
    const text = stringReader(call, 0)
    return textRows(call, (row) => quoteLiteral(text(row)))
  },
  quote_nullable: (call) => {
    const text = stringReader(call, 0)
    const validity = argAt(call, 0).validity
    const quote = (row: number): string =>
      validity !== null && validity[row] === 0 ? 'NULL' : quoteLiteral(text(row))
    return textRows(call, quote, null)
  },
}
