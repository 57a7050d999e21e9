// Which buffers of a reply can move to the coordinator instead of being copied: a typed
// array's ArrayBuffer is transferred only when the array covers all of it, so a buffer
// shared with unrelated data (Node's Buffer pool, a segment read) is never detached, nor is
// one a decoded-column cache holds.
import type { Batch, Vector } from '../../common/index.js'
import { isPinnedBuffer } from './decoded-column-cache.js'

/** The ArrayBuffers that `batches` own outright, each listed once. */
export function transferableBuffers(batches: readonly Batch[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  const consider = (array: ArrayBufferView | null): void => {
    if (array === null) return
    const buffer = array.buffer
    if (!(buffer instanceof ArrayBuffer)) return
    const ownsBuffer = array.byteOffset === 0 && array.byteLength === buffer.byteLength
    if (!ownsBuffer || buffer.byteLength === 0 || isPinnedBuffer(buffer)) return
    buffers.add(buffer)
  }
  const considerVector = (vector: Vector): void => {
    consider(vector.validity)
    switch (vector.kind) {
      case 'bool':
      case 'number':
        consider(vector.values)
        break
      case 'text':
        consider(vector.offsets)
        consider(vector.data)
        break
      case 'numeric':
        consider(vector.scales)
        break
      case 'array':
        // The List layout: its offsets, then the element vector's own buffers.
        consider(vector.offsets)
        considerVector(vector.child)
        break
    }
  }
  for (const batch of batches) for (const vector of batch.columns) considerVector(vector)
  return [...buffers]
}
