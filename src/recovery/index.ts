export type { AttemptRecord } from './attempt.js'
export { authPolicy } from './auth-policy.js'
export { type BackoffOptions, backoffDelay } from './backoff.js'
export {
  type BreakerPolicy,
  type BreakerPolicyOptions,
  type CircuitSnapshot,
  countsAgainstDcByDefault,
  createBreakerPolicy,
} from './breaker-policy.js'
export { BUILTIN_KNOWLEDGE, type ErrorFacts } from './builtin-knowledge.js'
export { type CallInfo, type CallLimits, type CallOptions, DEFAULT_LIMITS } from './call-options.js'
export {
  type Admission,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitTransition,
  DEFAULT_BREAKER_OPTIONS,
} from './circuit-breaker.js'
export { type Clock, systemClock } from './clock.js'
export { deadlinePresets } from './deadline-presets.js'
export { type DefaultPoliciesOptions, defaultPolicies } from './default-policies.js'
export { DiagnosticReport, type DiagnosticReportInput } from './diagnostic-report.js'
export {
  CallAbortedError,
  CircuitOpenError,
  DeadlineExceededError,
  HookError,
  InvokerClosedError,
  RecoveryError,
  TransportError,
} from './errors.js'
export {
  type AuthorizeEvent,
  type BreakerEvent,
  Emitter,
  type EventSink,
  type FloodWaitEvent,
  type FloodWindowHitEvent,
  type GiveUpEvent,
  type HomeDcChangedEvent,
  type MigrateEvent,
  type NotForUserEvent,
  type RecoveryEvents,
  type RetryEvent,
  type SessionDeadEvent,
  type SpeedLimitedEvent,
  type StoreErrorEvent,
  type Unsubscribe,
} from './events.js'
export type { Failure } from './failure.js'
export { floodGatePolicy } from './flood-gate-policy.js'
export { floodPolicy } from './flood-policy.js'
export type { HomeDcChange, HookContext, RecoveryHooks } from './hooks.js'
export { inputPolicy } from './input-policy.js'
export { createInvoker, type Invoker } from './invoker.js'
export { type CatalogLookup, type ErrorKnowledge, knowledgeOf } from './knowledge.js'
export { migratePolicy } from './migrate-policy.js'
export type { InvokerOptions, Send, SendRequest } from './options.js'
export {
  type CallContext,
  type Decision,
  type InvokerContext,
  type OpenWindow,
  PASS,
  type Policy,
  RETRY,
  type Settled,
  STOP,
  stopWith,
} from './policy.js'
export {
  detailsOf,
  type FailureNotes,
  type GiveUpReason,
  hasRecoveryDetails,
  type RecoveryDetails,
} from './recovery-details.js'
export { REDACTED, type RedactOptions, redact } from './redact.js'
export { retryPolicy } from './retry-policy.js'
