// Small-domain grouping for GROUP BY over several keys: each key column maps its values to
// small local ids (a one-key GroupTable per column: a dictionary-encoded text column looks
// each distinct entry up once per batch, a number column looks up once per run of equal
// values), and the tuple of local ids addresses a cell of a direct array that holds the
// group id. No multi-column hash or key comparison per row: a row costs one cheap lookup per
// column and one array read. Cells are laid out with a power-of-two capacity per column, so
// a cell index is local ids shifted and or-ed; when a column outgrows its capacity the array
// is rebuilt wider, and when the product of capacities would pass MaxDenseCells the owner
// falls back to hashing for good (GroupTable.leaveDense).
import { type Vector } from '../../common/index.js'
import type { GroupTable } from './group-table.js'

/** The most cells (4 bytes each) the direct array may have: 4 MiB. */
export const MaxDenseCells = 1 << 20

/** Rows at which a number column's equal neighbours are worth compacting into runs. */
const runCompactionMinRows = 64

/** What DenseGroups needs of its owner: a local-id table per key and a group insert. */
export interface DenseOwner {
  /** Adds row `row` of `keyVectors` as a new group and returns its id. */
  insertGroup(keyVectors: readonly Vector[], row: number): number
}

/** Bits needed to index `count` values. */
function bitsFor(count: number): number {
  let bits = 0
  while (1 << bits < count) bits++
  return bits
}

export class DenseGroups {
  /** Per key column, the local id of each distinct value seen. */
  private readonly locals: GroupTable[]
  /** Per key column, its shift in a cell index and its capacity in bits. */
  private readonly shifts: Int32Array
  private readonly bits: Int32Array
  private cells = new Int32Array(0)
  /** Per key column, each group's local id: what a rebuild re-addresses. */
  private groupLocals: Int32Array[]
  private groups = 0
  private localIds: Int32Array[] = []

  constructor(
    keyTypes: readonly Vector['type'][],
    makeTable: (types: readonly Vector['type'][]) => GroupTable,
  ) {
    this.locals = keyTypes.map((type) => makeTable([type]))
    this.shifts = new Int32Array(keyTypes.length)
    this.bits = new Int32Array(keyTypes.length)
    this.groupLocals = keyTypes.map(() => new Int32Array(64))
    this.layOut(keyTypes.map(() => 1))
  }

  /**
   * Writes the group id of each of the `length` rows of `keyVectors` into `groupIds`, adding
   * new groups through `owner` in row order (so ids are in order of first appearance, as
   * hashing gives them). False, having added no group, when the cells would outgrow
   * MaxDenseCells: the caller then groups these rows, and all later ones, by hashing.
   */
  findOrInsert(
    owner: DenseOwner,
    keyVectors: readonly Vector[],
    length: number,
    groupIds: Int32Array,
  ): boolean {
    const columns = this.locals.length
    if (this.localIds.length !== columns) this.localIds = this.locals.map(() => new Int32Array(0))
    for (let column = 0; column < columns; column++) {
      this.localIds[column] = localIdsOf(this.locals[column]!, keyVectors[column]!, length)
    }
    if (!this.fits()) return false
    const { shifts, cells, localIds } = this
    if (columns === 2) {
      const a = localIds[0]!
      const b = localIds[1]!
      const shift = shifts[1]!
      for (let row = 0; row < length; row++) {
        const cell = a[row]! | (b[row]! << shift)
        let group = cells[cell]!
        if (group < 0) group = this.insert(owner, keyVectors, row, cell)
        groupIds[row] = group
      }
      return true
    }
    if (columns === 3) {
      const a = localIds[0]!
      const b = localIds[1]!
      const c = localIds[2]!
      const shiftB = shifts[1]!
      const shiftC = shifts[2]!
      for (let row = 0; row < length; row++) {
        const cell = a[row]! | (b[row]! << shiftB) | (c[row]! << shiftC)
        let group = cells[cell]!
        if (group < 0) group = this.insert(owner, keyVectors, row, cell)
        groupIds[row] = group
      }
      return true
    }
    for (let row = 0; row < length; row++) {
      let cell = 0
      for (let column = 0; column < columns; column++)
        cell |= localIds[column]![row]! << shifts[column]!
      let group = cells[cell]!
      if (group < 0) group = this.insert(owner, keyVectors, row, cell)
      groupIds[row] = group
    }
    return true
  }

  private insert(owner: DenseOwner, keyVectors: readonly Vector[], row: number, cell: number) {
    const group = owner.insertGroup(keyVectors, row)
    this.cells[cell] = group
    if (group >= this.groupLocals[0]!.length) {
      this.groupLocals = this.groupLocals.map((ids) => {
        const grown = new Int32Array(ids.length * 2)
        grown.set(ids)
        return grown
      })
    }
    for (let column = 0; column < this.locals.length; column++)
      this.groupLocals[column]![group] = this.localIds[column]![row]!
    this.groups = group + 1
    return group
  }

  /** True when every column's local ids fit its capacity, widening the cells if they can. */
  private fits(): boolean {
    const counts = this.locals.map((table) => table.groupCount)
    if (counts.every((count, column) => count <= 1 << this.bits[column]!)) return true
    // Widen a grown column to twice its count so a slowly growing key rebuilds rarely; if that
    // is too wide, to its count exactly; beyond MaxDenseCells, give up.
    const roomy = counts.map((count, column) =>
      count > 1 << this.bits[column]! ? 2 * count : 1 << this.bits[column]!,
    )
    for (const capacities of [roomy, counts]) {
      const bits = capacities.reduce((sum, capacity) => sum + bitsFor(capacity), 0)
      if (bits <= 30 && 1 << bits <= MaxDenseCells) {
        this.layOut(capacities)
        return true
      }
    }
    return false
  }

  /** Lays the cells out for `capacities` (values per column) and re-addresses every group. */
  private layOut(capacities: readonly number[]): void {
    let shift = 0
    capacities.forEach((capacity, column) => {
      this.shifts[column] = shift
      this.bits[column] = bitsFor(capacity)
      shift += this.bits[column]!
    })
    this.cells = new Int32Array(1 << shift).fill(-1)
    for (let group = 0; group < this.groups; group++) {
      let cell = 0
      for (let column = 0; column < this.locals.length; column++)
        cell |= this.groupLocals[column]![group]! << this.shifts[column]!
      this.cells[cell] = group
    }
  }
}

/**
 * Each row's local id in `table` (a one-key table): looked up per run of equal neighbours for
 * number columns (a time bucket, or a value an unnest repeated), else per row.
 */
function localIdsOf(table: GroupTable, vector: Vector, length: number): Int32Array {
  if (vector.kind !== 'number' || length < runCompactionMinRows) {
    return table.findOrInsert([vector], length)
  }
  const { values, validity } = vector
  const heads = new Int32Array(length)
  let runs = 0
  for (let row = 0; row < length; row++) {
    if (
      row === 0 ||
      values[row] !== values[row - 1] ||
      (validity !== null && validity[row] !== validity[row - 1])
    )
      heads[runs++] = row
  }
  if (runs * 2 > length) return table.findOrInsert([vector], length)
  const headVector = takeNumbers(vector, heads.subarray(0, runs))
  const headIds = table.findOrInsert([headVector], runs)
  const ids = new Int32Array(length)
  let run = -1
  for (let row = 0; row < length; row++) {
    if (run + 1 < runs && heads[run + 1] === row) run++
    ids[row] = headIds[run]!
  }
  return ids
}

function takeNumbers(vector: Extract<Vector, { kind: 'number' }>, rows: Int32Array): Vector {
  const values = new Float64Array(rows.length)
  let validity: Uint8Array | null = null
  if (vector.validity !== null) validity = new Uint8Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    values[i] = vector.values[row]!
    if (validity !== null) validity[i] = vector.validity![row]!
  }
  return { kind: 'number', type: vector.type, length: rows.length, validity, values }
}
