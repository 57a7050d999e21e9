// The MetadataStore contract suite: every backend runs it (lmdb here, FoundationDB where
// FDB_CLUSTER_FILE is set), as Quickwit's metastore_test_suite! runs on each metastore.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PgError } from '../common/index.js'
import { prefixEnd, type MetadataStore } from './metadata-store.js'

export interface MetadataStoreHarness {
  /** Opens a fresh, empty store. */
  open(): Promise<MetadataStore>
  /** Closes `store` and opens the same data again, as after a restart. */
  reopen(store: MetadataStore): Promise<MetadataStore>
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value)

async function putAll(store: MetadataStore, pairs: readonly [string, string][]): Promise<void> {
  await store.transact(async (tx) => {
    for (const [key, value] of pairs) tx.set(bytes(key), bytes(value))
  })
}

/** Runs the contract suite against stores from `harness`. */
export function metadataStoreContract(name: string, harness: MetadataStoreHarness): void {
  const withStore = async (
    body: (store: MetadataStore) => Promise<MetadataStore | void>,
  ): Promise<void> => {
    let store = await harness.open()
    try {
      store = (await body(store)) ?? store
    } finally {
      await store.close()
    }
  }

  test(`${name}: set, get, clear, and read your own writes`, () =>
    withStore(async (store) => {
      await store.transact(async (tx) => {
        tx.set(bytes('a'), bytes('1'))
        assert.equal(text(await tx.get(bytes('a'))), '1')
        tx.clear(bytes('a'))
        assert.equal(await tx.get(bytes('a')), undefined)
        tx.set(bytes('b'), bytes('2'))
      })
      assert.equal(await store.read((reader) => reader.get(bytes('a'))), undefined)
      assert.equal(text(await store.read((reader) => reader.get(bytes('b')))), '2')
    }))

  test(`${name}: getRange orders bytewise, honours limit and reverse, end exclusive`, () =>
    withStore(async (store) => {
      await putAll(store, [
        ['k/b', 'b'],
        ['k/a', 'a'],
        ['k/c', 'c'],
        ['k0', 'x'],
        ['k/', 'empty'],
      ])
      const prefix = bytes('k/')
      await store.read(async (reader) => {
        const all = await reader.getRange(prefix, prefixEnd(prefix))
        assert.deepEqual(
          all.map((entry) => text(entry.key)),
          ['k/', 'k/a', 'k/b', 'k/c'],
        )
        const firstTwo = await reader.getRange(prefix, prefixEnd(prefix), { limit: 2 })
        assert.deepEqual(
          firstTwo.map((entry) => text(entry.value)),
          ['empty', 'a'],
        )
        const lastTwo = await reader.getRange(prefix, prefixEnd(prefix), {
          limit: 2,
          reverse: true,
        })
        assert.deepEqual(
          lastTwo.map((entry) => text(entry.key)),
          ['k/c', 'k/b'],
        )
        const upToC = await reader.getRange(bytes('k/a'), bytes('k/c'))
        assert.deepEqual(
          upToC.map((entry) => text(entry.key)),
          ['k/a', 'k/b'],
        )
        assert.deepEqual(await reader.getRange(bytes('k/c'), bytes('k/a')), [])
      })
    }))

  test(`${name}: getRange merges the transaction's own writes`, () =>
    withStore(async (store) => {
      await putAll(store, [
        ['r/1', 'one'],
        ['r/2', 'two'],
        ['r/3', 'three'],
      ])
      await store.transact(async (tx) => {
        tx.clear(bytes('r/1'))
        tx.set(bytes('r/4'), bytes('four'))
        tx.clearRange(bytes('r/2'), bytes('r/3'))
        tx.set(bytes('r/0'), bytes('zero'))
        const seen = await tx.getRange(bytes('r/'), prefixEnd(bytes('r/')), { limit: 2 })
        assert.deepEqual(
          seen.map((entry) => text(entry.key)),
          ['r/0', 'r/3'],
        )
        const reversed = await tx.getRange(bytes('r/'), prefixEnd(bytes('r/')), { reverse: true })
        assert.deepEqual(
          reversed.map((entry) => text(entry.key)),
          ['r/4', 'r/3', 'r/0'],
        )
      })
      const after = await store.read((reader) =>
        reader.getRange(bytes('r/'), prefixEnd(bytes('r/'))),
      )
      assert.deepEqual(
        after.map((entry) => text(entry.value)),
        ['zero', 'three', 'four'],
      )
    }))

  test(`${name}: a throwing transaction writes nothing`, () =>
    withStore(async (store) => {
      await assert.rejects(
        store.transact(async (tx) => {
          tx.set(bytes('doomed'), bytes('1'))
          throw new Error('boom')
        }),
        /boom/,
      )
      assert.equal(await store.read((reader) => reader.get(bytes('doomed'))), undefined)
    }))

  test(`${name}: concurrent read-modify-write transactions serialize (conflict retry)`, () =>
    withStore(async (store) => {
      const counter = bytes('counter')
      const increments = 20
      const increment = (): Promise<void> =>
        store.transact(async (tx) => {
          const current = Number(text(await tx.get(counter)) ?? '0')
          await new Promise((resolve) => setImmediate(resolve))
          tx.set(counter, bytes(String(current + 1)))
        })
      await Promise.all(Array.from({ length: increments }, increment))
      assert.equal(text(await store.read((reader) => reader.get(counter))), String(increments))
    }))

  test(`${name}: a range read conflicts with an insert into that range`, () =>
    withStore(async (store) => {
      // Two transactions each count the rows under a prefix and insert one named by the
      // count: serializable execution never produces the same name twice.
      const prefix = bytes('seq/')
      const insert = (): Promise<number> =>
        store.transact(async (tx) => {
          const rows = await tx.getRange(prefix, prefixEnd(prefix))
          await new Promise((resolve) => setImmediate(resolve))
          tx.set(bytes(`seq/${rows.length}`), bytes('x'))
          return rows.length
        })
      const numbers = await Promise.all([insert(), insert(), insert(), insert()])
      assert.deepEqual([...numbers].sort(), [0, 1, 2, 3])
    }))

  test(`${name}: read sees one snapshot while a commit lands`, () =>
    withStore(async (store) => {
      await putAll(store, [['snap', 'before']])
      await store.read(async (reader) => {
        assert.equal(text(await reader.get(bytes('snap'))), 'before')
        await putAll(store, [
          ['snap', 'after'],
          ['snap2', 'new'],
        ])
        assert.equal(text(await reader.get(bytes('snap'))), 'before')
        assert.equal(await reader.get(bytes('snap2')), undefined)
      })
      assert.equal(text(await store.read((reader) => reader.get(bytes('snap')))), 'after')
    }))

  test(`${name}: committed data survives reopening`, () =>
    withStore(async (store) => {
      await putAll(store, [['durable', 'yes']])
      const reopened = await harness.reopen(store)
      assert.equal(text(await reopened.read((reader) => reader.get(bytes('durable')))), 'yes')
      return reopened
    }))

  test(`${name}: gives up with 40001 when conflicts never stop`, () =>
    withStore(async (store) => {
      const key = bytes('hot')
      let attempts = 0
      const error = await store
        .transact(async (tx) => {
          attempts++
          await tx.get(key)
          // Another writer commits between our read and our commit, every time.
          await putAll(store, [['hot', String(attempts)]])
          tx.set(key, bytes('mine'))
        })
        .catch((caught: unknown) => caught)
      assert.ok(error instanceof PgError)
      assert.equal(error.code, '40001')
      assert.ok(attempts > 1)
    }))
}
