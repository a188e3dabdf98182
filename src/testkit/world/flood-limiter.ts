/**
 * One flood limit of a simulated server: the plain and the MTProto clusters' world and the fake Bot
 * API all take this shape. At most `maxCalls` calls per key within a sliding `windowMs`; past it the
 * server announces a wait.
 */
export interface FloodRule {
  /** The method the rule limits (`messages.sendMessage`). */
  readonly method: string
  /**
   * What the limit is counted against: the account, the account and the peer of the call, or the
   * whole method for everyone.
   */
  readonly scope: 'account' | 'peer' | 'method'
  /** At most this many calls per key... */
  readonly maxCalls: number
  /** ...within this sliding window, in milliseconds. */
  readonly windowMs: number
  /** Which error an MTProto server answers with (`FLOOD_WAIT` by default; the Bot API always answers 429). */
  readonly error?: 'FLOOD_WAIT' | 'SLOWMODE_WAIT' | 'FLOOD_PREMIUM_WAIT'
  /**
   * A fixed wait (whole seconds, in ms) instead of "until the oldest call leaves the window"; the
   * window starts empty once it is over. Some real limits behave this way (a penalty, not a quota).
   */
  readonly waitMs?: number
}

/**
 * A flood refusal as it reached a client: on which channel (one connection) and inside which
 * server message. Messages on one channel arrive in order, so a client that has seen message N has
 * seen every notice sent before it there.
 */
export interface FloodNotice {
  /** The connection the refusal went out on, named by the server (`2/7`: DC 2, its 7th). */
  readonly channel: string
  /** The server message that carried it. */
  readonly messageId: bigint
}

/** What a client had received on a channel when it sent a call: every message up to `seenUpTo`. */
export interface ClientReceipt {
  /** The connection the call came on. */
  readonly channel: string
  /** The highest server message id the client had acknowledged there (0n: none). */
  readonly seenUpTo: bigint
}

/** What the limiter decided for one call. */
export type FloodDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false
      readonly seconds: number
      /** The call was sent after its client had been told to wait: it restarted the wait. */
      readonly violation: boolean
      readonly key: string
    }

interface KeyState {
  /** Accept times inside the current window, oldest first. */
  accepted: number[]
  /** End of the wait the server announced, in ms; 0 when none is open. */
  unblockAt: number
  /** The wait last announced, in ms: a call inside the window restarts a wait this long. */
  lastWaitMs: number
  /** The first notice of the open wait delivered on each channel (server message id). */
  notices: Map<string, bigint>
  /** When the open wait first reached any client of the key, in ms; undefined before that. */
  firstDeliveredAt: number | undefined
}

/**
 * How long after a wait reached one connection of an account its other connections (other worker
 * processes) are still excused for not knowing it: long enough for calls already on their way,
 * far shorter than any wait. A fleet that does not share its windows keeps calling for seconds
 * and is counted; one that shares them through a store stops within milliseconds.
 */
export const CROSS_CHANNEL_GRACE_MS = 250

/**
 * Sliding-window limits with announced waits, as the real server behaves: past the limit a call
 * gets FLOOD_WAIT_X, and any call under the same key sent after the client was told to wait, before
 * X seconds are over, is a violation that restarts the wait. Waits are whole seconds, and the window
 * ends exactly when the announced seconds do, so a client that honours X is never counted as a
 * violator.
 *
 * "Told" needs care: calls a client sent before the refusal reached it (a burst in flight, a retry
 * leaving while the answer is still in the socket) are refused with the remaining wait but are no
 * violation, since no client could have honoured a wait it had not received. A call that carries no
 * receipt is taken to know every refusal announced so far (the strict reading, for protocols that
 * cannot say what the client had seen).
 */
export class FloodLimiter {
  private readonly states = new Map<string, KeyState>()
  private violationCount = 0
  private strictCount = 0
  private inFlightCount = 0

  constructor(private readonly rules: readonly FloodRule[]) {}

  /** Violations counted so far: calls sent, knowing the wait, while their key's wait was open. */
  get violations(): number {
    return this.violationCount
  }

  /** Calls that arrived inside an open wait, whatever their client had seen (the strict count). */
  get strictViolations(): number {
    return this.strictCount
  }

  /** Calls refused inside an open wait that their client had not received yet (not violations). */
  get refusedInFlight(): number {
    return this.inFlightCount
  }

  /** The rule that applies to a method, if any. */
  ruleFor(method: string): FloodRule | undefined {
    return this.rules.find((rule) => rule.method === method)
  }

  /** Decides one call at time `now` (ms); `receipt` says what its client had seen when it sent it. */
  check(rule: FloodRule, key: string, now: number, receipt?: ClientReceipt): FloodDecision {
    let state = this.states.get(key)
    if (state === undefined) {
      state = {
        accepted: [],
        unblockAt: 0,
        lastWaitMs: 0,
        notices: new Map(),
        firstDeliveredAt: undefined,
      }
      this.states.set(key, state)
    }
    if (now < state.unblockAt) {
      this.strictCount++
      if (knowsWait(state, receipt, now)) {
        this.violationCount++
        state.unblockAt = now + state.lastWaitMs
        return { allowed: false, seconds: Math.ceil(state.lastWaitMs / 1000), violation: true, key }
      }
      this.inFlightCount++
      const seconds = Math.max(1, Math.ceil((state.unblockAt - now) / 1000))
      return { allowed: false, seconds, violation: false, key }
    }
    const horizon = now - rule.windowMs
    while (state.accepted.length > 0 && (state.accepted[0] as number) <= horizon) state.accepted.shift()
    if (state.accepted.length < rule.maxCalls) {
      state.accepted.push(now)
      return { allowed: true }
    }
    const freeAt = (state.accepted[0] as number) + rule.windowMs
    const seconds = Math.max(1, Math.ceil(((rule.waitMs ?? freeAt - now) as number) / 1000))
    // A fixed penalty forgives the calls that earned it, or the window would refuse again at once.
    if (rule.waitMs !== undefined) state.accepted = []
    state.lastWaitMs = seconds * 1000
    state.unblockAt = now + state.lastWaitMs
    state.notices.clear()
    state.firstDeliveredAt = undefined
    return { allowed: false, seconds, violation: false, key }
  }

  /** Records that a refusal for `key` reached a client, so its later calls there count as informed. */
  noticeDelivered(key: string, notice: FloodNotice, now: number): void {
    const state = this.states.get(key)
    if (state === undefined) return
    state.firstDeliveredAt ??= now
    const first = state.notices.get(notice.channel)
    if (first === undefined || notice.messageId < first) state.notices.set(notice.channel, notice.messageId)
  }
}

/**
 * Whether the client of a call knew of the open wait: it had received the refusal on its own
 * connection, or the refusal had reached another connection of the same key (another process of
 * the same account) more than {@link CROSS_CHANNEL_GRACE_MS} earlier.
 */
function knowsWait(state: KeyState, receipt: ClientReceipt | undefined, now: number): boolean {
  if (receipt === undefined) return true
  const notice = state.notices.get(receipt.channel)
  if (notice !== undefined && notice <= receipt.seenUpTo) return true
  return state.firstDeliveredAt !== undefined && now - state.firstDeliveredAt > CROSS_CHANNEL_GRACE_MS
}
