// What a COPY statement hands the gateway: a sink for CopyData (COPY FROM STDIN) or a stream
// of CopyData payloads (COPY TO STDOUT). The gateway owns the sub-protocol's messages
// (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-COPY); the executor owns
// the bytes' meaning.
export type CopyTransfer =
  | {
      readonly direction: 'in'
      /** Columns CopyInResponse announces. */
      readonly columnCount: number
      /** Reads the stream to its end and commits; resolves with the rows committed. */
      consume(source: AsyncIterable<Uint8Array>): Promise<number>
    }
  | {
      readonly direction: 'out'
      readonly columnCount: number
      /** Rows to send; the CommandComplete tag is final once drained. */
      readonly chunks: AsyncIterable<CopyRows>
    }

/**
 * Encoded rows and where each ends: PostgreSQL sends one CopyData message per row, and some
 * clients (psycopg 3's `Copy.rows()`) parse each message as exactly one row.
 */
export interface CopyRows {
  readonly bytes: Uint8Array
  /** Byte offset just past each row, ascending; the last equals bytes.length. */
  readonly rowEnds: Int32Array
}
