import { isRpcError } from '../error/rpc-error.js'
import { accountKeyPrefix } from '../flood/flood-key.js'
import type { BreakerPolicy } from '../recovery/breaker-policy.js'
import { type CallOptions, DEFAULT_LIMITS } from '../recovery/call-options.js'
import {
  checkArray,
  checkFunction,
  checkObject,
  checkOptionsBag,
  checkString,
} from '../recovery/check-option.js'
import { checkCallOptions } from '../recovery/check-options.js'
import { type Clock, systemClock } from '../recovery/clock.js'
import { DeadlineExceededError, RecoveryError } from '../recovery/errors.js'
import { Emitter, type Unsubscribe } from '../recovery/events.js'
import type { Invoker } from '../recovery/invoker.js'
import { detailsOf } from '../recovery/recovery-details.js'

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** One invoker per account, each with its own `account` label (they may share one flood store). */
  readonly accounts: readonly Invoker[]
  /** The breaker the invokers share, if any: an account whose home DC's circuit is open counts as busy until the probe. */
  readonly breaker?: BreakerPolicy
  /** Time source; default the global clock. Give the invokers' clock in tests. */
  readonly clock?: Clock
}

/** Options of one pool call. */
export interface PoolCallOptions extends CallOptions {
  /**
   * Binds the call to this account: it runs there or nowhere, whatever the account's windows. Give
   * it for anything tied to one account (its messages, its settings, its session).
   */
  readonly account?: string
}

/** One account as the pool reports it. */
export interface PoolAccountState {
  /** The account label. */
  readonly account: string
  /** Its home DC, when known. */
  readonly homeDcId: number | undefined
  /** Whether its session is dead (a `sessionDead` event); dead accounts get no pooled work. */
  readonly dead: boolean
  /** Why, when dead (`SESSION_REVOKED`, ...). */
  readonly deadReason: string | undefined
  /** Calls in progress on it. */
  readonly pendingCount: number
  /** Its open flood windows (when the store can list them): key and end, epoch ms. */
  readonly openWindows: ReadonlyArray<{ readonly key: string; readonly endsAt: number }>
}

/** A pooled call left one account for another. */
export interface PoolRerouteEvent {
  /** The API method. */
  readonly method: string
  /** The account it left. */
  readonly from: string
  /** Why: a flood window there, a dead session, or an open circuit on its DC. */
  readonly reason: 'flood' | 'session-dead' | 'circuit-open'
  /** For `flood` and `circuit-open`: when that account may be tried again, epoch ms. */
  readonly retryAt: number | undefined
}

/** An account's session died and it no longer gets pooled work. */
export interface PoolAccountDeadEvent {
  /** The account label. */
  readonly account: string
  /** The error type that ended it. */
  readonly reason: string
}

/** Events of an {@link AccountPool}, by name. */
export interface PoolEvents {
  /** See {@link PoolRerouteEvent}. */
  reroute: PoolRerouteEvent
  /** See {@link PoolAccountDeadEvent}. */
  accountDead: PoolAccountDeadEvent
}

/** No live account is left to run a pooled call. */
export class NoAccountAvailableError extends RecoveryError {
  /** Builds the error for `method`. */
  constructor(method: string) {
    super(`${method}: no live account in the pool`, method)
  }
}
Object.defineProperty(NoAccountAvailableError.prototype, 'name', { value: 'NoAccountAvailableError' })

/** Runs calls on whichever account of a pool can run them soonest. Created by {@link createPool}. */
export interface AccountPool {
  /**
   * Runs a call. Unbound (no `account`), it goes to the live account that can run it soonest, and
   * moves to another when it meets a flood window, a dead session or an open circuit there; only when every account
   * is held does it wait, on the one whose window ends first, within its budget. Bound, it runs on
   * that account only.
   */
  <R = unknown>(method: string, params?: unknown, options?: PoolCallOptions): Promise<R>
  /** Per-account state: home DC, open windows, dead sessions, calls in progress. */
  accounts(): PoolAccountState[]
  /** The invoker of one account. */
  invokerOf(account: string): Invoker | undefined
  /** Takes an account back after its session was restored (a new login). */
  revive(account: string): void
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof PoolEvents>(name: K, listener: (event: PoolEvents[K]) => void): Unsubscribe
  /** Unsubscribes from the invokers' events. The invokers stay open: they are yours. */
  close(): void
}

interface Member {
  readonly invoke: Invoker
  readonly account: string
  dead: string | undefined
}

/**
 * Creates a pool of accounts. The pool asks each invoker's flood store (the local mirror, when it
 * is the Redis store) which account is free, so choosing costs no round trip; a call that finds a
 * window anyway is moved at once (its invoker records the window, and with `handle: { flood: false }`
 * does not sit it out).
 *
 * ```ts
 * const pool = createPool({ accounts: [alice, bob, carol] })
 * await pool('contacts.resolveUsername', { username })          // any account
 * await pool('messages.sendMessage', params, { account: 'bob' }) // bob only
 * ```
 */
export function createPool(options: PoolOptions): AccountPool {
  checkPoolOptions(options)
  const clock = options.clock ?? systemClock
  const members = new Map<string, Member>()
  const events = new Emitter<PoolEvents>()
  const unsubscribers: Unsubscribe[] = []
  let turn = 0

  for (const invoke of options.accounts) {
    const account = invoke.account
    if (members.has(account)) throw new RangeError(`two invokers for account ${account} in one pool`)
    const member: Member = { invoke, account, dead: undefined }
    members.set(account, member)
    unsubscribers.push(
      invoke.on('sessionDead', (event) => {
        if (member.dead !== undefined) return
        member.dead = event.reason
        events.emit('accountDead', { account, reason: event.reason })
      }),
    )
  }
  const list = [...members.values()]

  /** When `member` could send this call: now, or the end of what holds it. */
  function readyAt(member: Member, method: string, params: unknown, now: number): number {
    const { invoke } = member
    let at = invoke.floodWindowOf(method, params, now)?.endsAt ?? now
    const breaker = options.breaker
    if (breaker !== undefined && breaker.stateOf(invoke.homeDcId) !== 'closed') {
      const probe = breaker.circuits().find((c) => c.dcId === invoke.homeDcId)?.nextProbeAt
      if (probe !== undefined) at = Math.max(at, probe)
    }
    return at
  }

  /** The live account, not yet tried, that can run the call soonest; ties go to the least busy, then in turn. */
  function choose(method: string, params: unknown, tried: ReadonlySet<Member>) {
    const now = clock.now()
    let best: Member | undefined
    let bestAt = Number.POSITIVE_INFINITY
    const start = turn++ % Math.max(1, list.length)
    for (let i = 0; i < list.length; i++) {
      const member = list[(start + i) % list.length] as Member
      if (member.dead !== undefined || tried.has(member)) continue
      const at = readyAt(member, method, params, now)
      if (
        best === undefined ||
        at < bestAt ||
        (at === bestAt && member.invoke.pendingCount < best.invoke.pendingCount)
      ) {
        best = member
        bestAt = at
      }
    }
    return best === undefined ? undefined : { member: best, readyAt: bestAt, now }
  }

  async function runPooled(method: string, params: unknown, callOptions: PoolCallOptions): Promise<unknown> {
    // One budget for the whole call, however many accounts it visits.
    const budgetMs = callOptions.deadlineMs ?? list[0]?.invoke.limits.deadlineMs ?? DEFAULT_LIMITS.deadlineMs
    const deadlineAt = clock.now() + budgetMs
    const tried = new Set<Member>()
    let lastError: unknown
    for (;;) {
      let choice = choose(method, params, tried)
      // Every live account was tried: the call waits on the one that frees up first.
      let last = choice === undefined
      choice ??= choose(method, params, new Set())
      // Every account died under this call: the last one's error says why.
      if (choice === undefined) throw lastError ?? new NoAccountAvailableError(method)
      const { member, now } = choice
      const remainingMs = deadlineAt - now
      // The first visit always goes to the invoker, which treats a budget of 0 as it does for any
      // call (an instant answer still counts); only a later visit can find the budget spent.
      if (remainingMs <= 0 && tried.size > 0) throw new DeadlineExceededError(method, budgetMs)
      // The soonest untried account is held too: so is every other, so sit out its window.
      if (choice.readyAt > now) last = true
      const handle = last ? callOptions.handle : { ...callOptions.handle, flood: false }
      try {
        return await member.invoke(method, params, {
          ...callOptions,
          deadlineMs: remainingMs,
          ...(handle !== undefined && { handle }),
        })
      } catch (error) {
        if (last) throw error
        const details = detailsOf(error)
        const reason = details?.sessionDead
          ? 'session-dead'
          : details?.giveUpReason === 'circuit-open'
            ? 'circuit-open'
            : isRpcError(error) && error.category === 'FLOOD' && details?.retryAt !== undefined
              ? 'flood'
              : undefined
        if (reason === undefined) throw error
        lastError = error
        tried.add(member)
        if (events.has('reroute')) {
          events.emit('reroute', { method, from: member.account, reason, retryAt: details?.retryAt })
        }
      }
    }
  }

  const pool = (method: string, params?: unknown, callOptions: PoolCallOptions = {}): Promise<unknown> => {
    try {
      checkCallOptions(callOptions, 'pool')
      checkString('pool', 'account', callOptions.account)
    } catch (error) {
      return Promise.reject(error)
    }
    const { account, ...rest } = callOptions
    if (account === undefined) return runPooled(method, params, rest)
    const member = members.get(account)
    if (member === undefined)
      return Promise.reject(new RangeError(`pool: account ${account} is not in the pool`))
    return member.invoke(method, params, rest)
  }

  return Object.assign(pool, {
    accounts(): PoolAccountState[] {
      const now = clock.now()
      return list.map((member) => {
        const { invoke } = member
        const prefix = accountKeyPrefix(member.account)
        const openWindows: Array<{ key: string; endsAt: number }> = []
        for (const [key, endsAt] of invoke.floodStore.open?.(now) ?? []) {
          if (key.startsWith(prefix)) openWindows.push({ key, endsAt })
        }
        return {
          account: member.account,
          homeDcId: invoke.homeDcId,
          dead: member.dead !== undefined,
          deadReason: member.dead,
          pendingCount: invoke.pendingCount,
          openWindows,
        }
      })
    },
    invokerOf: (account: string) => members.get(account)?.invoke,
    revive(account: string) {
      const member = members.get(account)
      if (member !== undefined) member.dead = undefined
    },
    on: <K extends keyof PoolEvents>(name: K, listener: (event: PoolEvents[K]) => void) =>
      events.on(name, listener),
    close() {
      for (const off of unsubscribers.splice(0)) off()
    },
  }) as AccountPool
}

/** Checks the options of `createPool` once: each account must be an invoker made by `createInvoker`. */
function checkPoolOptions(options: PoolOptions): void {
  const owner = 'createPool'
  checkOptionsBag(owner, options, false)
  if (options.accounts === undefined) throw new TypeError(`${owner}: accounts must be an array of invokers`)
  checkArray(owner, 'accounts', options.accounts, (o, n, invoke) => {
    checkFunction(o, n, invoke)
    if (invoke === undefined) throw new TypeError(`${o}: ${n} must be an invoker, got undefined`)
    // Duck-typed rather than by identity, so invokers made by another copy of this package count.
    const { on, setHomeDcId, floodWindowOf } = invoke as Partial<Invoker>
    if (
      typeof on !== 'function' ||
      typeof setHomeDcId !== 'function' ||
      typeof floodWindowOf !== 'function'
    ) {
      throw new TypeError(`${o}: ${n} must be an invoker from createInvoker`)
    }
  })
  // A pool without accounts could only fail every call later.
  if (options.accounts.length === 0) throw new RangeError(`${owner}: accounts must hold at least one invoker`)
  checkObject(owner, 'breaker', options.breaker, ['circuits', 'stateOf'])
  checkObject(owner, 'clock', options.clock, ['now', 'setTimer', 'clearTimer'])
}
