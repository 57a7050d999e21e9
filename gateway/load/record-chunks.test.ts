import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { lastRecordEnd, splitAtRecords } from './record-chunks.js'

test('csv records end at a newline outside quotes; text at the last newline', () => {
  const csv = Buffer.from('a,"x\ny"\nb,"q""\n"\nc,')
  assert.equal(lastRecordEnd(csv, true), csv.indexOf('"\nc') + 2)
  assert.equal(lastRecordEnd(Buffer.from('a\tb\nc'), false), 4)
  assert.equal(lastRecordEnd(Buffer.from('"open\n'), true), 0)
})

test('chunks rejoin to the input and each ends at a record boundary', async () => {
  const rows = Array.from({ length: 500 }, (_, i) => `${i},"line ${i}\nsecond ""half"""`)
  const input = `${rows.join('\n')}\n`
  const pieces = Readable.from(
    Array.from({ length: Math.ceil(input.length / 97) }, (_, i) =>
      Buffer.from(input.slice(i * 97, (i + 1) * 97)),
    ),
  )
  const chunks: Buffer[] = []
  for await (const chunk of splitAtRecords(pieces, 1000, true)) chunks.push(chunk)
  assert.ok(chunks.length > 5)
  assert.equal(Buffer.concat(chunks).toString(), input)
  for (const chunk of chunks) assert.equal(lastRecordEnd(chunk, true), chunk.length)
})
