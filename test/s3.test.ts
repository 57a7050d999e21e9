// Malamute with its segment files on S3: a real S3 HTTP server (s3rver, in this process) behind
// a TCP proxy the test controls, and a real Malamute started with
// `--blob s3://BUCKET/PREFIX --s3-endpoint http://proxy`. Rows written with INSERT read back
// through the query worker threads (ranged GETs), survive a crash and restart, and when S3
// goes away in the middle of an upload the INSERT fails with 58030 and commits nothing; once
// S3 is back, writes work again and nothing acknowledged is lost.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { S3BlobStore } from '../storage/s3-blob-store.js'
import { FaultyProxy } from './faulty-proxy.js'
import {
  S3TestCredentials,
  startS3TestServer,
  type S3TestServer,
} from '../storage/s3-test-server.js'
import { freePort, startMalamute, type MalamuteServer } from './server-harness.js'

const bucket = 'malamute-it'
const prefix = 'it'
let s3: S3TestServer
let proxy: FaultyProxy
let server: MalamuteServer
const acknowledged: number[] = []

before(async () => {
  s3 = await startS3TestServer(bucket)
  proxy = new FaultyProxy(await freePort(), s3.port)
  await proxy.listen()
  server = await startMalamute({
    args: [
      '--blob',
      `s3://${bucket}/${prefix}`,
      '--s3-endpoint',
      `http://127.0.0.1:${proxy.port}`,
      '--worker-threads',
      '2',
      // No background merges: the only PUTs are the INSERTs' segments.
      '--compaction-interval-ms',
      '0',
    ],
    env: {
      AWS_ACCESS_KEY_ID: S3TestCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3TestCredentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
  })
})

after(async () => {
  await server?.close()
  await proxy?.close()
  await s3?.close()
})

async function insertBatch(batch: number): Promise<void> {
  const client = await server.connect()
  try {
    const values = Array.from({ length: 100 }, (_, offset) => {
      const id = batch * 100 + offset
      return `(${id}, ${batch}, 'event ${id}')`
    })
    await client.query(`INSERT INTO s3_events VALUES ${values.join(', ')}`)
  } finally {
    await client.end()
  }
}

async function batchesPresent(): Promise<number[]> {
  const client = await server.connect()
  try {
    const result = await client.query<{ batch: number; n: string; ids: string }>(
      'SELECT batch, count(*) AS n, sum(id) AS ids FROM s3_events GROUP BY batch ORDER BY batch',
    )
    for (const row of result.rows) {
      assert.equal(Number(row.n), 100, `batch ${row.batch} is whole`)
      const first = row.batch * 100
      assert.equal(Number(row.ids), 100 * first + 4950, `batch ${row.batch} has its own ids`)
    }
    return result.rows.map((row) => Number(row.batch))
  } finally {
    await client.end()
  }
}

/** Segment keys in the bucket under the prefix, read straight from s3rver. */
async function segmentKeysInBucket(): Promise<string[]> {
  const direct = new S3BlobStore({
    bucket,
    prefix: `${prefix}/`,
    endpoint: s3.endpoint,
    credentials: S3TestCredentials,
  })
  try {
    return await direct.list('')
  } finally {
    direct.close()
  }
}

test('s3: rows inserted through Malamute live in the bucket and survive a crash', async () => {
  const client = await server.connect()
  await client.query('CREATE TABLE s3_events (id int8, batch int4, payload text)')
  await client.end()
  for (const batch of [0, 1, 2]) {
    await insertBatch(batch)
    acknowledged.push(batch)
  }
  assert.deepEqual(await batchesPresent(), acknowledged)
  assert.ok((await segmentKeysInBucket()).length >= 3, 'segments are objects in the bucket')
  const segmentsDir = path.join(server.dataDir, 'segments')
  const localFiles = existsSync(segmentsDir)
    ? readdirSync(segmentsDir, { recursive: true }).filter((entry) =>
        String(entry).endsWith('.seg'),
      )
    : []
  assert.deepEqual(localFiles, [], 'no segment file is written locally')

  await server.kill9()
  await server.restart()
  assert.deepEqual(await batchesPresent(), acknowledged)
})

test('s3: S3 going down mid-upload fails the INSERT; nothing acknowledged is lost', async () => {
  proxy.cutNextPutAndGoDown()
  const failed = insertBatch(3)
  await assert.rejects(failed, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, '58030', String(error))
    return true
  })
  await proxy.cut
  await proxy.resume()
  assert.deepEqual(await batchesPresent(), acknowledged, 'the failed INSERT committed nothing')

  await insertBatch(4)
  acknowledged.push(4)
  assert.deepEqual(await batchesPresent(), acknowledged)
  await server.kill9()
  await server.restart()
  assert.deepEqual(await batchesPresent(), acknowledged)
})
