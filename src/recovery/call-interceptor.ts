import type { CallOptions } from './call-options.js'
import type { Unsubscribe } from './events.js'

/** A call as an interceptor sees it, before the engine starts on it. */
export interface InterceptedCall {
  /** The API method. */
  readonly method: string
  /** The parameters as given (not redacted: an interceptor that records them must redact them). */
  readonly params: unknown
  /** The per-call options as given. */
  readonly options: CallOptions | undefined
  /** The account label of the invoker. */
  readonly account: string
  /** The DC the first send goes to, when known (`options.dcId`, else the home DC). */
  readonly dcId: number | undefined
  /**
   * Sends made so far. Read once the call has settled, it is every send of the call: repeats
   * after a re-authorization on another DC included, which no other event announces; 0 for a
   * call refused before its first send.
   */
  readonly sends: number
}

/**
 * Wraps every call of an invoker: it must call `proceed` once and settle as it does. It exists so a
 * tracer can open a span around the whole call and make it the active context while the engine
 * runs, so the events emitted for that call can be told apart from those of other calls.
 */
export type CallInterceptor = (call: InterceptedCall, proceed: () => Promise<unknown>) => Promise<unknown>

/**
 * The interceptors of one invoker, outermost first. Kept apart from the invoker so the hot path
 * pays one length check when none is installed.
 */
export class InterceptorChain {
  private list: readonly CallInterceptor[] = []

  /** Whether any interceptor is installed. */
  get active(): boolean {
    return this.list.length > 0
  }

  /** Installs `interceptor` as the outermost one, until the returned function is called. */
  add(interceptor: CallInterceptor): Unsubscribe {
    // Copy on write: a call already inside the chain finishes with the list it started with.
    this.list = [interceptor, ...this.list]
    let installed = true
    return () => {
      if (!installed) return
      installed = false
      this.list = this.list.filter((entry) => entry !== interceptor)
    }
  }

  /** Runs `proceed` inside every interceptor. */
  run(call: InterceptedCall, proceed: () => Promise<unknown>): Promise<unknown> {
    return this.from(this.list, 0, call, proceed)
  }

  // A method rather than a closure made per call: this runs on every call of an instrumented
  // invoker, where each function made costs an allocation (and, under tsx, a name definition).
  private from(
    list: readonly CallInterceptor[],
    index: number,
    call: InterceptedCall,
    proceed: () => Promise<unknown>,
  ): Promise<unknown> {
    const interceptor = list[index]
    if (interceptor === undefined) return proceed()
    let proceeded = false
    return interceptor(call, () => {
      // Sending a call twice would be a second call the application never made.
      if (proceeded) return Promise.reject(new Error(`${call.method}: an interceptor proceeded twice`))
      proceeded = true
      return this.from(list, index + 1, call, proceed)
    })
  }
}
