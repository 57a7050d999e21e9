// BlobStore on a local directory: one file per key, keys' '/' as subdirectories.
// put writes a temporary file, fsyncs it, renames it over the key, then fsyncs the
// directory, so after a crash the key holds either nothing or the whole object.
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, rename, rm, stat, readFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { assert } from '../common/index.js'
import { blobMissing, isValidBlobKey, type BlobStore } from './blob-store.js'

const TempSuffix = '.tmp-'

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT'
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export class DirectoryBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    assert(isValidBlobKey(key), `blob key is well formed: ${JSON.stringify(key)}`)
    return join(this.root, ...key.split('/'))
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key)
    const directory = dirname(path)
    await this.makeDirectoryDurably(directory)
    const temporary = `${path}${TempSuffix}${randomBytes(6).toString('hex')}`
    const handle = await open(temporary, 'wx')
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } catch (error) {
      await handle.close()
      await rm(temporary, { force: true })
      throw error
    }
    await handle.close()
    await rename(temporary, path)
    await fsyncDirectory(directory)
  }

  /** Creates `directory` and its missing parents, fsyncing each parent that gained an entry. */
  private async makeDirectoryDurably(directory: string): Promise<void> {
    const created = await mkdir(directory, { recursive: true })
    if (created === undefined) return
    let current = directory
    while (current.length >= created.length) {
      const parent = dirname(current)
      await fsyncDirectory(parent)
      if (parent === current) break
      current = parent
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const buffer = await readFile(this.pathOf(key))
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    assert(Number.isSafeInteger(offset) && offset >= 0, 'range offset is a non-negative integer')
    assert(Number.isSafeInteger(length) && length >= 0, 'range length is a non-negative integer')
    let handle
    try {
      handle = await open(this.pathOf(key), 'r')
    } catch (error) {
      if (isMissing(error)) throw blobMissing(key)
      throw error
    }
    try {
      const bytes = new Uint8Array(length)
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return filled === length ? bytes : bytes.slice(0, filled)
    } finally {
      await handle.close()
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let entries
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true })
    } catch (error) {
      if (isMissing(error)) return keys
      throw error
    }
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.includes(TempSuffix)) continue
      const key = relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/')
      if (key.startsWith(prefix)) keys.push(key)
    }
    return keys.sort()
  }
}
