// A TCP proxy in front of S3 that tests can cut: the next PUT is cut mid-request and the
// store goes away, as when S3 fails in the middle of an upload (test/s3.test.ts,
// test/roles.test.ts); or the answer to the next successful PUT is held back, so a test can
// kill the uploading process after its object is stored and before it could commit it.
import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * Forwards TCP to S3 until told to cut: then the next PUT is cut mid-request (half its first
 * chunk goes through), every connection is dropped and the port refuses connections, as when
 * the store goes down, until resume().
 */
export class FaultyProxy {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private cutNextPut = false
  /** Resolves when a PUT has been cut. */
  cut: Promise<void> = Promise.resolve()
  private onCut: () => void = () => undefined
  private onPutStored: ((release: () => void) => void) | null = null

  constructor(
    readonly port: number,
    private readonly upstreamPort: number,
  ) {}

  async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.server = server
  }

  /** Arms the fault: the next PUT request is cut and the proxy goes down. */
  cutNextPutAndGoDown(): void {
    this.cutNextPut = true
    this.cut = new Promise((resolve) => (this.onCut = resolve))
  }

  /** Arms the fault for a short outage: the proxy comes back `outageMs` after the cut. */
  cutNextPutAndGoDownFor(outageMs: number): void {
    this.cutNextPutAndGoDown()
    void this.cut.then(() => setTimeout(() => void this.resume(), outageMs))
  }

  /**
   * Holds back the answer to the next PUT that S3 stored (200): resolves once it is held,
   * with a function that lets it through.
   */
  holdNextPutAnswer(): Promise<() => void> {
    return new Promise((resolve) => (this.onPutStored = resolve))
  }

  async resume(): Promise<void> {
    await this.listen()
  }

  async close(): Promise<void> {
    await this.goDown()
  }

  private accept(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1')
    this.sockets.add(client).add(upstream)
    const forget = (socket: Socket) => () => this.sockets.delete(socket)
    client.once('close', forget(client))
    upstream.once('close', forget(upstream))
    client.on('error', () => client.destroy())
    upstream.on('error', () => client.destroy())
    let requestIsPut = false
    upstream.on('data', (chunk: Buffer) => {
      const onPutStored = this.onPutStored
      if (
        onPutStored !== null &&
        requestIsPut &&
        chunk.toString('latin1').startsWith('HTTP/1.1 200')
      ) {
        this.onPutStored = null
        onPutStored(() => client.write(chunk))
        return
      }
      client.write(chunk)
    })
    upstream.once('end', () => client.end())
    client.once('end', () => upstream.end())
    client.on('data', (chunk: Buffer) => {
      const head = chunk.subarray(0, 8).toString('latin1')
      if (/^[A-Z]+ \//.test(head)) requestIsPut = head.startsWith('PUT ')
      if (this.cutNextPut && chunk.subarray(0, 4).toString('latin1') === 'PUT ') {
        this.cutNextPut = false
        upstream.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => {
          void this.goDown().then(() => this.onCut())
        })
        return
      }
      upstream.write(chunk)
    })
  }

  private async goDown(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
