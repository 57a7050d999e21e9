// The real pgjdbc (Debian's libpostgresql-jdbc-java, /usr/share/java/postgresql.jar) against a
// Malamute server: test/clients/JdbcSession.java runs as a single-file source program (Java 11+,
// no build step) and prints one '|'-separated line per observation; the tests assert on them.
// pgjdbc uses the extended protocol only, sends int4 parameters in binary, and from the 5th
// execution of a PreparedStatement uses the named statement S_1 with binary results.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { clientProgram, commandExists, runClient } from './client-process.js'
import { startMalamute, type MalamuteServer } from './server-harness.js'

const pgjdbcJar = '/usr/share/java/postgresql.jar'

let server: MalamuteServer
let lines: string[]

/** The lines of one section, without the section name. */
function section(name: string): string[] {
  return lines.filter((l) => l.startsWith(`${name}|`)).map((l) => l.slice(name.length + 1))
}

before(async () => {
  assert.ok(commandExists('java'), 'java is missing: test/run-all.sh installs default-jdk-headless')
  assert.ok(commandExists(pgjdbcJar), `${pgjdbcJar} is missing: test/run-all.sh installs it`)
  server = await startMalamute()
  const result = await runClient(server, 'java', [
    '-cp',
    pgjdbcJar,
    clientProgram('JdbcSession.java'),
    server.host,
    String(server.port),
    server.user,
    server.database,
  ])
  assert.equal(result.code, 0, `pgjdbc session failed:\n${result.stdout}\n${result.stderr}`)
  lines = result.stdout.trim().split('\n')
  assert.equal(lines[lines.length - 1], 'done', result.stdout)
})

after(async () => {
  await server?.close()
})

test('pgjdbc connects and reads the product name and version', () => {
  assert.match(section('driver')[0] ?? '', /^PostgreSQL JDBC Driver\|42\./)
  assert.match(section('product')[0] ?? '', /^PostgreSQL\|15\./)
  assert.deepEqual(section('inserted'), ['3'])
})

test('pgjdbc DatabaseMetaData.getTables, getColumns, getSchemas', () => {
  assert.deepEqual(section('getTables'), ['public|jdbc_events|TABLE'])
  assert.deepEqual(section('getColumns'), [
    '1|id|4|int4|YES',
    '2|service|12|text|YES',
    '3|latency|8|float8|YES',
    '4|at|93|timestamptz|YES',
  ])
  assert.deepEqual(section('getSchemas'), [
    'information_schema',
    'malamute',
    'pg_catalog',
    'public',
  ])
})

test('pgjdbc ResultSetMetaData names and types, and typed rows', () => {
  assert.deepEqual(section('rsmd'), [
    'id|4|int4|java.lang.Integer',
    'service|12|text|java.lang.String',
    'latency|8|float8|java.lang.Double',
    'at|93|timestamptz|java.sql.Timestamp',
  ])
  assert.deepEqual(section('row'), [
    '1|api|1.5|2024-01-01T00:00Z',
    '2|web|2.25|2024-01-02T12:30Z',
    '3|api|null|null',
  ])
})

test('pgjdbc PreparedStatement ×8: unnamed, then named S_1 with binary int8/float8/timestamptz results', () => {
  const rows: Record<number, string> = {
    1: '1|1.5|2024-01-01T00:00Z|api|Long|Double',
    2: '2|3.75|2024-01-02T12:30Z|api|Long|Double',
    3: '3|3.75|2024-01-02T12:30Z|api|Long|Double',
    0: '0|null|null|null|Long|null',
  }
  const expected: string[] = []
  for (let execution = 1; execution <= 8; execution += 1) {
    // The 5th execution parses S_1 and binds in the same round trip, before pgjdbc knows the
    // result types, so it still asks for text; from the 6th, binary for all but text.
    const format = execution <= 5 ? '0000' : '1110'
    expected.push(`${execution}|${execution % 4}|format=${format}|${rows[execution % 4]}`)
  }
  assert.deepEqual(section('prepared'), expected)
  assert.deepEqual(section('wire'), [
    'Parse|null',
    'Parse|null',
    'Parse|null',
    'Parse|null',
    'Parse|S_1',
    'Bind|S_1',
    'Bind|S_1',
    'Bind|S_1',
    'Bind|S_1',
  ])
})

test('pgjdbc SQLException carries SQLSTATE 42P01 and the connection stays usable', () => {
  assert.deepEqual(section('error'), ['42P01|ERROR: relation "jdbc_no_such_table" does not exist'])
  assert.deepEqual(section('after-error'), ['3'])
})
