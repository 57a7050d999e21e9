import type { Batch } from '../../common/index.js'
import { GroupTable } from '../aggregates/group-table.js'
import { takeRows } from '../expr/batch-ops.js'
import { checkCanceled, type Operator, type OperatorContext } from './operator.js'

/**
 * SELECT DISTINCT: streams each row whose values were not seen before (NULLs equal). With
 * `keys` (DISTINCT ON), only those columns count: the first row of each group passes.
 */
export class DistinctOp implements AsyncIterable<Batch> {
  constructor(
    private readonly input: Operator,
    private readonly context: OperatorContext,
    private readonly keys?: readonly number[],
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    let table: GroupTable | null = null
    for await (const batch of this.input) {
      checkCanceled(this.context.signal)
      const columns =
        this.keys === undefined ? batch.columns : this.keys.map((key) => batch.columns[key]!)
      table ??= new GroupTable(columns.map((column) => column.type))
      let nextNew = table.groupCount
      const groupIds = table.findOrInsert(columns, batch.length)
      const selection = new Int32Array(batch.length)
      let count = 0
      for (let row = 0; row < batch.length; row++) {
        // Group ids are dense in order of first appearance: a row that takes the next id is new.
        if (groupIds[row] === nextNew) {
          selection[count++] = row
          nextNew++
        }
      }
      if (count === batch.length) yield batch
      else if (count > 0) yield takeRows(batch, selection.subarray(0, count))
    }
  }
}
