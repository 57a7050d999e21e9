// ALTER TABLE, the forms Malamute runs: storage parameters, as PostgreSQL spells them.
//
//   ALTER TABLE [IF EXISTS] [ONLY] name SET ( parameter = value [, ...] )
//   ALTER TABLE [IF EXISTS] [ONLY] name RESET ( parameter [, ...] )
//
//   ALTER TABLE [IF EXISTS] [ONLY] name ADD [COLUMN] [IF NOT EXISTS] column type [, ADD ...]
//
// Which parameters exist is the binder's business. Every other ALTER TABLE action is 0A000.
import type { AlterTableAddNode, AlterTableNode, NameNode, TableOptionNode } from './ast.js'
import { parseTypeName } from './expression-parser.js'
import type { TokenCursor } from './cursor.js'

/** Parses an ALTER statement at `alter`: ALTER TABLE ... SET/RESET (...) and ADD COLUMN. */
export function parseAlterTable(cursor: TokenCursor): AlterTableNode | AlterTableAddNode {
  const alter = cursor.expectKeyword('alter')
  if (!cursor.acceptKeyword('table'))
    throw cursor.notSupportedAt(`ALTER ${cursor.peek().value.toUpperCase()}`, alter)
  let ifExists = false
  if (cursor.acceptKeyword('if')) {
    cursor.expectKeyword('exists')
    ifExists = true
  }
  cursor.acceptKeyword('only')
  const table = parseName(cursor)
  const actionToken = cursor.peek()
  if (cursor.isKeyword('add')) return parseAddColumns(cursor, table, ifExists)
  const isStorageAction =
    (cursor.isKeyword('set') || cursor.isKeyword('reset')) && cursor.isOp('(', 1)
  if (!isStorageAction) {
    const action = actionToken.kind === 'eof' ? '' : ` ${actionToken.value.toUpperCase()}`
    throw cursor.notSupportedAt(`ALTER TABLE${action}`, actionToken)
  }
  const action = cursor.next().value === 'set' ? 'set' : 'reset'
  cursor.expectOp('(')
  const options: TableOptionNode[] = []
  do options.push(parseOption(cursor, action))
  while (cursor.acceptOp(','))
  cursor.expectOp(')')
  return { kind: 'alter-table', table, ifExists, action, options }
}

/** `ADD [COLUMN] [IF NOT EXISTS] name type [, ADD ...]`; constraints are 0A000. */
function parseAddColumns(
  cursor: TokenCursor,
  table: NameNode,
  ifExists: boolean,
): AlterTableAddNode {
  const columns: AlterTableAddNode['columns'][number][] = []
  do {
    cursor.expectKeyword('add')
    if (['constraint', 'primary', 'unique', 'check', 'foreign'].some((w) => cursor.isKeyword(w)))
      throw cursor.notSupportedAt('ALTER TABLE ADD CONSTRAINT', cursor.peek())
    cursor.acceptKeyword('column')
    let ifNotExists = false
    if (cursor.acceptKeyword('if')) {
      cursor.expectKeyword('not')
      cursor.expectKeyword('exists')
      ifNotExists = true
    }
    const name = cursor.expectIdentifier()
    const typeName = parseTypeName(cursor)
    if (!cursor.isOp(',') && cursor.peek().kind !== 'eof' && !cursor.isOp(';'))
      throw cursor.notSupportedAt('column constraints', cursor.peek())
    columns.push({ name: { name: name.value, position: name.start }, typeName, ifNotExists })
  } while (cursor.acceptOp(','))
  return { kind: 'alter-table-add', table, ifExists, columns }
}

function parseName(cursor: TokenCursor): NameNode {
  const first = cursor.expectIdentifier()
  if (!cursor.acceptOp('.')) return { name: first.value, position: first.start }
  const second = cursor.expectIdentifier()
  const name = first.value === 'public' ? second.value : `${first.value}.${second.value}`
  return { name, position: first.start }
}

/** Parses `(parameter [= value], ...)` after CREATE TABLE ... WITH. */
export function parseTableOptions(cursor: TokenCursor): TableOptionNode[] {
  cursor.expectOp('(')
  const options: TableOptionNode[] = []
  do options.push(parseOption(cursor, 'set'))
  while (cursor.acceptOp(','))
  cursor.expectOp(')')
  return options
}

function parseOption(cursor: TokenCursor, action: 'set' | 'reset'): TableOptionNode {
  const nameToken = cursor.expectIdentifier()
  const name = nameToken.value
  const position = nameToken.start + 1
  if (action === 'reset') return { name, value: null, position }
  // A parameter without a value means true, as in PostgreSQL's grammar (def_elem).
  if (!cursor.acceptOp('=')) return { name, value: 'true', position }
  const valueToken = cursor.next()
  if (valueToken.kind === 'string' || valueToken.kind === 'number' || valueToken.kind === 'ident')
    return { name, value: valueToken.value, position }
  throw cursor.syntaxErrorAt(valueToken)
}
