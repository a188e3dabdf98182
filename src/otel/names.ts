/**
 * Every metric and attribute name of `mtproto-errors/otel`, written once: docs/observability.md
 * lists the same table, and the tests read these constants rather than repeating the strings.
 */

/** The instrumentation scope name (meter and tracer). */
export const SCOPE_NAME = 'mtproto-errors'

/**
 * Metric names. Counters end in their counted noun; durations are in seconds, as OpenTelemetry
 * asks. Calls are counted by an observable counter fed from our own counts (see call-counts.ts);
 * the duration histogram is opt-in (`recordDuration`), for its cost per call.
 */
export const METRIC = {
  calls: 'mtproto.client.calls',
  callDuration: 'mtproto.client.call.duration',
  floodWaits: 'mtproto.client.flood_waits',
  floodWaitDuration: 'mtproto.client.flood_wait.duration',
  held: 'mtproto.client.calls.held',
  refused: 'mtproto.client.calls.refused',
  retries: 'mtproto.client.retries',
  migrations: 'mtproto.client.migrations',
  giveUps: 'mtproto.client.give_ups',
  sessionsDead: 'mtproto.client.sessions.dead',
  speedLimit: 'mtproto.client.speed_limited',
  storeErrors: 'mtproto.flood_store.errors',
  storeState: 'mtproto.flood_store.state',
  storeWindows: 'mtproto.flood_store.windows',
  storeSyncs: 'mtproto.flood_store.syncs',
  storeRemoteWindows: 'mtproto.flood_store.remote_windows',
  breakerState: 'mtproto.breaker.state',
  breakerTransitions: 'mtproto.breaker.transitions',
  poolMoves: 'mtproto.pool.moves',
  poolAccounts: 'mtproto.pool.accounts',
  pacingRate: 'mtproto.pacing.rate',
  pacingCeiling: 'mtproto.pacing.ceiling',
  pacingNextSlotDelay: 'mtproto.pacing.next_slot.delay',
  pacingWaiting: 'mtproto.pacing.waiting',
  pacingKeys: 'mtproto.pacing.keys',
  testkitCalls: 'mtproto.testkit.calls',
  testkitErrors: 'mtproto.testkit.errors',
  testkitViolations: 'mtproto.testkit.flood_violations',
  testkitRefusedInFlight: 'mtproto.testkit.flood_refused_in_flight',
  testkitMigrations: 'mtproto.testkit.migrations',
  testkitFaults: 'mtproto.testkit.faults_injected',
} as const

/** Attribute keys. `rpc.*` and `error.type` follow OpenTelemetry's conventions; the rest are ours. */
export const ATTR = {
  rpcSystem: 'rpc.system',
  rpcMethod: 'rpc.method',
  errorType: 'error.type',
  account: 'mtproto.account',
  dc: 'mtproto.dc',
  outcome: 'mtproto.outcome',
  floodScope: 'mtproto.flood.scope',
  retryCause: 'mtproto.retry.cause',
  migrateKind: 'mtproto.migrate.kind',
  giveUpReason: 'mtproto.give_up.reason',
  sessionReason: 'mtproto.session.reason',
  attempts: 'mtproto.attempts',
  waitedMs: 'mtproto.waited_ms',
  finalDc: 'mtproto.dc.final',
  params: 'mtproto.params',
  waitMs: 'mtproto.wait_ms',
  waitReason: 'mtproto.wait.reason',
  willWait: 'mtproto.will_wait',
  attempt: 'mtproto.attempt',
  toDc: 'mtproto.dc.to',
  breakerState: 'mtproto.breaker.state',
  storeState: 'mtproto.flood_store.state',
  storeOperation: 'mtproto.flood_store.operation',
  remoteVia: 'mtproto.flood_store.via',
  poolReason: 'mtproto.pool.reason',
  poolAccountState: 'mtproto.pool.account_state',
  authorizeResult: 'mtproto.authorize.result',
} as const

/** The `rpc.system` value of every span. */
export const RPC_SYSTEM = 'mtproto'

/** Span event names. */
export const SPAN_EVENT = {
  attemptFailed: 'mtproto.attempt.failed',
  wait: 'mtproto.wait',
  redirect: 'mtproto.redirect',
  refused: 'mtproto.refused',
  speedLimit: 'mtproto.speed_limited',
  sessionDead: 'mtproto.session.dead',
  authorize: 'mtproto.authorize',
} as const
