// Compression of a column chunk's bytes. Format 3 writes zstd (level 1: about lz4's speed here,
// a third smaller on log text) when it saves at least an eighth, else the bytes as they are;
// packed numbers rarely compress and then stay raw, so they decode without a decompression
// pass. Formats 1 and 2 wrote lz4, which readers still decompress.
import { uncompressSync } from 'lz4-napi'
import zstd from 'zstd-napi'
import { assert } from '../../common/index.js'
import type { ChunkCompression } from './footer.js'

/** Chunks shorter than this are stored raw: a frame header would eat the gain. */
const CompressMinBytes = 64
const ZstdLevel = 1

export function compressChunk(raw: Uint8Array): {
  stored: Uint8Array
  compression: ChunkCompression
} {
  if (raw.length < CompressMinBytes) return { stored: raw, compression: 'none' }
  const compressed = zstd.compress(raw, { compressionLevel: ZstdLevel })
  return compressed.length <= raw.length - raw.length / 8
    ? {
        stored: new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength),
        compression: 'zstd',
      }
    : { stored: raw, compression: 'none' }
}

/** The raw bytes of a stored chunk (a fresh, aligned buffer when it was compressed). */
export function decompressChunk(
  stored: Uint8Array,
  compression: ChunkCompression,
  rawLength: number,
): Uint8Array {
  const raw =
    compression === 'lz4'
      ? uncompressSync(stored)
      : compression === 'zstd'
        ? zstd.decompress(stored)
        : stored
  assert(raw.length === rawLength, 'column chunk decompresses to its raw length')
  return raw
}
