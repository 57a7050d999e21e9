// Message type bytes of protocol 3.0, named as
// https://www.postgresql.org/docs/15/protocol-message-formats.html spells the messages.

/** Frontend (client → server) type bytes. Startup-phase messages have none. */
export const enum FrontendCode {
  Bind = 0x42, // B
  Close = 0x43, // C
  CopyData = 0x64, // d
  CopyDone = 0x63, // c
  CopyFail = 0x66, // f
  Describe = 0x44, // D
  Execute = 0x45, // E
  Flush = 0x48, // H
  FunctionCall = 0x46, // F
  Parse = 0x50, // P
  /** PasswordMessage, SASLInitialResponse and SASLResponse share 'p'; the auth phase tells them apart. */
  Password = 0x70, // p
  Query = 0x51, // Q
  Sync = 0x53, // S
  Terminate = 0x58, // X
}

/** Backend (server → client) type bytes. */
export const enum BackendCode {
  Authentication = 0x52, // R
  BackendKeyData = 0x4b, // K
  BindComplete = 0x32, // 2
  CloseComplete = 0x33, // 3
  CommandComplete = 0x43, // C
  CopyData = 0x64, // d
  CopyDone = 0x63, // c
  CopyInResponse = 0x47, // G
  CopyOutResponse = 0x48, // H
  DataRow = 0x44, // D
  EmptyQueryResponse = 0x49, // I
  ErrorResponse = 0x45, // E
  NegotiateProtocolVersion = 0x76, // v
  NoData = 0x6e, // n
  NoticeResponse = 0x4e, // N
  ParameterDescription = 0x74, // t
  ParameterStatus = 0x53, // S
  ParseComplete = 0x31, // 1
  PortalSuspended = 0x73, // s
  ReadyForQuery = 0x5a, // Z
  RowDescription = 0x54, // T
}

/** The int32 request codes that stand where a startup packet's protocol version would. */
export const enum StartupCode {
  /** 3.0: major 3 in the high 16 bits, minor 0 in the low ones. */
  ProtocolVersion3 = 196608,
  CancelRequest = 80877102, // 1234 5678
  SslRequest = 80877103, // 1234 5679
  GssEncRequest = 80877104, // 1234 5680
}

/** Authentication request codes carried by 'R' messages. */
export const enum AuthenticationCode {
  Ok = 0,
  CleartextPassword = 3,
  Sasl = 10,
  SaslContinue = 11,
  SaslFinal = 12,
}
