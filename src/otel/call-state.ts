import { type Context, context, createContextKey, type Span, trace } from '@opentelemetry/api'

/** What a call's span gathers from the engine's events while the call runs. */
export interface CallState {
  /** The call's span. */
  readonly span: Span
  /** Time spent waiting: flood waits slept, flood windows sat out, retry backoff. */
  waitedMs: number
  /** The DC of the last send, as events told it. */
  dcId: number | undefined
}

/**
 * The calls in progress of one instrumented invoker. The engine's events carry no call identity,
 * so a listener finds its call through the active context, in which the tracing interceptor put
 * the call's span and state. A context key rather than a map from spans: nothing to clean up, and
 * no weak table for the collector to walk on every call.
 */
export class CallStates {
  // One key per instrumentation, so two instrumented invokers nested in one another stay apart.
  private readonly key = createContextKey('mtproto-errors call state')

  /** Starts tracking `span`; returns the state and the context to run the call in. */
  open(parent: Context, span: Span, dcId: number | undefined): { state: CallState; context: Context } {
    const state: CallState = { span, waitedMs: 0, dcId }
    return { state, context: trace.setSpan(parent, span).setValue(this.key, state) }
  }

  /** The state of the call whose context is active, if it is one of this instrumentation's. */
  current(ctx: Context = context.active()): CallState | undefined {
    return ctx.getValue(this.key) as CallState | undefined
  }
}
