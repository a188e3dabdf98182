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
import type { CallInterceptor, InterceptedCall } from '../recovery/call-interceptor.js'
import { detailsOf } from '../recovery/recovery-details.js'
import { redact } from '../recovery/redact.js'
import { CallCounts } from './call-counts.js'
import type { CallState, CallStates } from './call-state.js'
import { ATTR, METRIC, RPC_SYSTEM } from './names.js'
import type { Instruments } from './options.js'
import { errorTypeOf, outcomeOf } from './outcome.js'

/** Milliseconds from a monotonic clock (the engine's clock may be a test's fake one). */
const now = (): number => globalThis.performance.now()

/**
 * The interceptor behind a call's span and its `mtproto.client.calls` count (and duration, when
 * asked). The span is the active context while the engine runs the call, so the engine's events
 * land on it (see call-state.ts) and the caller's own span is its parent.
 *
 * Written for the path every successful call takes, where the SDK's own work is most of the cost:
 * no span without a tracing SDK, no context of ours for a span that is not recorded, counts kept by
 * us (see call-counts.ts), and attribute sets built once per series.
 */
export function callInterceptor(instruments: Instruments, states: CallStates): CallInterceptor {
  const { tracer, meter, methods, recordAccount, tracing } = instruments
  const counts = instruments.metering ? CallCounts.of(meter, methods) : undefined
  const duration =
    counts !== undefined && instruments.recordDuration
      ? meter.createHistogram(METRIC.callDuration, {
          description: 'Calls, by method and outcome, from made to ended, waits included',
          unit: 's',
        })
      : undefined

  /** Counts the call (and records its duration) under its method and outcome. */
  const record = (call: InterceptedCall, outcome: string, startedAt: number): void => {
    if (counts === undefined) return
    const series = counts.series(recordAccount ? call.account : undefined, call.method, outcome)
    series.count++
    duration?.record((now() - startedAt) / 1000, series.attributes)
  }

  // Not an async function: with the SDK's context manager every promise costs a hook call, so the
  // call's own promise is continued once instead of awaited inside another.
  return (call, proceed) => {
    const startedAt = duration === undefined ? 0 : now()
    let running: Promise<unknown>
    let state: CallState | undefined
    if (tracing) {
      const parent = context.active()
      const span = startCallSpan(tracer, call, instruments, parent)
      if (span.isRecording()) {
        const opened = states.open(parent, span, call.dcId)
        state = opened.state
        running = context.with(opened.context, proceed)
      } else {
        // Sampled out: nothing to record, but the call still runs under the span, so spans made
        // inside it (an HTTP client's, say) follow the same sampling decision instead of each
        // starting a trace of their own.
        span.end()
        running = context.with(trace.setSpan(parent, span), proceed)
      }
    } else running = proceed()
    return running.then(
      (value) => {
        record(call, 'ok', startedAt)
        if (state !== undefined) succeeded(state, call.sends)
        return value
      },
      (error: unknown) => {
        const outcome = outcomeOf(error, call.options?.signal)
        record(call, outcome, startedAt)
        if (state !== undefined) failed(state, call.sends, error, outcome)
        throw error
      },
    )
  }
}

/** Ends the span of a call that returned a result after `sends` sends. */
function succeeded(state: CallState, sends: number): void {
  const { span } = state
  span.setAttribute(ATTR.outcome, 'ok')
  span.setAttribute(ATTR.attempts, sends)
  span.setAttribute(ATTR.waitedMs, state.waitedMs)
  if (state.dcId !== undefined) span.setAttribute(ATTR.finalDc, state.dcId)
  span.end()
}

/** Ends the span of a call that threw `error` after `sends` sends. */
function failed(state: CallState, sends: number, error: unknown, outcome: string): void {
  const { span } = state
  const details = detailsOf(error)
  const type = errorTypeOf(error)
  const lastDc = details?.lastDcId ?? state.dcId
  span.setAttribute(ATTR.outcome, outcome)
  span.setAttribute(ATTR.errorType, type)
  span.setAttribute(ATTR.attempts, sends)
  span.setAttribute(ATTR.waitedMs, state.waitedMs)
  if (details !== undefined) span.setAttribute(ATTR.giveUpReason, details.giveUpReason)
  if (lastDc !== undefined) span.setAttribute(ATTR.finalDc, lastDc)
  // The type only: messages of network failures may quote what the application sent.
  span.setStatus({ code: SpanStatusCode.ERROR, message: type })
  span.end()
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
