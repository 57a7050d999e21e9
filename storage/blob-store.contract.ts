// The BlobStore contract suite: every backend runs it (directory here, S3 against s3rver).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../common/index.js'
import type { BlobStore } from './blob-store.js'

export interface BlobStoreHarness {
  /** Opens a fresh, empty store. */
  open(): Promise<BlobStore>
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text)
const textOf = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes)

/** Runs the contract suite against stores from `harness`. */
export function blobStoreContract(name: string, harness: BlobStoreHarness): void {
  test(`${name}: put then get, size, replace, delete`, async () => {
    const store = await harness.open()
    assert.equal(await store.get('a/b/one.seg'), undefined)
    assert.equal(await store.size('a/b/one.seg'), undefined)
    await store.put('a/b/one.seg', bytesOf('hello'))
    assert.equal(textOf(await store.get('a/b/one.seg')), 'hello')
    assert.equal(await store.size('a/b/one.seg'), 5)
    await store.put('a/b/one.seg', bytesOf('replaced'))
    assert.equal(textOf(await store.get('a/b/one.seg')), 'replaced')
    await store.delete('a/b/one.seg')
    assert.equal(await store.get('a/b/one.seg'), undefined)
    await store.delete('a/b/one.seg')
  })

  test(`${name}: getRange reads exact ranges and stops at the end`, async () => {
    const store = await harness.open()
    const bytes = Uint8Array.from({ length: 1000 }, (_, index) => index % 251)
    await store.put('ranges/blob', bytes)
    assert.deepEqual(await store.getRange('ranges/blob', 10, 5), bytes.slice(10, 15))
    assert.deepEqual(await store.getRange('ranges/blob', 990, 50), bytes.slice(990))
    assert.deepEqual(await store.getRange('ranges/blob', 0, 0), new Uint8Array(0))
    await assert.rejects(store.getRange('ranges/missing', 0, 1), (error: unknown) => {
      return error instanceof PgError && error.code === '58030'
    })
  })

  test(`${name}: list by prefix, sorted, without other keys`, async () => {
    const store = await harness.open()
    for (const key of ['t1/s2', 't1/s1', 't10/s1', 't2/x/y']) await store.put(key, bytesOf(key))
    assert.deepEqual(await store.list('t1/'), ['t1/s1', 't1/s2'])
    assert.deepEqual(await store.list('t1'), ['t1/s1', 't1/s2', 't10/s1'])
    assert.deepEqual(await store.list(''), ['t1/s1', 't1/s2', 't10/s1', 't2/x/y'])
    assert.deepEqual(await store.list('nothing'), [])
  })

  test(`${name}: concurrent puts of one key leave one whole value`, async () => {
    const store = await harness.open()
    const values = Array.from({ length: 8 }, (_, index) => new Uint8Array(4096).fill(index))
    await Promise.all(values.map((value) => store.put('race', value)))
    const stored = await store.get('race')
    assert.ok(stored !== undefined)
    assert.equal(stored.length, 4096)
    assert.ok(stored.every((byte) => byte === stored[0]))
    assert.deepEqual(await store.list(''), ['race'])
  })
}
