import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
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
 * The interceptor behind a call's span and its `calls` / `call.duration` metrics. The span is the
 * active context while the engine runs the call, so the engine's events land on it (see
 * call-state.ts) and the caller's own span is its parent.
 */
export function tracingInterceptor(
  instruments: Instruments,
  states: CallStates,
  onAccount: (account: string) => void,
): (call: InterceptedCall, proceed: () => Promise<unknown>) => Promise<unknown> {
  const { tracer, meter, methods } = instruments
  const calls = meter.createCounter(METRIC.calls, {
    description: 'Calls ended, by method and outcome',
    unit: '{call}',
  })
  const duration = meter.createHistogram(METRIC.callDuration, {
    description: 'Time from a call made to its result or final error, waits included',
    unit: 's',
  })

  return async (call, proceed) => {
    onAccount(call.account)
    const method = methods.of(call.method)
    const labels: Attributes = { [ATTR.rpcMethod]: method }
    if (instruments.recordAccount) labels[ATTR.account] = call.account
    const attributes: Attributes = { [ATTR.rpcSystem]: RPC_SYSTEM, [ATTR.rpcMethod]: call.method }
    if (instruments.recordAccount) attributes[ATTR.account] = call.account
    if (call.dcId !== undefined) attributes[ATTR.dc] = call.dcId
    if (instruments.recordParams) attributes[ATTR.params] = paramsAttribute(call)
    const parent = context.active()
    const span = tracer.startSpan(call.method, { kind: SpanKind.CLIENT, attributes }, parent)
    const startedAt = now()
    // Without a recording span (no SDK) the call needs no context of ours: skip the bookkeeping.
    const state = span.isRecording() ? states.open(span, call.dcId) : undefined
    try {
      const value =
        state === undefined ? await proceed() : await context.with(trace.setSpan(parent, span), proceed)
      calls.add(1, { ...labels, [ATTR.outcome]: 'ok' })
      duration.record((now() - startedAt) / 1000, { ...labels, [ATTR.outcome]: 'ok' })
      if (state !== undefined) {
        span.setAttributes({
          [ATTR.outcome]: 'ok',
          [ATTR.attempts]: state.failedSends + 1,
          [ATTR.waitedMs]: state.waitedMs,
        })
        if (state.dcId !== undefined) span.setAttribute(ATTR.finalDc, state.dcId)
      }
      return value
    } catch (error) {
      const outcome = outcomeOf(error, call.options?.signal)
      calls.add(1, { ...labels, [ATTR.outcome]: outcome })
      duration.record((now() - startedAt) / 1000, { ...labels, [ATTR.outcome]: outcome })
      if (state !== undefined) {
        const details = detailsOf(error)
        const type = errorTypeOf(error)
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
      span.end()
    }
  }
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
