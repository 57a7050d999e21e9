#!/usr/bin/env node
// Where a data dir's stored bytes go: reads the footer of every segment file under DIR (a data
// dir, or its segments/ folder) and prints the bytes per event of each column's chunks (stored
// and raw, with the encodings and compressions used), of its token filters (with value indexes), and of the footers.
//
// Usage: node bench/segment-bytes.mjs DIR [--json]
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const [dir, flag] = process.argv.slice(2)
if (dir === undefined) {
  console.error('usage: node bench/segment-bytes.mjs DIR [--json]')
  process.exit(2)
}

function segmentFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name)
    if (entry.isDirectory()) return segmentFiles(full)
    return entry.name.endsWith('.seg') ? [full] : []
  })
}

/** The footer JSON of one segment file and the bytes its tail (footer, length, magics) takes. */
function readFooter(file) {
  const size = statSync(file).size
  const fd = openSync(file, 'r')
  try {
    const trailer = Buffer.alloc(12)
    readSync(fd, trailer, 0, 12, size - 12)
    const length = trailer.readUInt32LE(0)
    const json = Buffer.alloc(length)
    readSync(fd, json, 0, length, size - 12 - length)
    return { size, footer: JSON.parse(json.toString('utf8')), tailBytes: length + 12 + 8 }
  } finally {
    closeSync(fd)
  }
}

const columns = new Map()
const totals = { segments: 0, rows: 0, bytes: 0, footerBytes: 0, filterBytes: 0 }
for (const file of segmentFiles(dir)) {
  const { size, footer, tailBytes } = readFooter(file)
  totals.segments++
  totals.rows += footer.rows
  totals.bytes += size
  totals.footerBytes += tailBytes
  const entryOf = (field) => {
    const key = `${field.name} ${field.type}`
    if (!columns.has(key)) columns.set(key, { stored: 0, raw: 0, filter: 0, kinds: new Map() })
    return columns.get(key)
  }
  for (const batch of footer.batches) {
    batch.columns.forEach((chunk, index) => {
      const entry = entryOf(footer.columns[index])
      entry.stored += chunk.storedLength
      entry.raw += chunk.rawLength
      const kind = `${chunk.encoding ?? 'plain'}/${chunk.compression}`
      entry.kinds.set(kind, (entry.kinds.get(kind) ?? 0) + 1)
    })
    for (const filter of batch.filters ?? []) {
      // Bloom bits, and the value index after them (format 4).
      const bytes = filter.length + 4 * (filter.valueCount ?? 0)
      entryOf(footer.columns[filter.column]).filter += bytes
      totals.filterBytes += bytes
    }
  }
}
const rows = Math.max(1, totals.rows)
const perRow = (bytes) => Number((bytes / rows).toFixed(2))
const report = {
  ...totals,
  bytesPerEvent: perRow(totals.bytes),
  filterBytesPerEvent: perRow(totals.filterBytes),
  footerBytesPerEvent: perRow(totals.footerBytes),
  columns: Object.fromEntries(
    [...columns].map(([key, entry]) => [
      key,
      {
        stored: perRow(entry.stored),
        raw: perRow(entry.raw),
        filter: perRow(entry.filter),
        chunks: Object.fromEntries(entry.kinds),
      },
    ]),
  ),
}
if (flag === '--json') console.log(JSON.stringify(report, null, 2))
else {
  console.log(
    `${totals.segments} segments, ${totals.rows.toLocaleString('en-US')} events, ${(totals.bytes / 1e6).toFixed(1)} MB: ${report.bytesPerEvent} bytes/event`,
  )
  console.log('| column | stored B/event | raw B/event | filter B/event | chunks |')
  console.log('|---|---:|---:|---:|---|')
  for (const [key, entry] of Object.entries(report.columns)) {
    const chunks = Object.entries(entry.chunks)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')
    console.log(`| ${key} | ${entry.stored} | ${entry.raw} | ${entry.filter} | ${chunks} |`)
  }
  console.log(`| footers and magics | ${report.footerBytesPerEvent} | | | |`)
}
