// Signatures of format, translate, ascii, chr, bit_length, to_hex, overlay, SIMILAR TO's
// similar_to_escape (executor/functions/text-extra.ts) and regexp_count/instr/substr/like/match
// (executor/functions/regex-extra.ts), encode/decode/sha* (executor/functions/bytea.ts), spread
// into ScalarSignatures.
import type { Signature } from './signatures.js'

const text2: Signature = { args: ['text', 'text'], returns: 'text' }

export const textSignatures: Readonly<Record<string, readonly Signature[]>> = {
  format: [
    { args: ['text', 'any'], returns: 'text', variadic: true },
    { args: ['text'], returns: 'text' },
  ],
  translate: [{ args: ['text', 'text', 'text'], returns: 'text' }],
  ascii: [{ args: ['text'], returns: 'int4' }],
  chr: [{ args: ['int4'], returns: 'text' }],
  bit_length: [{ args: ['text'], returns: 'int4' }],
  to_hex: [
    { args: ['int4'], returns: 'text' },
    { args: ['int8'], returns: 'text' },
  ],
  overlay: [
    { args: ['text', 'text', 'int4'], returns: 'text' },
    { args: ['text', 'text', 'int4', 'int4'], returns: 'text' },
  ],
  similar_to_escape: [{ args: ['text'], returns: 'text' }, text2],
  regexp_count: [
    { args: ['text', 'text'], returns: 'int4' },
    { args: ['text', 'text', 'int4'], returns: 'int4' },
    { args: ['text', 'text', 'int4', 'text'], returns: 'int4' },
  ],
  regexp_instr: [
    { args: ['text', 'text'], returns: 'int4' },
    { args: ['text', 'text', 'int4'], returns: 'int4' },
    { args: ['text', 'text', 'int4', 'int4'], returns: 'int4' },
    { args: ['text', 'text', 'int4', 'int4', 'int4'], returns: 'int4' },
    { args: ['text', 'text', 'int4', 'int4', 'int4', 'text'], returns: 'int4' },
    { args: ['text', 'text', 'int4', 'int4', 'int4', 'text', 'int4'], returns: 'int4' },
  ],
  regexp_substr: [
    { args: ['text', 'text'], returns: 'text' },
    { args: ['text', 'text', 'int4'], returns: 'text' },
    { args: ['text', 'text', 'int4', 'int4'], returns: 'text' },
    { args: ['text', 'text', 'int4', 'int4', 'text'], returns: 'text' },
    { args: ['text', 'text', 'int4', 'int4', 'text', 'int4'], returns: 'text' },
  ],
  regexp_like: [
    { args: ['text', 'text'], returns: 'bool' },
    { args: ['text', 'text', 'text'], returns: 'bool' },
  ],
  encode: [{ args: ['bytea', 'text'], returns: 'text' }],
  decode: [{ args: ['text', 'text'], returns: 'bytea' }],
  sha224: [{ args: ['bytea'], returns: 'bytea' }],
  sha256: [{ args: ['bytea'], returns: 'bytea' }],
  sha384: [{ args: ['bytea'], returns: 'bytea' }],
  sha512: [{ args: ['bytea'], returns: 'bytea' }],
  // executor/functions/null-count.ts
  num_nulls: [{ args: ['any'], returns: 'int4', variadic: true }],
  num_nonnulls: [{ args: ['any'], returns: 'int4', variadic: true }],
  // planner/sql/size-functions.ts's rewrites: (relation or database, bytes)
  pg_relation_size: [{ args: ['any', 'int8'], returns: 'int8' }],
  pg_table_size: [{ args: ['any', 'int8'], returns: 'int8' }],
  pg_total_relation_size: [{ args: ['any', 'int8'], returns: 'int8' }],
  pg_database_size: [{ args: ['any', 'int8'], returns: 'int8' }],
  pg_tablespace_location: [{ args: ['oid'], returns: 'text' }],
  // json (executor/functions/json-extra.ts)
  to_json: [{ args: ['any'], returns: 'json' }],
  array_to_json: [
    { args: ['any'], returns: 'json' },
    { args: ['any', 'bool'], returns: 'json' },
  ],
  // the final steps of json_agg & co. (planner/bind/json-agg.ts)
  json_agg_final: [{ args: ['any'], returns: 'json' }],
  json_object_agg_final: [{ args: ['any', 'any'], returns: 'json' }],
  jsonb_object_agg_final: [{ args: ['any', 'any'], returns: 'jsonb' }],
  jsonb_pretty: [{ args: ['jsonb'], returns: 'text' }],
  jsonb_strip_nulls: [{ args: ['jsonb'], returns: 'jsonb' }],
  regexp_match: [
    { args: ['text', 'text'], returns: '_text' },
    { args: ['text', 'text', 'text'], returns: '_text' },
  ],
}

/** The SQL names of these functions. */
export const textFunctionNames: readonly string[] = Object.keys(textSignatures)
