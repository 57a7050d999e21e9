// How a result set becomes the text lines an .slt file holds, and how lines are compared.
//
// Values are the raw text PostgreSQL's wire protocol carries (no client-side parsing), so a
// float prints exactly as the server wrote it. A null prints as NULL and an empty string as
// (empty), so neither can be confused with a blank line. The text 'NULL' prints as NULL too, as
// in DuckDB, so files avoid storing it. Tabs and newlines inside values print escaped.

import type { SortMode } from './slt-file.js'

export const nullText = 'NULL'
export const emptyText = '(empty)'

/** Renders one raw wire value for an .slt file. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return nullText
  const text = String(value)
  if (text === '') return emptyText
  return text.replace(/\t/g, '\\t').replace(/\n/g, '\\n')
}

/** Renders rows (arrays of raw values) as lines, sorted according to the sort mode. */
export function formatRows(rows: readonly (readonly unknown[])[], sortMode: SortMode): string[] {
  const values = rows.map((row) => row.map(formatValue))
  return sortLines(
    values.map((row) => row.join('\t')),
    sortMode,
  )
}

/** Sorts result lines as the record's sort mode says; expected lines get the same treatment. */
export function sortLines(lines: readonly string[], sortMode: SortMode): string[] {
  switch (sortMode) {
    case 'nosort':
      return [...lines]
    case 'rowsort':
      return [...lines].sort(compareCodeUnits)
    case 'valuesort':
      return lines.flatMap((line) => line.split('\t')).sort(compareCodeUnits)
  }
}

function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1
  if (a > b) return 1
  return 0
}

/**
 * Maps a PostgreSQL type oid to the sqllogictest type letter: B boolean, I integer, R float or
 * numeric, P timestamp, D date, T everything else (text and friends).
 */
export function typeCharForOid(oid: number): string {
  switch (oid) {
    case 16:
      return 'B'
    case 20:
    case 21:
    case 23:
    case 26:
      return 'I'
    case 700:
    case 701:
    case 1700:
      return 'R'
    case 1114:
    case 1184:
      return 'P'
    case 1082:
      return 'D'
    default:
      return 'T'
  }
}

/** Compares expected with actual lines; returns a description of the first difference. */
export function diffLines(
  expected: readonly string[],
  actual: readonly string[],
): string | undefined {
  const length = Math.max(expected.length, actual.length)
  for (let index = 0; index < length; index += 1) {
    if (expected[index] !== actual[index]) {
      const shown = (line: string | undefined) => (line === undefined ? '(no line)' : line)
      return (
        `first difference at result line ${index + 1}: ` +
        `expected ${shown(expected[index])} but got ${shown(actual[index])}`
      )
    }
  }
  return undefined
}
