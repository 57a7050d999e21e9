// The MetadataStore contract on FoundationDB. It needs a running cluster and libfdb_c, so it
// runs only where FDB_CLUSTER_FILE names a cluster file; elsewhere it is skipped and says why.
// Each store gets a fresh random key prefix (cleared when the store is dropped), so the suite
// leaves the cluster as it found it and can share it with other users.
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { FdbMetadataStore, openFdbMetadataStore } from './fdb-metadata-store.js'
import type { MetadataStore } from './metadata-store.js'
import { metadataStoreContract } from './metadata-store.contract.js'

const clusterFile = process.env['FDB_CLUSTER_FILE']

if (clusterFile === undefined || clusterFile === '') {
  test(
    'fdb: metadata-store contract',
    { skip: 'FDB_CLUSTER_FILE is not set: no FoundationDB cluster to test against' },
    () => {},
  )
} else {
  const prefixes = new WeakMap<MetadataStore, Uint8Array>()
  const openWith = async (keyPrefix: Uint8Array): Promise<MetadataStore> => {
    const store = await openFdbMetadataStore(clusterFile, { keyPrefix, conflictRetriesMax: 50 })
    prefixes.set(store, keyPrefix)
    return store
  }
  metadataStoreContract('fdb', {
    open: async () => {
      const keyPrefix = new TextEncoder().encode(`malamute-test/${randomBytes(8).toString('hex')}/`)
      const store = await openWith(keyPrefix)
      // Nothing should be there, but a reused prefix must not leak old keys into the suite.
      await store.transact(async (tx) => tx.clearRange(new Uint8Array(0), new Uint8Array([0xff])))
      return store
    },
    reopen: async (store) => {
      const keyPrefix = store instanceof FdbMetadataStore ? store.keyPrefix : prefixes.get(store)
      if (keyPrefix === undefined) throw new Error('unknown store')
      await store.close()
      return openWith(keyPrefix)
    },
  })
}
