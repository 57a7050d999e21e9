// Where segment bytes and metadata live, as plain data: the CLI parses `--blob` and
// `--metadata` into these, openStorage opens them, and the blob location crosses to query
// worker threads (structured clone), so it holds no class instances and no secrets.
// Credentials come from the standard AWS environment (AWS_ACCESS_KEY_ID, AWS_REGION, ...),
// which worker threads share with the main thread.
import { PgError, SqlState } from '../common/index.js'

/** Segment files: a directory under the data dir (the default), or an S3 bucket and prefix. */
export type BlobLocation =
  | { readonly kind: 'directory' }
  | {
      readonly kind: 's3'
      readonly bucket: string
      /** '' or a key prefix ending in '/'. */
      readonly prefix: string
      /** An S3-compatible endpoint (MinIO, s3rver...): path-style addressing is used with it. */
      readonly endpoint?: string
      /** Overrides AWS_REGION; us-east-1 when neither is set. */
      readonly region?: string
      /** Bytes of segment ranges each process (and each worker thread) caches; 0 turns it off. */
      readonly cacheBytesMax?: number
    }

/** The metadata store: lmdb under the data dir (the default), or FoundationDB. */
export type MetadataLocation =
  | { readonly kind: 'lmdb' }
  | {
      readonly kind: 'fdb'
      /** The cluster file; FoundationDB's default search (FDB_CLUSTER_FILE, /etc) when unset. */
      readonly clusterFile?: string
    }

export const DirectoryBlobLocation: BlobLocation = { kind: 'directory' }
export const LmdbMetadataLocation: MetadataLocation = { kind: 'lmdb' }

const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

function badOption(option: string, value: string, hint: string): PgError {
  return new PgError({
    code: SqlState.invalidParameterValue,
    message: `invalid value for ${option}: "${value}"`,
    hint,
  })
}

/** Parses `--blob`: `file:` (segments under the data dir) or `s3://BUCKET[/PREFIX]`. */
export function parseBlobLocation(
  value: string,
  s3: {
    readonly endpoint?: string
    readonly region?: string
    readonly cacheBytesMax?: number
  } = {},
): BlobLocation {
  const hint = 'Use file: or s3://BUCKET/PREFIX.'
  if (value === 'file:' || value === 'file') return DirectoryBlobLocation
  if (!value.startsWith('s3://')) throw badOption('--blob', value, hint)
  const rest = value.slice('s3://'.length)
  const slash = rest.indexOf('/')
  const bucket = slash < 0 ? rest : rest.slice(0, slash)
  const rawPrefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '')
  if (!bucketName.test(bucket)) throw badOption('--blob', value, 'Name a valid S3 bucket.')
  const prefixParts = rawPrefix === '' ? [] : rawPrefix.split('/')
  if (prefixParts.some((part) => part === '' || part === '.' || part === '..')) {
    throw badOption('--blob', value, 'The prefix has an empty, "." or ".." segment.')
  }
  return {
    kind: 's3',
    bucket,
    prefix: rawPrefix === '' ? '' : `${rawPrefix}/`,
    ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
    ...(s3.region === undefined ? {} : { region: s3.region }),
    ...(s3.cacheBytesMax === undefined ? {} : { cacheBytesMax: s3.cacheBytesMax }),
  }
}

/** Parses `--metadata`: `lmdb` (under the data dir) or `fdb[:CLUSTER_FILE]`. */
export function parseMetadataLocation(value: string): MetadataLocation {
  if (value === 'lmdb') return LmdbMetadataLocation
  if (value === 'fdb') return { kind: 'fdb' }
  if (value.startsWith('fdb:') && value.length > 'fdb:'.length) {
    return { kind: 'fdb', clusterFile: value.slice('fdb:'.length) }
  }
  throw badOption('--metadata', value, 'Use lmdb, fdb or fdb:CLUSTER_FILE.')
}

/** One line for logs: where the blobs are, without credentials. */
export function describeBlobLocation(location: BlobLocation, dataDir: string): string {
  if (location.kind === 'directory') return `file:${dataDir}/segments`
  const endpoint = location.endpoint === undefined ? '' : ` at ${location.endpoint}`
  return `s3://${location.bucket}/${location.prefix}${endpoint}`
}
