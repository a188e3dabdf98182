import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api'
import type { InterceptedCall } from '../recovery/call-interceptor.js'
import { detailsOf } from '../recovery/recovery-details.js'
import { redact } from '../recovery/redact.js'
import type { CallState, CallStates } from './call-state.js'
import { ATTR, METRIC, RPC_SYSTEM } from './names.js'
import type { Instruments } from './options.js'
import { errorTypeOf, outcomeOf } from './outcome.js'

/** Milliseconds from a monotonic clock (the engine's clock may be a test's fake one). */
const now = (): number => globalThis.performance.now()

/**
 * The interceptor behind a call's span and its `call.duration` metric (which counts calls too). The span is the
 * active context while the engine runs the call, so the engine's events land on it (see
 * call-state.ts) and the caller's own span is its parent.
 */
export function tracingInterceptor(
  instruments: Instruments,
  states: CallStates,
  onAccount: (account: string) => void,
): (call: InterceptedCall, proceed: () => Promise<unknown>) => Promise<unknown> {
  const { tracer, meter, methods } = instruments
  const duration = meter.createHistogram(METRIC.callDuration, {
    description: 'Calls, by method and outcome, and their time from made to ended, waits included',
    unit: 's',
  })

  /** Records the call's duration, which also counts it, under its method and outcome. */
  const record = (call: InterceptedCall, outcome: string, startedAt: number): void => {
    const labels: Attributes = { [ATTR.rpcMethod]: methods.of(call.method), [ATTR.outcome]: outcome }
    if (instruments.recordAccount) labels[ATTR.account] = call.account
    duration.record((now() - startedAt) / 1000, labels)
  }

  /** Ends the span of a call that returned a result. */
  const succeeded = (state: CallState): void => {
    state.span.setAttributes({
      [ATTR.outcome]: 'ok',
      [ATTR.attempts]: state.failedSends + 1,
      [ATTR.waitedMs]: state.waitedMs,
      ...(state.dcId !== undefined && { [ATTR.finalDc]: state.dcId }),
    })
    state.span.end()
  }

  /** Ends the span of a call that threw `error`. */
  const failed = (state: CallState, error: unknown, outcome: string): void => {
    const details = detailsOf(error)
    const type = errorTypeOf(error)
    const lastDc = details?.lastDcId ?? state.dcId
    state.span.setAttributes({
      [ATTR.outcome]: outcome,
      [ATTR.errorType]: type,
      // The engine's own history is exact for a failed call: every send failed.
      [ATTR.attempts]: details?.attempts.length ?? state.failedSends,
      [ATTR.waitedMs]: state.waitedMs,
      ...(details !== undefined && { [ATTR.giveUpReason]: details.giveUpReason }),
      ...(lastDc !== undefined && { [ATTR.finalDc]: lastDc }),
    })
    // The type only: messages of transport failures may quote what the application sent.
    state.span.setStatus({ code: SpanStatusCode.ERROR, message: type })
    state.span.end()
  }

  // Not an async function: with the SDK's context manager every promise costs a hook call, so the
  // call's own promise is continued once instead of awaited inside another.
  return (call, proceed) => {
    onAccount(call.account)
    const parent = context.active()
    const span = instruments.tracing ? startCallSpan(tracer, call, instruments, parent) : undefined
    const startedAt = now()
    // A span nobody records (no SDK, or sampled out) needs no context of ours: skip the bookkeeping.
    const opened = span?.isRecording() === true ? states.open(parent, span, call.dcId) : undefined
    if (opened === undefined) span?.end()
    const state = opened?.state
    const running = opened === undefined ? proceed() : context.with(opened.context, proceed)
    return running.then(
      (value) => {
        record(call, 'ok', startedAt)
        if (state !== undefined) succeeded(state)
        return value
      },
      (error: unknown) => {
        const outcome = outcomeOf(error, call.options?.signal)
        record(call, outcome, startedAt)
        if (state !== undefined) failed(state, error, outcome)
        throw error
      },
    )
  }
}

/** Opens the call's client span under `parent`, with what is known before the first send. */
function startCallSpan(
  tracer: Tracer,
  call: InterceptedCall,
  instruments: Instruments,
  parent: Context,
): Span {
  const attributes: Attributes = { [ATTR.rpcSystem]: RPC_SYSTEM, [ATTR.rpcMethod]: call.method }
  if (instruments.recordAccount) attributes[ATTR.account] = call.account
  if (call.dcId !== undefined) attributes[ATTR.dc] = call.dcId
  if (instruments.recordParams) attributes[ATTR.params] = paramsAttribute(call)
  return tracer.startSpan(call.method, { kind: SpanKind.CLIENT, attributes }, parent)
}

/** The call's parameters, redacted as the diagnostic report does, as one string attribute. */
function paramsAttribute(call: InterceptedCall): string {
  try {
    return JSON.stringify(redact(call.params, { method: call.method })) ?? 'undefined'
  } catch {
    // A BigInt or a cycle: the span still records, without the parameters.
    return '[unserializable]'
  }
}
