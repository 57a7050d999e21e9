// HTTP intake of JSON events: POST /v1/ingest/{table}[?database=acme] with NDJSON (one
// object per line) or one JSON array of objects, optionally Content-Encoding: gzip.
//
//   200 {"rows": n}              after the rows are in committed, fsynced segments; with
//                                "duplicates": d when d events repeated an event id
//   400 {"error", "line"}        a malformed line or field; nothing of the request committed
//   413 {"error"}                body (after gunzip) over bodyBytesMax
//   429 {"error"} + Retry-After  requestsInFlightMax requests are already being ingested
//
// GET /metrics answers the process's Prometheus metrics (prom-client's default registry), such
// as malamute_overflow_fields_total{database, table} (storage/column-cap.ts).
//
// The table is created (schemaless) when missing; fields become columns as the JSON
// converter (storage/json-events.ts) and the writer's type-drift rules say. A request of
// more than one batch of events commits through one bulk append: all or nothing.
//
// Exactly once by event id: when events carry the id field (`id` unless configured), an
// event whose id the table committed within the id window (storage/event-ids.ts), or that
// came earlier in the request, is dropped, and the ids are recorded in the request's commit.
// A client that retries a request whose answer it never got (the server died after the
// commit) gets 200 with those events counted as duplicates and stored once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { Logger } from 'pino'
import { register } from 'prom-client'
import { BatchRowsTarget, PgError, SqlState } from '../../common/index.js'
import type { BulkAppend, Storage } from '../../storage/api.js'
import {
  JsonEventBatchBuilder,
  JsonEventError,
  jsonTimeFieldOf,
} from '../../storage/json-events.js'

export interface IntakeServerOptions {
  readonly storage: Storage
  readonly logger: Logger
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  /** Largest body accepted, after decompression. Default 64 MiB. */
  readonly bodyBytesMax?: number
  /** Requests ingested at once; more get 429. Default 16. */
  readonly requestsInFlightMax?: number
  /** The database (tenant) when the request names none. */
  readonly defaultDatabase?: string
  /** The event id field to de-duplicate by; '' for none. Default `id`. */
  readonly idField?: string
}

export interface RunningIntakeServer {
  readonly port: number
  close(): Promise<void>
}

/** Attempts of a request whose ids another writer committed meanwhile (40001). */
const ConflictAttemptsMax = 5

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly line?: number,
  ) {
    super(message)
  }
}

/** Starts the intake listener; resolves once it listens. */
export async function startIntakeServer(
  options: IntakeServerOptions,
): Promise<RunningIntakeServer> {
  const intake = new Intake(options)
  const server: Server = createServer((request, response) => {
    intake.handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, 'intake request failed')
      if (!response.headersSent) reply(response, 500, { error: 'internal error' })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

class Intake {
  private inFlight = 0
  private readonly bodyBytesMax: number
  private readonly requestsInFlightMax: number

  constructor(private readonly options: IntakeServerOptions) {
    this.bodyBytesMax = options.bodyBytesMax ?? 64 * 1024 * 1024
    this.requestsInFlightMax = options.requestsInFlightMax ?? 16
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://intake')
    if (url.pathname === '/metrics' && request.method === 'GET') {
      const text = await register.metrics()
      response.writeHead(200, { 'Content-Type': register.contentType })
      response.end(text)
      return
    }
    const match = /^\/v1\/ingest\/([^/]+)$/.exec(url.pathname)
    if (match === null) return refuse(request, response, 404, 'not found')
    if (request.method !== 'POST') return refuse(request, response, 405, 'use POST')
    if (this.inFlight >= this.requestsInFlightMax) {
      return refuse(request, response, 429, 'too many requests in flight', { 'Retry-After': '1' })
    }
    const declaredBytes = Number(request.headers['content-length'] ?? 0)
    if (declaredBytes > this.bodyBytesMax) return refuse(request, response, 413, this.tooLarge())
    this.inFlight++
    try {
      const table = decodeURIComponent(match[1]!)
      const tenant = url.searchParams.get('database') ?? this.options.defaultDatabase ?? 'malamute'
      if (table === '' || Buffer.byteLength(table) > 63)
        throw new HttpError(400, 'table names are 1 to 63 bytes')
      const body = await this.readBody(request)
      const { rows, duplicates } = await this.ingestRetryingConflicts(tenant, table, body)
      reply(response, 200, duplicates === 0 ? { rows } : { rows, duplicates })
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 413) response.setHeader('Connection', 'close')
        reply(response, error.status, {
          error: error.message,
          ...(error.line === undefined ? {} : { line: error.line }),
        })
      } else if (error instanceof JsonEventError) {
        reply(response, 400, { error: error.message, line: error.line })
      } else if (error instanceof PgError) {
        const status = error.code.startsWith('22') || error.code.startsWith('42') ? 400 : 500
        reply(response, status, { error: error.message, code: error.code })
      } else {
        throw error
      }
    } finally {
      this.inFlight--
    }
  }

  private tooLarge(): string {
    return `request body is larger than ${this.bodyBytesMax} bytes`
  }

  /** Reads the body, gunzipping when asked, and stops at bodyBytesMax (counted decompressed). */
  private async readBody(request: IncomingMessage): Promise<string> {
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase()
    let stream: Readable = request
    if (encoding === 'gzip') stream = request.pipe(createGunzip())
    else if (encoding !== 'identity')
      throw new HttpError(415, `unsupported content encoding "${encoding}"`)
    const chunks: Buffer[] = []
    let bytes = 0
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length
        if (bytes > this.bodyBytesMax) {
          stream.destroy()
          request.resume()
          throw new HttpError(413, this.tooLarge())
        }
        chunks.push(chunk)
      }
    } catch (error) {
      if (error instanceof HttpError) throw error
      throw new HttpError(400, `could not read the request body: ${(error as Error).message}`)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  private async ingestRetryingConflicts(
    tenant: string,
    table: string,
    body: string,
  ): Promise<{ rows: number; duplicates: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingest(tenant, table, body)
      } catch (error) {
        const conflict = error instanceof PgError && error.code === SqlState.serializationFailure
        if (!conflict) throw error
        if (attempt >= ConflictAttemptsMax)
          throw new HttpError(503, 'event ids conflicted with concurrent writers; retry')
      }
    }
  }

  /** Converts every event, then commits them all at once; answers the rows stored. */
  private async ingest(
    tenant: string,
    table: string,
    body: string,
  ): Promise<{ rows: number; duplicates: number }> {
    const events = eventSource(body)
    const { storage } = this.options
    let info = await storage.catalog.getTable(tenant, table)
    if (info === undefined) {
      await storage.catalog.createTable(tenant, table, [], true)
      info = await storage.catalog.getTable(tenant, table)
    }
    if (info === undefined) throw new HttpError(409, `table "${table}" was dropped meanwhile`)
    const first = events.first()
    const timeField = jsonTimeFieldOf(info, first)
    const options = { timeField, arrivalMicros: Date.now() * 1000 }
    const idField = this.options.idField ?? 'id'
    const addOptions = idField === '' ? {} : { idField }
    let builder = new JsonEventBatchBuilder(options)
    let bulk: BulkAppend | null = null
    let rows = 0
    try {
      for (const { value, line } of events.all()) {
        builder.addEvent(value, line)
        if (builder.rows < BatchRowsTarget) continue
        bulk ??= await storage.writer.beginBulk(tenant, table)
        const { fields, batch } = builder.finish()
        rows += batch.length
        await bulk.add(fields, batch, addOptions)
        builder = new JsonEventBatchBuilder(options)
      }
      const { fields, batch } = builder.finish()
      rows += batch.length
      const hasIds = idField !== '' && fields.some((field) => field.name === idField)
      if (bulk === null && !hasIds) {
        const appended =
          batch.length === 0 ? 0 : await storage.writer.append(tenant, table, fields, batch)
        return { rows: appended, duplicates: 0 }
      }
      // Events with ids commit through a bulk append, which records their ids.
      bulk ??= await storage.writer.beginBulk(tenant, table)
      await bulk.add(fields, batch, addOptions)
      await bulk.commit()
      return { rows: rows - bulk.duplicateRows, duplicates: bulk.duplicateRows }
    } catch (error) {
      await bulk?.abort()
      throw error
    }
  }
}

/** The events of an NDJSON body, or of a JSON array (lines are then 1-based array positions). */
function eventSource(body: string): {
  first(): Record<string, unknown> | null
  all(): Iterable<{ value: unknown; line: number }>
} {
  const start = body.search(/\S/)
  if (start >= 0 && body[start] === '[') {
    let array: unknown
    try {
      array = JSON.parse(body)
    } catch (error) {
      throw new HttpError(400, `invalid JSON: ${(error as Error).message}`, 1)
    }
    if (!Array.isArray(array)) throw new HttpError(400, 'body is not a JSON array', 1)
    const items = array as unknown[]
    return {
      first: () => asObject(items[0]),
      all: () => items.map((value, index) => ({ value, line: index + 1 })),
    }
  }
  return {
    first: () => {
      const end = body.indexOf('\n')
      try {
        return asObject(JSON.parse(end < 0 ? body : body.slice(0, end)))
      } catch {
        return null
      }
    },
    all: () => ndjsonLines(body),
  }
}

function* ndjsonLines(body: string): Generator<{ value: unknown; line: number }> {
  let line = 0
  let at = 0
  while (at < body.length) {
    let end = body.indexOf('\n', at)
    if (end < 0) end = body.length
    const text = body.slice(at, end)
    at = end + 1
    line++
    if (text.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new JsonEventError(line, `invalid JSON: ${(error as Error).message}`)
    }
    yield { value, line }
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

/** Answers without reading the body; the connection closes so the unread body is not parsed. */
function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  reply(response, status, { error: message }, { Connection: 'close', ...headers })
  request.resume()
}
