import { isInstanceOf } from '../error/foreign-value.js'
import type { RpcError } from '../error/rpc-error.js'
import { subscribeAbort, unsubscribeAbort } from './abort-registry.js'
import { type AttemptRecord, describeFailure } from './attempt.js'
import type { CallLimits, CallOptions } from './call-options.js'
import type { Cancellable } from './cancellable.js'
import type { Engine, PendingCall } from './engine.js'
import { CallAbortedError, DeadlineExceededError } from './errors.js'
import type { Failure } from './failure.js'
import type { HeldCall } from './flood-gate.js'
import type { ErrorKnowledge } from './knowledge.js'
import type { CallContext, Settled } from './policy.js'
import type { FailureNotes } from './recovery-details.js'

/** The call is running. */
export const PENDING = 0
/** The call produced a value. */
export const SUCCEEDED = 1
/** The chain gave up with a failure. */
export const FAILED = 2
/** Ended from outside the chain: aborted, or the invoker was closed. The failure is thrown as is. */
export const INTERRUPTED = 3

const NOT_NOW: Promise<boolean> = Promise.resolve(false)
const NO_HISTORY: readonly AttemptRecord[] = Object.freeze([])

/**
 * The state of one call. Fields are all set in the constructor, in one order, so that every call
 * shares one hidden class; everything a failure needs (history, counters, notes, timers) is
 * allocated only when a failure or wait happens.
 */
export class Call implements CallContext, HeldCall, PendingCall {
  /** The parameters; a repair hook may replace them before a repeat. */
  params: unknown
  /** The DC the next send goes to. */
  dcId: number | undefined
  /** The number of sends so far. */
  attempt = 0
  /** PENDING, SUCCEEDED, FAILED or INTERRUPTED. */
  status = PENDING
  /** The value or failure the call ended with. */
  result: unknown = undefined
  /** True until the first failure or wait: until then the first send started when the call did. */
  quiet = true
  /** A send is in flight. */
  sending = false
  /** The last failed send's failure, the cause of a deadline error. */
  lastFailure: Failure | undefined = undefined
  /**
   * Read from the clock on first use (arming the guards, a failure, a wait), not in the
   * constructor: an instant call then never reads the clock at all, and the budget starts at most
   * one microtask late.
   */
  private start = Number.NaN
  /** When the previous attempt ended, for each attempt's `waitMs` (NaN: none yet). */
  private lastMark = Number.NaN
  /** Links of the invoker's pending list (for `close()`). */
  prev: PendingCall | undefined = undefined
  next: PendingCall | undefined = undefined
  private records: AttemptRecord[] | undefined = undefined
  private counters: Map<string, number> | undefined = undefined
  private slots: Map<symbol | object, unknown> | undefined = undefined
  private notes: Array<readonly [Failure, FailureNotes]> | undefined = undefined
  private listening = false
  private timed = false
  private timer: unknown = undefined
  private controller: AbortController | undefined = undefined
  private waits: Set<Cancellable> | undefined = undefined
  private resolve!: (value: unknown) => void
  /** Settles (never rejects) when the call ends, however it ends. */
  readonly done: Promise<unknown>

  /** Starts a call; the invoker links it and runs the chain. */
  constructor(
    readonly invoker: Engine,
    readonly method: string,
    params: unknown,
    readonly options: CallOptions | undefined,
    readonly limits: CallLimits,
  ) {
    this.params = params
    this.dcId = options?.dcId ?? invoker.homeDcId
    this.done = new Promise((resolve) => {
      this.resolve = resolve
    })
  }

  /** {@inheritDoc CallContext.startedAt} */
  get startedAt(): number {
    if (Number.isNaN(this.start)) this.start = this.invoker.clock.now()
    return this.start
  }

  /** {@inheritDoc CallContext.deadlineAt} */
  get deadlineAt(): number {
    return this.startedAt + this.limits.deadlineMs
  }

  /** {@inheritDoc CallInfo.account} */
  get account(): string {
    return this.invoker.account
  }

  /** {@inheritDoc CallContext.ended} */
  get ended(): boolean {
    return this.status !== PENDING
  }

  /** {@inheritDoc CallContext.history} */
  get history(): readonly AttemptRecord[] {
    return this.records ?? NO_HISTORY
  }

  /** {@inheritDoc CallContext.signal} */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController()
      if (this.status === INTERRUPTED || this.status === FAILED) this.controller.abort(this.result)
      // A transport that listens must hear the caller's abort even before the first wait.
      else this.armGuards()
    }
    return this.controller.signal
  }

  /** {@inheritDoc CallContext.remainingMs} */
  remainingMs(): number {
    return this.deadlineAt - this.invoker.clock.now()
  }

  /** {@inheritDoc CallContext.handles} */
  handles(name: string): boolean {
    return this.options?.handle?.[name] !== false
  }

  /** {@inheritDoc CallContext.count} */
  count(name: string): number {
    this.counters ??= new Map()
    const value = (this.counters.get(name) ?? 0) + 1
    this.counters.set(name, value)
    return value
  }

  /** {@inheritDoc CallContext.slot} */
  slot<T>(key: symbol | object, create: () => T): T {
    this.slots ??= new Map()
    if (this.slots.has(key)) return this.slots.get(key) as T
    const value = create()
    this.slots.set(key, value)
    return value
  }

  /** {@inheritDoc CallContext.knowledge} */
  knowledge(error: RpcError): ErrorKnowledge {
    return this.invoker.knowledge(error)
  }

  /** {@inheritDoc CallContext.annotate} */
  annotate(failure: Failure, notes: FailureNotes): void {
    this.notes ??= []
    this.notes.push([failure, notes])
  }

  /** The notes attached to `failure`, merged in order. */
  notesFor(failure: unknown): FailureNotes {
    let merged: FailureNotes = {}
    for (const [target, notes] of this.notes ?? []) if (target === failure) merged = { ...merged, ...notes }
    return merged
  }

  /** {@inheritDoc CallContext.sleep} */
  sleep(ms: number): Promise<boolean> {
    this.armWait(this.invoker.clock.now() + ms)
    if (this.status !== PENDING) return NOT_NOW
    this.quiet = false
    return new Promise((resolve) => {
      const clock = this.invoker.clock
      const wait: Cancellable = {
        cancel: () => {
          clock.clearTimer(handle)
          this.untrack(wait)
          resolve(false)
        },
      }
      const handle = clock.setTimer(() => {
        this.untrack(wait)
        resolve(true)
      }, ms)
      this.track(wait)
    })
  }

  /** {@inheritDoc CallContext.holdUntil} */
  holdUntil(key: string, endsAt: number): Promise<boolean> {
    return this.invoker.gate.hold(this, key, endsAt)
  }

  /** {@inheritDoc CallContext.settle} */
  settle<T>(work: PromiseLike<T> | (() => T | PromiseLike<T>)): Promise<Settled<Awaited<T>> | undefined> {
    this.armGuards()
    if (this.status !== PENDING) return Promise.resolve(undefined)
    this.quiet = false
    let pending: PromiseLike<T> | T
    try {
      pending = typeof work === 'function' ? work() : work
    } catch (error) {
      return Promise.resolve({ ok: false, error })
    }
    return new Promise((resolve) => {
      // The work may outlive the call (a hook that never returns); once cancelled, it holds
      // nothing of the call but this small box.
      let box: { resolve: typeof resolve } | undefined = { resolve }
      const wait: Cancellable = {
        cancel: () => {
          this.untrack(wait)
          box?.resolve(undefined)
          box = undefined
        },
      }
      const finish = (settled: Settled<Awaited<T>>): void => {
        if (box === undefined) return
        this.untrack(wait)
        box.resolve(settled)
        box = undefined
      }
      this.track(wait)
      Promise.resolve(pending).then(
        (value) => finish({ ok: true, value }),
        (error: unknown) => finish({ ok: false, error }),
      )
    })
  }

  /** Parks the call on `wait` until it is cancelled or removes itself with {@link untrack}. */
  track(wait: Cancellable): void {
    this.waits ??= new Set()
    this.waits.add(wait)
  }

  /** Removes a wait that has finished. */
  untrack(wait: Cancellable): void {
    this.waits?.delete(wait)
  }

  /** Records a failed send that started at `sentAt` (NaN: the first send of a quiet call, at `startedAt`). */
  recordAttempt(sentAt: number, failure: Failure): void {
    const startedAt = this.startedAt
    const now = this.invoker.clock.now()
    if (Number.isNaN(sentAt)) sentAt = startedAt
    const { code, message } = describeFailure(failure)
    this.records ??= []
    this.records.push({
      attempt: this.attempt,
      dcId: this.dcId,
      startedAt: sentAt,
      durationMs: now - sentAt,
      waitMs: Math.max(0, sentAt - (Number.isNaN(this.lastMark) ? startedAt : this.lastMark)),
      code,
      message,
    })
    this.lastMark = now
    this.lastFailure = failure
    this.quiet = false
  }

  /** Ends the call with a value. */
  succeed(value: unknown): void {
    if (this.status !== PENDING) return
    this.status = SUCCEEDED
    this.result = value
    this.release()
    this.resolve(value)
  }

  /** {@inheritDoc PendingCall.interrupt} */
  interrupt(failure: unknown): void {
    this.fail(failure, INTERRUPTED)
  }

  /** Ends the call with a failure: `FAILED` from the chain, `INTERRUPTED` from outside it. */
  fail(failure: unknown, status: typeof FAILED | typeof INTERRUPTED = FAILED): void {
    if (this.status !== PENDING) return
    this.status = status
    this.result = failure
    this.release()
    // Whatever the transport or a hook is still doing for this call is no longer wanted. (What a
    // policy threw may be a Proxy whose traps `instanceof` would run; the call must end all the same.)
    if (status === INTERRUPTED || isInstanceOf(failure, DeadlineExceededError))
      this.controller?.abort(failure)
    this.resolve(undefined)
  }

  /**
   * Arms the abort listener and the deadline timer. Deferred until the call really waits (a send
   * still pending a microtask after it started, a hook): a timer costs more than an instant call,
   * and a call that has finished needs none.
   */
  armGuards(): void {
    this.armAbort()
    this.armDeadline()
  }

  /**
   * Before a wait that ends at `endsAt`: the abort listener always, the deadline timer only if the
   * wait reaches the deadline. Policies start only waits that end in time, so calls held on a flood
   * key share that key's one timer instead of each keeping its own.
   */
  armWait(endsAt: number): void {
    this.quiet = false
    this.armAbort()
    if (endsAt >= this.deadlineAt) this.armDeadline()
  }

  private armAbort(): void {
    if (this.listening || this.status !== PENDING) return
    this.listening = true
    const signal = this.options?.signal
    if (signal === undefined) return
    if (signal.aborted) this.fail(abortReason(signal, this.method), INTERRUPTED)
    else subscribeAbort(signal, this)
  }

  private armDeadline(): void {
    if (this.timed || this.status !== PENDING) return
    this.timed = true
    const remaining = this.deadlineAt - this.invoker.clock.now()
    if (remaining <= 0) this.expire()
    else if (remaining !== Number.POSITIVE_INFINITY) {
      this.timer = this.invoker.clock.setTimer(() => this.expire(), remaining)
    }
  }

  /** The caller's signal aborted (the abort registry is handed this object, so no closure is made). */
  handleEvent(): void {
    const signal = this.options?.signal
    if (signal !== undefined) this.fail(abortReason(signal, this.method), INTERRUPTED)
  }

  private expire(): void {
    this.timer = undefined
    this.fail(new DeadlineExceededError(this.method, this.limits.deadlineMs, this.lastFailure))
  }

  private release(): void {
    if (this.timer !== undefined) this.invoker.clock.clearTimer(this.timer)
    this.timer = undefined
    if (this.listening && this.options?.signal !== undefined) unsubscribeAbort(this.options.signal, this)
    if (this.waits !== undefined) for (const wait of [...this.waits]) wait.cancel()
    this.invoker.unlink(this)
  }
}

/** The signal's reason, or a typed error on runtimes that do not set one. */
export function abortReason(signal: AbortSignal, method: string): unknown {
  return signal.reason ?? new CallAbortedError(method)
}
