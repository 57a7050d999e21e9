// SCRAM-SHA-256, server side (RFC 5802 with RFC 7677's hash), as PostgreSQL speaks it
// (https://www.postgresql.org/docs/15/sasl-authentication.html). Only SCRAM-SHA-256 is
// offered, so channel binding never applies: a client that insists on it ('p=') is refused.
//
//   client                                   server
//   SASLInitialResponse  n,,n=*,r=<cnonce>  ─►
//                                           ◄─  SASLContinue  r=<cnonce+snonce>,s=<salt>,i=4096
//   SASLResponse  c=biws,r=<nonce>,p=<proof>  ─►
//                                           ◄─  SASLFinal  v=<server signature>, then AuthenticationOk
//
// The verifier (salt, StoredKey, ServerKey) is derived once from the password, as
// PostgreSQL stores it in pg_authid: connections then cost two HMACs, not a PBKDF2.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

export const scramMechanism = 'SCRAM-SHA-256'
const iterationCount = 4096

export interface ScramVerifier {
  readonly salt: Buffer
  readonly iterations: number
  readonly storedKey: Buffer
  readonly serverKey: Buffer
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest()

/** Derives the stored verifier from a password (SASLprep is skipped: ASCII passwords only differ there). */
export function scramVerifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = iterationCount,
): ScramVerifier {
  const saltedPassword = pbkdf2Sync(password, salt, iterations, 32, 'sha256')
  const storedKey = createHash('sha256').update(hmac(saltedPassword, 'Client Key')).digest()
  return { salt, iterations, storedKey, serverKey: hmac(saltedPassword, 'Server Key') }
}

/** Why an exchange failed: `malformed` is a protocol violation, `rejected` a wrong password. */
export type ScramFailure =
  { readonly kind: 'malformed'; readonly why: string } | { readonly kind: 'rejected' }

/** One exchange's state: feed it the client's two messages in order. */
export class ScramExchange {
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private gs2Header = ''

  constructor(private readonly verifier: ScramVerifier) {}

  /** Takes client-first-message; returns server-first-message. */
  start(clientFirst: string): string | ScramFailure {
    const match = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/.exec(clientFirst)
    if (match === null) return { kind: 'malformed', why: 'malformed SCRAM message' }
    if (match[1]?.startsWith('p=')) {
      return { kind: 'malformed', why: 'channel binding is not supported by this server' }
    }
    this.gs2Header = clientFirst.slice(0, clientFirst.length - (match[3] ?? '').length)
    this.clientFirstBare = match[3] ?? ''
    const clientNonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1]
    if (clientNonce === undefined) return { kind: 'malformed', why: 'client nonce is missing' }
    this.nonce = clientNonce + randomBytes(18).toString('base64')
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`
    return this.serverFirst
  }

  /** Takes client-final-message; returns server-final-message when the proof holds. */
  finish(clientFinal: string): string | ScramFailure {
    const match = /^c=([^,]*),r=([^,]*)(?:,.*)?,p=([^,]+)$/.exec(clientFinal)
    if (match === null) return { kind: 'malformed', why: 'malformed SCRAM message' }
    const [, binding = '', nonce = '', proofBase64 = ''] = match
    if (Buffer.from(binding, 'base64').toString('latin1') !== this.gs2Header) {
      return { kind: 'malformed', why: 'SCRAM channel binding check failed' }
    }
    if (nonce !== this.nonce) return { kind: 'malformed', why: 'SCRAM nonce mismatch' }
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='))
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const proof = Buffer.from(proofBase64, 'base64')
    const signature = hmac(this.verifier.storedKey, authMessage)
    if (proof.length !== signature.length) return { kind: 'rejected' }
    const clientKey = Buffer.alloc(proof.length)
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] ?? 0) ^ (signature[i] ?? 0)
    const storedKey = createHash('sha256').update(clientKey).digest()
    if (!timingSafeEqual(storedKey, this.verifier.storedKey)) return { kind: 'rejected' }
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`
  }
}
