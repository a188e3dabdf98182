import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import type { InterceptedCall } from '../recovery/call-interceptor.js'
import { detailsOf } from '../recovery/recovery-details.js'
import { redact } from '../recovery/redact.js'
import type { CallStates } from './call-state.js'
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

  return async (call, proceed) => {
    onAccount(call.account)
    const parent = context.active()
    const span = instruments.tracing ? startCallSpan(tracer, call, instruments, parent) : undefined
    const startedAt = now()
    // A span nobody records (no SDK, or sampled out) needs no context of ours: skip the bookkeeping.
    const state = span?.isRecording() === true ? states.open(span, call.dcId) : undefined
    try {
      const value =
        state === undefined ? await proceed() : await context.with(trace.setSpan(parent, state.span), proceed)
      record(call, 'ok', startedAt)
      if (state !== undefined) {
        state.span.setAttributes({
          [ATTR.outcome]: 'ok',
          [ATTR.attempts]: state.failedSends + 1,
          [ATTR.waitedMs]: state.waitedMs,
        })
        if (state.dcId !== undefined) state.span.setAttribute(ATTR.finalDc, state.dcId)
      }
      return value
    } catch (error) {
      const outcome = outcomeOf(error, call.options?.signal)
      record(call, outcome, startedAt)
      if (state !== undefined) {
        const details = detailsOf(error)
        const type = errorTypeOf(error)
        const span = state.span
        span.setAttributes({
          [ATTR.outcome]: outcome,
          [ATTR.errorType]: type,
          // The engine's own history is exact for a failed call: every send failed.
          [ATTR.attempts]: details?.attempts.length ?? state.failedSends,
          [ATTR.waitedMs]: state.waitedMs,
        })
        if (details !== undefined) span.setAttribute(ATTR.giveUpReason, details.giveUpReason)
        const lastDc = details?.lastDcId ?? state.dcId
        if (lastDc !== undefined) span.setAttribute(ATTR.finalDc, lastDc)
        // The type only: messages of transport failures may quote what the application sent.
        span.setStatus({ code: SpanStatusCode.ERROR, message: type })
      }
      throw error
    } finally {
      span?.end()
    }
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
