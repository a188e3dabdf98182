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
export type { CallContext, Settled } from './call-context.js'
export type { CallInterceptor, InterceptedCall } from './call-interceptor.js'
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
export type { Engine } from './engine.js'
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
export { floodGatePolicy, type OpenWindow, openFloodWindow } from './flood-gate-policy.js'
export { floodPolicy } from './flood-policy.js'
export { inputPolicy } from './input-policy.js'
export { createInvoker, type Invoker } from './invoker.js'
export { type CatalogLookup, type ErrorKnowledge, knowledgeOf } from './knowledge.js'
export {
  clearLongTimeout,
  LongTimer,
  MAX_TIMER_DELAY_MS,
  setLongTimeout,
  type TimerHost,
  timerDelayOf,
} from './long-timer.js'
export { migratePolicy } from './migrate-policy.js'
export {
  type CallInfo,
  type CallLimits,
  type CallOptions,
  DEFAULT_LIMITS,
  type HomeDcChange,
  type HookContext,
  type InvokerOptions,
  type RecoveryHooks,
  type Send,
  type SendRequest,
} from './options.js'
export { type Decision, type Failure, PASS, type Policy, RETRY, STOP, stopWith } from './policy.js'
export {
  detailsOf,
  type FailureNotes,
  type GiveUpReason,
  hasRecoveryDetails,
  type RecoveryDetails,
} from './recovery-details.js'
export { REDACTED, type RedactOptions, redact } from './redact.js'
export { retryPolicy } from './retry-policy.js'
