// gateway/: the PostgreSQL wire protocol (3.0) server side. It turns TCP chunks into frames
// and frontend messages, runs the connection state machine (SSL/GSSENC negotiation, startup,
// SCRAM-SHA-256 or loopback trust, simple and extended query, portals with row limits,
// CancelRequest, statement_timeout), hands SQL text and decoded parameters to the Engine, and
// encodes the Engine's columnar batches into DataRow bytes a batch at a time. It must never
// parse or interpret SQL itself (the planner does, through the Engine), never touch storage,
// never build an object per row on the result path, and never answer with a bare SQLSTATE
// string: every error leaves as an ErrorResponse built from a PgError.
export type { Description, Engine, ParsedStatement, ResultStream, SessionState } from './engine.js'
export { startServer } from './server.js'
export { SqlEngine } from './sql-engine.js'
export type { SqlEngineOptions } from './sql-engine.js'
export type { RunningServer, ServerOptions } from './server.js'
export { serverVersion } from './session-settings.js'
export { startIntakeServer } from './http/intake-server.js'
export type { IntakeServerOptions, RunningIntakeServer } from './http/intake-server.js'
export { startKafkaIntake } from './kafka/kafka-intake.js'
export type {
  KafkaIntakeCounters,
  KafkaIntakeOptions,
  RunningKafkaIntake,
} from './kafka/kafka-intake.js'
