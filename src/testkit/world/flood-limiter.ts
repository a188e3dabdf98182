/** One flood rule of the simulated server. */
export interface FloodRule {
  /** The method the rule limits (`messages.sendMessage`). */
  readonly method: string
  /**
   * What the limit is counted against: the account, the account and the peer of the call, or the
   * whole method for everyone.
   */
  readonly scope: 'account' | 'peer' | 'method'
  /** At most this many calls per key... */
  readonly max: number
  /** ...within this sliding window, in milliseconds. */
  readonly perMs: number
  /** Which error the server answers with. */
  readonly error?: 'FLOOD_WAIT' | 'SLOWMODE_WAIT' | 'FLOOD_PREMIUM_WAIT'
}

/** What the limiter decided for one call. */
export type FloodDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly seconds: number; readonly violation: boolean; readonly key: string }

interface KeyState {
  /** Accept times inside the current window, oldest first. */
  accepted: number[]
  /** End of the wait the server announced, in ms; 0 when none is open. */
  blockedUntil: number
  /** The wait last announced, in ms: a call inside the window restarts a wait this long. */
  lastWaitMs: number
}

/**
 * Sliding-window limits with announced waits, as the real server behaves: past the limit a call
 * gets FLOOD_WAIT_X, and any call under the same key before X seconds are over is a violation that
 * restarts the wait. Waits are whole seconds, and the window ends exactly when the announced seconds
 * do, so a client that honours X is never counted as a violator.
 */
export class FloodLimiter {
  private readonly states = new Map<string, KeyState>()
  private violationCount = 0

  constructor(private readonly rules: readonly FloodRule[]) {}

  /** Violations counted so far: calls that arrived while their key's wait was open. */
  get violations(): number {
    return this.violationCount
  }

  /** The rule that applies to a method, if any. */
  ruleFor(method: string): FloodRule | undefined {
    return this.rules.find((rule) => rule.method === method)
  }

  /** Decides one call at time `now` (ms). */
  check(rule: FloodRule, key: string, now: number): FloodDecision {
    let state = this.states.get(key)
    if (state === undefined) {
      state = { accepted: [], blockedUntil: 0, lastWaitMs: 0 }
      this.states.set(key, state)
    }
    if (now < state.blockedUntil) {
      this.violationCount++
      state.blockedUntil = now + state.lastWaitMs
      return { allowed: false, seconds: Math.ceil(state.lastWaitMs / 1000), violation: true, key }
    }
    const horizon = now - rule.perMs
    while (state.accepted.length > 0 && (state.accepted[0] as number) <= horizon) state.accepted.shift()
    if (state.accepted.length < rule.max) {
      state.accepted.push(now)
      return { allowed: true }
    }
    const freeAt = (state.accepted[0] as number) + rule.perMs
    const seconds = Math.max(1, Math.ceil((freeAt - now) / 1000))
    state.lastWaitMs = seconds * 1000
    state.blockedUntil = now + state.lastWaitMs
    return { allowed: false, seconds, violation: false, key }
  }
}
