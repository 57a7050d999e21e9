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
      /** CopyData payloads; the CommandComplete tag is final once drained. */
      readonly chunks: AsyncIterable<Uint8Array>
    }
