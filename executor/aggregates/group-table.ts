// The hash table behind GROUP BY, DISTINCT and aggregate DISTINCT sets: it maps each row's
// key (one value per key column) to a dense group id, 0, 1, 2, ... in order of first
// appearance. Keys are hashed column by column into a Uint32 per row; the table is open
// addressing over an Int32Array of group ids, and the keys themselves live columnar in
// KeyColumns, so a batch is grouped without one JS object per row.
import {
  assert,
  takeVector,
  textDictionaryOf,
  type SqlType,
  type TextDictionary,
  type TextVector,
  type Vector,
} from '../../common/index.js'
import { DenseGroups } from './dense-groups.js'
import { hashVectorInto, KeyColumn } from './key-column.js'

const emptySlot = -1

function gatherCodes(codes: Uint16Array, selection: Int32Array): Uint16Array {
  const out = new Uint16Array(selection.length)
  for (let i = 0; i < selection.length; i++) out[i] = codes[selection[i]!]!
  return out
}

function gatherBytes(bytes: Uint8Array, selection: Int32Array): Uint8Array {
  const out = new Uint8Array(selection.length)
  for (let i = 0; i < selection.length; i++) out[i] = bytes[selection[i]!]!
  return out
}

/** A validity array of `length` valid rows but row `nullRow`. */
function validityWithNullAt(length: number, nullRow: number): Uint8Array {
  const validity = new Uint8Array(length).fill(1)
  validity[nullRow] = 0
  return validity
}

export class GroupTable {
  readonly keys: readonly KeyColumn[]
  /**
   * Open addressing: slot i is the pair [2i] group id (-1 when empty), [2i + 1] its key's
   * hash, side by side so a probe that misses reads one cache line; slots are a power of two.
   */
  private slots = new Int32Array(2 * 64).fill(emptySlot)
  private rowHashes = new Uint32Array(0)
  private count = 0
  /** Small-domain grouping (dense-groups.ts) while it lasts; the slots are then unused. */
  private dense: DenseGroups | null

  /**
   * `dense`: group several keys through DenseGroups while their domains are small (GROUP BY);
   * the table falls back to hashing when they grow, or at the first probe that is no insert.
   */
  constructor(keyTypes: readonly SqlType[], options: { dense?: boolean } = {}) {
    this.keys = keyTypes.map((type) => new KeyColumn(type))
    this.dense =
      options.dense === true && keyTypes.length >= 2
        ? new DenseGroups(keyTypes, (types) => new GroupTable(types))
        : null
  }

  /** Distinct keys seen so far. */
  get groupCount(): number {
    return this.count
  }

  /**
   * Returns the group id of each of the `length` rows of `keyVectors`, adding new keys.
   * Rows where `include` is 0 are not looked up and get -1.
   */
  findOrInsert(
    keyVectors: readonly Vector[],
    length: number,
    include: Uint8Array | null = null,
  ): Int32Array {
    assert(keyVectors.length === this.keys.length, 'one vector per key column')
    const groupIds = new Int32Array(length)
    if (this.keys.length === 0) {
      if (this.count === 0 && length > 0) this.count = 1
      if (include === null) return groupIds
      for (let row = 0; row < length; row++) if (include[row] === 0) groupIds[row] = -1
      return groupIds
    }
    if (this.dense !== null) {
      if (include === null && this.dense.findOrInsert(this, keyVectors, length, groupIds))
        return groupIds
      this.leaveDense()
    }
    const dictionary = keyVectors.length === 1 ? textDictionaryOf(keyVectors[0]!) : undefined
    if (dictionary !== undefined && include === null) {
      this.findOrInsertCodes(keyVectors[0]!, dictionary, null, groupIds)
      return groupIds
    }
    if (this.rowHashes.length < length) this.rowHashes = new Uint32Array(length)
    const hashes = this.rowHashes
    for (let column = 0; column < keyVectors.length; column++) {
      hashVectorInto(keyVectors[column]!, hashes, column === 0)
    }
    const single = keyVectors[0]!
    if (
      keyVectors.length === 1 &&
      include === null &&
      single.kind === 'text' &&
      single.type !== 'interval'
    ) {
      this.findOrInsertText(single, hashes, groupIds)
      return groupIds
    }
    for (let row = 0; row < length; row++) {
      if (include !== null && include[row] === 0) {
        groupIds[row] = -1
        continue
      }
      groupIds[row] = this.probe(keyVectors, row, hashes[row]!)
    }
    return groupIds
  }

  /**
   * Returns the group id of each of the `length` rows of `keyVectors`, or -1 where the key was
   * never inserted or `include` is 0; adds nothing (a hash join's probe).
   */
  find(keyVectors: readonly Vector[], length: number, include: Uint8Array | null): Int32Array {
    assert(keyVectors.length === this.keys.length, 'one vector per key column')
    assert(this.keys.length > 0, 'a probe has keys')
    this.leaveDense()
    const groupIds = new Int32Array(length).fill(-1)
    if (this.rowHashes.length < length) this.rowHashes = new Uint32Array(length)
    const hashes = this.rowHashes
    for (let column = 0; column < keyVectors.length; column++) {
      hashVectorInto(keyVectors[column]!, hashes, column === 0)
    }
    const slots = this.slots
    const mask = (slots.length >> 1) - 1
    for (let row = 0; row < length; row++) {
      if (include !== null && include[row] === 0) continue
      const hash = hashes[row]! | 0
      let slot = hash & mask
      for (;;) {
        const group = slots[2 * slot]!
        if (group === emptySlot) break
        if (slots[2 * slot + 1] === hash && this.keysEqual(group, keyVectors, row)) {
          groupIds[row] = group
          break
        }
        slot = (slot + 1) & mask
      }
    }
    return groupIds
  }

  /**
   * The group id of rows `selection` of a one-key table's dictionary-encoded `vector` (its
   * other rows are never read), adding new keys: a filtered batch grouped without gathering.
   */
  findOrInsertSelected(vector: Vector, selection: Int32Array): Int32Array {
    assert(this.keys.length === 1, 'one key column')
    const dictionary = textDictionaryOf(vector)
    if (dictionary === undefined) {
      return this.findOrInsert([takeVector(vector, selection)], selection.length)
    }
    const groupIds = new Int32Array(selection.length)
    this.findOrInsertCodes(vector, dictionary, selection, groupIds)
    return groupIds
  }

  /**
   * findOrInsert for one dictionary-encoded text key (its rows `selection`, or all): the
   * distinct entries rows use (and NULL) are looked up in one call, in order of first use,
   * then every row takes its code's group.
   */
  private findOrInsertCodes(
    vector: Vector,
    dictionary: TextDictionary,
    selection: Int32Array | null,
    groupIds: Int32Array,
  ): void {
    const { values } = dictionary
    const codes = selection === null ? dictionary.codes : gatherCodes(dictionary.codes, selection)
    const validity =
      selection === null || vector.validity === null
        ? vector.validity
        : gatherBytes(vector.validity, selection)
    // Position of each entry among the distinct keys (-1: unused); NULL is position nullAt.
    const entryAt = new Int32Array(values.length).fill(-1)
    const order = new Int32Array(Math.min(codes.length, values.length + 1))
    let distinct = 0
    let nullAt = -1
    for (let row = 0; row < codes.length; row++) {
      if (validity !== null && validity[row] === 0) {
        if (nullAt < 0) {
          nullAt = distinct
          order[distinct++] = 0
        }
      } else {
        const code = codes[row]!
        if (entryAt[code]! < 0) {
          entryAt[code] = distinct
          order[distinct++] = code
        }
      }
    }
    if (distinct === 0) return
    const keys = takeVector(values, order.subarray(0, distinct))
    const keyVector: Vector =
      nullAt < 0
        ? keys
        : { ...keys, validity: nullAt === -1 ? null : validityWithNullAt(distinct, nullAt) }
    const groups = this.findOrInsert([keyVector], distinct)
    const nullGroup = nullAt < 0 ? -1 : groups[nullAt]!
    const entryGroups = new Int32Array(values.length)
    for (let entry = 0; entry < values.length; entry++) {
      const at = entryAt[entry]!
      entryGroups[entry] = at < 0 ? -1 : groups[at]!
    }
    if (validity === null) {
      for (let row = 0; row < codes.length; row++) groupIds[row] = entryGroups[codes[row]!]!
      return
    }
    for (let row = 0; row < codes.length; row++) {
      groupIds[row] = validity[row] === 0 ? nullGroup : entryGroups[codes[row]!]!
    }
  }

  /**
   * Sets `groupIds` of rows `rows` of `keyVectors`, whose key hashes (hashVectorInto) the
   * caller already holds in `hashes`, adding new keys; other rows are left as they are. One
   * hash partition of a batch is grouped this way without gathering it.
   */
  findOrInsertRows(
    keyVectors: readonly Vector[],
    hashes: Uint32Array,
    rows: Int32Array,
    groupIds: Int32Array,
  ): void {
    assert(keyVectors.length === this.keys.length && this.keys.length > 0, 'one vector per key')
    const single = keyVectors[0]!
    if (keyVectors.length > 1 || single.kind !== 'text' || single.type === 'interval') {
      for (const row of rows) groupIds[row] = this.probe(keyVectors, row, hashes[row]!)
      return
    }
    const key = this.keys[0]!
    const { offsets, data, validity } = single
    for (let at = 0; at < rows.length; at++) {
      const row = rows[at]!
      const hash = hashes[row]! | 0
      if (validity !== null && validity[row] === 0) {
        groupIds[row] = this.probe(keyVectors, row, hash)
        continue
      }
      const start = offsets[row]!
      const end = offsets[row + 1]!
      const slots = this.slots
      const mask = (slots.length >> 1) - 1
      let slot = hash & mask
      for (;;) {
        const group = slots[2 * slot]!
        if (group === emptySlot) {
          groupIds[row] = this.insert(keyVectors, row, hash, slot)
          break
        }
        if (slots[2 * slot + 1] === hash && key.textEquals(group, data, start, end)) {
          groupIds[row] = group
          break
        }
        slot = (slot + 1) & mask
      }
    }
  }

  /** findOrInsert for one text key column, every row included: the common GROUP BY. */
  private findOrInsertText(vector: TextVector, hashes: Uint32Array, groupIds: Int32Array): void {
    const key = this.keys[0]!
    const { offsets, data, validity } = vector
    const keyVectors = [vector]
    let slots = this.slots
    let mask = (slots.length >> 1) - 1
    for (let row = 0; row < vector.length; row++) {
      const hash = hashes[row]! | 0
      if (validity !== null && validity[row] === 0) {
        groupIds[row] = this.probe(keyVectors, row, hash)
      } else {
        const start = offsets[row]!
        const end = offsets[row + 1]!
        let slot = hash & mask
        for (;;) {
          const group = slots[2 * slot]!
          if (group === emptySlot) {
            groupIds[row] = this.insert(keyVectors, row, hash, slot)
            break
          }
          if (slots[2 * slot + 1] === hash && key.textEquals(group, data, start, end)) {
            groupIds[row] = group
            break
          }
          slot = (slot + 1) & mask
        }
      }
      // An insert may have grown or rehashed the table.
      slots = this.slots
      mask = (slots.length >> 1) - 1
    }
  }

  private probe(keyVectors: readonly Vector[], row: number, hash: number): number {
    const slots = this.slots
    const mask = (slots.length >> 1) - 1
    hash |= 0
    let slot = hash & mask
    for (;;) {
      const group = slots[2 * slot]!
      if (group === emptySlot) return this.insert(keyVectors, row, hash, slot)
      if (slots[2 * slot + 1] === hash && this.keysEqual(group, keyVectors, row)) return group
      slot = (slot + 1) & mask
    }
  }

  private keysEqual(group: number, keyVectors: readonly Vector[], row: number): boolean {
    for (let column = 0; column < this.keys.length; column++) {
      if (!this.keys[column]!.equals(group, keyVectors[column]!, row)) return false
    }
    return true
  }

  private insert(keyVectors: readonly Vector[], row: number, hash: number, slot: number): number {
    const group = this.count++
    for (let column = 0; column < this.keys.length; column++) {
      this.keys[column]!.append(keyVectors[column]!, row)
    }
    this.slots[2 * slot] = group
    this.slots[2 * slot + 1] = hash
    if (this.count * 4 > this.slots.length) this.rehash()
    return group
  }

  /** Adds row `row` of `keyVectors` as a new group without a slot (dense mode's insert). */
  insertGroup(keyVectors: readonly Vector[], row: number): number {
    for (let column = 0; column < this.keys.length; column++) {
      this.keys[column]!.append(keyVectors[column]!, row)
    }
    return this.count++
  }

  /** Ends dense mode: every group dense mode added gets its hash slot. */
  private leaveDense(): void {
    if (this.dense === null) return
    this.dense = null
    let capacity = 64
    while (this.count * 4 > 2 * capacity) capacity *= 2
    const slots = new Int32Array(2 * capacity).fill(emptySlot)
    const hashes = new Uint32Array(this.count)
    this.keys.forEach((key, column) => hashVectorInto(key.toVector(), hashes, column === 0))
    const mask = capacity - 1
    for (let group = 0; group < this.count; group++) {
      const hash = hashes[group]! | 0
      let slot = hash & mask
      while (slots[2 * slot] !== emptySlot) slot = (slot + 1) & mask
      slots[2 * slot] = group
      slots[2 * slot + 1] = hash
    }
    this.slots = slots
  }

  private rehash(): void {
    const old = this.slots
    const slots = new Int32Array(old.length * 2).fill(emptySlot)
    const mask = (slots.length >> 1) - 1
    for (let at = 0; at < old.length; at += 2) {
      const group = old[at]!
      if (group === emptySlot) continue
      const hash = old[at + 1]!
      let slot = hash & mask
      while (slots[2 * slot] !== emptySlot) slot = (slot + 1) & mask
      slots[2 * slot] = group
      slots[2 * slot + 1] = hash
    }
    this.slots = slots
  }

  /** Ensures group 0 exists; a keyless aggregate has exactly one group even over no rows. */
  ensureSingleGroup(): void {
    assert(this.keys.length === 0, 'only a keyless table has one implicit group')
    if (this.count === 0) this.count = 1
  }

  /** The distinct keys as vectors, in group id order. */
  keyVectors(): Vector[] {
    return this.keys.map((key) => key.toVector())
  }
}
