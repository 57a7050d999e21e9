// Cuts a byte stream into chunks of about `chunkBytes`, each ending at a record boundary: the
// last newline of the chunk, or for csv the last newline outside a quoted field (a quote
// toggles quoting; a doubled quote toggles twice, so parity is all that matters). The same
// input and size always give the same chunks, which is what makes a load's resume exact.
import type { Readable } from 'node:stream'

const Newline = 0x0a
const Quote = 0x22

export async function* splitAtRecords(
  input: Readable,
  chunkBytes: number,
  csv: boolean,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  for await (const piece of input as AsyncIterable<Buffer>) {
    pending.push(piece)
    pendingBytes += piece.length
    if (pendingBytes < chunkBytes) continue
    const buffer = Buffer.concat(pending)
    const cut = lastRecordEnd(buffer, csv)
    if (cut <= 0) {
      pending = [buffer] // one record longer than a chunk: keep reading
      continue
    }
    yield buffer.subarray(0, cut)
    const rest = buffer.subarray(cut)
    pending = rest.length === 0 ? [] : [rest]
    pendingBytes = rest.length
  }
  if (pendingBytes > 0) yield Buffer.concat(pending)
}

/** Index just past the last record-ending newline in `buffer`, or 0 when there is none. */
export function lastRecordEnd(buffer: Buffer, csv: boolean): number {
  if (!csv) return buffer.lastIndexOf(Newline) + 1
  let quoted = false
  let end = 0
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i]
    if (byte === Quote) quoted = !quoted
    else if (byte === Newline && !quoted) end = i + 1
  }
  return end
}
