import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { blobStoreContract } from './blob-store.contract.js'
import { isValidBlobKey } from './blob-store.js'
import { DirectoryBlobStore } from './directory-blob-store.js'

blobStoreContract('directory', {
  open: async () => new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-blobs-'))),
})

test('directory: keys cannot escape the root', async () => {
  assert.equal(isValidBlobKey('../etc/passwd'), false)
  assert.equal(isValidBlobKey('/abs'), false)
  assert.equal(isValidBlobKey('a//b'), false)
  assert.equal(isValidBlobKey('acme/16384/0001-ab.seg'), true)
  const store = new DirectoryBlobStore(mkdtempSync(join(tmpdir(), 'malamute-blobs-')))
  await assert.rejects(store.size('../x'), /blob key is well formed/)
})

test('directory: put leaves no temporary file behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'malamute-blobs-'))
  const store = new DirectoryBlobStore(root)
  await store.put('d/one', new Uint8Array([1, 2, 3]))
  assert.deepEqual(readdirSync(join(root, 'd')), ['one'])
})
