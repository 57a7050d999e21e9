// Statements that only touch session state kept by the gateway: DEALLOCATE drops prepared
// statements (psqlODBC sends `DEALLOCATE "_PLAN0x..."` as a simple query after each
// extended-protocol statement), DISCARD ALL is what connection pools send when they hand a
// connection back. SHOW's multi-word names are read here too.
import type { ReleaseNode } from './ast.js'
import type { TokenCursor } from './cursor.js'

/** DEALLOCATE [PREPARE] name | ALL. */
export function parseDeallocate(cursor: TokenCursor): ReleaseNode {
  cursor.expectKeyword('deallocate')
  cursor.acceptKeyword('prepare')
  if (cursor.acceptKeyword('all'))
    return { kind: 'release', tag: 'DEALLOCATE ALL', statements: 'all' }
  const name = cursor.expectIdentifier().value
  return { kind: 'release', tag: 'DEALLOCATE', statements: [name] }
}

/** DISCARD ALL | PLANS | SEQUENCES | TEMP | TEMPORARY: only ALL has something to drop here. */
export function parseDiscard(cursor: TokenCursor): ReleaseNode {
  cursor.expectKeyword('discard')
  const what = cursor.peek()
  const word = what.kind === 'ident' && !what.quoted ? what.value : ''
  if (!['all', 'plans', 'sequences', 'temp', 'temporary'].includes(word))
    throw cursor.syntaxErrorAt(what)
  cursor.next()
  const tag = `DISCARD ${word === 'temporary' ? 'TEMP' : word.toUpperCase()}`
  return { kind: 'release', tag, statements: word === 'all' ? 'all' : [] }
}

/**
 * The setting a SHOW names, after `SHOW`: PostgreSQL's multi-word forms (`TRANSACTION
 * ISOLATION LEVEL`, `SESSION AUTHORIZATION`) read as the setting they show; undefined otherwise.
 */
export function parseShowPhrase(cursor: TokenCursor): string | undefined {
  if (cursor.isKeyword('transaction') && cursor.isKeyword('isolation', 1)) {
    cursor.next()
    cursor.next()
    cursor.expectKeyword('level')
    return 'transaction_isolation'
  }
  if (cursor.isKeyword('session') && cursor.isKeyword('authorization', 1)) {
    cursor.next()
    cursor.next()
    return 'session_authorization'
  }
  return undefined
}
