import type { Cancellable } from './cancellable.js'
import type { Clock } from './clock.js'

/** What the gate needs of a call: to arm its guards, and to park a wait the call's end cancels. */
export interface HeldCall {
  /** Whether the call has ended. */
  readonly ended: boolean
  /** Arms the abort listener, and the deadline timer if the wait reaches the deadline. */
  armWait(endsAt: number): void
  /** Parks the call on `wait` until it is cancelled or removed. */
  track(wait: Cancellable): void
  /** Removes a wait that has finished. */
  untrack(wait: Cancellable): void
}

/**
 * Holds calls until a flood window ends: one timer per key however many calls wait on it. When it
 * fires, every waiter is released and checks the store again on its own (the window may have been
 * extended meanwhile, by this process or another one sharing the store), so the gate itself never
 * needs to know about budgets.
 */
export class FloodGate {
  private readonly windows = new Map<string, HeldWindow>()

  /** Creates a gate on `clock`. */
  constructor(private readonly clock: Clock) {}

  /** The number of (key, end time) pairs calls are currently held on, each with one timer. */
  get heldKeys(): number {
    return this.windows.size
  }

  /**
   * Parks `call` until the window of `key` ends at `endsAt`. Resolves `true` when released, `false`
   * when the call ended first (it is then removed, and the timer with it if it was the last).
   *
   * Calls share a timer when they wait on the same key until the same time (every call held by
   * one flood window). A call held on the same key until another time gets its own timer, so that
   * no call is released before the time it asked for: a pacer holds each call until its own slot.
   */
  hold(call: HeldCall, key: string, endsAt: number): Promise<boolean> {
    call.armWait(endsAt)
    if (call.ended) return Promise.resolve(false)
    const slot = `${endsAt}|${key}`
    let held = this.windows.get(slot)
    if (held === undefined) {
      held = new HeldWindow(this, this.clock, slot, endsAt)
      this.windows.set(slot, held)
    }
    const window = held
    return new Promise((resolve) => window.add(call, resolve))
  }

  /** Forgets a window whose waiters are all gone. */
  drop(key: string, window: HeldWindow): void {
    if (this.windows.get(key) === window) this.windows.delete(key)
  }
}

class HeldWindow {
  private readonly waiters = new Set<Waiter>()
  private timer: unknown

  constructor(
    private readonly gate: FloodGate,
    private readonly clock: Clock,
    private readonly key: string,
    endsAt: number,
  ) {
    this.timer = clock.setTimer(() => this.release(), Math.max(0, endsAt - clock.now()))
  }

  add(call: HeldCall, resolve: (released: boolean) => void): void {
    const waiter = new Waiter(this, call, resolve)
    this.waiters.add(waiter)
    call.track(waiter)
  }

  remove(waiter: Waiter): void {
    this.waiters.delete(waiter)
    if (this.waiters.size === 0) {
      this.clock.clearTimer(this.timer)
      this.gate.drop(this.key, this)
    }
  }

  private release(): void {
    this.gate.drop(this.key, this)
    const waiters = [...this.waiters]
    this.waiters.clear()
    for (const waiter of waiters) waiter.release()
  }
}

class Waiter implements Cancellable {
  constructor(
    private readonly window: HeldWindow,
    private readonly call: HeldCall,
    private readonly resolve: (released: boolean) => void,
  ) {}

  release(): void {
    this.call.untrack(this)
    this.resolve(true)
  }

  cancel(): void {
    this.call.untrack(this)
    this.window.remove(this)
    this.resolve(false)
  }
}
