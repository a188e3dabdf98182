/** Where a circuit stands: `closed` lets calls through, `open` refuses them, `half-open` lets one probe out. */
export type CircuitState = 'closed' | 'open' | 'half-open'

/** Options of a circuit breaker (see `createBreakerPolicy`). Milliseconds throughout. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number
  /** How long the circuit stays open before the first probe. Default 5,000. */
  readonly openMs?: number
  /** Each failed probe doubles the time open, up to this. Default 60,000. */
  readonly maxOpenMs?: number
}

/** A change of state, as the breaker reports it. */
export interface CircuitTransition {
  /** The state before. */
  readonly from: CircuitState
  /** The state now. */
  readonly to: CircuitState
  /** When the next probe may go (for `open`), epoch ms. */
  readonly nextProbeAt: number | undefined
  /** Consecutive failures counted when the change happened. */
  readonly failures: number
}

/** What {@link CircuitBreaker.admit} decided for one send. */
export type Admission =
  /** Closed: send. */
  | 'send'
  /** The circuit was due for a probe: this send is it. */
  | 'probe'
  /** Open, or a probe is already out: do not send. */
  | 'refuse'

/** The defaults of every breaker option, written once. */
export const DEFAULT_BREAKER_OPTIONS: Required<CircuitBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  openMs: 5_000,
  maxOpenMs: 60_000,
})

/**
 * One circuit: consecutive failures open it, a single probe after `openMs` decides whether it
 * closes, and each failed probe doubles the time open (to `maxOpenMs`), so a DC that stays down is
 * probed less and less often. A plain state machine: times are passed in, so it runs on any clock.
 *
 * Consecutive failures rather than a failure rate over a window: a success then costs one store to
 * a field, with no clock read, which keeps the engine's happy path as it is; and a DC in a storm
 * fails most calls in a row anyway.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed'
  private failures = 0
  private probeAt = 0
  private openFor: number
  private readonly threshold: number
  private readonly baseOpenMs: number
  private readonly maxOpenMs: number

  /** Creates a closed circuit. */
  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? DEFAULT_BREAKER_OPTIONS.failureThreshold)
    this.baseOpenMs = Math.max(0, options.openMs ?? DEFAULT_BREAKER_OPTIONS.openMs)
    this.maxOpenMs = Math.max(this.baseOpenMs, options.maxOpenMs ?? DEFAULT_BREAKER_OPTIONS.maxOpenMs)
    this.openFor = this.baseOpenMs
  }

  /** The state now (an open circuit past its probe time still reads `open` until a send is admitted). */
  get state(): CircuitState {
    return this.current
  }

  /** When the next probe may go while open, epoch ms; `undefined` when closed. */
  get nextProbeAt(): number | undefined {
    return this.current === 'closed' ? undefined : this.probeAt
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures
  }

  /** Decides one send at `now`; the transition to half-open (if any) is reported through `onChange`. */
  admit(now: number, onChange?: (transition: CircuitTransition) => void): Admission {
    if (this.current === 'closed') return 'send'
    if (this.current === 'half-open' || now < this.probeAt) return 'refuse'
    const change = this.move('half-open')
    onChange?.(change)
    return 'probe'
  }

  /** A send reached a DC that answered. Returns the transition, if the circuit closed. */
  success(): CircuitTransition | undefined {
    this.failures = 0
    if (this.current === 'closed') return undefined
    this.openFor = this.baseOpenMs
    return this.move('closed')
  }

  /** A send failed the way a DC in trouble fails. Returns the transition, if the circuit opened. */
  failure(now: number): CircuitTransition | undefined {
    this.failures++
    if (this.current === 'half-open') {
      this.openFor = Math.min(this.openFor * 2, this.maxOpenMs)
      this.probeAt = now + this.openFor
      return this.move('open')
    }
    if (this.current === 'closed' && this.failures >= this.threshold) {
      this.probeAt = now + this.openFor
      return this.move('open')
    }
    return undefined
  }

  /**
   * The probe ended without a verdict (aborted, out of time): open again with the next probe due
   * at once, so the next call asks the DC instead of every call waiting on an answer that never comes.
   */
  abandonProbe(now: number): CircuitTransition | undefined {
    if (this.current !== 'half-open') return undefined
    this.probeAt = now
    return this.move('open')
  }

  private move(to: CircuitState): CircuitTransition {
    const from = this.current
    this.current = to
    return { from, to, nextProbeAt: to === 'open' ? this.probeAt : undefined, failures: this.failures }
  }
}
