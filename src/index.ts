/**
 * mtproto-errors: parse, classify, explain and recover from the errors of the Telegram API.
 * This entry is the runtime-free core: it imports nothing from Node.
 *
 * The list below is the public surface, written out so that it grows only on purpose: what a user
 * needs on a first day (the error model, the catalogue, the invoker and its policies, flood stores,
 * the account pool, and parsing an `rpc_error` off the wire). The TL reader, writer and encoders
 * are in `mtproto-errors/wire`; the engine's own classes are not exported at all.
 * @packageDocumentation
 */

// The slim path: recovery facts without the catalogue's prose (see docs/catalog.md).
export { actionOf } from './catalog/actions.js'
// The catalogue: what each error means and what to do about it.
export { lookup } from './catalog/entries.js'
export { explain } from './catalog/explain.js'
export { fieldFromType } from './catalog/field-pattern.js'
export { type LocaleMessages, registerLocale, userMessageFor } from './catalog/locale.js'
export { searchCatalog } from './catalog/search.js'
export type {
  CatalogAction,
  CatalogEntry,
  CatalogQuery,
  Explanation,
  FloodScope,
  ParamInfo,
  RecommendedAction,
} from './catalog/types.js'
// The error model.
export type { ErrorCategory } from './error/category.js'
export type { ErrorParams } from './error/match-template.js'
export type { BotApiErrorParameters, RpcErrorInput } from './error/normalize-input.js'
export {
  BadRequestError,
  type ConcreteType,
  FloodError,
  ForbiddenError,
  InternalServerError,
  isRpcError,
  type MigrateKind,
  NotFoundError,
  RpcError,
  type RpcErrorJson,
  type RpcErrorOf,
  SeeOtherError,
  UnauthorizedError,
} from './error/rpc-error.js'
export type { KnownTemplate, TemplateParams } from './error/templates.generated.js'
// Flood windows: keys and the in-memory store (the Redis one is `mtproto-errors/redis`).
export {
  defaultFloodKeyOf,
  type FloodKeyCall,
  type FloodKeyScope,
  floodKeyGroup,
} from './flood/flood-key.js'
export type { FloodStore } from './flood/flood-store.js'
export { MemoryFloodStore, type MemoryFloodStoreOptions } from './flood/memory-flood-store.js'
// Paced sends: slots booked per rate limit (the Redis flood store books them too).
export {
  createMemoryPaceStore,
  type MemoryPaceStore,
  type MemoryPaceStoreOptions,
} from './flood/memory-pace-store.js'
export type {
  PaceLimit,
  PaceRefusal,
  PaceSlot,
  PaceStore,
  SharedPace,
  SharedPaceRequest,
} from './flood/pace-store.js'
// Several accounts behind one call.
export {
  type AccountPool,
  createPool,
  NoAccountAvailableError,
  type PoolAccountDeadEvent,
  type PoolAccountState,
  type PoolCallOptions,
  type PoolEvents,
  type PoolOptions,
  type PoolRerouteEvent,
} from './pool/account-pool.js'
// The recovery engine: the invoker, its options and events, and the policy contract.
export type { AttemptRecord } from './recovery/attempt.js'
export {
  type BreakerPolicy,
  type BreakerPolicyOptions,
  type CircuitSnapshot,
  createBreakerPolicy,
} from './recovery/breaker-policy.js'
export type { CallInterceptor, InterceptedCall } from './recovery/call-interceptor.js'
export type { CallInfo, CallLimits, CallOptions } from './recovery/call-options.js'
export type { CircuitBreakerOptions, CircuitState } from './recovery/circuit-breaker.js'
export { type Clock, systemClock } from './recovery/clock.js'
export { deadlinePresets } from './recovery/deadline-presets.js'
export { type DefaultPoliciesOptions, defaultPolicies } from './recovery/default-policies.js'
export type { DiagnosticReport } from './recovery/diagnostic-report.js'
export {
  CallAbortedError,
  CircuitOpenError,
  DeadlineExceededError,
  HookError,
  InvokerClosedError,
  NetworkError,
  RecoveryError,
} from './recovery/errors.js'
export type {
  AuthorizeEvent,
  BreakerEvent,
  EventSink,
  FloodWaitEvent,
  FloodWindowHitEvent,
  GiveUpEvent,
  HomeDcChangeEvent,
  MigrateEvent,
  NotForUserEvent,
  PaceChangeEvent,
  PaceWaitEvent,
  RecoveryEvents,
  RetryEvent,
  SessionDeadEvent,
  SpeedLimitEvent,
  StoreErrorEvent,
  Unsubscribe,
} from './recovery/events.js'
export type { Failure } from './recovery/failure.js'
export type { HomeDcChange, HookContext, RecoveryHooks } from './recovery/hooks.js'
export { createInvoker, type Invoker } from './recovery/invoker.js'
export type { CatalogLookup, ErrorKnowledge } from './recovery/knowledge.js'
export { clearLongTimeout, LongTimer, setLongTimeout, type TimerHost } from './recovery/long-timer.js'
export type { InvokerOptions, Send, SendRequest } from './recovery/options.js'
export type { PacingOptions } from './recovery/pacing-options.js'
export type { DiscoverySnapshot, PaceSnapshot, PacingSnapshot } from './recovery/pacing-service.js'
export {
  type CallContext,
  type Decision,
  type InvokerContext,
  type OpenWindow,
  PASS,
  type PacingService,
  type Policy,
  RETRY,
  type Settled,
  STOP,
  stopWith,
} from './recovery/policy.js'
export {
  detailsOf,
  type FailureNotes,
  type GiveUpReason,
  type RecoveryDetails,
} from './recovery/recovery-details.js'
export { type RedactOptions, redact } from './recovery/redact.js'
// The wire, for a first day: an rpc_error (or a whole message) off the wire. The rest is
// `mtproto-errors/wire`.
export type { BytesInput } from './wire/bytes-input.js'
export { DecodeError, type DecodeErrorReason } from './wire/decode-error.js'
export { decodeMessages } from './wire/decode-messages.js'
export type { DecodeOptions, GzipInflate } from './wire/decode-options.js'
export { decodeRpcResult } from './wire/decode-rpc-result.js'
export type {
  BadMsgNotificationMessage,
  BadServerSaltMessage,
  DecodedMessage,
  DecodedRpcResult,
  InvalidMessage,
  MessageEnvelope,
  OtherMessage,
  RpcOutcome,
  RpcResultMessage,
} from './wire/decoded-message.js'
export {
  decodeTransportError,
  type TransportErrorAction,
  type TransportErrorPacket,
} from './wire/transport-error.js'
