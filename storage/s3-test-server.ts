// A real S3 HTTP server for tests: s3rver (a devDependency) on 127.0.0.1, port 0, over a
// temporary directory, with one bucket. Tests run the BlobStore contract and the segment
// reader against it; test/s3.test.ts runs Malamute against it. Not used outside tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>
  close(): Promise<void>
  readonly httpServer?: { closeAllConnections?(): void }
}

type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance

/** s3rver's fixed credentials: it checks signatures made with them. */
export const S3TestCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const

export interface S3TestServer {
  readonly endpoint: string
  readonly port: number
  readonly bucket: string
  /** Where s3rver keeps objects. */
  readonly directory: string
  close(): Promise<void>
}

/** Starts s3rver on 127.0.0.1 (port 0 unless given) with `bucket` created. */
export async function startS3TestServer(
  bucket = 'malamute-test',
  options: { readonly port?: number; readonly directory?: string } = {},
): Promise<S3TestServer> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor
  const ownsDirectory = options.directory === undefined
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'malamute-s3rver-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  const { port } = await server.run()
  let closed = false
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    directory,
    close: async () => {
      if (closed) return
      closed = true
      // Clients keep sockets alive; close() alone would wait for them.
      const closing = server.close()
      server.httpServer?.closeAllConnections?.()
      await closing
      if (ownsDirectory) rmSync(directory, { recursive: true, force: true })
    },
  }
}
