// COPY FROM's casts: each raw text column of a parsed batch to its target type, one
// castVector call per column; a failed cast is re-run a row at a time to name the line.
import {
  PgError,
  type Batch,
  type Field,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { castVector } from '../cast/cast-vector.js'
import { makeTextVector, textAt } from '../expr/vector-builders.js'
import { castTextToJsonbBytes } from '../json/jsonb-bytes.js'
import type { CopyFromTarget } from './copy-from.js'
import type { RawCopyBatch } from './copy-parser.js'
import { textArrayFromBytes } from './text-array-bytes.js'
import { castNumbersFromBytes, numberBytesApply } from './number-bytes.js'

/** Casts each raw text column to its target type in one castVector call. */
export function castRawBatch(raw: RawCopyBatch, target: CopyFromTarget, timeZone: string): Batch {
  const columns = target.columns.map((field, index): Vector => {
    const text = raw.columns[index]!
    if (field.type === 'text' || field.type === 'varchar' || field.type === 'name')
      return { ...text, type: field.type }
    try {
      // Bulk loads are full of jsonb: normalized from the bytes, no value objects.
      if (field.type === 'jsonb') return castTextToJsonbBytes(text)
      // And of plain text arrays (tags), cut from the bytes.
      if (numberBytesApply(field.type)) return castNumbersFromBytes(text, field.type, timeZone)
      if (field.type === '_text')
        return textArrayFromBytes(text) ?? castVector(text, '_text', { timeZone })
      return castVector(text, field.type, { timeZone })
    } catch (error) {
      throw locateCastError(error, text, raw.firstLine, field, target.table, timeZone)
    }
  })
  return { length: raw.rows, columns }
}

/** Re-runs a failed cast a row at a time to name the line and column, as PostgreSQL's CONTEXT does. */
function locateCastError(
  error: unknown,
  text: TextVector,
  firstLine: number,
  field: Field,
  table: string,
  timeZone: string,
): unknown {
  if (!(error instanceof PgError)) return error
  for (let row = 0; row < text.length; row++) {
    if (text.validity !== null && text.validity[row] === 0) continue
    const value = textAt(text, row)
    try {
      castVector(makeTextVector('text', [value]), field.type, { timeZone })
    } catch (rowError) {
      if (!(rowError instanceof PgError)) return rowError
      const detail = `COPY ${table}, line ${firstLine + row}, column ${field.name}: "${value}"`
      return new PgError({ ...rowError.fields, detail })
    }
  }
  return error
}
