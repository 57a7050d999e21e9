import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LmdbMetadataStore } from './lmdb-metadata-store.js'
import type { MetadataStore } from './metadata-store.js'
import { metadataStoreContract } from './metadata-store.contract.js'

const paths = new WeakMap<MetadataStore, string>()

metadataStoreContract('lmdb', {
  open: async () => {
    const path = mkdtempSync(join(tmpdir(), 'malamute-lmdb-'))
    const store = LmdbMetadataStore.open(path, { conflictRetriesMax: 8 })
    paths.set(store, path)
    return store
  },
  reopen: async (store) => {
    const path = paths.get(store)
    if (path === undefined) throw new Error('unknown store')
    await store.close()
    const reopened = LmdbMetadataStore.open(path)
    paths.set(reopened, path)
    return reopened
  },
})
