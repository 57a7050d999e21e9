// The piscina worker entry of COPY's chunk pool (copy-pool.ts): encodes one chunk and sends
// the segment file's bytes back transferred, not copied.
import { Piscina } from 'piscina'
import { assert } from '../../common/index.js'
import { CopyChunkProtocolVersion, encodeCopyChunk, type CopyChunkTask } from './copy-chunk.js'

export default function runCopyChunk(task: CopyChunkTask): unknown {
  assert(task.version === CopyChunkProtocolVersion, 'coordinator and worker speak one version')
  const reply = encodeCopyChunk(task)
  if (!reply.ok || reply.segment === null) return reply
  const { bytes } = reply.segment
  // Only a buffer the bytes fill alone can be moved without taking other data along.
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return reply
  return Piscina.move({
    [Piscina.transferableSymbol]: [bytes.buffer],
    [Piscina.valueSymbol]: reply,
  } as unknown as Parameters<typeof Piscina.move>[0])
}
