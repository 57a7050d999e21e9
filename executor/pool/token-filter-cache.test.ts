// The token-filter cache over real segment files: hits answer the filter the file holds, the
// byte bound evicts whole segments least recently used first, and a segment replaced by
// compaction (a new blob key, the old file deleted) is read from its new file, never from
// the cache of the old one.
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Field } from '../../common/index.js'
import { encodeSegment, mayContainValue, storagePaths } from '../../storage/index.js'
import { vectorFromValues } from '../expr/vector-builders.js'
import { WorkerSegmentFiles } from './segment-files.js'
import { TokenFilterCache } from './token-filter-cache.js'

const fields: Field[] = [{ name: 'trace_id', type: 'text' }]
const encoder = new TextEncoder()

/** Writes a segment of `rows` trace ids `prefix-0`, `prefix-1`, ... under `blobKey`. */
function writeSegment(dataDir: string, blobKey: string, prefix: string, rows: number): void {
  const values = Array.from({ length: rows }, (_, index) => `${prefix}-${index}`)
  const { bytes } = encodeSegment(fields, [vectorFromValues('text', values)])
  const path = join(storagePaths(dataDir).segmentsDir, ...blobKey.split('/'))
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, bytes)
}

async function filterOf(cache: TokenFilterCache, files: WorkerSegmentFiles, blobKey: string) {
  const reader = cache.wrap(await files.openSegment(blobKey), blobKey)
  const filter = await reader.tokenFilter?.(0, 'trace_id')
  assert.ok(filter !== undefined, 'format 2 segments hold token filters')
  return filter
}

test('token filters are cached per segment, bounded, and never stale after a compaction', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'malamute-filter-cache-'))
  try {
    writeSegment(dataDir, 't1/a.seg', 'a', 5000)
    writeSegment(dataDir, 't1/b.seg', 'b', 5000)
    const files = new WorkerSegmentFiles(dataDir)
    const probe = await filterOf(new TokenFilterCache(1 << 20), files, 't1/a.seg')
    const perSegment = probe.bits.byteLength + (probe.values?.byteLength ?? 0)
    // Room for one segment's filter, not two.
    const cache = new TokenFilterCache(perSegment + perSegment / 2 + 200)
    const first = await filterOf(cache, files, 't1/a.seg')
    assert.equal(await filterOf(cache, files, 't1/a.seg'), first, 'a hit answers the cached filter')
    assert.deepEqual([cache.hits, cache.misses], [1, 1])
    assert.ok(mayContainValue(first, encoder.encode('a-17')))
    await filterOf(cache, files, 't1/b.seg')
    assert.equal(cache.size, 1, 'the least recently used segment was evicted')
    assert.ok(cache.bytes <= cache.bytesMax)
    await filterOf(cache, files, 't1/a.seg')
    assert.equal(cache.misses, 3, 'an evicted segment is read again')

    // Compaction writes its output under a new key and deletes the input file.
    writeSegment(dataDir, 't1/c.seg', 'c', 5000)
    rmSync(join(storagePaths(dataDir).segmentsDir, 't1', 'a.seg'))
    const replaced = await filterOf(cache, files, 't1/c.seg')
    assert.ok(mayContainValue(replaced, encoder.encode('c-17')), 'the new segment is read')
    assert.notEqual(replaced, first)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('a zero-byte cache reads every filter from the file', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'malamute-filter-cache-'))
  try {
    writeSegment(dataDir, 't1/a.seg', 'a', 100)
    const files = new WorkerSegmentFiles(dataDir)
    const cache = new TokenFilterCache(0)
    const one = await filterOf(cache, files, 't1/a.seg')
    const two = await filterOf(cache, files, 't1/a.seg')
    assert.notEqual(one, two)
    assert.equal(cache.size, 0)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
