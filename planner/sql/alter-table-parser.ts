// ALTER TABLE, the forms Malamute runs: storage parameters, as PostgreSQL spells them.
//
//   ALTER TABLE [IF EXISTS] [ONLY] name SET ( parameter = value [, ...] )
//   ALTER TABLE [IF EXISTS] [ONLY] name RESET ( parameter [, ...] )
//
// Which parameters exist is the binder's business (retention today). Every other ALTER TABLE
// action is 0A000.
import type { AlterTableNode, NameNode, TableOptionNode } from './ast.js'
import type { TokenCursor } from './cursor.js'

/** Parses an ALTER statement at `alter`; only ALTER TABLE ... SET/RESET (...) is run. */
export function parseAlterTable(cursor: TokenCursor): AlterTableNode {
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
