import { type Context, context, type Span, trace } from '@opentelemetry/api'

/** What a call's span gathers from the engine's events while the call runs. */
export interface CallState {
  readonly span: Span
  /** Failed sends seen through events (a repeat after re-authorization has none; see docs). */
  failedSends: number
  /** Time spent waiting: flood waits slept, flood windows sat out, retry backoff. */
  waitedMs: number
  /** The DC of the last send, as events told it. */
  dcId: number | undefined
}

/**
 * Spans of the calls in progress. The engine's events carry no call identity, so a listener finds
 * its call through the active context, which the tracing interceptor set to the call's span.
 */
export class CallStates {
  private readonly states = new WeakMap<Span, CallState>()

  /** Starts tracking `span`. */
  open(span: Span, dcId: number | undefined): CallState {
    const state: CallState = { span, failedSends: 0, waitedMs: 0, dcId }
    this.states.set(span, state)
    return state
  }

  /** The state of the call whose span is active in `ctx`, if it is one of ours. */
  current(ctx: Context = context.active()): CallState | undefined {
    const span = trace.getSpan(ctx)
    return span === undefined ? undefined : this.states.get(span)
  }
}
