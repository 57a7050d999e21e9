// A real Kafka wire-protocol cluster for tests: librdkafka's mock cluster (Debian
// librdkafka-dev), kept alive by test/kafka/mock-cluster.c, which this module compiles with cc
// into a temporary directory and starts. kafkajs clients reach it over TCP on 127.0.0.1.
//
// librdkafka 2.0.2's mock answers what kafkajs needs: ApiVersions, Metadata, Produce, Fetch,
// ListOffsets, FindCoordinator and the group protocol (JoinGroup, SyncGroup, Heartbeat,
// LeaveGroup, OffsetCommit/OffsetFetch). Two things to know: a group's first join waits about
// 3 s (the mock's initial rebalance delay), and a killed member holds its partitions until
// its session times out, so tests run servers with a short --kafka-session-timeout-ms. And a
// mock partition keeps at most 5 MB (or 100,000 message sets): older ones are dropped, as
// retention would, so a test keeps each partition's data under that. When two members join at
// once, the mock may answer the follower's SyncGroup with INVALID_REQUEST (it marks the group
// up as soon as the leader's assignment arrives); kafkajs treats that as final and stops, so
// the Kafka intake starts its consumer again after any crash kafkajs does not restart itself.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { repositoryRoot } from '../server-harness.js'

const run = promisify(execFile)
const launcherSource = path.join(repositoryRoot, 'test/kafka/mock-cluster.c')
const mockHeader = '/usr/include/librdkafka/rdkafka_mock.h'

let launcher: Promise<string> | undefined

/** Compiles the launcher once per test process; fails clearly when librdkafka-dev is missing. */
async function buildLauncher(): Promise<string> {
  if (!existsSync(mockHeader)) {
    throw new Error(
      `${mockHeader} is missing: install Debian's librdkafka-dev (test/run-all.sh does)`,
    )
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'malamute-mock-kafka-'))
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }))
  const binary = path.join(directory, 'mock-cluster')
  await run('cc', ['-O1', '-o', binary, launcherSource, '-lrdkafka'])
  return binary
}

export interface MockKafka {
  /** host:port list for kafkajs and --kafka-brokers. */
  readonly bootstrap: string
  stop(): Promise<void>
}

/** Starts a mock cluster with `topics` (name → partitions); resolves once it listens. */
export async function startMockKafka(
  topics: Readonly<Record<string, number>>,
  brokers = 1,
): Promise<MockKafka> {
  const binary = await (launcher ??= buildLauncher())
  const args = ['--brokers', String(brokers)]
  for (const [name, partitions] of Object.entries(topics))
    args.push('--topic', `${name}:${partitions}`)
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  process.on('exit', () => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let stdout = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      const newline = stdout.indexOf('\n')
      if (newline >= 0) resolve(stdout.slice(0, newline).trim())
    })
    child.once('exit', (code) => reject(new Error(`mock cluster exited (${code}): ${stderr}`)))
    child.once('error', reject)
  })
  return {
    bootstrap,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  }
}
