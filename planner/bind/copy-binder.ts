// Binds COPY: the table and columns against the catalog, and the options against
// PostgreSQL 15's rules (https://www.postgresql.org/docs/15/sql-copy.html), with the
// Malamute extension FORMAT ndjson. COPY ... TO binds as the SELECT it stands for.
import { checkWritable } from '../catalog/virtual-catalog.js'
import { PgError, SqlState, type Field } from '../../common/index.js'
import { defaultCopyOptions, type CopyFormat, type CopyOptions } from '../../executor/index.js'
import type { TableInfo } from '../../storage/api.js'
import { selectNode, type CopyNode, type CopyOptionNode, type SelectNode } from '../sql/ast.js'
import type { BindContext } from './context.js'
import { resolveTables } from './from-binder.js'
import { bindSelect, type BoundSelect } from './select-binder.js'

export type BoundCopy =
  | {
      readonly kind: 'copy-from'
      readonly tenant: string
      readonly table: string
      readonly columns: readonly Field[]
      readonly options: CopyOptions
    }
  | { readonly kind: 'copy-to'; readonly select: BoundSelect; readonly options: CopyOptions }

export async function bindCopy(
  node: CopyNode,
  context: BindContext,
  lookupTable: (name: NonNullable<CopyNode['table']>) => Promise<TableInfo>,
  tenant: string,
): Promise<BoundCopy> {
  const options = bindCopyOptions(node.options)
  if (node.direction === 'to') {
    if (options.format === 'ndjson') throw notSupported('COPY TO in FORMAT ndjson', node.options)
    const select: SelectNode = node.query ?? selectFor(node)
    const tables = await resolveTables(select, lookupTable)
    return { kind: 'copy-to', select: bindSelect(select, tables, context), options }
  }
  const table = await lookupTable(node.table!)
  checkWritable(table)
  if (options.format === 'ndjson') {
    if (node.columns !== null) throw notSupported('a column list with FORMAT ndjson', node.options)
    return { kind: 'copy-from', tenant, table: table.name, columns: [], options }
  }
  const byAttnum = [...table.columns].sort((a, b) => a.attnum - b.attnum)
  const columns = (node.columns ?? null) === null ? byAttnum : []
  for (const name of node.columns ?? []) {
    const column = table.columns.find((candidate) => candidate.name === name.name)
    if (column === undefined) {
      throw new PgError({
        code: SqlState.undefinedColumn,
        message: `column "${name.name}" of relation "${table.name}" does not exist`,
      })
    }
    if (columns.includes(column)) {
      throw new PgError({
        code: SqlState.duplicateColumn,
        message: `column "${name.name}" specified more than once`,
      })
    }
    columns.push(column)
  }
  const fields = columns.map((column) => ({ name: column.name, type: column.type }))
  return { kind: 'copy-from', tenant, table: table.name, columns: fields, options }
}

function selectFor(node: CopyNode): SelectNode {
  const table = node.table!
  const targets =
    node.columns === null
      ? [{ expr: { kind: 'star' as const, table: null, position: table.position }, alias: null }]
      : node.columns.map((column) => ({
          expr: { kind: 'column-ref' as const, table: null, ...column },
          alias: null,
        }))
  return selectNode({ targets, from: { kind: 'table-ref', table, alias: null } })
}

const formats = new Set<string>(['text', 'csv', 'ndjson'])

/** Checks COPY's options as PostgreSQL's ProcessCopyOptions does. */
export function bindCopyOptions(nodes: readonly CopyOptionNode[]): CopyOptions {
  const seen = new Set<string>()
  for (const node of nodes) {
    if (seen.has(node.name)) {
      throw new PgError({
        code: SqlState.syntaxError,
        message: 'conflicting or redundant options',
        position: node.position + 1,
      })
    }
    seen.add(node.name)
  }
  const value = (name: string): CopyOptionNode | undefined => nodes.find((n) => n.name === name)
  const formatNode = value('format')
  const format = (formatNode?.value ?? 'text').toLowerCase()
  if (format === 'binary') throw notSupported('COPY BINARY', nodes)
  if (!formats.has(format)) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `COPY format "${format}" not recognized`,
    })
  }
  let options: CopyOptions = defaultCopyOptions(format as CopyFormat)
  for (const node of nodes) options = applyOption(options, node)
  if (options.format !== 'csv' && (value('quote') !== undefined || value('escape') !== undefined))
    throw notSupported(
      `COPY ${value('quote') !== undefined ? 'quote' : 'escape'} outside CSV mode`,
      nodes,
    )
  if (options.format === 'csv' && options.delimiter === options.quote) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: 'COPY delimiter and quote must be different',
    })
  }
  return options
}

function applyOption(options: CopyOptions, node: CopyOptionNode): CopyOptions {
  switch (node.name) {
    case 'format':
      return options
    case 'header':
      return { ...options, header: booleanOption(node) }
    case 'delimiter':
      return { ...options, delimiter: singleByte(node, 'delimiter') }
    case 'null':
      return { ...options, nullString: node.value ?? '' }
    case 'quote':
      return { ...options, quote: singleByte(node, 'quote') }
    case 'escape':
      return { ...options, escape: singleByte(node, 'escape') }
    case 'encoding':
      if (/^utf-?8$/i.test(node.value ?? '')) return options
      throw notSupported(`COPY encoding "${node.value ?? ''}"`, [node])
    case 'freeze':
      return options
    default:
      throw new PgError({
        code: SqlState.syntaxError,
        message: `option "${node.name}" not recognized`,
        position: node.position + 1,
      })
  }
}

function booleanOption(node: CopyOptionNode): boolean {
  const text = (node.value ?? 'true').toLowerCase()
  if (['true', 'on', '1', 'yes'].includes(text)) return true
  if (['false', 'off', '0', 'no'].includes(text)) return false
  if (text === 'match') throw notSupported('HEADER MATCH', [node])
  throw new PgError({
    code: SqlState.syntaxError,
    message: `${node.name} requires a Boolean value`,
    position: node.position + 1,
  })
}

function singleByte(node: CopyOptionNode, what: string): string {
  const text = node.value ?? ''
  if (text.length !== 1 || text.charCodeAt(0) > 127) {
    throw new PgError({
      code: SqlState.featureNotSupported,
      message: `COPY ${what} must be a single one-byte character`,
    })
  }
  if (what === 'delimiter' && (text === '\n' || text === '\r' || text === '\\')) {
    throw new PgError({
      code: SqlState.invalidParameterValue,
      message: `COPY delimiter cannot be "${text === '\\' ? '\\' : 'newline or carriage return'}"`,
    })
  }
  return text
}

function notSupported(what: string, nodes: readonly CopyOptionNode[]): PgError {
  const position = nodes[0]?.position
  return new PgError({
    code: SqlState.featureNotSupported,
    message: `${what} is not supported yet`,
    ...(position === undefined ? {} : { position: position + 1 }),
  })
}
