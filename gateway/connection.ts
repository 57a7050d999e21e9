// One client connection: bytes in, frames, the startup and authentication phases, then the
// query session (query-protocol.ts). Flow (https://www.postgresql.org/docs/15/protocol-flow.html):
//
//   [SSLRequest ─► 'S' + TLS | 'N']  [GSSENCRequest ─► 'N']
//   StartupMessage ─► [AuthenticationSASL ⇄ SASLInitialResponse/SASLResponse ─► SASLFinal]
//                 ─► AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery
//   CancelRequest (on a fresh connection) ─► abort that session's statement, close
//
// Messages queue up as they arrive and are handled one at a time; output is buffered and
// written whenever the queue runs dry (and mid-result when large), awaiting drain.
import type { Socket } from 'node:net'
import { TLSSocket, type SecureContext } from 'node:tls'
import type { Logger } from 'pino'
import { PgError, SqlState, asPgError } from '../common/index.js'
import { ScramExchange, scramMechanism, type ScramVerifier } from './auth/scram.js'
import type { Engine, SessionBackend } from './engine.js'
import { BackendWriter } from './protocol/backend-writer.js'
import { FrameReader, type Frame } from './protocol/frame-reader.js'
import {
  decodeFrontendMessage,
  type FrontendMessage,
  type PasswordKind,
} from './protocol/frontend-messages.js'
import { AuthenticationCode } from './protocol/message-codes.js'
import { BackendActivity, type BackendRegistry } from './backend-registry.js'
import { QuerySession } from './query-protocol.js'
import { startupSettings, statementTimeoutMs } from './session-settings.js'

export interface ConnectionOptions {
  readonly engine: Engine
  readonly logger: Logger
  /** When set, every connection authenticates with SCRAM-SHA-256 against it. */
  readonly verifier: ScramVerifier | null
  /** When set, SSLRequest is answered 'S' and the socket upgraded. */
  readonly secureContext: SecureContext | null
  readonly processId: number
  readonly secretKey: number
  /** Cancels the running statement of the session holding this key (CancelRequest). */
  readonly cancel: (processId: number, secretKey: number) => void
  /** The server's sessions: this one joins once started (pg_stat_activity). */
  readonly backends?: BackendRegistry
}

/** Queued frames beyond this pause the socket until the session catches up. */
const queuedFramesMax = 512

type StartupMessage = Extract<FrontendMessage, { kind: 'startup' }>

export class Connection {
  private socket: Socket
  private reader = new FrameReader()
  private readonly out = new BackendWriter()
  private readonly frames: Frame[] = []
  private wake: (() => void) | null = null
  private closed = false
  private startup: {
    user: string
    database: string
    parameters: ReadonlyMap<string, string>
  } | null = null
  private passwordKind: PasswordKind | null = null
  private scram: ScramExchange | null = null
  private query: QuerySession | null = null
  /** Settles when the connection has closed and its session is cleaned up. */
  readonly finished: Promise<void>

  constructor(
    socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.socket = socket
    this.attach(socket)
    this.finished = this.loop()
  }

  get processId(): number {
    return this.options.processId
  }

  /** Aborts the statement running now, if any. */
  cancelRunningStatement(): void {
    this.query?.cancel()
  }

  /** Ends the connection with a FATAL error (server shutdown). */
  terminate(error: PgError): void {
    this.fatal(error).catch(() => undefined)
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk, (frame) => this.frames.push(frame))
      } catch (error) {
        void this.fatal(error)
        return
      }
      if (this.frames.length > queuedFramesMax) socket.pause()
      this.signal()
    })
    socket.on('error', (error) => this.options.logger.debug({ err: error }, 'socket error'))
    socket.on('close', () => this.close())
  }

  private signal(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  private async loop(): Promise<void> {
    try {
      while (!this.closed) {
        const frame = this.frames.shift()
        if (frame === undefined) {
          await this.flush()
          if (this.closed) break
          await new Promise<void>((resolve) => (this.wake = resolve))
          continue
        }
        if (this.socket.isPaused() && this.frames.length < queuedFramesMax / 2) this.socket.resume()
        await this.handleFrame(frame)
      }
    } catch (error) {
      await this.fatal(error)
    } finally {
      this.query?.close()
    }
  }

  private async handleFrame(frame: Frame): Promise<void> {
    if (frame.code === 0) return this.handleStartupPhase(decodeFrontendMessage(frame))
    if (this.passwordKind !== null)
      return this.authenticate(decodeFrontendMessage(frame, this.passwordKind))
    const message = decodeFrontendMessage(frame)
    if (message.kind === 'terminate') {
      await this.flush()
      return this.close()
    }
    if (this.query === null)
      throw violation(`unexpected message type ${message.kind} during startup`)
    return this.query.handle(message)
  }

  private async handleStartupPhase(message: FrontendMessage): Promise<void> {
    switch (message.kind) {
      case 'sslRequest':
        if (this.options.secureContext !== null && !(this.socket instanceof TLSSocket)) {
          return this.upgradeToTls(this.options.secureContext)
        }
        this.socket.write('N')
        return
      case 'gssEncRequest':
        this.socket.write('N')
        return
      case 'cancelRequest':
        this.options.cancel(message.processId, message.secretKey)
        return this.close()
      case 'startup':
        return this.startSession(message)
      default:
        throw violation(`unexpected message type ${message.kind} during startup`)
    }
  }

  /** Answers 'S' and hands the socket to TLS; bytes sent before the handshake are refused (CVE-2021-23214). */
  private upgradeToTls(secureContext: SecureContext): void {
    if (this.reader.pendingBytes > 0 || this.frames.length > 0) {
      throw violation('received unencrypted data after SSL request')
    }
    const plain = this.socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('close')
    plain.write('S')
    const secure = new TLSSocket(plain, { isServer: true, secureContext })
    this.socket = secure
    this.reader = new FrameReader()
    this.attach(secure)
  }

  private async startSession(message: StartupMessage): Promise<void> {
    const unrecognized = [...message.parameters.keys()].filter((name) => name.startsWith('_pq_.'))
    if ((message.protocolVersion & 0xffff) !== 0 || unrecognized.length > 0) {
      this.out.negotiateProtocolVersion(0, unrecognized)
    }
    const user = message.parameters.get('user')
    if (user === undefined || user === '') {
      throw authorizationError('no PostgreSQL user name specified in startup packet')
    }
    const database = message.parameters.get('database') || user
    this.startup = { user, database, parameters: message.parameters }
    this.options.logger.debug({ user, database }, 'startup')
    if (this.options.verifier !== null) {
      this.scram = new ScramExchange(this.options.verifier)
      this.passwordKind = 'saslInitial'
      this.out.authentication(AuthenticationCode.Sasl, [scramMechanism])
      return
    }
    const address = this.socket.remoteAddress ?? ''
    if (!isLoopback(address)) {
      const encryption = this.socket instanceof TLSSocket ? 'SSL encryption' : 'no encryption'
      throw authorizationError(
        `no pg_hba.conf entry for host "${address}", user "${user}", database "${database}", ${encryption}`,
      )
    }
    this.finishStartup()
  }

  private authenticate(message: FrontendMessage): void {
    const scram = this.scram
    if (scram === null) throw violation('unexpected password message')
    if (message.kind === 'saslInitialResponse') {
      if (message.mechanism !== scramMechanism) {
        throw violation('client selected an invalid SASL authentication mechanism')
      }
      const serverFirst = scram.start(message.data?.toString('utf8') ?? '')
      if (typeof serverFirst !== 'string') throw this.scramFailure(serverFirst)
      this.passwordKind = 'sasl'
      this.out.authentication(AuthenticationCode.SaslContinue, Buffer.from(serverFirst))
      return
    }
    if (message.kind === 'saslResponse') {
      const serverFinal = scram.finish(message.data.toString('utf8'))
      if (typeof serverFinal !== 'string') throw this.scramFailure(serverFinal)
      this.out.authentication(AuthenticationCode.SaslFinal, Buffer.from(serverFinal))
      this.finishStartup()
      return
    }
    throw violation(`expected SASL response, got message type ${message.kind}`)
  }

  private scramFailure(
    failure: { kind: 'malformed'; why: string } | { kind: 'rejected' },
  ): PgError {
    if (failure.kind === 'malformed') return violation(failure.why)
    return new PgError({
      code: SqlState.invalidPassword,
      message: `password authentication failed for user "${this.startup?.user ?? ''}"`,
    })
  }

  private finishStartup(): void {
    const startup = this.startup
    if (startup === null) throw violation('authentication finished before startup')
    this.passwordKind = null
    this.scram = null
    const settings = startupSettings(startup.parameters, startup.user)
    statementTimeoutMs(settings.get('statement_timeout'))
    const backend = this.joinBackends(startup.database, startup.user, settings)
    const session = {
      database: startup.database,
      user: startup.user,
      settings,
      transaction: null,
      ...(backend === null ? {} : { backend }),
    }
    const wire = {
      out: this.out,
      flush: () => this.flush(),
      nextMessage: () => this.nextMessage(),
      logger: this.options.logger,
    }
    this.query = new QuerySession(this.options.engine, session, wire)
    this.out.authentication(AuthenticationCode.Ok)
    this.query.reportParameters()
    this.out.backendKeyData(this.options.processId, this.options.secretKey)
    this.out.readyForQuery('I')
  }

  /** Registers this session with the server's (pg_stat_activity, pg_terminate_backend). */
  private joinBackends(
    database: string,
    user: string,
    settings: ReadonlyMap<string, string>,
  ): SessionBackend | null {
    const registry = this.options.backends
    if (registry === undefined) return null
    const pid = this.options.processId
    const address = this.socket.remoteAddress
    const activity = new BackendActivity(
      pid,
      database,
      user,
      settings,
      address === undefined ? null : address.replace(/^::ffff:/, ''),
      this.socket.remotePort ?? null,
    )
    registry.add(activity, {
      cancel: () => this.cancelRunningStatement(),
      terminate: () => this.terminate(administratorCommand()),
    })
    void this.finished.then(() => registry.remove(pid))
    return { pid, activity, registry }
  }

  /**
   * Takes the next queued message for a statement that reads the stream itself (COPY FROM
   * STDIN), flushing output and waiting when none is queued; null once the connection closed.
   */
  private async nextMessage(): Promise<FrontendMessage | null> {
    for (;;) {
      if (this.closed) return null
      const frame = this.frames.shift()
      if (frame !== undefined) {
        if (this.socket.isPaused() && this.frames.length < queuedFramesMax / 2) this.socket.resume()
        return decodeFrontendMessage(frame)
      }
      await this.flush()
      if (this.closed) return null
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  /** Writes buffered output; waits for 'drain' when the socket's buffer is full. */
  private async flush(): Promise<void> {
    const bytes = this.out.take()
    if (bytes === null || this.socket.destroyed || !this.socket.writable) return
    if (this.socket.write(bytes)) return
    const socket = this.socket
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done)
        socket.off('close', done)
        resolve()
      }
      socket.on('drain', done)
      socket.on('close', done)
    })
  }

  /** Sends a FATAL ErrorResponse and closes; non-PgErrors are logged and sent as XX000. */
  private async fatal(error: unknown): Promise<void> {
    if (this.closed) return
    if (!(error instanceof PgError)) this.options.logger.error({ err: error }, 'internal error')
    this.out.errorResponse({ ...asPgError(error).fields, severity: 'FATAL' })
    await this.flush()
    this.close()
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    this.query?.close()
    this.socket.end()
    this.signal()
  }
}

function administratorCommand(): PgError {
  return new PgError({
    code: SqlState.adminShutdown,
    message: 'terminating connection due to administrator command',
  })
}

function violation(message: string): PgError {
  return new PgError({ code: SqlState.protocolViolation, message })
}

function authorizationError(message: string): PgError {
  return new PgError({ code: SqlState.invalidAuthorizationSpecification, message })
}

/** True for 127.0.0.0/8 and ::1, including IPv4-mapped IPv6 forms. */
export function isLoopback(address: string): boolean {
  const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return ipv4.startsWith('127.') || address === '::1'
}
